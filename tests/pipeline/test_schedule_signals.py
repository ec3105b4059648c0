"""The tracker feeds the schedule policy: shared learned statistics, listing signals, budgets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from copydesk.clock import FixedClock
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.publish.wording import check_sentence, long_date
from copydesk.records import (
    Candidate,
    Check,
    CheckOutcome,
    CheckResult,
    Endpoint,
    EndpointKind,
    ScheduleState,
    Source,
    TrackedArticle,
)
from copydesk.schedule import listed as schedule_listed
from copydesk.schedule import next_check, retirement_due_at, state_of
from copydesk.scheduler import Scheduler
from copydesk.settings import FetchSettings, ScheduleSettings, Settings, settings_from_mapping
from copydesk.store import Store
from copydesk.worker import Worker
from tests.support.factories import article as stored_article
from tests.support.factories import result
from tests.support.fetching import stub_resolver
from tests.support.loopback import PARAS, article_html

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
HOSTS = {"news.example": ["93.184.216.34"], "other.example": ["93.184.216.35"]}
FRONT = "https://news.example/"


def story(name: str, host: str = "news.example") -> str:
    return f"https://{host}/news/2026/01/story-{name}-about-things"


def frontpage(*names: str) -> bytes:
    links = "".join(f'<a href="{story(n)}">Story {n} headline words here</a>' for n in names)
    return f"<html><body>{links}</body></html>".encode()


class Site:
    """Canned answers by URL; a callable answer is asked each time."""

    def __init__(self) -> None:
        self.pages: dict[str, Any] = {}
        self.hits: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        self.hits.append(url)
        answer = self.pages.get(url, (404, {}, b"not found"))
        status, headers, body = answer(request) if callable(answer) else answer
        return httpx.Response(status, headers=headers, content=body)


def html(title: str, paragraphs: list[str]) -> tuple[int, dict[str, str], bytes]:
    return (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        article_html(title, paragraphs).encode(),
    )


def settings_for(db: str, **schedule: Any) -> Settings:
    return Settings(
        db=db,
        fetch=FetchSettings(
            per_host_delay=timedelta(0), per_host_concurrency=8, confirm_changes=False
        ),
        schedule=ScheduleSettings(**schedule),
    )


def tracker_for(settings: Settings, store: Store, clock: FixedClock, site: Site) -> Tracker:
    fetcher = Fetcher(
        settings.fetch,
        clock=clock,
        transport=httpx.MockTransport(site.handler),
        resolver=stub_resolver(HOSTS),
    )
    return Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)


def editing_page(title: str) -> Callable[[httpx.Request], tuple[int, dict[str, str], bytes]]:
    """A page that has a new paragraph every time it is read."""
    reads = iter(range(1_000_000))

    def answer(_request: httpx.Request) -> tuple[int, dict[str, str], bytes]:
        n = next(reads)
        return html(title, [*PARAS, f"Update {n}: the council met again and said {n} more things."])

    return answer


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'signals.db'}"
    return str(request.getfixturevalue("pg_schema"))


@pytest.fixture
def site() -> Site:
    return Site()


# ── learned statistics ─────────────────────────────────────────────────────────────────


async def _edit_and_check(tracker: Tracker, clock: FixedClock, url: str, edits: int) -> None:
    """A first check, then `edits` checks ten minutes apart that each find an edit."""
    article = tracker.store.add_article("s", url, now=clock.now())
    await tracker.check_article(article)
    for _ in range(edits):
        clock.advance(10 * MINUTE)
        current = tracker.store.get_article(article.id)
        assert current is not None
        report = await tracker.check_article(current)
        assert report.outcome is CheckOutcome.NEW_VERSION


def _totals(stats: Any) -> tuple[float, float]:
    return sum(map(sum, stats.changes)), sum(map(sum, stats.exposure))


async def test_stats_persist_and_add_up_across_two_trackers(db_url, site):
    clock = FixedClock()
    settings = settings_for(db_url)
    site.pages[story("one")] = editing_page("One")
    site.pages[story("two")] = editing_page("Two")
    with Store.open(db_url) as first, Store.open(db_url) as second:
        first.add_source(Source(name="s"), now=clock.now())
        assert first.edit_stats("s") is None
        one = tracker_for(settings, first, clock, site)
        await _edit_and_check(one, clock, story("one"), edits=4)
        one.flush_stats()  # as a worker does at its stop
        await one.fetcher.aclose()
        after_one = second.edit_stats("s")
        two = tracker_for(settings, second, clock, site)
        await _edit_and_check(two, clock, story("two"), edits=3)
        two.flush_stats()
        await two.fetcher.aclose()
        after_two = first.edit_stats("s")
    assert after_one is not None
    assert after_two is not None
    # each caught edit counts once; its quiet time is half the 10 minutes (the midpoint rule)
    assert _totals(after_one) == (4.0, 4 * 300.0)
    assert _totals(after_two) == (7.0, 7 * 300.0)
    # changes=1 -> group 1, 2+ -> group 2; nothing was listed, so no listed groups
    assert [sum(row) for row in after_two.changes] == [2.0, 2.0, 3.0, 0.0, 0.0, 0.0]


async def test_a_change_a_hint_led_to_is_not_taught_as_a_scheduled_catch(tmp_path, site):
    clock = FixedClock()
    settings = settings_for(f"sqlite:///{tmp_path / 't.db'}")
    url = story("hinted")
    site.pages[url] = editing_page("Hinted")
    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=clock.now())
        tracker = tracker_for(settings, store, clock, site)
        await _edit_and_check(tracker, clock, url, edits=1)
        clock.advance(10 * MINUTE)
        # the feed says it was updated just now: the check it pulls forward finds the edit
        store.add_articles("s", [Candidate(url=url, updated_at=clock.now())], now=clock.now())
        article = store.find_article(url)
        assert article is not None
        assert article.hint_at == clock.now()
        assert (await tracker.check_article(article)).outcome is CheckOutcome.NEW_VERSION
        tracker.flush_stats()
        await tracker.fetcher.aclose()
        stats = store.edit_stats("s")
    assert stats is not None
    # the scheduled catch counts (half of its 10 minutes); the hinted one only as quiet time
    assert _totals(stats) == (1.0, 300.0 + 600.0)


async def test_learned_stats_reach_the_policy_and_the_article_page(tmp_path, site):
    clock = FixedClock()
    settings = settings_for(
        f"sqlite:///{tmp_path / 't.db'}",
        min_stats_changes=4,
        stats_refresh=timedelta(0),  # share and reload at every check
        check_yield=0.3,
        retire_below=0.0,  # no learned rest: this test is about the interval
        explore_every=0,
    )
    url = story("policy")
    site.pages[url] = editing_page("Policy")
    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=clock.now())
        tracker = tracker_for(settings, store, clock, site)
        await _edit_and_check(tracker, clock, url, edits=5)
        site.pages[url] = html("Policy", PARAS)  # the edits stop
        clock.advance(10 * MINUTE)
        article = store.find_article(url)
        assert article is not None
        await tracker.check_article(article)  # one more edit (the new text) ...
        clock.advance(30 * MINUTE)
        article = store.find_article(url)
        assert article is not None
        report = await tracker.check_article(article)  # ... then a quiet look
        await tracker.fetcher.aclose()
        assert report.outcome is CheckOutcome.UNCHANGED
        now = clock.now()
        article = store.find_article(url)
        stats = store.edit_stats("s")
    assert article is not None
    assert stats is not None
    assert _totals(stats)[0] == 6.0
    state = ScheduleState(
        first_seen_at=article.first_seen_at,
        last_change_at=article.last_change_at,
        last_checked_at=now,
        last_outcome=CheckOutcome.UNCHANGED,
        change_count=6,
        listed=None,
    )
    learned = next_check(state, now, settings.schedule, source_stats=stats)
    plain = next_check(state, now, settings.schedule)
    assert learned.next_check_at != plain.next_check_at, "the stats must make a difference here"
    assert article.next_check_at == learned.next_check_at
    assert check_sentence(article, now, settings.schedule) == (
        f"The next check for changes will be {long_date(learned.next_check_at)}."
    )


# ── listing signals ────────────────────────────────────────────────────────────────────


def _rest(store: Store, article: TrackedArticle, until: Any) -> None:
    """Record a quiet check that puts the article's next check at `until`."""
    check = Check(
        article_id=article.id, checked_at=article.first_seen_at, outcome=CheckOutcome.UNCHANGED
    )
    store.record_check(CheckResult(check=check, next_check_at=until))


