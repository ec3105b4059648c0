from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.clock import FixedClock
from copydesk.records import CheckOutcome, ScheduleState
from copydesk.schedule import (
    CheckPlan,
    check_text,
    error_backoff,
    next_check,
    rank_due,
    retirement_due_at,
)
from copydesk.schedule.hazard import HazardLearner
from copydesk.settings import ScheduleSettings

T0 = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
DEFAULTS = ScheduleSettings()


def _state(quiet: timedelta, **extra: object) -> ScheduleState:
    fields: dict[str, object] = {
        "first_seen_at": T0 - quiet - timedelta(hours=1),
        "last_change_at": T0 - quiet,
        "last_checked_at": T0,
        "last_outcome": CheckOutcome.UNCHANGED,
    }
    fields.update(extra)
    return ScheduleState(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("quiet", "expected"),
    [
        (timedelta(0), timedelta(minutes=5)),  # just changed: after_change
        (timedelta(minutes=10), timedelta(minutes=5)),  # growth x quiet below the floor
        (timedelta(hours=2), timedelta(minutes=30)),  # 0.25 x 2 h
        (timedelta(days=5), timedelta(days=1)),  # capped at max_interval
        (timedelta(days=39, hours=23), timedelta(hours=1)),  # the last check lands on retirement
    ],
)
def test_next_check_defaults(quiet: timedelta, expected: timedelta) -> None:
    clock = FixedClock(T0)
    plan = next_check(_state(quiet), clock.now(), DEFAULTS)
    assert plan == CheckPlan(next_check_at=T0 + expected, retired=False)


def test_retires_after_forty_quiet_days() -> None:
    plan = next_check(_state(timedelta(days=40)), T0, DEFAULTS)
    assert plan == CheckPlan(next_check_at=None, retired=True)


def test_hint_pulls_the_check_forward() -> None:
    state = _state(timedelta(days=2), last_checked_at=T0 - timedelta(hours=1), hint_at=T0)
    plan = next_check(state, T0, DEFAULTS)
    assert plan.next_check_at is not None
    assert T0 < plan.next_check_at <= T0 + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=2)),
        (5, timedelta(minutes=16)),
        (30, timedelta(hours=6)),
        (500, timedelta(hours=6)),
    ],
)
def test_error_backoff_is_capped(errors: int, expected: timedelta) -> None:
    assert error_backoff(errors, DEFAULTS) == expected


def test_errors_never_advance_retirement() -> None:
    quiet = timedelta(days=45)
    state = _state(quiet, last_outcome=CheckOutcome.ERROR, consecutive_errors=3)
    plan = next_check(state, T0, DEFAULTS)
    assert plan == CheckPlan(next_check_at=T0 + timedelta(minutes=4), retired=False)
    assert retirement_due_at(state, DEFAULTS) == retirement_due_at(_state(quiet), DEFAULTS)


def test_check_text_active_and_retired() -> None:
    assert check_text(_state(timedelta(0)), T0, DEFAULTS) == (
        "The next check for changes will be 28 November 2026 at 14:05 UTC."
    )
    assert check_text(_state(timedelta(days=41)), T0, DEFAULTS) == (
        "It last changed over 41 days ago and won't be checked again for changes."
    )


def _learned_stats() -> HazardLearner:
    learner = HazardLearner()
    for _ in range(200):  # changes come fast in the first hour, then never
        learner.observe(0, 0, 1800, changed=True)
        learner.observe(0, 0, 3 * 86400, changed=False)
    return learner


@pytest.mark.parametrize("quiet_days", [0, 0.5, 1, 2, 5, 39, 40, 41])
def test_check_text_agrees_with_the_scheduler(quiet_days: float) -> None:
    stats = _learned_stats().snapshot()
    for source_stats in (None, stats):
        state = _state(timedelta(days=quiet_days))
        plan = next_check(state, T0, DEFAULTS, source_stats=source_stats)
        text = check_text(state, T0, DEFAULTS, source_stats=source_stats)
        assert plan.retired == text.endswith("won't be checked again for changes.")


def test_learned_hazard_shortens_then_retires() -> None:
    stats = _learned_stats().snapshot()
    tuned = replace(DEFAULTS, min_stats_changes=10, check_yield=0.05, retire_below=0.01)
    fresh = next_check(_state(timedelta(0)), T0, tuned, source_stats=stats)
    assert fresh.next_check_at is not None
    assert fresh.next_check_at - T0 < timedelta(minutes=30)  # high hazard: check soon
    late = next_check(_state(timedelta(hours=6)), T0, tuned, source_stats=stats)
    assert late.retired  # nothing more is expected after the first hour
    assert next_check(_state(timedelta(hours=6)), T0, tuned).retired is False  # no stats: default


