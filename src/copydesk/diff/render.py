"""Terminal rendering as (style, text) segments; the CLI maps styles to colours.

Styles are "" (plain), "insert", "delete" and "heading", so the diff stage stays free of Rich.
"""

from __future__ import annotations

from copydesk.diff.significance import Classification
from copydesk.diff.textdiff import FieldDiff, ParagraphDiff, TextDiff

Segment = tuple[str, str]


def render_terminal(
    diff: TextDiff, *, classification: Classification | None = None, context: int = 1
) -> list[Segment]:
    """Headline, byline and changed paragraphs with `context` unchanged ones around each."""
    out: list[Segment] = []
    if classification is not None:
        flags = f" [{', '.join(classification.flags)}]" if classification.flags else ""
        out.append(("heading", f"Change: {classification.kind.value}{flags}\n"))
    out.extend(_field("Headline", diff.title))
    if diff.byline.changed or diff.byline.new:
        out.extend(_field("Byline", diff.byline))
    out.append(("", "\n"))
    rows = diff.paragraphs
    keep = _visible_rows(rows, context)
    skipped = 0
    for index, row in enumerate(rows):
        if index not in keep:
            skipped += 1
            continue
        if skipped:
            out.append(("heading", f"… {skipped} unchanged paragraph{'s' * (skipped > 1)} …\n\n"))
            skipped = 0
        out.extend(_paragraph(row))
    if skipped:
        out.append(("heading", f"… {skipped} unchanged paragraph{'s' * (skipped > 1)} …\n"))
    return out


def _field(label: str, field: FieldDiff) -> list[Segment]:
    segments: list[Segment] = [("heading", f"{label}: ")]
    segments.extend((_style(span.op), span.text) for span in field.spans)
    segments.append(("", "\n"))
    return segments


def _paragraph(row: ParagraphDiff) -> list[Segment]:
    segments: list[Segment] = []
    if row.op == "move":
        segments.append(("heading", f"[moved from paragraph {(row.old_index or 0) + 1}] "))
    segments.extend((_style(span.op), span.text) for span in row.spans)
    segments.append(("", "\n\n"))
    return segments


def _style(op: str) -> str:
    return "" if op == "equal" else op


def _visible_rows(rows: tuple[ParagraphDiff, ...], context: int) -> set[int]:
    """Indexes of changed rows and of the unchanged rows within `context` of one."""
    keep: set[int] = set()
    for index, row in enumerate(rows):
        if row.op != "equal":
            keep.update(range(max(0, index - context), min(len(rows), index + context + 1)))
    return keep
