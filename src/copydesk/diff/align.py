"""Align blocks (paragraphs, sentences) of two versions: kept, edited, moved, added, removed.

Blocks are first identified across versions (exact text, then near-identical word bags), and the
longest common subsequence of those identities gives the kept order; a block identified with one
outside that order has moved. Only the few unmatched blocks are compared pairwise, so long texts
with small edits stay cheap.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from copydesk.diff.engine import diff_opcodes, shared_prefix

Bag = frozenset[str]
LinkKind = Literal["equal", "edit", "move", "insert", "delete"]
_WORDS = re.compile(r"\w+")
MAX_PAIRINGS = 40_000  # beyond this many unmatched old x new blocks, skip fuzzy pairing


@dataclass(frozen=True, slots=True)
class Link:
    """One aligned row: `equal` rows may still differ in text when near-identical."""

    kind: LinkKind
    old: int | None
    new: int | None


@dataclass(slots=True)
class _Bags:
    """Word bags computed on demand: most blocks are matched exactly and never need one."""

    texts: Sequence[str]
    cache: dict[int, Bag] = field(default_factory=dict)

    def __getitem__(self, index: int) -> Bag:
        if index not in self.cache:
            self.cache[index] = bag(self.texts[index])
        return self.cache[index]


def bag(text: str) -> Bag:
    """Set of casefolded words: the basis of block similarity, blind to punctuation."""
    return frozenset(_WORDS.findall(text.casefold()))


def similarity(a: Bag, b: Bag) -> float:
    """Dice overlap of two word sets, 1.0 for two empty blocks."""
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 1.0


def align_blocks(
    old: Sequence[str], new: Sequence[str], *, edit: float = 0.5, same: float = 0.8
) -> list[Link]:
    """Rows in new-document order; deletions sit where they stood relative to kept blocks.

    Exact text is aligned first (longest common subsequence); inside each changed stretch, old
    and new blocks that resemble each other are paired in order as edits; blocks still
    unmatched are compared across the whole text to find moves.
    """
    old_bags, new_bags = _Bags(old), _Bags(new)
    ops = diff_opcodes(old, new)
    pairs: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in ops:
        if tag == "replace":
            pairs.update(
                _pair_in_order(list(range(i1, i2)), list(range(j1, j2)), old_bags, new_bags, edit)
            )
    paired = set(pairs.values())
    gone = [
        i for tag, i1, i2, _, _ in ops if tag != "equal" for i in range(i1, i2) if i not in paired
    ]
    came = [
        j for tag, _, _, j1, j2 in ops if tag != "equal" for j in range(j1, j2) if j not in pairs
    ]
    moves = _moves(gone, came, old, new, old_bags, new_bags, same)
    rows: list[Link] = []
    moved = set(moves.values())
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            rows.extend(
                Link("equal", i, j) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        pending = [i for i in range(i1, i2) if i not in moved]
        for j in range(j1, j2):
            if j in pairs:
                i = pairs[j]
                rows.extend(Link("delete", k, None) for k in pending if k < i)
                pending = [k for k in pending if k > i]
                rows.append(Link("edit", i, j))
            elif j in moves:
                rows.append(Link("move", moves[j], j))
            else:
                rows.append(Link("insert", None, j))
        rows.extend(Link("delete", k, None) for k in pending)
    return rows


def _moves(
    gone: list[int],
    came: list[int],
    old: Sequence[str],
    new: Sequence[str],
    old_bags: _Bags,
    new_bags: _Bags,
    same: float,
) -> dict[int, int]:
    """Map new block -> unmatched old block it repeats exactly or nearly."""
    moves: dict[int, int] = {}
    if not gone or not came:
        return moves
    where: dict[str, deque[int]] = {}
    for i in gone:
        where.setdefault(old[i], deque()).append(i)
    for j in came:
        queue = where.get(new[j])
        if queue:
            moves[j] = queue.popleft()
    taken = set(moves.values())
    old_left = [i for i in gone if i not in taken]
    new_left = [j for j in came if j not in moves]
    if old_left and new_left and len(old_left) * len(new_left) <= MAX_PAIRINGS:
        used: set[int] = set()
        for _, _, i, j in _near_pairs(old_left, new_left, old_bags, new_bags, same):
            if i not in used and j not in moves:
                moves[j] = i
                used.add(i)
    return moves


def _shared_share(a: str, b: str) -> float:
    """Share of the longer text covered by the common head and tail (memcmp speed)."""
    longest = max(len(a), len(b))
    if not longest:
        return 1.0
    head = shared_prefix(a, b)
    tail = shared_prefix(a[head:][::-1], b[head:][::-1])
    return (head + tail) / longest


def _near_pairs(
    old_left: list[int], new_left: list[int], old_bags: _Bags, new_bags: _Bags, same: float
) -> list[tuple[float, int, int, int]]:
    """Candidate (old, new) pairs whose word-set overlap reaches `same`, best first."""
    found = []
    for j in new_left:
        words = new_bags[j]
        for i in old_left:
            other = old_bags[i]
            size = len(words) + len(other)
            if words and 2 * min(len(words), len(other)) >= same * size:  # cheap bound first
                score = 2 * len(words & other) / size
                if score >= same:
                    found.append((-score, abs(i - j), i, j))
    found.sort()
    return found


def _pair_in_order(
    olds: list[int], news: list[int], old_bags: _Bags, new_bags: _Bags, threshold: float
) -> dict[int, int]:
    """Map new block -> old block it is an edit of, keeping both orders (greedy, best first)."""
    pairs: dict[int, int] = {}
    if not olds or not news or len(olds) * len(news) > MAX_PAIRINGS:
        return pairs
    if (
        len(olds) == len(news) == 1
        and _shared_share(old_bags.texts[olds[0]], new_bags.texts[news[0]]) >= threshold
    ):
        return {news[0]: olds[0]}  # one block rewritten in place: no word sets needed
    start = 0
    for j in news:
        best, best_score = -1, threshold
        for pos in range(start, len(olds)):
            score = similarity(old_bags[olds[pos]], new_bags[j])
            if score > best_score or (best < 0 and score >= best_score):
                best, best_score = pos, score
        if best >= 0:
            pairs[j] = olds[best]
            start = best + 1
    return pairs