def test_rank_due_prefers_likely_changes() -> None:
    stats = _learned_stats().snapshot()
    tuned = replace(DEFAULTS, min_stats_changes=10)
    hot = _state(timedelta(minutes=20), last_checked_at=T0 - timedelta(minutes=15))
    cold = _state(timedelta(days=3), last_checked_at=T0 - timedelta(hours=2))
    order = rank_due([("cold", cold), ("hot", hot)], T0, tuned, source_stats=stats)
    assert order == ["hot", "cold"]


_durations = st.floats(min_value=0.5, max_value=86400 * 3).map(lambda s: timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(
    after=_durations,
    cap=_durations,
    retire=_durations,
    quiet=st.floats(min_value=0, max_value=86400 * 60),
    changes=st.integers(min_value=0, max_value=5),
    hinted=st.booleans(),
    listed=st.sampled_from([None, True, False]),
    explorer=st.booleans(),
)
def test_next_check_in_future_and_within_max_interval(
    after: timedelta,
    cap: timedelta,
    retire: timedelta,
    quiet: float,
    changes: int,
    hinted: bool,
    listed: bool | None,
    explorer: bool,
) -> None:
    tiny = replace(
        DEFAULTS, after_change=after, max_interval=cap, retire_after=retire, min_stats_changes=1
    )
    state = _state(
        timedelta(seconds=quiet),
        change_count=changes,
        hint_at=T0 if hinted else None,
        listed=listed,
        explorer=explorer,
    )
    for stats in (None, _learned_stats().snapshot()):
        plan = next_check(state, T0, tiny, source_stats=stats)
        if plan.retired:
            assert plan.next_check_at is None
            continue
        assert plan.next_check_at is not None
        assert plan.next_check_at > T0
        if plan.resting:  # only listed articles rest, and only until their retirement check
            assert state.listed is not None
            assert plan.next_check_at == retirement_due_at(state, tiny, source_stats=stats)
        else:
            assert plan.next_check_at <= T0 + cap


def test_a_listed_article_rests_where_an_unlisted_one_retires() -> None:
    """Past the learned horizon an unlisted article retires; a listed one waits for a hint."""
    stats = _learned_stats().snapshot()
    tuned = replace(DEFAULTS, min_stats_changes=10, check_yield=0.05, retire_below=0.01)
    quiet = timedelta(hours=6)
    unlisted = next_check(_state(quiet), T0, tuned, source_stats=stats)
    assert unlisted == CheckPlan(next_check_at=None, retired=True)
    for listed in (True, False):
        state = _state(quiet, listed=listed)
        plan = next_check(state, T0, tuned, source_stats=stats)
        retire_at = T0 - quiet + tuned.retire_after
        assert plan == CheckPlan(next_check_at=retire_at, retired=False, resting=True)
        assert retirement_due_at(state, tuned, source_stats=stats) == retire_at
        assert check_text(state, T0, tuned, source_stats=stats) == (
            f"The next check for changes will be {retire_at.day} {retire_at:%B %Y} at "
            f"{retire_at:%H:%M} UTC."
        )
        # A hint (the front page shows it again) wakes it at once.
        woken = next_check(
            replace(state, hint_at=T0, last_checked_at=T0 - quiet), T0, tuned, source_stats=stats
        )
        assert woken.resting is False
        assert woken.next_check_at is not None
        assert woken.next_check_at - T0 <= timedelta(seconds=1)
    # At the retirement moment a resting article retires like any other.
    final = next_check(_state(tuned.retire_after, listed=False), T0, tuned, source_stats=stats)
    assert final.retired


def test_an_explorer_keeps_the_plain_back_off() -> None:
    """Explorers ignore the learned hazard, so the source keeps measuring late changes."""
    stats = _learned_stats().snapshot()
    tuned = replace(DEFAULTS, min_stats_changes=10, check_yield=0.05, retire_below=0.01)
    state = _state(timedelta(hours=6), explorer=True)
    assert next_check(state, T0, tuned, source_stats=stats) == next_check(state, T0, tuned)
    assert next_check(state, T0, tuned, source_stats=stats).next_check_at == T0 + timedelta(
        minutes=90
    )


def test_a_group_the_source_has_not_seen_borrows_the_source_rate() -> None:
    """Articles with two changes behave like the source until their own group has evidence."""
    from copydesk.schedule import hazard

    stats = _learned_stats().snapshot()  # only group 0 has data
    empty_group = hazard.group_of(2, None)
    assert sum(stats.exposure[empty_group]) == 0
    shrunk = hazard.rates(stats, empty_group)
    own = hazard.rates(stats, 0)
    first = stats.edges.index(900.0)  # the learned changes sit mid-way through the first half hour
    assert own[first] > 0
    assert shrunk[first] == pytest.approx(own[first], rel=0.01)
    # A group watched for long without a change goes quiet instead.
    learner = _learned_stats()
    for _ in range(3000):  # 250 hours of quiet in each early bin outweigh the 24 h prior
        learner.observe(hazard.group_of(0, False), 0, 3 * 86400, changed=False)
    quiet_group = hazard.rates(learner.snapshot(), hazard.group_of(0, False))
    assert quiet_group[first] < own[first] / 10
