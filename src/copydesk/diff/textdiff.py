"""Align the paragraphs of two versions, then diff words inside the ones that changed.

Paragraphs are compared by exact text first (cheap, and most survive an edit untouched), so the
word diff only runs on the few that changed; this is what makes long articles fast. One result
structure serves the terminal, the HTML pages and the feeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from copydesk.diff.align import align_runs
from copydesk.diff.protocol import Comparable
from copydesk.diff.words import Span, word_ops

ParagraphOp = Literal["equal", "insert", "delete", "replace", "move"]
PAIR_SIMILARITY = 0.3  # word overlap for an old and a new paragraph to be shown as one edited
MOVE_SIMILARITY = 0.8  # word overlap for a paragraph elsewhere to count as moved


class FieldDiff(NamedTuple):
    """A single-line field (headline, byline) before and after, with word spans."""

    old: str | None
    new: str | None
    spans: tuple[Span, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


class ParagraphDiff(NamedTuple):
    """One row of the paragraph alignment; `spans` rebuild the old and the new paragraph.

    A named tuple: a diff holds one per paragraph, most of them unchanged, and building tuples
    is several times cheaper than building frozen dataclasses. An unchanged row keeps its text
    and makes its single equal span when asked, so unchanged paragraphs cost one tuple each.
    """

    op: ParagraphOp
    old_index: int | None
    new_index: int | None
    edits: tuple[Span, ...]  # the word spans of a changed row; () for an unchanged one
    text: str = ""  # the paragraph of an unchanged row

    @property
    def spans(self) -> tuple[Span, ...]:
        if self.op == "equal":
            return (Span("equal", self.text),) if self.text else ()
        return self.edits

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
    if old == new:
        return FieldDiff(old, new, (Span("equal", old),) if old else ())
    return FieldDiff(old, new, tuple(word_ops(old or "", new or "")))


def align_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[ParagraphDiff]:
    """Paragraph rows in new-document order, word spans inside edited and moved paragraphs."""
    rows: list[ParagraphDiff] = []
    ends: dict[tuple[int, int], tuple[int, int]] = {}
    runs = align_runs(old, new, edit=PAIR_SIMILARITY, same=MOVE_SIMILARITY, ends=ends)
    for kind, i, j, count in runs:
        if i is not None and j is not None:
            if kind == "equal":
                rows.extend(_equal_rows(old[i : i + count], i, j))
            else:
                op: ParagraphOp = "move" if kind == "move" else "replace"
                spans = tuple(word_ops(old[i], new[j], ends=ends.get((i, j))))
                rows.append(tuple.__new__(ParagraphDiff, (op, i, j, spans, "")))
        elif j is not None:
            rows.append(ParagraphDiff("insert", None, j, _whole("insert", new[j])))
        elif i is not None:
            rows.append(ParagraphDiff("delete", i, None, _whole("delete", old[i])))
    return rows


def _equal_rows(texts: Sequence[str], i: int, j: int) -> list[ParagraphDiff]:
    """Rows of a stretch of unchanged paragraphs starting at old `i` and new `j`.

    Most rows of a diff are unchanged paragraphs, so they are built with `tuple.__new__`, the
    named tuple's constructor without its Python-level frame.
    """
    make = tuple.__new__
    return [make(ParagraphDiff, ("equal", i + k, j + k, (), t)) for k, t in enumerate(texts)]


def _whole(op: Literal["equal", "insert", "delete"], text: str) -> tuple[Span, ...]:
    return (Span(op, text),) if text else ()
