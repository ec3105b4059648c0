"""Word-level diff of two strings as spans that rebuild either side exactly.

The raw shortest diff of two sentences matches stray words ("the", a comma) inside a rewritten
phrase and reads as confetti; the semantic clean-up turns such short equalities back into edits,
as diff-match-patch's cleanupSemantic does, so a rewrite shows as one deletion and one insertion.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from copydesk.diff.opcodes import common_ends, diff_opcodes

SpanOp = Literal["equal", "insert", "delete"]
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD_START = re.compile(r"\w+")


class Span(NamedTuple):
    """A run of text that both sides share (equal), or only the new (insert) or old (delete) has.

    A named tuple rather than a dataclass: diffs build one per run, and tuples are the cheapest
    immutable record Python constructs.
    """

    op: SpanOp
    text: str


def tokenize(text: str) -> list[str]:
    """Split into words, whitespace runs and single punctuation marks; "".join gives text back."""
    return _TOKEN.findall(text)


def word_ops(old_text: str, new_text: str, *, ends: tuple[int, int] | None = None) -> list[Span]:
    """Spans turning `old_text` into `new_text`; deletions precede insertions at each edit.

    The result is symmetric: swapping the arguments swaps insertions and deletions, because the
    diff is always computed in one canonical direction. `ends` may pass the common head and
    tail lengths (engine.common_ends) when the caller has measured them already.
    """
    if old_text == new_text:
        return [Span("equal", old_text)] if old_text else []
    swap = (len(old_text), old_text) > (len(new_text), new_text)
    if swap:
        old_text, new_text = new_text, old_text
    eqs, dels, inss = _canonical(old_text, new_text, ends)
    return _spans(eqs, inss, dels) if swap else _spans(eqs, dels, inss)


# The canonical diff: equalities eqs[0..n] around n edits (dels[k], inss[k]) between eqs[k] and
# eqs[k + 1]; the outer equalities may be empty, the inner ones never are.
_Runs = tuple[list[str], list[str], list[str]]


def _canonical(old_text: str, new_text: str, ends: tuple[int, int] | None) -> _Runs:
    head, tail = _word_ends(old_text, new_text, ends or common_ends(old_text, new_text))
    old_mid = old_text[head : len(old_text) - tail]
    new_mid = new_text[head : len(new_text) - tail]
    end = old_text[len(old_text) - tail :] if tail else ""
    if not old_mid or not new_mid or (old_mid.isalnum() and new_mid.isalnum()):
        return [old_text[:head], end], [old_mid], [new_mid]  # one word or one side: one edit
    a, b = _TOKEN.findall(old_mid), _TOKEN.findall(new_mid)
    if set(a).isdisjoint(b):  # no token in common: nothing to align
        return [old_text[:head], end], [old_mid], [new_mid]
    eqs, dels, inss = [old_text[:head]], [], []
    for tag, i1, i2, j1, j2 in diff_opcodes(a, b):
        if tag == "equal":
            eqs[-1] += "".join(a[i1:i2])
        else:
            dels.append("".join(a[i1:i2]))
            inss.append("".join(b[j1:j2]))
            eqs.append("")
    eqs[-1] += end
    if len(dels) > 1:
        _cleanup(eqs, dels, inss)
    return eqs, dels, inss


def _word_ends(a: str, b: str, ends: tuple[int, int]) -> tuple[int, int]:
    """The common head and tail lengths cut back so that no word is split."""
    head, tail = ends
    if (
        head
        and _is_word(a[head - 1])
        and (_is_word(a[head : head + 1]) or _is_word(b[head : head + 1]))
    ):
        while head and _is_word(a[head - 1]):  # inside a word: back to its start
            head -= 1
    tail = min(tail, len(a) - head, len(b) - head)
    cut_a, cut_b = len(a) - tail, len(b) - tail
    if (
        tail
        and _is_word(a[cut_a])
        and (_is_word(a[cut_a - 1 : cut_a]) or _is_word(b[cut_b - 1 : cut_b]))
    ):
        word = _WORD_START.match(a, cut_a)  # inside a word: forward to its end
        tail -= word.end() - cut_a if word else 0
    return head, tail


def _is_word(ch: str) -> bool:
    return bool(ch) and (ch.isalnum() or ch == "_")


def _cleanup(eqs: list[str], dels: list[str], inss: list[str]) -> None:
    """Dissolve inner equalities no longer than the edits on either side, leftmost first.

    Dissolving one only enlarges its neighbours' edits, so only the equality before it can
    become dissolvable in turn: one pass with a step back gives the fixed point.
    """
    k = 1
    while k < len(eqs) - 1:
        text = eqs[k]
        size = len(text)
        before = max(len(dels[k - 1]), len(inss[k - 1]))
        after = max(len(dels[k]), len(inss[k]))
        if (size <= before and size <= after) or not text.strip():
            dels[k - 1 : k + 1] = [dels[k - 1] + text + dels[k]]
            inss[k - 1 : k + 1] = [inss[k - 1] + text + inss[k]]
            del eqs[k]
            k = max(1, k - 1)
        else:
            k += 1


def _spans(eqs: list[str], dels: list[str], inss: list[str]) -> list[Span]:
    """Spans of the canonical runs (pass insertions as `dels` for the reverse diff).

    Spans are built with `tuple.__new__`, the named tuple's constructor minus its Python frame.
    """
    make = tuple.__new__
    out = [make(Span, ("equal", eqs[0]))] if eqs[0] else []
    for k, removed in enumerate(dels):
        if removed:
            out.append(make(Span, ("delete", removed)))
        if inss[k]:
            out.append(make(Span, ("insert", inss[k])))
        if eqs[k + 1]:
            out.append(make(Span, ("equal", eqs[k + 1])))
    return out
