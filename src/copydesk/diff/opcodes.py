"""Sequence diff on hashable tokens by rapidfuzz's C++ LCS, with no Python loop per token.

News edits are small against long texts, so trimming the shared head and tail leaves a short
middle; rapidfuzz's bit-parallel LCS (C++) diffs that exactly, where difflib.SequenceMatcher is
quadratic-ish and its junk heuristic hides repeated words.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Sequence
from itertools import count
from typing import Literal

from rapidfuzz.distance import Indel, Postfix, Prefix

Tag = Literal["equal", "insert", "delete", "replace"]
Opcode = tuple[Tag, int, int, int, int]


def diff_opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """Return difflib-style opcodes turning `a` into `b`, covering both sequences."""
    return _to_opcodes(matching_blocks(a, b), len(a), len(b))


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """Ordered (i, j, size) runs with a[i:i+size] == b[j:j+size], ending with (len(a), len(b), 0).

    Tokens become exact ids (no hash clashes), one character each, through C-level dict, map
    and join calls; rapidfuzz trims the common ends and runs the LCS in C++ on the two strings:
    no Python code runs per token.
    """
    n, m = len(a), len(b)
    ids_a, ids_b = _encode(a, b)
    if ids_a == ids_b:
        return [(0, 0, n), (n, m, 0)] if n else [(0, 0, 0)]
    blocks = Indel.editops(ids_a, ids_b).as_matching_blocks()
    found = [(block.a, block.b, block.size) for block in blocks if block.size]
    found.append((n, m, 0))
    return found


def common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and the common suffix (they may overlap), measured in C."""
    return Prefix.similarity(a, b), Postfix.similarity(a, b)


def _encode(
    a: Sequence[Hashable], b: Sequence[Hashable]
) -> tuple[Sequence[Hashable], Sequence[Hashable]]:
    """Both sequences as token ids: one character per token, as rapidfuzz reads str fastest.

    `setdefault` hands each new token the next number of a shared counter and a known token its
    old one, so equal tokens get equal ids without a Python loop.
    """
    ids: dict[Hashable, int] = {}
    counter = count()
    if len(a) + len(b) > sys.maxunicode:
        return list(map(ids.setdefault, a, counter)), list(map(ids.setdefault, b, counter))
    ids_a = "".join(map(chr, map(ids.setdefault, a, counter)))
    return ids_a, "".join(map(chr, map(ids.setdefault, b, counter)))


def _to_opcodes(matches: list[tuple[int, int, int]], n: int, m: int) -> list[Opcode]:
    """Turn ordered matching blocks (sentinel included) into opcodes, merging adjacent ones."""
    ops: list[Opcode] = []
    i = j = 0
    for ai, bj, size in matches:
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
