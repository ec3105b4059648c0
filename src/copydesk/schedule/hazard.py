"""A source's change hazard by quiet time, learned online from copydesk's own checks.

The hazard (changes per second of quiet) is what makes the policy adaptive: intervals are chosen
so that each check has about the same chance of finding a change, and an article retires once
the changes still expected of it fall below a threshold.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from functools import lru_cache

from copydesk.records import SourceEditStats

_MINUTES = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440)
_DAYS = (1.5, 2, 3, 4, 6, 8, 12, 16, 24, 30)
EDGES: tuple[float, ...] = tuple([m * 60.0 for m in _MINUTES] + [d * 86400.0 for d in _DAYS])
COUNTS = 3  # articles with 0, 1 and 2+ observed changes behave differently
GROUPS = 2 * COUNTS  # ... and so do articles still listed on a front page or feed
MIN_EXPOSURE = 6 * 3600.0  # seconds of observed quiet before a bin's own rate is trusted


def group_of(change_count: int, listed: bool | None = None) -> int:
    """Statistics group: observed changes (0, 1, 2+), offset when the article is listed."""
    return min(max(change_count, 0), COUNTS - 1) + (COUNTS if listed else 0)


PRIOR_EXPOSURE = 24 * 3600.0  # seconds of the whole source's rate a group starts from, per bin


@lru_cache(maxsize=64)
def rates(stats: SourceEditStats, group: int) -> tuple[float, ...]:
    """Per-bin hazard; thin bins borrow the pooled rate of the bins after them.

    Each group's counts start from the whole source's rate over `PRIOR_EXPOSURE`, so a group the
    source has barely seen behaves like the source, and one seen long without a change goes quiet.
    """
    changes, exposure = _shrunk(stats, group)
    out = [0.0] * len(stats.edges)
    pooled_c, pooled_e = 0.0, 0.0
    for i in reversed(range(len(stats.edges))):
        pooled_c += changes[i]
        pooled_e += exposure[i]
        if exposure[i] >= MIN_EXPOSURE:
            out[i] = changes[i] / exposure[i]
            pooled_c, pooled_e = changes[i], exposure[i]
        else:
            out[i] = pooled_c / pooled_e if pooled_e > 0 else 0.0
    return tuple(out)


def _shrunk(stats: SourceEditStats, group: int) -> tuple[list[float], list[float]]:
    changes, exposure = [], []
    for i in range(len(stats.edges)):
        all_changes = sum(row[i] for row in stats.changes)
        all_exposure = sum(row[i] for row in stats.exposure)
        prior = all_changes / all_exposure if all_exposure > 0 else 0.0
        changes.append(stats.changes[group][i] + prior * PRIOR_EXPOSURE)
        exposure.append(stats.exposure[group][i] + PRIOR_EXPOSURE)
    return changes, exposure


def _bin_end(edges: tuple[float, ...], i: int) -> float:
    return edges[i + 1] if i + 1 < len(edges) else math.inf


def wait_for(
    edges: tuple[float, ...], hazard: tuple[float, ...], quiet: float, mass: float
) -> float:
    """Seconds from quiet time `quiet` until `mass` changes are expected (inf: never)."""
    i = max(0, bisect_right(edges, quiet) - 1)
    at, need = quiet, mass
    while i < len(edges):
        end = _bin_end(edges, i)
        rate = hazard[i]
        if rate > 0 and rate * (end - at) >= need:
            return at + need / rate - quiet
        need -= rate * (end - at) if rate > 0 else 0.0
        at, i = end, i + 1
    return math.inf


def remaining(
    edges: tuple[float, ...], hazard: tuple[float, ...], quiet: float, until: float
) -> float:
    """Expected changes between quiet times `quiet` and `until`."""
    total = 0.0
    for i, start in enumerate(edges):
        end = min(_bin_end(edges, i), until)
        low = max(start, quiet)
        if end > low:
            total += hazard[i] * (end - low)
    return total


def retire_quiet(
    edges: tuple[float, ...], hazard: tuple[float, ...], below: float, cap: float
) -> float:
    """The shortest quiet time after which fewer than `below` changes remain expected (<= cap)."""
    after = 0.0  # expected changes from the end of bin i up to `cap`
    for i in reversed(range(len(edges))):
        start, end = edges[i], min(_bin_end(edges, i), cap)
        inside = hazard[i] * (end - start) if end > start else 0.0
        if after + inside >= below:
            return min(cap, end - (below - after) / hazard[i]) if hazard[i] > 0 else end
        after += inside
    return 0.0


class HazardLearner:
    """Accumulates changes and quiet exposure per group and quiet-time bin (one per source)."""

    def __init__(self, edges: tuple[float, ...] = EDGES) -> None:
        self._edges = edges
        self._changes = [[0.0] * len(edges) for _ in range(GROUPS)]
        self._exposure = [[0.0] * len(edges) for _ in range(GROUPS)]

    def observe(self, group: int, quiet_from: float, quiet_to: float, changed: bool) -> None:
        """Record one check: quiet from `quiet_from` to `quiet_to` (seconds since the last change).

        A change seen at this check happened somewhere in between; it is placed at the midpoint.
        """
        end = (quiet_from + quiet_to) / 2 if changed else quiet_to
        self._expose(group, quiet_from, end)
        if changed:
            index = max(0, bisect_right(self._edges, end) - 1)
            self._changes[group][index] += 1.0

    def observe_check(
        self, group: int, quiet_from: float, quiet_to: float, *, changed: bool, hinted: bool
    ) -> None:
        """Record a check; a change found by a check a hint pulled forward is the hint's catch.

        Scheduled checks need only the hazard of changes that come without a hint, so such a
        change is learned as quiet time (else every reappearance would look like a late change).
        """
        self.observe(group, quiet_from, quiet_to, changed and not hinted)

    def _expose(self, group: int, low: float, high: float) -> None:
        i = max(0, bisect_right(self._edges, low) - 1)
        row = self._exposure[group]
        while i < len(self._edges) and low < high:
            end = min(_bin_end(self._edges, i), high)
            row[i] += end - low
            low, i = end, i + 1

    def snapshot(self) -> SourceEditStats:
        return SourceEditStats(
            edges=self._edges,
            changes=tuple(tuple(row) for row in self._changes),
            exposure=tuple(tuple(row) for row in self._exposure),
        )
