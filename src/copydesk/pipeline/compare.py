"""`copydesk compare`: the change decision between two saved pages, without a store."""

from __future__ import annotations

from copydesk.diff import ChangeKind, classify, compare
from copydesk.extract import extract_article


def compare_pages(
    old_html: str | bytes, new_html: str | bytes, *, url: str | None = None
) -> dict[str, object]:
    """Whether and how the article changed between two saved pages (`copydesk compare`)."""
    address = url or "http://unknown.invalid/"
    old = extract_article(old_html, url=address)
    new = extract_article(new_html, url=address)
    verdict = classify(old, new)
    rows = compare(old, new).paragraphs
    # "changed" means a visible version would be recorded; trivial differences do not count.
    return {
        "changed": verdict.kind in (ChangeKind.MINOR, ChangeKind.SUBSTANTIVE),
        "trivial": verdict.kind is ChangeKind.TRIVIAL,
        "kind": str(verdict.kind),
        "flags": list(verdict.flags),
        "title_changed": old.title != new.title and verdict.kind is not ChangeKind.TRIVIAL,
        "paragraphs_added": sum(1 for row in rows if row.op == "insert"),
        "paragraphs_removed": sum(1 for row in rows if row.op == "delete"),
        "paragraphs_changed": sum(1 for row in rows if row.op == "replace"),
    }
