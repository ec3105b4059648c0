"""Research exports: one JSON object per version (and, later, per sentence-level edit)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from copydesk.records import TrackedArticle, Version


def version_row(article: TrackedArticle, version: Version) -> dict[str, Any]:
    """The documented `--format jsonl` record of one version."""
    return {
        "article_url": article.url,
        "source": article.source,
        "version": version.number,
        "captured_at": version.captured_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "title": version.title,
        "byline": version.byline,
        "published_at": version.published_at,
        "paragraphs": list(version.paragraphs),
        "text": version.text,
        "trivial": version.trivial,
        "change": version.change_kind,
    }


def export_rows(
    pairs: Iterable[tuple[TrackedArticle, Version]],
) -> Iterator[dict[str, Any]]:
    for article, version in pairs:
        yield version_row(article, version)
