"""Label a change between two versions: identical, trivial, minor or substantive, with flags.

The tracker stores a visible version for minor and substantive changes, a hidden one for trivial
changes and nothing for identical ones, so the word keys in `tokens` decide what is noise.
Trivial means whitespace, punctuation, case and encoding only: a changed letter inside a word
("lehtal" -> "lethal") is at least minor, so a hidden version never hides one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from copydesk.diff.align import align_blocks
from copydesk.diff.opcodes import Opcode, diff_opcodes
from copydesk.diff.protocol import Comparable
from copydesk.diff.tokens import Word, clean_text, is_number, paragraph_words, text_words

FLAGS = (
    "headline",
    "byline",
    "numbers",
    "quote",
    "paragraphs-added",
    "paragraphs-removed",
    "correction-note",
    "stealth",
)

_BY = re.compile(r"^\W*by\b", re.IGNORECASE)  # "By Sam Reed" and "Sam Reed" name the same
SHORT_EDIT = 3  # words: an edit this small that drops a figure changes the figure
_NOTICE = re.compile(
    r"^\W*(corrections?|clarifications?|update[sd]?|editor'?s'? note|amendment|retraction)\b"
    r"\s*(\(|[,:.\-—–]|\d|on\b|appended\b)"
    r"|\b(this|the)\s+(article|story|report|post|piece|headline|page|item)\s+"
    r"(has\s+been|have\s+been|was|were|is\s+being)\s+"
    r"(updated|amended|corrected|changed|edited|revised|clarified)"
    r"|\b(an?|the)\s+(earlier|previous|original|prior)\s+version\b"
    r"|\b(incorrectly|mistakenly|erroneously|wrongly|inaccurately)\s+(said|stated|reported|"
    r"described|identified|named|referred|gave|quoted|attributed|listed|suggested|called|spelled)"
    r"|\b(misstated|misspelled|misidentified|misattributed|misquoted|misnamed)\b"
    r"|\bwe\s+(regret|apologi[sz]e)\b"
    r"|\bhas\s+been\s+(corrected|amended|clarified)\b"
    r"|\bcorrection\s+appended\b",
    re.IGNORECASE,
)


class ChangeKind(StrEnum):
    IDENTICAL = "identical"
    TRIVIAL = "trivial"
    MINOR = "minor"
    SUBSTANTIVE = "substantive"


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """Where minor ends and substantive begins; tune per deployment."""

    minor_max_words: int = 3  # edited words (per hunk, the larger side) still counted as minor
    numbers_substantive: bool = True  # a changed figure is a factual change, never a typo
    new_paragraph_share: float = 0.7  # share of a paragraph's words that must be new / gone
    edit_similarity: float = 0.25  # word overlap for a new paragraph to be an edit of an old one
    move_similarity: float = 0.8  # word overlap for a paragraph elsewhere to count as moved


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """The verdict on one change and the counts behind it."""

    kind: ChangeKind
    flags: tuple[str, ...] = ()
    words_added: int = 0
    words_removed: int = 0
    edited_words: int = 0  # sum over hunks of the larger side: a one-word swap counts 1
    paragraphs_added: int = 0
    paragraphs_removed: int = 0

    @property
    def visible(self) -> bool:
        """Whether the tracker shows this change as a new version."""
        return self.kind in (ChangeKind.MINOR, ChangeKind.SUBSTANTIVE)


@dataclass(frozen=True, slots=True)
class _Side:
    """Word lists of one version: headline, byline and body."""

    title: list[Word]
    byline: list[Word]
    body: list[Word]
    title_text: str
    paragraphs: Sequence[str]


def classify(
    old: Comparable, new: Comparable, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Classification:
    """Classify the change from `old` to `new` (see ChangeKind) and flag what kind of edit it is."""
    if (
        old.title == new.title
        and old.byline == new.byline
        and tuple(old.paragraphs) == tuple(new.paragraphs)
    ):
        return Classification(kind=ChangeKind.IDENTICAL)
    a, b = _side(old), _side(new)
    if (
        _keys(a.title) == _keys(b.title)
        and _keys(a.byline) == _keys(b.byline)
        and _keys(a.body) == _keys(b.body)
        and _same_letters(old, new)
    ):
        return Classification(kind=ChangeKind.TRIVIAL)
    return _judge(a, b, thresholds)


def _letters(text: str) -> str:
    """The letters and digits of a text in order, lower-cased (not case-folded: "ß" stays)."""
    return "".join(ch for ch in clean_text(text).lower() if ch.isalnum())


def _same_letters(old: Comparable, new: Comparable) -> bool:
    """Whether every field keeps its letters: a trivial change never touches one.

    Word keys fold case the Unicode way ("Straße" and "STRASSE" share a key); a hidden
    version must still never hide a changed letter, so the letters are compared as well.
    """
    return all(
        _letters(a) == _letters(b)
        for a, b in (
            (old.title, new.title),
            (_BY.sub("", old.byline or ""), _BY.sub("", new.byline or "")),
            ("\n".join(old.paragraphs), "\n".join(new.paragraphs)),
        )
    )


def _side(item: Comparable) -> _Side:
    byline = paragraph_words(item.byline or "")
    if byline and byline[0].key == "by":
        byline = byline[1:]
    return _Side(
        paragraph_words(item.title),
        byline,
        text_words(item.paragraphs),
        item.title,
        item.paragraphs,
    )


def _keys(words: Sequence[Word]) -> list[str]:
    return [w.key for w in words]


def _judge(a: _Side, b: _Side, thresholds: Thresholds) -> Classification:
    title_ops = diff_opcodes(_keys(a.title), _keys(b.title))
    byline_ops = diff_opcodes(_keys(a.byline), _keys(b.byline))
    body_ops = diff_opcodes(_keys(a.body), _keys(b.body))
    new_paras, gone_paras, moved_old, moved_new = _paragraph_changes(a, b, body_ops, thresholds)
    body = _drop_moved(a.body, b.body, body_ops, moved_old, moved_new)
    added = removed = edited = 0
    for ops in (title_ops, byline_ops, body[2]):
        for tag, i1, i2, j1, j2 in ops:
            if tag != "equal":
                added, removed = added + j2 - j1, removed + i2 - i1
                edited += max(i2 - i1, j2 - j1)
    numbers = _figures_changed(a.title, b.title, title_ops) or _figures_changed(*body)
    flags = {
        "headline": _keys(a.title) != _keys(b.title),
        "byline": _keys(a.byline) != _keys(b.byline),
        "numbers": numbers,
        "quote": _quote_changed(*body) or _quote_changed(a.title, b.title, title_ops),
        "paragraphs-added": new_paras > 0,
        "paragraphs-removed": gone_paras > 0,
        "correction-note": _notice_appeared(a, b),
    }
    substantive = edited > thresholds.minor_max_words or (
        numbers and thresholds.numbers_substantive
    )
    flags["stealth"] = substantive and not flags["correction-note"]
    return Classification(
        kind=ChangeKind.SUBSTANTIVE if substantive else ChangeKind.MINOR,
        flags=tuple(name for name in FLAGS if flags[name]),
        words_added=added,
        words_removed=removed,
        edited_words=edited,
        paragraphs_added=new_paras,
        paragraphs_removed=gone_paras,
    )


def _drop_moved(
    old: list[Word], new: list[Word], ops: list[Opcode], moved_old: set[int], moved_new: set[int]
) -> tuple[list[Word], list[Word], list[Opcode]]:
    """The body diff without the words of moved paragraphs: a move alone edits no words."""
    if not moved_old and not moved_new:
        return old, new, ops
    keep_old = [w for w in old if w.para not in moved_old]
    keep_new = [w for w in new if w.para not in moved_new]
    return keep_old, keep_new, diff_opcodes(_keys(keep_old), _keys(keep_new))


def _figures_changed(old: list[Word], new: list[Word], ops: list[Opcode]) -> bool:
    """A figure was replaced by another, or dropped from a short edited phrase ("12" -> "some").

    A passage rewritten wholesale into text without figures is a rewrite, not a changed figure.
    """
    for tag, i1, i2, j1, j2 in ops:
        if tag in ("equal", "insert"):
            continue
        before = Counter(w.key for w in old[i1:i2] if is_number(w.key))
        after = Counter(w.key for w in new[j1:j2] if is_number(w.key))
        if before and before != after and (after or max(i2 - i1, j2 - j1) <= SHORT_EDIT):
            return True
    return False


def _quote_changed(old: list[Word], new: list[Word], ops: list[Opcode]) -> bool:
    """Quoted words were removed or replaced, or words were slipped into a standing quote."""
    for tag, i1, i2, j1, j2 in ops:
        if tag in ("delete", "replace") and any(w.quoted for w in old[i1:i2]):
            return True
        if tag == "insert" and any(w.quoted for w in new[j1:j2]):
            before = new[j1 - 1] if j1 > 0 else None
            after = new[j2] if j2 < len(new) else None
            if any(w is not None and w.quoted for w in (before, after)):
                return True
    return False


def _paragraph_changes(
    a: _Side, b: _Side, ops: list[Opcode], thresholds: Thresholds
) -> tuple[int, int, set[int], set[int]]:
    """Counts of added and removed paragraphs, and the moved ones on each side.

    A paragraph is added (removed) when the paragraph alignment finds no counterpart for it and
    most of its words are new (gone): the second test keeps re-split paragraphs out.
    """
    fresh = [False] * len(b.body)
    lost = [False] * len(a.body)
    for tag, i1, i2, j1, j2 in ops:
        if tag != "equal":
            lost[i1:i2] = [True] * (i2 - i1)
            fresh[j1:j2] = [True] * (j2 - j1)
    mostly_new = _mostly(b.body, fresh, thresholds.new_paragraph_share)
    mostly_gone = _mostly(a.body, lost, thresholds.new_paragraph_share)
    added = removed = 0
    moved_old: set[int] = set()
    moved_new: set[int] = set()
    links = align_blocks(
        a.paragraphs, b.paragraphs, edit=thresholds.edit_similarity, same=thresholds.move_similarity
    )
    for kind, old, new in links:
        if kind == "insert" and new in mostly_new:
            added += 1
        elif kind == "delete" and old in mostly_gone:
            removed += 1
        elif kind == "move" and old is not None and new is not None:
            moved_old.add(old)
            moved_new.add(new)
    return added, removed, moved_old, moved_new


def _mostly(words: list[Word], changed: list[bool], share: float) -> set[int]:
    """Paragraphs whose share of changed words reaches `share`."""
    total: Counter[int] = Counter()
    hit: Counter[int] = Counter()
    for word, flag in zip(words, changed, strict=True):
        total[word.para] += 1
        hit[word.para] += flag
    return {p for p in total if hit[p] / total[p] >= share}


def _notices(side: _Side) -> set[str]:
    texts = [*side.paragraphs, side.title_text]
    found = set()
    for text in texts:
        cleaned = clean_text(text).replace("’", "'")
        if _NOTICE.search(cleaned):
            found.add(" ".join(w.key for w in paragraph_words(cleaned)))
    return found


def _notice_appeared(a: _Side, b: _Side) -> bool:
    """A correction, clarification or update notice is in the new version but not the old."""
    return bool(_notices(b) - _notices(a))
