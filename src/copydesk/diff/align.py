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
from itertools import repeat
from typing import Literal

from copydesk.diff.opcodes import common_ends, matching_blocks

Bag = frozenset[str]
LinkKind = Literal["equal", "edit", "move", "insert", "delete"]
_WORDS = re.compile(r"\w+")
MAX_PAIRINGS = 40_000  # beyond this many unmatched old x new blocks, skip fuzzy pairing
ANCHOR_PAIRINGS = 400  # up to this many old x new blocks, look for anchors by shared ends
ANCHOR_SHARE = 0.5  # share of a block kept in its head and tail that makes it an edit

# One aligned row (kind, old index, new index): a plain tuple, as texts have thousands of rows.
Link = tuple[LinkKind, int | None, int | None]
# A run of rows (kind, old index, new index, count): count > 1 only for unchanged stretches.
Run = tuple[LinkKind, int | None, int | None, int]
Ends = dict[tuple[int, int], tuple[int, int]]  # (old, new) index -> common prefix, suffix length
_Stretch = tuple[int, int, int, int, int]  # position in the runs, i1, i2, j1, j2


@dataclass(slots=True)
class _Blocks:
    """Both versions' blocks and what was measured about them, computed on demand and kept."""

    old: Sequence[str]
    new: Sequence[str]
    ends: Ends
    old_bags: dict[int, Bag] = field(default_factory=dict)
    new_bags: dict[int, Bag] = field(default_factory=dict)

    def share(self, i: int, j: int) -> float:
        """Share of the longer block covered by the common head and tail (C speed)."""
        a, b = self.old[i], self.new[j]
        size_a, size_b = len(a), len(b)
        if not size_a or not size_b:
            return 1.0 if size_a == size_b else 0.0
        ends = self.ends.get((i, j))
        if ends is None:
            ends = self.ends[i, j] = common_ends(a, b)
        head = ends[0]
        tail = min(ends[1], size_a - head, size_b - head)
        return (head + tail) / (size_a if size_a > size_b else size_b)

    def old_bag(self, i: int) -> Bag:
        if i not in self.old_bags:
            self.old_bags[i] = bag(self.old[i])
        return self.old_bags[i]

    def new_bag(self, j: int) -> Bag:
        if j not in self.new_bags:
            self.new_bags[j] = bag(self.new[j])
        return self.new_bags[j]


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
    rows: list[Link] = []
    for kind, i, j, count in align_runs(old, new, edit=edit, same=same):
        if count > 1 and i is not None and j is not None:
            rows.extend(zip(repeat(kind), range(i, i + count), range(j, j + count)))
        else:
            rows.append((kind, i, j))
    return rows


def align_runs(
    old: Sequence[str],
    new: Sequence[str],
    *,
    edit: float = 0.5,
    same: float = 0.8,
    ends: Ends | None = None,
) -> list[Run]:
    """The rows of `align_blocks` with each stretch of unchanged blocks as one run.

    A block rewritten in place (one old, one new between unchanged ones) is settled on the spot;
    only other changed stretches need pairing, move detection and row expansion. The common
    prefix and suffix measured for block pairs go into `ends`, so word diffs need not redo them.
    """
    blocks = _Blocks(old, new, {} if ends is None else ends)
    runs: list[Run] = []
    stretches: list[_Stretch] = []
    i = j = 0
    for bi, bj, size in matching_blocks(old, new):
        if i < bi or j < bj:
            if bi - i == 1 == bj - j and blocks.share(i, j) >= edit:
                runs.append(("edit", i, j, 1))
            else:
                stretches.append((len(runs), i, bi, j, bj))
        if size:
            runs.append(("equal", bi, bj, size))
        i, j = bi + size, bj + size
    if not stretches:
        return runs
    return _with_stretches(runs, stretches, blocks, edit, same)


def _with_stretches(
    runs: list[Run], stretches: list[_Stretch], blocks: _Blocks, edit: float, same: float
) -> list[Run]:
    """Pair, find moves in and expand the changed stretches, spliced in at their positions."""
    pairs: dict[int, int] = {}
    gone: list[int] = []
    came: list[int] = []
    for _, i1, i2, j1, j2 in stretches:
        if i1 == i2 or j1 == j2:  # only added or only removed blocks: nothing to pair
            gone.extend(range(i1, i2))
            came.extend(range(j1, j2))
            continue
        found = _pair_in_order(list(range(i1, i2)), list(range(j1, j2)), blocks, edit)
        pairs.update(found)
        kept = set(found.values())
        gone.extend(i for i in range(i1, i2) if i not in kept)
        came.extend(j for j in range(j1, j2) if j not in found)
    moves = _moves(gone, came, blocks, same) if gone and came else {}
    moved = set(moves.values())
    out: list[Run] = []
    last = 0
    for at, i1, i2, j1, j2 in stretches:
        out.extend(runs[last:at])
        out.extend(_changed_rows(i1, i2, j1, j2, pairs, moves, moved))
        last = at
    out.extend(runs[last:])
    return out


