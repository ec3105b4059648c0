"""The scheduler: the one place that decides which polls and checks are due, and when next.

Like scrapy's scheduler it sits beside the engine: the worker asks it for work, the pipeline asks
it for the plan after each check. Claiming is three plain steps: the store reads due candidates,
they are ranked here in Python (the likeliest change first for a source short of fetch budget),
and the store leases them in that order, re-checking dueness and budgets under its lock.
Plans come from copydesk.schedule (pure), fed the state built by schedule.state_of, the same
function the web's "next check" sentence uses, and the source statistics SourceLearning keeps.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from copydesk.clock import Clock
from copydesk.errors import CopydeskError
from copydesk.records import CheckOutcome, Endpoint, TrackedArticle
from copydesk.schedule import CheckPlan, error_backoff, next_check, rank_due, state_of
from copydesk.scheduler.learning import SourceLearning
from copydesk.settings import Settings
from copydesk.store import Store
from copydesk.urls import host_of

logger = logging.getLogger(__name__)

_SPREAD_READ = 200  # due candidates read when spreading checks over hosts
_WINDOW = 4  # candidates read per place to fill, so workers racing for the oldest still fill up
RANK_WINDOW = 2000  # due articles of one over-budget source ranked per claim, oldest due first
_PRUNE_EVERY = 600.0  # seconds between passes over the check log (store.keep_checks)
_PRUNE_BATCHES = 20  # batches of quiet checks pruned per pass, at most
_FAILED = frozenset({CheckOutcome.ERROR, CheckOutcome.GONE})


class Scheduler:
    """Decides what is due and when, for one tracker, over a store shared with other workers."""

    def __init__(self, *, store: Store, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self.learning = SourceLearning(store=store, settings=settings, clock=clock)
        self._pruned: float | None = None  # clock.monotonic() of the last pass over the log

    # ── what is due ──────────────────────────────────────────────────────────────────────

    def claim_polls(
        self, now: datetime, *, limit: int, lease: timedelta, skip: Collection[int] = ()
    ) -> list[Endpoint]:
        """Lease feeds, sitemaps and front pages due for a poll, oldest due first.

        Leased like article checks, so two workers never poll one endpoint at once.
        """
        return self._store.claim_due_endpoints(now, limit=limit, lease=lease, skip=skip)

    def claim(
        self,
        now: datetime,
        *,
        limit: int,
        lease: timedelta,
        busy_hosts: Mapping[str, int] | None = None,
    ) -> list[TrackedArticle]:
        """Lease up to `limit` due checks; within a source's fetch budget, likeliest first.

        `busy_hosts` (host -> this worker's checks in flight there): no host gets more checks
        in flight than fetch.per_host_concurrency, so a worker's places go to hosts that can
        serve them now instead of queueing behind one host's delay.
        """
        if limit <= 0:
            return []
        if not self.budgeted:
            if busy_hosts is not None:
                return self._claim_spread(now, limit=limit, lease=lease, busy=busy_hosts)
            return self._store.claim_due_articles(now, limit=limit, lease=lease)
        until = now + lease
        due = self._store.due_counts(now)
        budgets = {name: self.budget(name) for name in due if self.budget(name) > 0}
        ids = self._ranked_ids(now, limit=limit, due=due, budgets=budgets)
        return self._store.lease(ids, now=now, until=until, limit=limit, budgets=budgets)

    def _claim_spread(
        self, now: datetime, *, limit: int, lease: timedelta, busy: Mapping[str, int]
    ) -> list[TrackedArticle]:
        """Oldest due first, at most per_host_concurrency checks of one host in flight.

        Eight places all given to one host would wait out its delay one after another while
        other hosts' checks are due; a place is only worth taking when its host can use it.
        """
        cap = max(1, self._settings.fetch.per_host_concurrency)
        taken = Counter(busy)
        ids: list[int] = []
        for article in self._store.due_articles(now, limit=max(_SPREAD_READ, limit * _WINDOW)):
            host = host_of(article.url)
            if taken[host] >= cap:
                continue
            taken[host] += 1
            ids.append(article.id)
            if len(ids) >= 2 * limit:  # spares, for ids another worker leases first
                break
        return self._store.lease(ids, now=now, until=now + lease, limit=limit)

    def _ranked_ids(
        self, now: datetime, *, limit: int, due: dict[str, int], budgets: dict[str, int]
    ) -> list[int]:
        """Candidates in the order to lease them: oldest due first, budget permitting."""
        spent = self._store.checks_spent(now, sorted(budgets))
        left = {name: max(0, allowed - spent.get(name, 0)) for name, allowed in budgets.items()}
        over = sorted(name for name, room in left.items() if due[name] > room)
        picks: list[tuple[datetime, int]] = []
        for name in over:
            if left[name] > 0:
                candidates = self._store.due_articles(now, limit=RANK_WINDOW, source=name)
                chosen = self.rank(candidates, now)[: min(left[name], limit)]
                picks.extend((a.next_check_at or now, a.id) for a in chosen)
        within = {name: room for name, room in left.items() if name not in over}
        taken: dict[str, int] = {}
        window = limit * _WINDOW + sum(within.values())
        for article in self._store.due_articles(now, limit=window, exclude=over):
            if article.source in within:
                if taken.get(article.source, 0) >= within[article.source]:
                    continue
                taken[article.source] = taken.get(article.source, 0) + 1
            picks.append((article.next_check_at or now, article.id))
        picks.sort()
        return [article_id for _, article_id in picks]

    @property
    def budgeted(self) -> bool:
        """Whether any source has a fetch budget."""
        if self._settings.schedule.max_fetches_per_hour > 0:
            return True
        return any(s.max_fetches_per_hour for s in self._settings.sources)

    def budget(self, source: str) -> int:
        """Article checks the source may have per hour (0: no budget)."""
        configured = self._settings.source(source)
        if configured is not None and configured.max_fetches_per_hour is not None:
            return configured.max_fetches_per_hour
        return self._settings.schedule.max_fetches_per_hour

    def rank(self, due: Sequence[TrackedArticle], now: datetime) -> list[TrackedArticle]:
        """One source's due articles, the likeliest to show a change first."""
        if not due:
            return []
        stats = self.learning.stats(due[0].source)
        scored = [(article, state_of(article, now, self._settings.schedule)) for article in due]
        return rank_due(scored, now, self._settings.schedule, source_stats=stats)

    # ── when next ────────────────────────────────────────────────────────────────────────

    def plan(
        self,
        article: TrackedArticle,
        now: datetime,
        outcome: CheckOutcome,
        *,
        changed: bool = False,
        retry_at: datetime | None = None,
    ) -> CheckPlan:
        """The plan after a check of `article` at `now`.

        A quiet or changed look teaches the source's statistics first; errors teach nothing
        and back off on their own clock.
        """
        failed = outcome in _FAILED
        if not failed:
            self.learning.observe(article, now, changed=changed)
        first = article.version_count == 0  # the first version is not a change
        state = replace(
            state_of(article, now, self._settings.schedule),
            last_change_at=now if changed else article.last_change_at,
            last_checked_at=now,
            last_outcome=outcome,
            consecutive_errors=article.consecutive_errors + 1 if failed else 0,
            change_count=article.change_count + (1 if changed and not first else 0),
            retry_at=retry_at,
        )
        stats = None if failed else self.learning.stats(article.source)
        return next_check(state, now, self._settings.schedule, source_stats=stats)

    def next_poll(
        self, endpoint: Endpoint, now: datetime, *, failed: bool, wait: timedelta | None = None
    ) -> datetime:
        """When to poll an endpoint again: every feed_interval, later while it keeps failing."""
        delay = self._settings.schedule.feed_interval
        if failed:
            backoff = error_backoff(endpoint.consecutive_errors + 1, self._settings.schedule)
            delay = max(delay, backoff, wait or timedelta(0))
        return now + delay

    # ── upkeep ───────────────────────────────────────────────────────────────────────────

    def upkeep(self, now: datetime) -> None:
        """Periodic chores: prune the check log past store.keep_checks."""
        keep = self._settings.store.keep_checks
        mono = self._clock.monotonic()
        if keep <= timedelta(0) or (
            self._pruned is not None and mono - self._pruned < _PRUNE_EVERY
        ):
            return
        self._pruned = mono
        try:
            for _ in range(_PRUNE_BATCHES):
                if self._store.prune_checks(now - keep) == 0:
                    break
        except CopydeskError as exc:  # pruning can wait for the next pass
            logger.warning("could not prune the check log: %s", exc)

    def flush(self) -> None:
        """Add what this tracker learned to the shared statistics (at a stop, or periodically)."""
        self.learning.flush()
