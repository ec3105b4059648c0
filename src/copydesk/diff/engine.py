"""Sequence diff on hashable tokens: common head/tail trimmed in Python, the rest by rapidfuzz.

News edits are small against long texts, so trimming the shared head and tail (identity checks
for unchanged paragraphs) leaves a short middle; rapidfuzz's bit-parallel LCS (C++) diffs that
exactly, where difflib.SequenceMatcher is quadratic-ish and its junk heuristic hides repeated
words.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

from rapidfuzz.distance import Indel

Tag = Literal["equal", "insert", "delete", "replace"]
Opcode = tuple[Tag, int, int, int, int]


def diff_opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """Return difflib-style opcodes turning `a` into `b`, covering both sequences."""
    n, m = len(a), len(b)
    head = 0
    while head < n and head < m and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and a[n - 1 - tail] == b[m - 1 - tail]:
        tail += 1
    matches: list[tuple[int, int, int]] = [(0, 0, head)] if head else []
    if n - head - tail and m - head - tail:
        codes: dict[Hashable, int] = {}
        ia = [codes.setdefault(x, len(codes)) for x in a[head : n - tail]]
        ib = [codes.setdefault(x, len(codes)) for x in b[head : m - tail]]
        for op in Indel.opcodes(ia, ib):
            if op.tag == "equal":
                size = op.src_end - op.src_start
                matches.append((op.src_start + head, op.dest_start + head, size))
    if tail:
        matches.append((n - tail, m - tail, tail))
    return _to_opcodes(matches, n, m)


def shared_prefix(a: str, b: str) -> int:
    """Length of the common prefix by binary search over slice comparisons (memcmp speed)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _to_opcodes(matches: list[tuple[int, int, int]], n: int, m: int) -> list[Opcode]:
    """Turn ordered matching blocks into opcodes, merging adjacent blocks."""
    ops: list[Opcode] = []
    i = j = 0
    for ai, bj, size in [*matches, (n, m, 0)]:
        if i < ai and j < bj:
            ops.append(("replace", i, ai, j, bj))
        elif i < ai:
            ops.append(("delete", i, ai, j, bj))
        elif j < bj:
            ops.append(("insert", i, ai, j, bj))
        if size:
            if ops and ops[-1][0] == "equal":
                _, ei, _, ej, _ = ops[-1]
                ops[-1] = ("equal", ei, ai + size, ej, bj + size)
            else:
                ops.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return ops
