"""Discovery: feed, sitemap and front-page bytes -> article candidates (pure parsing, no I/O)."""

from __future__ import annotations

from .detect import detect_kind
from .dispatch import discover, discover_parts
from .filters import looks_like_article_url, matches_source

__all__ = ["detect_kind", "discover", "discover_parts", "looks_like_article_url", "matches_source"]
