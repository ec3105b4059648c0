"""Word-level diff of two strings as spans that rebuild either side exactly.

The raw shortest diff of two sentences matches stray words ("the", a comma) inside a rewritten
phrase and reads as confetti; the semantic clean-up turns such short equalities back into edits,
as diff-match-patch's cleanupSemantic does, so a rewrite shows as one deletion and one insertion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from copydesk.diff.engine import diff_opcodes, shared_prefix

SpanOp = Literal["equal", "insert", "delete"]
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text that both sides share (equal), or only the new (insert) or old (delete) has."""

    op: SpanOp
    text: str


def tokenize(text: str) -> list[str]:
    """Split into words, whitespace runs and single punctuation marks; "".join gives text back."""
    return _TOKEN.findall(text)


def word_ops(old_text: str, new_text: str) -> list[Span]:
    """Spans turning `old_text` into `new_text`; deletions precede insertions at each edit.

    The result is symmetric: swapping the arguments swaps insertions and deletions.
    """
    if old_text == new_text:
        return [Span("equal", old_text)] if old_text else []
    if (len(old_text), old_text) > (len(new_text), new_text):
        return _deletions_first([_swap(span) for span in _canonical(new_text, old_text)])
    return _canonical(old_text, new_text)


def _deletions_first(spans: list[Span]) -> list[Span]:
    """Put each deletion before the insertion it replaces, as the forward diff does."""
    out = list(spans)
    for k in range(len(out) - 1):
        if out[k].op == "insert" and out[k + 1].op == "delete":
            out[k], out[k + 1] = out[k + 1], out[k]
    return out


def _swap(span: Span) -> Span:
    if span.op == "equal":
        return span
    return Span("delete" if span.op == "insert" else "insert", span.text)


def _canonical(old_text: str, new_text: str) -> list[Span]:
    head, tail = _common_ends(old_text, new_text)
    a = tokenize(old_text[head : len(old_text) - tail])
    b = tokenize(new_text[head : len(new_text) - tail])
    runs: list[tuple[SpanOp, list[str]]] = [("equal", [old_text[:head]])] if head else []
    for tag, i1, i2, j1, j2 in diff_opcodes(a, b):
        if tag == "equal":
            runs.append(("equal", a[i1:i2]))
            continue
        if i2 > i1:
            runs.append(("delete", a[i1:i2]))
        if j2 > j1:
            runs.append(("insert", b[j1:j2]))
    if tail:
        runs.append(("equal", [old_text[len(old_text) - tail :]]))
    return _merge(_cleanup(runs))


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the shared head and tail, cut back to word boundaries (C-speed scan)."""
    head = shared_prefix(a, b)
    while (
        head
        and _is_word(a[head - 1])
        and (_is_word(a[head : head + 1]) or _is_word(b[head : head + 1]))
    ):
        head -= 1
    limit = min(len(a), len(b)) - head
    tail = shared_prefix(a[::-1], b[::-1])
    tail = min(tail, limit)
    while (
        tail
        and _is_word(a[len(a) - tail])
        and (
            _is_word(a[len(a) - tail - 1 : len(a) - tail])
            or _is_word(b[len(b) - tail - 1 : len(b) - tail])
        )
    ):
        tail -= 1
    return head, tail


def _is_word(ch: str) -> bool:
    return bool(ch) and (ch.isalnum() or ch == "_")


def _cleanup(runs: list[tuple[SpanOp, list[str]]]) -> list[tuple[SpanOp, list[str]]]:
    """Dissolve equalities no longer than the edits on either side of them, until stable."""
    changed = True
    while changed:
        changed = False
        runs = _merge_runs(runs)
        for k, (op, tokens) in enumerate(runs):
            if op != "equal" or k == 0 or k == len(runs) - 1:
                continue
            size = sum(len(t) for t in tokens)
            before = _edit_size(runs, k, -1)
            after = _edit_size(runs, k, 1)
            if (size <= before and size <= after) or not "".join(tokens).strip():
                runs[k] = ("delete", tokens)
                runs.insert(k + 1, ("insert", list(tokens)))
                changed = True
                break
    return runs


def _edit_size(runs: list[tuple[SpanOp, list[str]]], k: int, step: int) -> int:
    """Larger of deleted and inserted characters in the edit run next to runs[k]."""
    deleted = inserted = 0
    k += step
    while 0 <= k < len(runs) and runs[k][0] != "equal":
        size = sum(len(t) for t in runs[k][1])
        if runs[k][0] == "delete":
            deleted += size
        else:
            inserted += size
        k += step
    return max(deleted, inserted)


def _merge_runs(runs: list[tuple[SpanOp, list[str]]]) -> list[tuple[SpanOp, list[str]]]:
    """Group each stretch between equalities into one deletion then one insertion."""
    out: list[tuple[SpanOp, list[str]]] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, tokens in [*runs, ("equal", [])]:
        if op == "delete":
            deleted.extend(tokens)
        elif op == "insert":
            inserted.extend(tokens)
        else:
            if deleted:
                out.append(("delete", deleted))
            if inserted:
                out.append(("insert", inserted))
            deleted, inserted = [], []
            if out and out[-1][0] == "equal":
                out[-1] = ("equal", out[-1][1] + tokens)
            elif tokens:
                out.append(("equal", list(tokens)))
    return out


def _merge(runs: list[tuple[SpanOp, list[str]]]) -> list[Span]:
    return [Span(op, "".join(tokens)) for op, tokens in _merge_runs(runs) if tokens]
