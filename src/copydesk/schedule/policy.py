"""When to check an article next: a pure function of its history, the source's statistics and now.

Without statistics (a new source) the rule is the SPEC default back-off: re-check `after_change`
after a change, then at `growth` x the quiet time, capped at `max_interval`, retired after
`retire_after` of quiet. Once the source's own checks have seen enough changes, the interval is
instead the time in which a change has a `check_yield` chance of happening (learned hazard), and
the article retires when fewer than `retire_below` changes remain expected. The page text and the
budget ranking use the same rule, so "won't be checked again" is never wrong.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from copydesk.records import CheckOutcome, ScheduleState, SourceEditStats
from copydesk.schedule import hazard
from copydesk.settings import ScheduleSettings

K = TypeVar("K")
_SOON = timedelta(seconds=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckPlan:
    """The decision after a check: when to look again, or that the article is retired.

    A resting article has no scheduled checks left that pay off, but a feed or front page still
    lists it or did: its next check is the one at its retirement moment, unless a hint comes first.
    """

    next_check_at: datetime | None  # None when retired
    retired: bool
    resting: bool = False


def is_explorer(key: str, every: int) -> bool:
    """Whether the article at `key` (its URL) keeps the plain back-off; stable, spread evenly."""
    return every > 0 and zlib.crc32(key.encode()) % every == 0


def _quiet_since(state: ScheduleState) -> datetime:
    return state.last_change_at or state.first_seen_at


def _hazard(
    state: ScheduleState, settings: ScheduleSettings, stats: SourceEditStats | None
) -> tuple[float, ...] | None:
    """The learned hazard for this article's group, or None while the source is too new."""
    if stats is None or state.explorer:
        return None
    if sum(sum(row) for row in stats.changes) < settings.min_stats_changes:
        return None
    return hazard.rates(stats, hazard.group_of(state.change_count, state.listed))


def _learned_rest(
    state: ScheduleState, settings: ScheduleSettings, stats: SourceEditStats | None
) -> datetime | None:
    """When the learned hazard says scheduled checks stop paying off (None: nothing learned)."""
    rates = _hazard(state, settings, stats)
    if rates is None or stats is None or settings.retire_below <= 0:
        return None
    cap = settings.retire_after.total_seconds()
    quiet = hazard.retire_quiet(stats.edges, rates, settings.retire_below, cap)
    return _quiet_since(state) + timedelta(seconds=quiet)


def retirement_due_at(
    state: ScheduleState,
    settings: ScheduleSettings,
    *,
    source_stats: SourceEditStats | None = None,
) -> datetime:
    """The moment the article retires if nothing changes before then.

    An article a feed or front page lists can still be woken by them, so it only retires after
    `retire_after`; until then it rests once scheduled checks stop paying off (see `next_check`).
    One nobody lists retires as soon as they stop paying off.
    """
    hard = _quiet_since(state) + settings.retire_after
    rest = _learned_rest(state, settings, source_stats)
    if rest is None or state.listed is not None:
        return hard
    return min(hard, rest)


def error_backoff(consecutive_errors: int, settings: ScheduleSettings) -> timedelta:
    """Capped exponential back-off for failing checks; errors never count as quiet checks."""
    exponent = max(0, min(consecutive_errors - 1, 30))
    delay: timedelta = settings.error_backoff * (2**exponent)
    return min(delay, settings.max_error_backoff)


def _quiet_interval(
    state: ScheduleState,
    now: datetime,
    settings: ScheduleSettings,
    stats: SourceEditStats | None,
) -> timedelta:
    quiet = max(timedelta(0), now - _quiet_since(state))
    rates = _hazard(state, settings, stats)
    if rates is None or stats is None:
        wait = quiet * settings.growth
    else:
        seconds = hazard.wait_for(stats.edges, rates, quiet.total_seconds(), settings.check_yield)
        wait = settings.max_interval if math.isinf(seconds) else timedelta(seconds=seconds)
    return min(max(settings.after_change, wait), settings.max_interval)