def _by_name(store: Store) -> dict[str, TrackedArticle]:
    return {a.url.rsplit("story-", 1)[1].split("-")[0]: a for a in store.list_articles(limit=100)}


async def test_reappearing_or_rising_on_a_front_page_pulls_the_check_to_now(db_url, site):
    clock = FixedClock()
    t0 = clock.now()
    settings = settings_for(db_url)
    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=t0)
        store.add_endpoint(Endpoint(url=FRONT, kind=EndpointKind.FRONTPAGE, source="s"), now=t0)
        tracker = tracker_for(settings, store, clock, site)

        async def poll(*names: str) -> None:
            site.pages[FRONT] = (200, {"Content-Type": "text/html"}, frontpage(*names))
            [endpoint] = store.list_endpoints("s")
            await tracker.poll_endpoint(endpoint)

        await poll("a", "b", "c", "d", "e")
        first = _by_name(store)
        assert {n: a.listed_rank for n, a in first.items()} == {
            "a": 0,
            "b": 1,
            "c": 2,
            "d": 3,
            "e": 4,
        }
        assert {a.listed_at for a in first.values()} == {t0}
        far = t0 + timedelta(days=1)
        for name, article in first.items():
            if name == "e":
                # resting: its next check is the one at its retirement moment
                resting = retirement_due_at(
                    state_of(article, t0, settings.schedule), settings.schedule
                )
                _rest(store, article, resting)
            else:
                _rest(store, article, far)
        clock.advance(5 * MINUTE)
        await poll("a", "b", "c", "d", "f")  # e drops off; nothing moves up
        assert all(a.next_check_at == far for n, a in _by_name(store).items() if n in "abcd")
        clock.advance(5 * MINUTE)
        now = clock.now()
        _rest(store, _by_name(store)["f"], far)
        await poll("d", "a", "f", "b", "c", "e")  # d up 3, f up 2, e is back
        after = _by_name(store)
        await tracker.fetcher.aclose()
    woken = {n for n, a in after.items() if a.next_check_at == now}
    assert woken == {"d", "e"}
    assert after["d"].hint_at == now
    assert after["e"].hint_at == now
    assert after["f"].next_check_at == far
    assert after["f"].hint_at is None
    assert after["e"].listed_rank == 5
    assert after["d"].listed_rank == 0
    assert {a.listed_at for a in after.values()} == {now}


