"""What the tracker feeds the schedule policy: shared learned statistics, listings and budgets.

It sits between the pipeline and the stages: it keeps the store's per-source statistics and
the pure policy in step, the way copydesk.schedule.replay.CopydeskPolicy does in the benchmark.
Each tracker learns from its own checks in memory and adds that to the store every
`schedule.stats_refresh` (and at a stop), then reloads the sum of every worker's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from copydesk.clock import Clock
from copydesk.errors import CopydeskError
from copydesk.records import CheckOutcome, ScheduleState, SourceEditStats, TrackedArticle
from copydesk.schedule import HazardLearner, is_explorer, rank_due
from copydesk.schedule.hazard import group_of
from copydesk.settings import Settings
from copydesk.store import Store

logger = logging.getLogger(__name__)

_LISTED_POLLS = 2  # an article counts as listed while its last listing is this many polls old
_LOOKED = frozenset(
    {
        CheckOutcome.NEW_VERSION,
        CheckOutcome.TRIVIAL,
        CheckOutcome.UNCHANGED,
        CheckOutcome.NOT_MODIFIED,
    }
)
_HISTORY = 50  # checks read back to find the last one that saw the page, after errors


class SourceLearning:
    """One tracker's view of its sources' statistics, and the schedule state it hands the policy."""

    def __init__(self, *, store: Store, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._pending: dict[str, HazardLearner] = {}  # learned here, not yet in the store
        self._stats: dict[str, SourceEditStats | None] = {}  # the store's sums, as last read
        self._all_loaded = False
        self._refreshed: float | None = None  # clock.monotonic() of the last flush

    # ── the state the policy sees ───────────────────────────────────────────────────────

    def listed(self, article: TrackedArticle, at: datetime) -> bool | None:
        """Whether a listing showed the article around `at` (None: never listed).

        Polls come every `feed_interval`, later when a host is slow or a poll fails, so the
        slack is two intervals: one missed or late poll does not make an article unlisted.
        """
        if article.listed_at is None:
            return None
        return article.listed_at >= at - _LISTED_POLLS * self._settings.schedule.feed_interval

    def explorer(self, article: TrackedArticle) -> bool:
        return is_explorer(article.url, self._settings.schedule.explore_every)

    def state(self, article: TrackedArticle, now: datetime) -> ScheduleState:
        """The article as it stands at `now`, before any check (what the ranking scores)."""
        return ScheduleState(
            first_seen_at=article.first_seen_at,
            last_change_at=article.last_change_at,
            last_checked_at=article.last_checked_at,
            last_outcome=None,
            consecutive_errors=article.consecutive_errors,
            hint_at=article.hint_at,
            change_count=article.change_count,
            listed=self.listed(article, now),
            explorer=self.explorer(article),
        )

    # ── learning ────────────────────────────────────────────────────────────────────────

    def observe(self, article: TrackedArticle, now: datetime, *, changed: bool) -> None:
        """Learn from a check that saw the page (quiet or changed); errors teach nothing.

        As in the replay: the quiet time from the previous look to this one, in the group the
        article was in then, and a change only when no hint pulled this check forward.
        """
        if article.version_count == 0:
            return  # the first version is what discovery found, not an edit
        since = self._previous_look(article)
        if since is None:
            return
        last_change = article.last_change_at or article.first_seen_at
        group = group_of(article.change_count, self.listed(article, since))
        learner = self._pending.setdefault(article.source, HazardLearner())
        learner.observe_check(
            group,
            max(0.0, (since - last_change).total_seconds()),
            max(0.0, (now - last_change).total_seconds()),
            changed=changed,
            hinted=article.hint_at is not None and article.hint_at > since,
        )

    def _previous_look(self, article: TrackedArticle) -> datetime | None:
        """When a check last saw the page: failed checks in between saw nothing."""
        if article.consecutive_errors == 0:
            return article.last_checked_at
        for check in self._store.checks(article.id, limit=_HISTORY):
            if check.outcome in _LOOKED:
                return check.checked_at
        return None

    def stats(self, source: str) -> SourceEditStats | None:
        """The source's statistics for the policy: every worker's, refreshed periodically."""
        self._tick()
        if source not in self._stats:
            self._stats[source] = self._store.edit_stats(source)
        return self._stats[source]

    def preload(self) -> None:
        """Read every source's statistics (before ranking inside a claim, which must not read)."""
        self._tick()
        if not self._all_loaded:
            for source in self._store.list_sources():
                self.stats(source.name)
            self._all_loaded = True

    def _tick(self) -> None:
        mono = self._clock.monotonic()
        if self._refreshed is None:
            self._refreshed = mono
        elif mono - self._refreshed >= self._settings.schedule.stats_refresh.total_seconds():
            try:
                self.flush()
            except CopydeskError as exc:  # keep what was learned; the next refresh tries again
                logger.warning("could not share the learned statistics: %s", exc)
                self._refreshed = mono

    def flush(self) -> None:
        """Add what was learned here to the store, then reload every source's sums from it."""
        now = self._clock.now()
        for source in list(self._pending):
            self._store.add_edit_stats(source, self._pending[source].snapshot(), now=now)
            del self._pending[source]
        self._stats.clear()
        self._all_loaded = False
        self._refreshed = self._clock.monotonic()

    # ── budget ──────────────────────────────────────────────────────────────────────────

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
        """One source's due articles, the likeliest to show a change first (no I/O)."""
        if not due:
            return []
        stats = self._stats.get(due[0].source)
        scored = [(article, self.state(article, now)) for article in due]
        return rank_due(scored, now, self._settings.schedule, source_stats=stats)
