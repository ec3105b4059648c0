"""The scheduler: one ScheduleState for tracker and page, claims as read -> rank -> lease."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from copydesk.clock import FixedClock
from copydesk.publish.wording import check_sentence
from copydesk.records import ArticleStatus, Candidate, CheckOutcome, Source, TrackedArticle
from copydesk.schedule import check_text, next_check, state_of
from copydesk.scheduler import Scheduler
from copydesk.settings import ScheduleSettings, Settings, settings_from_mapping
from copydesk.store import Store
from tests.support.factories import article as stored_article
from tests.support.factories import result

HOUR = timedelta(hours=1)
LEASE = timedelta(minutes=5)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'c.db'}") as opened:
        yield opened


def test_the_page_sentence_plans_from_the_trackers_inputs():
    """Listing, hint, change count and explorer reach the page, as they reach the tracker."""
    now = FixedClock().now()
    settings = ScheduleSettings()
    article = TrackedArticle(
        id=1,
        url="https://news.example/story",
        source="s",
        status=ArticleStatus.ACTIVE,
        first_seen_at=now - 3 * HOUR,
        next_check_at=None,  # nothing planned: the page applies the scheduler's rule
        last_checked_at=now - HOUR,
        last_change_at=now - 2 * HOUR,
        version_count=3,
        hint_at=now - timedelta(minutes=10),  # a feed said it changed after the last check
        listed_at=now - timedelta(minutes=1),
    )
    state = state_of(article, now, settings)
    assert (state.hint_at, state.change_count, state.listed) == (article.hint_at, 2, True)
    sentence = check_sentence(article, now, settings)
    assert sentence == check_text(state, now, settings)
    # Without the hint (the inputs the page used to build by hand) the plan is later.
    unhinted = check_text(replace(state, hint_at=None), now, settings)
    assert sentence != unhinted
    assert next_check(state, now, settings).next_check_at == now + timedelta(seconds=1)


def test_claim_reads_ranks_and_leases_and_two_schedulers_never_share(store, clock):
    now = clock.now()
    settings = Settings()
    store.add_source(Source(name="s"), now=now)
    store.add_articles("s", [Candidate(url=f"https://s.test/news/{i}") for i in range(30)], now=now)
    one = Scheduler(store=store, settings=settings, clock=clock)
    two = Scheduler(store=store, settings=settings, clock=clock)
    first = one.claim(now, limit=8, lease=LEASE)
    second = two.claim(now, limit=8, lease=LEASE)
    assert len(first) == len(second) == 8
    assert not {a.id for a in first} & {a.id for a in second}
    assert [a.id for a in first] == sorted(a.id for a in first)  # oldest due first
    # a lease runs out: the article is due again for anyone
    again = one.claim(now + LEASE, limit=30, lease=LEASE)
    assert {a.id for a in first} <= {a.id for a in again}


def test_a_workers_places_go_to_hosts_that_can_serve_them(store, clock):
    """Oldest due first, but never more checks of one host in flight than it serves at once."""
    now = clock.now()
    settings = settings_from_mapping({"fetch": {"per_host_concurrency": 2}})
    store.add_source(Source(name="s"), now=now)
    urls = [f"https://a.test/news/{i}" for i in range(6)]  # due first, all on one host
    urls += ["https://b.test/news/1", "https://c.test/news/1", "https://c.test/news/2"]
    store.add_articles("s", [Candidate(url=u) for u in urls], now=now)
    scheduler = Scheduler(store=store, settings=settings, clock=clock)
    first = scheduler.claim(now, limit=8, lease=LEASE, busy_hosts={})
    assert sorted(a.url for a in first) == sorted([*urls[:2], *urls[6:]])
    # a.test already has two checks of this worker in flight: none of its due ones is taken
    store.add_articles("s", [Candidate(url="https://d.test/news/1")], now=now)
    second = scheduler.claim(now, limit=8, lease=LEASE, busy_hosts={"a.test": 2, "b.test": 1})
    assert [a.url for a in second] == ["https://d.test/news/1"]
    assert [
        a.url for a in scheduler.claim(now, limit=8, lease=LEASE, busy_hosts={"a.test": 1})
    ] == [urls[2]]


def test_over_budget_the_likeliest_change_is_claimed_first(store, clock):
    now = clock.now()
    settings = settings_from_mapping({"sources": {"s": {"max_fetches_per_hour": 1}}})
    store.add_source(Source(name="s"), now=now)
    # Due first but quiet for ten days and looked at yesterday: an unlikely change.
    quiet = store.add_article("s", "https://s.test/news/quiet", now=now - timedelta(days=10))
    store.record_check(
        result(quiet.id, now - timedelta(days=10), content=stored_article(), next_check_at=now)
    )
    store.record_check(
        result(
            quiet.id,
            now - timedelta(hours=2),
            outcome=CheckOutcome.UNCHANGED,
            next_check_at=now - HOUR,
        )
    )
    # Changed two hours ago, not looked at since: likely to have changed again.
    recent = store.add_article("s", "https://s.test/news/recent", now=now - 2 * HOUR)
    store.record_check(
        result(recent.id, now - 2 * HOUR, content=stored_article(), next_check_at=now - 1 * HOUR)
    )
    scheduler = Scheduler(store=store, settings=settings, clock=clock)
    claimed = scheduler.claim(now, limit=5, lease=LEASE)
    # quiet's check two hours ago is outside the hour: the budget of one goes to `recent`
    assert [a.url for a in claimed] == [recent.url]
    assert store.get_article(quiet.id).next_check_at == now - HOUR  # still due, not leased
