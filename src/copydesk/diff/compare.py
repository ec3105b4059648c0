"""Align the paragraphs of two versions, then diff words inside the ones that changed.

Paragraphs are compared by exact text first (cheap, and most survive an edit untouched), so the
word diff only runs on the few that changed; this is what makes long articles fast. One result
structure serves the terminal, the HTML pages and the feeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from copydesk.diff.align import align_blocks
from copydesk.diff.protocol import Comparable
from copydesk.diff.words import Span, word_ops

ParagraphOp = Literal["equal", "insert", "delete", "replace", "move"]
PAIR_SIMILARITY = 0.3  # word overlap for an old and a new paragraph to be shown as one edited
MOVE_SIMILARITY = 0.8  # word overlap for a paragraph elsewhere to count as moved


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDiff:
    """A single-line field (headline, byline) before and after, with word spans."""

    old: str | None
    new: str | None
    spans: tuple[Span, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True, slots=True, kw_only=True)
class ParagraphDiff:
    """One row of the paragraph alignment; `spans` rebuild the old and the new paragraph."""

    op: ParagraphOp
    old_index: int | None
    new_index: int | None
    spans: tuple[Span, ...]

    @property
    def old_text(self) -> str:
        return "".join(s.text for s in self.spans if s.op != "insert")

    @property
    def new_text(self) -> str:
        return "".join(s.text for s in self.spans if s.op != "delete")


@dataclass(frozen=True, slots=True, kw_only=True)
class TextDiff:
    """Everything that differs between two versions, in new-document order."""

    title: FieldDiff
    byline: FieldDiff
    paragraphs: tuple[ParagraphDiff, ...]

    @property
    def changed(self) -> bool:
        """False exactly when the two versions are identical."""
        return self.title.changed or self.byline.changed or bool(self.changes)

    @property
    def changes(self) -> tuple[ParagraphDiff, ...]:
        """The paragraph rows that are not plain equalities."""
        return tuple(p for p in self.paragraphs if p.op != "equal")


def compare(old: Comparable, new: Comparable) -> TextDiff:
    """Diff headline, byline and paragraphs of two versions."""
    return TextDiff(
        title=_field(old.title, new.title),
        byline=_field(old.byline, new.byline),
        paragraphs=tuple(align_paragraphs(old.paragraphs, new.paragraphs)),
    )


def _field(old: str | None, new: str | None) -> FieldDiff:
    return FieldDiff(old=old, new=new, spans=tuple(word_ops(old or "", new or "")))


def align_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[ParagraphDiff]:
    """Paragraph rows in new-document order, word spans inside edited and moved paragraphs."""
    rows: list[ParagraphDiff] = []
    for link in align_blocks(old, new, edit=PAIR_SIMILARITY, same=MOVE_SIMILARITY):
        i, j = link.old, link.new
        if i is not None and j is not None:
            if link.kind == "move":
                op: ParagraphOp = "move"
            else:
                op = "equal" if old[i] == new[j] else "replace"
            spans = _whole("equal", old[i]) if op == "equal" else tuple(word_ops(old[i], new[j]))
            rows.append(ParagraphDiff(op=op, old_index=i, new_index=j, spans=spans))
        elif j is not None:
            rows.append(
                ParagraphDiff(
                    op="insert", old_index=None, new_index=j, spans=_whole("insert", new[j])
                )
            )
        elif i is not None:
            rows.append(
                ParagraphDiff(
                    op="delete", old_index=i, new_index=None, spans=_whole("delete", old[i])
                )
            )
    return rows


def _whole(op: Literal["equal", "insert", "delete"], text: str) -> tuple[Span, ...]:
    return (Span(op, text),) if text else ()
