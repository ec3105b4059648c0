"""Adaptive back-off: re-check soon after a change, then less often as the article stays quiet.

The same rule answers the web page's "next check" / "won't be checked again" text, so the two
can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from copydesk.records import CheckOutcome, ScheduleState
from copydesk.settings import ScheduleSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckPlan:
    """The decision after a check: when to look again, or that the article is retired."""

    next_check_at: datetime | None  # None when retired
    retired: bool


def _quiet_since(state: ScheduleState) -> datetime:
    return state.last_change_at or state.first_seen_at


def retirement_due_at(state: ScheduleState, settings: ScheduleSettings) -> datetime:
    """The moment the article retires if nothing changes before then."""
    return _quiet_since(state) + settings.retire_after


def error_backoff(consecutive_errors: int, settings: ScheduleSettings) -> timedelta:
    """Capped exponential back-off for failing checks; errors never count as quiet checks."""
    exponent = max(0, min(consecutive_errors - 1, 30))
    delay = settings.error_backoff * (2**exponent)
    return min(delay, settings.max_error_backoff)


def _quiet_interval(state: ScheduleState, now: datetime, settings: ScheduleSettings) -> timedelta:
    quiet = max(timedelta(0), now - _quiet_since(state))
    grown = quiet * settings.growth
    return max(settings.after_change, min(grown, settings.max_interval))


def next_check(state: ScheduleState, now: datetime, settings: ScheduleSettings) -> CheckPlan:
    """Decide when to check next after the check just recorded in `state` (at `now`)."""
    if state.last_outcome in (CheckOutcome.ERROR, CheckOutcome.GONE):
        # Errors are retried on their own clock and never advance retirement.
        delay = error_backoff(state.consecutive_errors, settings)
        return CheckPlan(next_check_at=now + delay, retired=False)
    retire_at = retirement_due_at(state, settings)
    if now >= retire_at:
        return CheckPlan(next_check_at=None, retired=True)
    due = now + _quiet_interval(state, now, settings)
    if state.hint_at is not None and state.hint_at > (state.last_checked_at or now):
        due = now  # the feed or sitemap says the article moved since we last looked
    # The last check happens at the retirement moment, so "won't be checked again" is exact.
    return CheckPlan(next_check_at=min(due, retire_at), retired=False)