def _changed_rows(
    i1: int,
    i2: int,
    j1: int,
    j2: int,
    pairs: dict[int, int],
    moves: dict[int, int],
    moved: set[int],
) -> list[Run]:
    """Rows of one changed stretch: each old block deleted just before the next one kept."""
    rows: list[Run] = []
    pending = [i for i in range(i1, i2) if i not in moved]
    for j in range(j1, j2):
        if j in pairs:
            i = pairs[j]
            rows.extend(("delete", k, None, 1) for k in pending if k < i)
            pending = [k for k in pending if k > i]
            rows.append(("edit", i, j, 1))
        elif j in moves:
            rows.append(("move", moves[j], j, 1))
        else:
            rows.append(("insert", None, j, 1))
    rows.extend(("delete", k, None, 1) for k in pending)
    return rows


def _moves(gone: list[int], came: list[int], blocks: _Blocks, same: float) -> dict[int, int]:
    """Map new block -> unmatched old block it repeats exactly or nearly."""
    moves: dict[int, int] = {}
    where: dict[str, deque[int]] = {}
    for i in gone:
        where.setdefault(blocks.old[i], deque()).append(i)
    for j in came:
        queue = where.get(blocks.new[j])
        if queue:
            moves[j] = queue.popleft()
    taken = set(moves.values())
    old_left = [i for i in gone if i not in taken]
    new_left = [j for j in came if j not in moves]
    if old_left and new_left and len(old_left) * len(new_left) <= MAX_PAIRINGS:
        used: set[int] = set()
        for _, _, i, j in _near_pairs(old_left, new_left, blocks, same):
            if i not in used and j not in moves:
                moves[j] = i
                used.add(i)
    return moves


def _near_pairs(
    old_left: list[int], new_left: list[int], blocks: _Blocks, same: float
) -> list[tuple[float, int, int, int]]:
    """Candidate (old, new) pairs whose word-set overlap reaches `same`, best first."""
    found = []
    for j in new_left:
        words = blocks.new_bag(j)
        for i in old_left:
            other = blocks.old_bag(i)
            size = len(words) + len(other)
            if words and 2 * min(len(words), len(other)) >= same * size:  # cheap bound first
                score = 2 * len(words & other) / size
                if score >= same:
                    found.append((-score, abs(i - j), i, j))
    found.sort()
    return found


def _pair_in_order(
    olds: list[int], news: list[int], blocks: _Blocks, threshold: float
) -> dict[int, int]:
    """Map new block -> old block it is an edit of, keeping both orders.

    Blocks that keep half their text in a common head and tail are paired first without word
    sets (a cheap C scan); the stretches between such anchors are paired by word overlap.
    """
    if len(olds) * len(news) > MAX_PAIRINGS:
        return {}
    anchors = _anchors(olds, news, blocks, max(ANCHOR_SHARE, threshold))
    pairs: dict[int, int] = {}
    o_lo = n_lo = 0
    for o_at, n_at in [*anchors, (len(olds), len(news))]:
        sub_olds, sub_news = olds[o_lo:o_at], news[n_lo:n_at]
        if (
            len(sub_olds) == len(sub_news) == 1
            and blocks.share(sub_olds[0], sub_news[0]) >= threshold
        ):
            pairs[sub_news[0]] = sub_olds[0]  # one block rewritten in place: no word sets needed
        else:
            pairs.update(_pair_by_words(sub_olds, sub_news, blocks, threshold))
        if o_at < len(olds):
            pairs[news[n_at]] = olds[o_at]
        o_lo, n_lo = o_at + 1, n_at + 1
    return pairs


def _anchors(
    olds: list[int], news: list[int], blocks: _Blocks, share: float
) -> list[tuple[int, int]]:
    """Positions (in `olds`, in `news`) of in-order pairs sharing half their text at the ends."""
    found: list[tuple[int, int]] = []
    if len(olds) * len(news) > ANCHOR_PAIRINGS:
        return found
    start = 0
    for n_at, j in enumerate(news):
        for o_at in range(start, len(olds)):
            if blocks.share(olds[o_at], j) >= share:
                found.append((o_at, n_at))
                start = o_at + 1
                break
    return found


def _pair_by_words(
    olds: list[int], news: list[int], blocks: _Blocks, threshold: float
) -> dict[int, int]:
    """Greedy in-order pairing by word-set overlap, best match first."""
    pairs: dict[int, int] = {}
    if not olds or not news:
        return pairs
    start = 0
    for j in news:
        best, best_score = -1, threshold
        for pos in range(start, len(olds)):
            score = similarity(blocks.old_bag(olds[pos]), blocks.new_bag(j))
            if score > best_score or (best < 0 and score >= best_score):
                best, best_score = pos, score
        if best >= 0:
            pairs[j] = olds[best]
            start = best + 1
    return pairs