async def test_a_304_keeps_what_the_listing_listed(db_url, site):
    clock = FixedClock()
    t0 = clock.now()
    settings = settings_for(db_url, feed_interval=5 * MINUTE)
    feed = "https://news.example/rss"
    etag = {"value": '"v1"'}

    def rss(*names: str) -> Callable[[httpx.Request], tuple[int, dict[str, str], bytes]]:
        items = "".join(f"<item><title>{n}</title><link>{story(n)}</link></item>" for n in names)
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}'
        body += "</channel></rss>"

        def answer(request: httpx.Request) -> tuple[int, dict[str, str], bytes]:
            if request.headers.get("If-None-Match") == etag["value"]:
                return 304, {"ETag": etag["value"]}, b""
            return (
                200,
                {"Content-Type": "application/rss+xml", "ETag": etag["value"]},
                body.encode(),
            )

        return answer

    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=t0)
        store.add_endpoint(Endpoint(url=feed, kind=EndpointKind.FEED, source="s"), now=t0)
        tracker = tracker_for(settings, store, clock, site)

        async def poll() -> None:
            [endpoint] = store.list_endpoints("s")
            await tracker.poll_endpoint(endpoint)

        site.pages[feed] = rss("a", "b", "x")
        await poll()
        clock.advance(5 * MINUTE)
        etag["value"] = '"v2"'
        site.pages[feed] = rss("a", "b")  # x drops off
        await poll()
        for _ in range(3):  # three unchanged polls: 304s
            clock.advance(5 * MINUTE)
            await poll()
        now = clock.now()
        assert site.hits.count(feed) == 5
        listed = _by_name(store)
        await tracker.fetcher.aclose()
    assert listed["a"].listed_at == now
    assert listed["b"].listed_at == now
    assert listed["x"].listed_at == t0
    assert schedule_listed(listed["a"], now, settings.schedule) is True
    assert schedule_listed(listed["x"], now, settings.schedule) is False
    assert listed["a"].listed_rank is None  # a feed has no ranks


