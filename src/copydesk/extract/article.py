"""The adapter over trafilatura: page HTML in, a normalised Article record out."""

from __future__ import annotations

import trafilatura

from copydesk.errors import ExtractError
from copydesk.extract.blocks import separate_loose_runs
from copydesk.extract.body import body_paragraphs
from copydesk.extract.embeds import keep_embeds
from copydesk.extract.metadata import page_metadata
from copydesk.extract.parse import parse_html, strip_code
from copydesk.extract.rules import apply_drop, apply_keep, rules_fingerprint
from copydesk.records import Article, ExtractRules

# Bump whenever extraction output can change: the tracker re-extracts stored HTML on a new id.
_COPYDESK_REVISION = 8
EXTRACTOR_ID = f"trafilatura {trafilatura.__version__}+copydesk {_COPYDESK_REVISION}"
_NO_RULES = ExtractRules()


def extractor_id(rules: ExtractRules = _NO_RULES) -> str:
    """The `Article.extractor` this code gives with these rules: text from another reads anew."""
    fingerprint = rules_fingerprint(rules)
    return f"{EXTRACTOR_ID};rules={fingerprint}" if fingerprint else EXTRACTOR_ID


def extract_article(html: str | bytes, *, url: str, rules: ExtractRules = _NO_RULES) -> Article:
    """Extract headline, byline, date and body paragraphs from one page.

    Raises:
        ExtractError: the page holds no article text (empty, binary, no body), or a rule
            selector is invalid. Nothing else escapes: parser and library failures end here.
    """
    try:
        return _extract(html, url=url, rules=rules)
    except ExtractError:
        raise
    except Exception as exc:  # a foreign library failed on odd input: one error type leaves
        raise ExtractError(f"extraction failed: {type(exc).__name__}: {exc}") from exc


def _extract(data: str | bytes, *, url: str, rules: ExtractRules) -> Article:
    tree = parse_html(data)
    meta = page_metadata(tree, url=url)
    strip_code(tree)
    apply_drop(tree, rules)
    kept = apply_keep(tree, rules)
    root = kept if kept is not None else tree
    keep_embeds(root)
    separate_loose_runs(root)
    paragraphs = body_paragraphs(
        root,
        url=url,
        title=meta.title,
        canonical=meta.canonical_url,
    )
    if not paragraphs:
        raise ExtractError("no article text found")
    return Article(
        title=meta.title,
        byline=meta.byline,
        published_at=meta.published_at,
        paragraphs=paragraphs,
        extractor=extractor_id(rules),
        canonical_url=meta.canonical_url,
    )
