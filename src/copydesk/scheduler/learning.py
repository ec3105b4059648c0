"""What the schedule learns from checks: each source's edit statistics, shared by every worker.

It keeps the store's per-source statistics and the pure policy in step, the way
benchmarks.baselines.replay.CopydeskPolicy does in the benchmark. Each tracker learns from its own
checks in memory and adds that to the store every `schedule.stats_refresh` (and at a stop),
then reloads the sum of every worker's.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from copydesk.clock import Clock
from copydesk.errors import CopydeskError
from copydesk.records import SourceEditStats, TrackedArticle
from copydesk.schedule import HazardLearner, listed
from copydesk.schedule.hazard import group_of
from copydesk.settings import Settings
from copydesk.store import Store

logger = logging.getLogger(__name__)


class SourceLearning:
    """One tracker's view of its sources' edit statistics: what it learned, what all have."""

    def __init__(self, *, store: Store, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._pending: dict[str, HazardLearner] = {}  # learned here, not yet in the store
        self._stats: dict[str, SourceEditStats | None] = {}  # the store's sums, as last read
        self._refreshed: float | None = None  # clock.monotonic() of the last flush
        # Checks are recorded from several threads; one learns or reloads at a time.
        self._lock = threading.RLock()

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
        group = group_of(article.change_count, listed(article, since, self._settings.schedule))
        with self._lock:
            learner = self._pending.setdefault(article.source, HazardLearner())
            learner.observe_check(
                group,
                max(0.0, (since - last_change).total_seconds()),
                max(0.0, (now - last_change).total_seconds()),
                changed=changed,
                hinted=article.hint_at is not None and article.hint_at > since,
            )

    @staticmethod
    def _previous_look(article: TrackedArticle) -> datetime | None:
        """When a check last saw the page: failed checks in between saw nothing."""
        if article.consecutive_errors == 0:
            return article.last_checked_at
        return article.last_seen_at

    def stats(self, source: str) -> SourceEditStats | None:
        """The source's statistics for the policy: every worker's, refreshed periodically."""
        with self._lock:
            self._tick()
            if source not in self._stats:
                self._stats[source] = self._store.edit_stats(source)
            return self._stats[source]

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
        with self._lock:
            now = self._clock.now()
            for source in list(self._pending):
                self._store.add_edit_stats(source, self._pending[source].snapshot(), now=now)
                del self._pending[source]
            self._stats.clear()
            self._refreshed = self._clock.monotonic()
