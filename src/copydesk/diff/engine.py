"""Sequence diff on hashable tokens by rapidfuzz's C++ LCS, with no Python loop per token.

News edits are small against long texts, so trimming the shared head and tail leaves a short
middle; rapidfuzz's bit-parallel LCS (C++) diffs that exactly, where difflib.SequenceMatcher is
quadratic-ish and its junk heuristic hides repeated words.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from itertools import count
from typing import Literal

from rapidfuzz.distance import Indel, Postfix, Prefix

Tag = Literal["equal", "insert", "delete", "replace"]
Opcode = tuple[Tag, int, int, int, int]


def diff_opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """Return difflib-style opcodes turning `a` into `b`, covering both sequences.

    Tokens become exact integer ids (no hash clashes) through C-level dict and map calls, and
    rapidfuzz trims the common ends and runs the LCS in C++: no Python code runs per token.
    """
    in_a, in_b = dict.fromkeys(a), dict.fromkeys(b)
    vocabulary = in_a | in_b
    matches: list[tuple[int, int, int]] = []
    if len(vocabulary) < len(in_a) + len(in_b):  # a token on both sides: something matches
        codes = dict(zip(vocabulary, count()))
        ids_a = list(map(codes.__getitem__, a))
        ids_b = list(map(codes.__getitem__, b))
        if ids_a == ids_b:
            return [("equal", 0, len(a), 0, len(b))]
        blocks = Indel.editops(ids_a, ids_b).as_matching_blocks()
        matches = [(block.a, block.b, block.size) for block in blocks if block.size]
    return _to_opcodes(matches, len(a), len(b))


def shared_prefix(a: str, b: str) -> int:
    """Length of the common prefix of two strings (C speed)."""
    return int(Prefix.similarity(a, b))


def shared_suffix(a: str, b: str) -> int:
    """Length of the common suffix of two strings (C speed)."""
    return int(Postfix.similarity(a, b))


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