def next_check(
    state: ScheduleState,
    now: datetime,
    settings: ScheduleSettings,
    *,
    source_stats: SourceEditStats | None = None,
) -> CheckPlan:
    """Decide when to check next after the check just recorded in `state` (at `now`)."""
    if state.last_outcome in (CheckOutcome.ERROR, CheckOutcome.GONE):
        # A URL that never gave a version, and a published one that is gone, retire like any
        # other after `retire_after` (since first seen / last change), errors or not.
        never = state.last_change_at is None
        if (never or state.last_outcome is CheckOutcome.GONE) and now >= (
            _quiet_since(state) + settings.retire_after
        ):
            return CheckPlan(next_check_at=None, retired=True)
        # Other errors are retried on their own clock and never advance retirement.
        delay = error_backoff(state.consecutive_errors, settings)
        if state.retry_at is not None:  # the server said when to come back (Retry-After)
            return CheckPlan(next_check_at=max(now + delay, state.retry_at), retired=False)
        return CheckPlan(next_check_at=now + delay, retired=False)
    retire_at = retirement_due_at(state, settings, source_stats=source_stats)
    if now >= retire_at:
        return CheckPlan(next_check_at=None, retired=True)
    rest = _learned_rest(state, settings, source_stats)
    resting = rest is not None and now >= rest
    # Resting: only a listing's hint, or the last check at retirement, looks again.
    due = retire_at if resting else now + _quiet_interval(state, now, settings, source_stats)
    if state.hint_at is not None and state.hint_at > (state.last_checked_at or now):
        # A feed, sitemap or front page says the article moved since we last looked.
        due, resting = now + min(settings.after_change, _SOON), False
    # The last check happens at the retirement moment, so "won't be checked again" is exact.
    return CheckPlan(next_check_at=min(due, retire_at), retired=False, resting=resting)


def _format_when(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def check_text(
    state: ScheduleState,
    now: datetime,
    settings: ScheduleSettings,
    *,
    source_stats: SourceEditStats | None = None,
) -> str:
    """The article page's sentence about checking, from the very rule the scheduler follows."""
    retire_at = retirement_due_at(state, settings, source_stats=source_stats)
    if now >= retire_at:
        days = (now - _quiet_since(state)).days
        return f"It last changed over {days} days ago and won't be checked again for changes."
    plan = next_check(state, now, settings, source_stats=source_stats)
    moment = plan.next_check_at or now
    return f"The next check for changes will be {_format_when(_utc(moment))}."


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def change_chance(
    state: ScheduleState,
    now: datetime,
    settings: ScheduleSettings,
    *,
    source_stats: SourceEditStats | None = None,
) -> float:
    """Estimated probability that checking now finds a change made since the last check."""
    since = _quiet_since(state)
    last = max(state.last_checked_at or since, since)
    quiet_from = max(0.0, (last - since).total_seconds())
    quiet_to = max(quiet_from, (now - since).total_seconds())
    rates = _hazard(state, settings, source_stats)
    if rates is None or source_stats is None:
        # Default back-off: the chance is taken as the share of the quiet time not yet looked at.
        return (quiet_to - quiet_from) / quiet_to if quiet_to > 0 else 1.0
    mass = hazard.remaining(source_stats.edges, rates, quiet_from, quiet_to)
    return 1.0 - math.exp(-mass)


def rank_due(
    candidates: Sequence[tuple[K, ScheduleState]],
    now: datetime,
    settings: ScheduleSettings,
    *,
    source_stats: SourceEditStats | None = None,
) -> list[K]:
    """Order due checks by their chance of finding a change, highest first (stable on ties)."""
    scored = [
        (change_chance(state, now, settings, source_stats=source_stats), index, key)
        for index, (key, state) in enumerate(candidates)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [key for _, _, key in scored]
