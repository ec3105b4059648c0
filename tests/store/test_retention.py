"""The check log keeps what the schedule, the pages and the audit need; quiet rows go."""

from __future__ import annotations

from datetime import timedelta

import pytest

from copydesk.clock import FixedClock
from copydesk.errors import ConfigError
from copydesk.publish.wording import check_sentence
from copydesk.records import CheckOutcome
from copydesk.scheduler import Scheduler
from copydesk.settings import ScheduleSettings, settings_from_mapping
from tests.support.factories import article as content
from tests.support.factories import result

DAY = timedelta(days=1)


def _history(store, source, now):
    """A version 30 days ago, quiet checks since, one error and a quiet check today."""
    tracked = store.add_article(source.name, "https://d.test/news/a", now=now - 30 * DAY)
    store.record_check(result(tracked.id, now - 30 * DAY, content=content()))
    for day in range(29, 1, -1):
        outcome = CheckOutcome.UNCHANGED if day % 2 else CheckOutcome.NOT_MODIFIED
        store.record_check(result(tracked.id, now - day * DAY, outcome=outcome))
    store.record_check(result(tracked.id, now - 20 * DAY, outcome=CheckOutcome.ERROR, error="x"))
    store.record_check(
        result(
            tracked.id,
            now - timedelta(minutes=5),
            outcome=CheckOutcome.UNCHANGED,
            next_check_at=now + timedelta(hours=3),
        )
    )
    return tracked


def test_pruning_keeps_versions_errors_counts_and_the_page_sentences(store, source, now):
    tracked = _history(store, source, now)
    settings = ScheduleSettings()
    before = {
        "figures": store.source_figures(),
        "counts": store.source_counts(),
        "article": store.get_article(tracked.id),
        "sentence": check_sentence(store.get_article(tracked.id), now, settings),
    }
    assert len(store.checks(tracked.id, limit=1000)) == 31
    pruned = 0
    while batch := store.prune_checks(now - 7 * DAY, limit=7):
        pruned += batch
    assert pruned == 22  # quiet checks between 29 and 8 days ago
    kept = store.checks(tracked.id, limit=1000)
    outcomes = [c.outcome for c in kept]
    assert CheckOutcome.NEW_VERSION in outcomes  # the audit trail of versions ...
    assert CheckOutcome.ERROR in outcomes  # ... and of failures stays
    assert all(c.checked_at >= now - 7 * DAY for c in kept if c.outcome in ("unchanged",))
    # counts, metrics, the article row and its page sentence are as they were
    assert store.source_figures() == before["figures"]
    assert store.source_counts() == before["counts"]
    assert store.get_article(tracked.id) == before["article"]
    assert check_sentence(store.get_article(tracked.id), now, settings) == before["sentence"]
    assert store.versions(tracked.id)[0].number == 1


def test_the_scheduler_prunes_past_keep_checks_and_zero_keeps_all(store, source, now):
    tracked = _history(store, source, now)
    clock = FixedClock(now)
    keep_all = settings_from_mapping({"store": {"keep_checks": "0"}})
    Scheduler(store=store, settings=keep_all, clock=clock).upkeep(now)
    assert len(store.checks(tracked.id, limit=1000)) == 31
    week = settings_from_mapping({"store": {"keep_checks": "7d"}})
    Scheduler(store=store, settings=week, clock=clock).upkeep(now)
    assert len(store.checks(tracked.id, limit=1000)) == 31 - 22


@pytest.mark.parametrize("value", ["30m", "59m"])
def test_keep_checks_shorter_than_the_budget_hour_is_refused(value):
    with pytest.raises(ConfigError, match="keep_checks"):
        settings_from_mapping({"store": {"keep_checks": value}})