# ── budget ─────────────────────────────────────────────────────────────────────────────


def _history(
    store: Store, source: str, url: str, *, changed: Any, checked: Any, due: Any
) -> TrackedArticle:
    """An article whose last change and last check were at the given times, due at `due`."""
    article = store.add_article(source, url, now=changed)
    store.record_check(result(article.id, changed, content=stored_article(), next_check_at=due))
    if checked != changed:
        store.record_check(
            result(article.id, checked, outcome=CheckOutcome.UNCHANGED, next_check_at=due)
        )
    found = store.get_article(article.id)
    assert found is not None
    return found


async def test_budget_checks_only_the_likeliest_within_each_source(db_url, site):
    clock = FixedClock()
    now = clock.now()
    settings = settings_for(db_url, max_fetches_per_hour=3)
    with Store.open(settings.db) as store:
        store.add_source(Source(name="a"), now=now)
        store.add_source(Source(name="b"), now=now)
        # long quiet and due first: oldest-due-first would pick these
        quiet = [
            _history(
                store,
                "a",
                story(f"quiet{i}"),
                changed=now - timedelta(days=10),
                checked=now - timedelta(days=1),
                due=now - HOUR,
            )
            for i in range(2)
        ]
        # changed two hours ago and not looked at since: likeliest to have changed again
        recent = [
            _history(
                store,
                "a",
                story(f"recent{i}"),
                changed=now - 2 * HOUR,
                checked=now - 2 * HOUR,
                due=now - MINUTE,
            )
            for i in range(3)
        ]
        # one check of source a in the last hour already: 2 of its 3 remain
        _history(
            store,
            "a",
            story("spent"),
            changed=now - 30 * MINUTE,
            checked=now - 30 * MINUTE,
            due=now + HOUR,
        )
        other = [
            _history(
                store,
                "b",
                story(f"other{i}", "other.example"),
                changed=now - timedelta(days=10),
                checked=now - timedelta(days=1),
                due=now - HOUR,
            )
            for i in range(3)
        ]
        for article in [*quiet, *recent, *other]:
            site.pages[article.url] = html("Same", PARAS)
        tracker = tracker_for(settings, store, clock, site)
        stats = await Worker(tracker, clock=clock, concurrency=16).run(once=True)
        await tracker.fetcher.aclose()
        checked = set(site.hits)
        assert store.checks_last_hour("a", now=now) == 3
        assert store.checks_last_hour("b", now=now) == 3
        still_due = {
            a.url
            for a in store.list_articles(limit=100)
            if a.next_check_at and a.next_check_at <= now
        }
    assert stats.checks == 5
    assert len(checked & {a.url for a in recent}) == 2
    assert not checked & {a.url for a in quiet}
    assert {a.url for a in other} <= checked  # source b has its own budget
    assert {a.url for a in quiet} <= still_due  # unserved checks stay due


def test_each_source_has_the_budget_or_its_own():
    settings = settings_from_mapping(
        {
            "schedule": {"max_fetches_per_hour": 10},
            "sources": {"slow": {"max_fetches_per_hour": 2}, "free": {"max_fetches_per_hour": 0}},
        }
    )
    scheduler = Scheduler(store=None, settings=settings, clock=FixedClock())
    assert scheduler.budgeted
    assert [scheduler.budget(n) for n in ("slow", "free", "other")] == [2, 0, 10]
    plain = Scheduler(store=None, settings=Settings(), clock=FixedClock())
    assert not plain.budgeted  # no budget anywhere: the plain oldest-due-first claim
