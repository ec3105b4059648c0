"""Replay recorded headline chains against a re-check policy, to score it offline.

Pure and I/O free: the benchmark reads the corpus and hands chains in. Times are epoch seconds
(floats) so millions of simulated checks stay fast. A check observes the title live at that moment;
a headline change is caught when some check sees it before the next change replaces it; the
discovery check counts as a fetch but only ever sees version 0.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from copydesk.records import CheckOutcome, ScheduleState, SourceEditStats
from copydesk.schedule.hazard import HazardLearner, group_of
from copydesk.schedule.policy import change_chance, is_explorer, next_check
from copydesk.settings import ScheduleSettings

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Chain:
    """One article's history as a checker can see it.

    `times[i]` is when version i went live and `states[i]` what a check then sees; `heads[i]` is the
    index of the headline change live during version i (versions that change only other fields
    keep the previous headline live, so a check during them still catches that headline).
    """

    key: str
    times: tuple[float, ...]
    states: tuple[str, ...]
    heads: tuple[int, ...]

    @property
    def discovered(self) -> float:
        return self.times[0]


def headline_chain(
    key: str, versions: Iterable[tuple[float, str, str]], *, observe_all: bool = False
) -> Chain:
    """Build a chain from (first_seen, title, full state) versions.

    A headline change is a version whose title differs from the one before it. With
    `observe_all`, checks also notice changes to the other fields (the state), as a tracker
    comparing whole pages would.
    """
    times: list[float] = []
    states: list[str] = []
    heads: list[int] = []
    previous_title: str | None = None
    for at, title, state in sorted(versions, key=lambda v: v[0]):
        seen = state if observe_all else title
        headline = previous_title is None or title != previous_title
        previous_title = title
        if states and seen == states[-1] and not headline:
            continue
        times.append(at)
        states.append(seen)
        heads.append(len(times) - 1 if headline else heads[-1])
    return Chain(key=key, times=tuple(times), states=tuple(states), heads=tuple(heads))


@dataclass(slots=True)
class Observed:
    """What the checker itself has seen of one article (never the hidden chain)."""

    discovered: float
    last_check: float
    last_change: float  # check time at which the newest title was first seen (or discovery)
    title: str
    checks: int = 1
    changes_seen: int = 0
    quiet_checks: int = 0  # checks since the last observed change
    gaps: list[float] = field(default_factory=list)  # observed times between changes
    listed: bool | None = None  # on the front page at the last poll (None: no such signal)
    hint_at: float | None = None  # when the front page last pulled a check forward
    key: str = ""


class ReplayPolicy(Protocol):
    """What the replay asks of a policy: when to check next, learning, how promising a check is."""

    def next_check(self, obs: Observed, now: float) -> float | None:
        """Absolute time of the next check, or None to retire the article."""
        ...

    def observe(self, obs: Observed, now: float, changed: bool) -> None:
        """Learn from a check just made (called before `next_check`)."""
        ...

    def priority(self, obs: Observed, now: float) -> float:
        """Estimated probability that checking now finds a change."""
        ...


@dataclass(slots=True)
class Score:
    """Totals of one replay; `delays` holds seconds from each caught change to its catch."""

    articles: int = 0
    changes: int = 0
    caught: int = 0
    fetches: int = 0
    delays: list[float] = field(default_factory=list)
    parts: dict[str, Score] = field(default_factory=dict)  # the same totals per chain label

    def add(self, other: Score) -> None:
        self.articles += other.articles
        self.changes += other.changes
        self.caught += other.caught
        self.fetches += other.fetches
        self.delays.extend(other.delays)

    @property
    def catch_rate(self) -> float:
        return self.caught / self.changes if self.changes else 1.0

    @property
    def fetches_per_article(self) -> float:
        return self.fetches / self.articles if self.articles else 0.0

    def delay_quantile(self, q: float) -> float:
        """Nearest-rank quantile of the catch delays, in seconds."""
        if not self.delays:
            return math.nan
        ordered = sorted(self.delays)
        rank = max(1, math.ceil(q * len(ordered)))
        return ordered[rank - 1]


@dataclass(slots=True)
class _Run:
    chain: Chain
    obs: Observed
    end: float
    caught: list[bool]
    scores: tuple[Score, ...] = ()
    token: int = 0  # bumped whenever the next check is re-planned; stale heap entries are skipped
    active: bool = True


Signal = tuple[float, bool, bool]  # (time, listed on the front page, pulls a check forward)


def _start(chain: Chain, horizon: float, scores: tuple[Score, ...]) -> _Run:
    end = chain.discovered + horizon
    changes = sum(1 for i, t in enumerate(chain.times) if i and chain.heads[i] == i and t <= end)
    for score in scores:
        score.articles += 1
        score.fetches += 1  # the discovery check
        score.changes += changes
    obs = Observed(
        discovered=chain.discovered,
        last_check=chain.discovered,
        last_change=chain.discovered,
        title=chain.states[0],
        key=chain.key,
    )

    caught = [True] + [False] * (len(chain.times) - 1)
    return _Run(chain=chain, obs=obs, end=end, caught=caught, scores=scores)


def _scores(score: Score, label: str | None) -> tuple[Score, ...]:
    if label is None:
        return (score,)
    return (score, score.parts.setdefault(label, Score()))


def _check(run: _Run, now: float, policy: ReplayPolicy) -> None:
    """One fetch at `now`: score what it catches and let the policy learn from it."""
    index = bisect_right(run.chain.times, now) - 1
    head = run.chain.heads[index]
    caught = not run.caught[head]
    run.caught[head] = True
    for score in run.scores:
        score.fetches += 1
        if caught:
            score.caught += 1
            score.delays.append(now - run.chain.times[head])
    obs = run.obs
    title = run.chain.states[index]
    changed = title != obs.title
    obs.checks += 1
    if changed:
        obs.gaps.append(now - obs.last_change)
        obs.title = title
        obs.last_change = now
        obs.changes_seen += 1
        obs.quiet_checks = 0
    else:
        obs.quiet_checks += 1
    obs.last_check = now
    policy.observe(obs, now, changed)


def replay(
    chains: Sequence[Chain],
    policy: ReplayPolicy,
    *,
    horizon_days: float = 30,
    signals: Sequence[Sequence[Signal]] | None = None,
    labels: Sequence[str] | None = None,
) -> Score:
    """Replay every chain in one time-ordered loop, so online learning sees only the past.

    `signals[i]` are front-page observations of chain i: they set `Observed.listed`, and a hint
    re-plans the next check right away (a retired article stays retired). With `labels`, the
    score is also split by chain label (e.g. year) in `Score.parts`.
    """
    horizon = horizon_days * DAY
    score = Score()
    runs: list[_Run | None] = [None] * len(chains)
    events: list[tuple[float, int, int, int]] = [
        (c.discovered, 1, i, 0) for i, c in enumerate(chains)
    ]
    for i, chain_signals in enumerate(signals or ()):
        events.extend((at, 0, i, -1 - k) for k, (at, _, _) in enumerate(chain_signals))
    heapq.heapify(events)
    while events:
        now, _, i, token = heapq.heappop(events)
        run = runs[i]
        if token < 0:
            if run is not None and signals is not None:
                _signal(run, i, signals[i][-1 - token], policy, events)
            continue
        if run is None:
            run = runs[i] = _start(
                chains[i], horizon, _scores(score, labels[i] if labels else None)
            )
            if signals is not None:
                run.obs.listed = _listed_at(signals[i], now)
            policy.observe(run.obs, now, False)
        elif token != run.token:
            continue
        else:
            _check(run, now, policy)
        _plan(run, i, policy, now, events)
    return score


def _listed_at(chain_signals: Sequence[Signal], at: float) -> bool | None:
    listed = None
    for when, is_listed, _ in chain_signals:
        if when > at:
            break
        listed = is_listed
    return listed


def _plan(
    run: _Run,
    index: int,
    policy: ReplayPolicy,
    now: float,
    events: list[tuple[float, int, int, int]],
) -> None:
    run.token += 1
    due = policy.next_check(run.obs, now)
    if due is None or due > run.end:
        run.active = due is not None and now <= run.end
        return
    heapq.heappush(events, (max(due, now + 1.0), 1, index, run.token))


def _signal(
    run: _Run,
    index: int,
    signal: Signal,
    policy: ReplayPolicy,
    events: list[tuple[float, int, int, int]],
) -> None:
    at, listed, hint = signal
    run.obs.listed = listed
    if hint and at <= run.end:
        run.obs.hint_at = at
        run.token += 1
        heapq.heappush(events, (at, 1, index, run.token))


def replay_budget(
    chains: Sequence[Chain],
    policy: ReplayPolicy,
    *,
    per_hour: float,
    horizon_days: float = 30,
    step: float = 300.0,
    rank_every: float = 0.0,
) -> Score:
    """Like `replay`, but the whole source gets `per_hour` fetches; due checks go by priority.

    The tracker wakes every `step` seconds; discovery checks go first, then the due checks the
    policy rates most likely to find a change. Unserved checks stay due. A waiting check's
    priority is re-rated at most every `rank_every` seconds (0: at every wake-up), which keeps
    long replays with a large backlog fast.
    """
    horizon = horizon_days * DAY
    score = Score()
    order = sorted(range(len(chains)), key=lambda i: chains[i].discovered)
    runs: list[_Run] = []
    queue: list[tuple[float, int]] = []  # (due, run index)
    pending: list[int] = []
    rated: dict[int, tuple[float, float]] = {}  # run index -> (rated at, priority)
    tokens, cursor = 0.0, 0
    now = chains[order[0]].discovered if order else 0.0

    def priority(i: int) -> float:
        at, value = rated.get(i, (-math.inf, 0.0))
        if now - at >= rank_every:
            value = policy.priority(runs[i].obs, now)
            rated[i] = (now, value)
        return value

    while cursor < len(order) or queue or pending:
        tokens = min(tokens + per_hour * step / 3600, max(1.0, per_hour * step / 3600))
        while cursor < len(order) and chains[order[cursor]].discovered <= now:
            run = _start(chains[order[cursor]], horizon, (score,))
            runs.append(run)
            policy.observe(run.obs, run.obs.discovered, False)
            tokens -= 1
            _schedule(run, len(runs) - 1, policy, run.obs.discovered, queue)
            cursor += 1
        while queue and queue[0][0] <= now:
            i = heapq.heappop(queue)[1]
            rated.pop(i, None)
            pending.append(i)
        pending = [i for i in pending if runs[i].end >= now]
        if tokens >= 1 and pending:
            take = int(tokens)
            pending.sort(key=priority, reverse=True)
            for i in pending[:take]:
                _check(runs[i], now, policy)
                _schedule(runs[i], i, policy, now, queue)
            tokens -= min(take, len(pending))
            pending = pending[take:]
        now += step
    return score


def _schedule(
    run: _Run, index: int, policy: ReplayPolicy, now: float, queue: list[tuple[float, int]]
) -> None:
    due = policy.next_check(run.obs, now)
    if due is not None and due <= run.end:
        heapq.heappush(queue, (max(due, now + 1.0), index))


class CopydeskPolicy:
    """Drives the real `next_check` in the replay, learning the source's hazard online.

    The statistics it passes are a snapshot refreshed every `refresh` seconds of replayed time,
    as a tracker would recompute them periodically from its own checks.
    """

    def __init__(self, settings: ScheduleSettings, *, learn: bool = True, refresh: float = 3600.0):
        self._settings = settings
        self._learner = HazardLearner() if learn else None
        self._refresh = refresh
        self._stats: SourceEditStats | None = None
        self._stats_at = -math.inf
        self._previous: dict[int, tuple[float, float, int]] = {}

    def _state(self, obs: Observed) -> ScheduleState:
        return ScheduleState(
            first_seen_at=_utc(obs.discovered),
            last_change_at=_utc(obs.last_change),
            last_checked_at=_utc(obs.last_check),
            last_outcome=CheckOutcome.UNCHANGED,
            change_count=obs.changes_seen,
            listed=obs.listed,
            hint_at=None if obs.hint_at is None else _utc(obs.hint_at),
            explorer=is_explorer(obs.key, self._settings.explore_every),
        )

    def observe(self, obs: Observed, now: float, changed: bool) -> None:
        if self._learner is None:
            return
        previous = self._previous.get(id(obs))
        if previous is not None:
            checked, change_at, group = previous
            self._learner.observe_check(
                group,
                checked - change_at,
                now - change_at,
                changed=changed,
                hinted=obs.hint_at is not None and obs.hint_at > checked,
            )
        group = group_of(obs.changes_seen, obs.listed)
        self._previous[id(obs)] = (now, obs.last_change, group)
        if now - self._stats_at >= self._refresh:
            self._stats = self._learner.snapshot()
            self._stats_at = now

    @property
    def stats(self) -> SourceEditStats | None:
        """The statistics the policy currently plans with."""
        return self._stats

    def next_check(self, obs: Observed, now: float) -> float | None:
        plan = next_check(self._state(obs), _utc(now), self._settings, source_stats=self._stats)
        return None if plan.next_check_at is None else plan.next_check_at.timestamp()

    def priority(self, obs: Observed, now: float) -> float:
        return change_chance(self._state(obs), _utc(now), self._settings, source_stats=self._stats)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
