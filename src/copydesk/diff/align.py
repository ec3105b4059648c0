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

from rapidfuzz.distance import Postfix, Prefix

from copydesk.diff.engine import diff_opcodes

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
    rows: list[Link] = []
    for kind, i, j, count in align_runs(old, new, edit=edit, same=same):
        if count > 1 and i is not None and j is not None:
            rows.extend(zip(repeat(kind), range(i, i + count), range(j, j + count)))
        else:
            rows.append((kind, i, j))
    return rows


def align_runs(
    old: Sequence[str], new: Sequence[str], *, edit: float = 0.5, same: float = 0.8
) -> list[Run]:
    """The rows of `align_blocks` with each stretch of unchanged blocks as one run."""
    old_bags, new_bags = _Bags(old), _Bags(new)
    ops = diff_opcodes(old, new)
    pairs: dict[int, int] = {}
    gone: list[int] = []
    came: list[int] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if tag == "replace":
            if i2 - i1 == 1 == j2 - j1 and _shared_share(old[i1], new[j1]) >= edit:
                pairs[j1] = i1  # one block rewritten in place: the common case, kept cheap
                continue
            found = _pair_in_order(
                list(range(i1, i2)), list(range(j1, j2)), old_bags, new_bags, edit
            )
            pairs.update(found)
            kept = set(found.values())
            gone.extend(i for i in range(i1, i2) if i not in kept)
            came.extend(j for j in range(j1, j2) if j not in found)
        else:
            gone.extend(range(i1, i2))
            came.extend(range(j1, j2))
    moves = _moves(gone, came, old, new, old_bags, new_bags, same) if gone and came else {}
    moved = set(moves.values())
    runs: list[Run] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            runs.append(("equal", i1, j1, i2 - i1))
        elif j1 in pairs and i2 - i1 == 1 == j2 - j1:
            runs.append(("edit", i1, j1, 1))
        else:
            runs.extend(_changed_rows(i1, i2, j1, j2, pairs, moves, moved))
    return runs


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
    if not a or not b:
        return 1.0 if a == b else 0.0
    head = Prefix.similarity(a, b)
    tail = min(Postfix.similarity(a, b), len(a) - head, len(b) - head)
    return (head + tail) / max(len(a), len(b))


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
    """Map new block -> old block it is an edit of, keeping both orders.

    Blocks that keep half their text in a common head and tail are paired first without word
    sets (a cheap C scan); the stretches between such anchors are paired by word overlap.
    """
    if not olds or not news or len(olds) * len(news) > MAX_PAIRINGS:
        return {}
    if (
        len(olds) == len(news) == 1
        and _shared_share(old_bags.texts[olds[0]], new_bags.texts[news[0]]) >= threshold
    ):
        return {news[0]: olds[0]}  # one block rewritten in place: no word sets needed
    anchors = _anchors(olds, news, old_bags.texts, new_bags.texts)
    pairs: dict[int, int] = {}
    o_lo = n_lo = 0
    for o_at, n_at in [*anchors, (len(olds), len(news))]:
        pairs.update(
            _pair_by_words(olds[o_lo:o_at], news[n_lo:n_at], old_bags, new_bags, threshold)
        )
        if o_at < len(olds):
            pairs[news[n_at]] = olds[o_at]
        o_lo, n_lo = o_at + 1, n_at + 1
    return pairs


def _anchors(
    olds: list[int], news: list[int], old: Sequence[str], new: Sequence[str]
) -> list[tuple[int, int]]:
    """Positions (in `olds`, in `news`) of in-order pairs sharing half their text at the ends."""
    found: list[tuple[int, int]] = []
    if len(olds) * len(news) > ANCHOR_PAIRINGS:
        return found
    start = 0
    for n_at, j in enumerate(news):
        for o_at in range(start, len(olds)):
            if _shared_share(old[olds[o_at]], new[j]) >= ANCHOR_SHARE:
                found.append((o_at, n_at))
                start = o_at + 1
                break
    return found


def _pair_by_words(
    olds: list[int], news: list[int], old_bags: _Bags, new_bags: _Bags, threshold: float
) -> dict[int, int]:
    """Greedy in-order pairing by word-set overlap, best match first."""
    pairs: dict[int, int] = {}
    if not olds or not news:
        return pairs
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
