"""Turn the diff stage's TextDiff into rows a template can print without logic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from copydesk.diff import TextDiff, compare
from copydesk.records import Version

Piece = tuple[str, str]  # (op, text): op is "equal", "insert" or "delete"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffRow:
    """One paragraph row: what the old and new side show, and the inline merge of both."""

    anchor: str
    op: str
    old: tuple[Piece, ...]
    new: tuple[Piece, ...]
    inline: tuple[Piece, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffView:
    title: tuple[Piece, ...]
    title_changed: bool
    byline: tuple[Piece, ...]
    byline_changed: bool
    rows: tuple[DiffRow, ...]
    changed_rows: int


def _pieces(spans: Sequence[Any], keep: frozenset[str]) -> tuple[Piece, ...]:
    return tuple((str(s.op), str(s.text)) for s in spans if s.op in keep and s.text)


_ALL = frozenset({"equal", "insert", "delete"})
_OLD = frozenset({"equal", "delete"})
_NEW = frozenset({"equal", "insert"})


def diff_view(old: Version, new: Version) -> DiffView:
    """Compare two versions and lay the result out as anchored paragraph rows."""
    result: TextDiff = compare(old, new)
    rows = tuple(
        DiffRow(
            anchor=f"p{index}",
            op=row.op,
            old=_pieces(row.spans, _OLD),
            new=_pieces(row.spans, _NEW),
            inline=_pieces(row.spans, _ALL),
        )
        for index, row in enumerate(result.paragraphs, start=1)
    )
    return DiffView(
        title=_pieces(result.title.spans, _ALL),
        title_changed=result.title.changed,
        byline=_pieces(result.byline.spans, _ALL),
        byline_changed=result.byline.changed,
        rows=rows,
        changed_rows=len(result.changes),
    )


# Unchanged paragraphs shown around each change; longer runs of unchanged text are folded.
CONTEXT = 1
_MIN_FOLD = 2  # folding a single paragraph behind a button saves nothing


@dataclass(frozen=True, slots=True, kw_only=True)
class Fold:
    """A run of unchanged paragraphs shown behind "N unchanged paragraphs" (<details>)."""

    folded: tuple[DiffRow, ...]

    @property
    def count(self) -> int:
        return len(self.folded)


def fold_unchanged(
    rows: Sequence[DiffRow], *, context: int = CONTEXT
) -> tuple[DiffRow | Fold, ...]:
    """The rows with runs of unchanged paragraphs folded, keeping `context` around each change."""
    near: set[int] = set()
    for index, row in enumerate(rows):
        if row.op != "equal":
            near.update(range(index - context, index + context + 1))
    blocks: list[DiffRow | Fold] = []
    run: list[DiffRow] = []

    def flush() -> None:
        if len(run) >= _MIN_FOLD:
            blocks.append(Fold(folded=tuple(run)))
        else:
            blocks.extend(run)
        run.clear()

    for index, row in enumerate(rows):
        if row.op == "equal" and index not in near:
            run.append(row)
            continue
        flush()
        blocks.append(row)
    flush()
    return tuple(blocks)


def summary(kind: str | None, flags: Sequence[str]) -> str:
    """`substantive change: headline, numbers` for feeds and tables."""
    label = f"{kind} change" if kind else "change"
    return f"{label}: {', '.join(flags)}" if flags else label
