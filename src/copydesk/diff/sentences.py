"""Sentence-level edit records in the NewsEdits style: added, removed, edited, moved.

Sentences are split generically (no language model): a full stop, question or exclamation mark
ends a sentence unless it closes a known abbreviation, an initial or an initialism ("Mr.",
"J.", "U.S."), and decimals never split because no space follows their point.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from copydesk.diff.align import align_blocks
from copydesk.diff.protocol import Comparable
from copydesk.diff.tokens import paragraph_words

SentenceOp = Literal["added", "removed", "edited", "moved"]

_ABBREVIATION_LIST = (
    "mr mrs ms dr prof st jr sr gen col lt sgt capt cpl maj adm rev gov sen rep pres supt "
    "insp det hon rt messrs mme mlle inc ltd co corp plc bros dept est approx no nos vol "
    "fig op vs v etc al jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed "
    "thu thur thurs fri sat sun ave blvd rd mt ft cf ca"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace.
# Possessive, and never starting inside a run of marks: a long run of "...." stays linear.
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+(?=\s)")
_NEXT_START = re.compile(r"\s+[\"'“‘«(\[]*[\w¿¡]")


_OPS: dict[str, SentenceOp] = {
    "equal": "edited",
    "edit": "edited",
    "move": "moved",
    "insert": "added",
    "delete": "removed",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceEdit:
    """What happened to one sentence between two versions; indexes count sentences."""

    op: SentenceOp
    old: str | None
    new: str | None
    old_index: int | None
    new_index: int | None


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, stripped, in order; "".join of the pieces loses only spaces."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if not _NEXT_START.match(text, end) or _is_abbreviation(text, match.start(), match.group()):
            continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_abbreviation(text: str, dot: int, mark: str) -> bool:
    """Whether the full stop at `dot` closes an abbreviation, an initial or an initialism."""
    if not mark.startswith(".") or mark.startswith(".."):
        return False
    token = _token_before(text, dot)
    if not token:
        return False
    if token.casefold() in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isupper():
        return True  # an initial: "J. K. Rowling"
    return bool(re.fullmatch(r"(?:\w\.)+\w", token))  # "U.S", "e.g", "a.m"


def _token_before(text: str, end: int) -> str:
    """The run of word characters and dots that ends at `end` (a backward scan: linear)."""
    start = end
    while start > 0 and (text[start - 1] in "._" or text[start - 1].isalnum()):
        start -= 1
    return text[start:end]


def sentences_of(item: Comparable | str | Sequence[str]) -> list[str]:
    """All body sentences of a version, a text (paragraphs split on blank lines) or paragraphs."""
    if isinstance(item, str):
        paragraphs: Sequence[str] = re.split(r"\n\s*\n", item)
    elif isinstance(item, Sequence):
        paragraphs = item
    else:
        paragraphs = item.paragraphs
    return [s for p in paragraphs for s in split_sentences(p)]


def sentence_edits(
    old: Comparable | str | Sequence[str], new: Comparable | str | Sequence[str]
) -> list[SentenceEdit]:
    """Every sentence that was added, removed, edited or moved, in new-document order.

    Sentences that differ only trivially (case, punctuation, quote style) count as unchanged.
    """
    a, b = sentences_of(old), sentences_of(new)
    edits: list[SentenceEdit] = []
    for kind, i, j in align_blocks(a, b, edit=0.5, same=0.8):
        before = a[i] if i is not None else None
        after = b[j] if j is not None else None
        if kind in ("equal", "edit") and _same(before, after):
            continue
        edits.append(SentenceEdit(op=_OPS[kind], old=before, new=after, old_index=i, new_index=j))
    return edits


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return a == b or [w.key for w in paragraph_words(a)] == [w.key for w in paragraph_words(b)]
