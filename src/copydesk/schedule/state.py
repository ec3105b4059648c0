"""The one ScheduleState of an article: what the scheduler ranks and plans from, and the pages too.

Built only here, from the stored article and the settings, so the article page's "next check"
sentence and the tracker see the same inputs (listing, hint, change count, explorer).
"""

from __future__ import annotations

from datetime import datetime

from copydesk.records import ScheduleState, TrackedArticle
from copydesk.schedule.policy import is_explorer
from copydesk.settings import ScheduleSettings

LISTED_POLLS = 2  # an article counts as listed while its last listing is this many polls old


def listed(article: TrackedArticle, at: datetime, settings: ScheduleSettings) -> bool | None:
    """Whether a listing showed the article around `at` (None: never listed).

    Polls come every `feed_interval`, later when a host is slow or a poll fails, so the slack is
    two intervals: one missed or late poll does not make an article unlisted.
    """
    if article.listed_at is None:
        return None
    return article.listed_at >= at - LISTED_POLLS * settings.feed_interval


def state_of(article: TrackedArticle, now: datetime, settings: ScheduleSettings) -> ScheduleState:
    """The article as it stands at `now`, before any check."""
    return ScheduleState(
        first_seen_at=article.first_seen_at,
        last_change_at=article.last_change_at,
        last_checked_at=article.last_checked_at,
        last_outcome=None,
        consecutive_errors=article.consecutive_errors,
        hint_at=article.hint_at,
        change_count=article.change_count,
        listed=listed(article, now, settings),
        explorer=is_explorer(article.url, settings.explore_every),
    )
