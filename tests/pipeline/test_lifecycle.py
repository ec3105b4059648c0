"""Article lifecycle through the pipeline: gone (confirmed), restored, moved, never found."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from copydesk.clock import FixedClock
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.records import ArticleStatus, CheckOutcome, EventKind, Source
from copydesk.settings import NotifyRule, Settings
from copydesk.store import Store
from tests.support.fetching import stub_resolver
from tests.support.loopback import article_html, settings_for

BASE = "https://news.example"
PAGE = article_html("Storm hits coast", ["A storm hit the coast on Monday night."] * 3)


class Site:
    """Answers by path from a table that the test changes between checks."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict[str, str], str]] = {}
        self.queue: dict[str, list[int]] = {}  # statuses served first, once each
        self.requests: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests.append(path)
        if path == "/robots.txt":
            return httpx.Response(404)
        if self.queue.get(path):
            return httpx.Response(self.queue[path].pop(0), text="<h1>Not found</h1>")
        status, headers, body = self.pages.get(path, (404, {}, "<h1>Not found</h1>"))
        return httpx.Response(status, headers=headers, text=body)


@pytest.fixture
def site() -> Site:
    found = Site()
    found.pages["/news/1"] = (200, {"content-type": "text/html"}, PAGE)
    return found


def make(tmp_path: Path, site: Site, clock: FixedClock, rules=()) -> tuple[Settings, Fetcher]:
    settings = settings_for(tmp_path, allow=())
    from dataclasses import replace

    settings = replace(settings, notify=tuple(rules))
    fetcher = Fetcher(
        settings.fetch,
        clock=clock,
        transport=httpx.MockTransport(site.handler),
        resolver=stub_resolver(),
    )
    return settings, fetcher


async def first_version(store: Store, tracker: Tracker, clock: FixedClock):
    store.add_source(Source(name="news"), now=clock.now())
    article = store.add_article("news", f"{BASE}/news/1", now=clock.now())
    report = await tracker.check_article(article)
    assert report.outcome is CheckOutcome.NEW_VERSION
    return store.get_article(article.id)


async def test_gone_needs_a_second_read_then_restored(tmp_path, site):
    clock = FixedClock()
    rule = NotifyRule(urls=("json://127.0.0.1:9/hook",), kinds=("gone", "restored"))
    settings, fetcher = make(tmp_path, site, clock, [rule])
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        # one 404, then the page answers again: not gone, only an error
        site.queue["/news/1"] = [404]
        clock.advance(timedelta(minutes=10))
        report = await tracker.check_article(store.get_article(article.id))
        assert report.outcome is CheckOutcome.GONE
        assert store.events(article.id) == []
        # removed for real: two reads in a row say 410
        site.pages["/news/1"] = (410, {}, "<h1>Gone</h1>")
        clock.advance(timedelta(minutes=10))
        await tracker.check_article(store.get_article(article.id))
        [gone] = store.events(article.id)
        assert (gone.kind, gone.status, gone.at) == (EventKind.GONE, 410, clock.now())
        assert store.get_article(article.id).gone_at == clock.now()
        # still gone: no second event
        clock.advance(timedelta(hours=1))
        await tracker.check_article(store.get_article(article.id))
        assert len(store.events(article.id)) == 1
        # back, with the same text: restored, and no new version
        site.pages["/news/1"] = (200, {"content-type": "text/html"}, PAGE)
        clock.advance(timedelta(hours=1))
        report = await tracker.check_article(store.get_article(article.id))
        assert report.outcome is CheckOutcome.UNCHANGED
        assert [e.kind for e in store.events(article.id)] == [EventKind.GONE, EventKind.RESTORED]
        assert store.get_article(article.id).gone_at is None
        assert len(store.versions(article.id)) == 1
        due = store.claim_deliveries(clock.now(), limit=10, lease=timedelta(minutes=1))
        assert [d.notice.kind for d in due] == ["gone", "restored"]
        await fetcher.aclose()


async def test_restored_with_new_text_is_a_new_version_too(tmp_path, site):
    clock = FixedClock()
    settings, fetcher = make(tmp_path, site, clock)
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        site.pages["/news/1"] = (404, {}, "")
        await tracker.check_article(store.get_article(article.id))
        edited = article_html("Storm batters coast", ["A storm hit the coast on Tuesday."] * 3)
        site.pages["/news/1"] = (200, {"content-type": "text/html"}, edited)
        clock.advance(timedelta(hours=2))
        report = await tracker.check_article(store.get_article(article.id))
        assert report.outcome is CheckOutcome.NEW_VERSION
        assert [e.kind for e in store.events(article.id)] == [EventKind.GONE, EventKind.RESTORED]
        assert [v.number for v in store.versions(article.id)] == [1, 2]
        await fetcher.aclose()


async def test_a_permanent_redirect_moves_the_article_and_keeps_one_history(tmp_path, site):
    clock = FixedClock()
    rule = NotifyRule(urls=("json://127.0.0.1:9/hook",), kinds=("moved",))
    settings, fetcher = make(tmp_path, site, clock, [rule])
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        site.pages["/news/1-renamed"] = site.pages["/news/1"]
        site.pages["/news/1"] = (301, {"location": "/news/1-renamed"}, "")
        clock.advance(timedelta(minutes=10))
        await tracker.check_article(store.get_article(article.id))
        [moved] = store.events(article.id)
        assert (moved.kind, moved.url, moved.new_url, moved.status) == (
            EventKind.MOVED,
            f"{BASE}/news/1",
            f"{BASE}/news/1-renamed",
            301,
        )
        assert store.get_article(article.id).url == f"{BASE}/news/1-renamed"
        assert store.old_urls(article.id) == [f"{BASE}/news/1"]
        assert len(store.versions(article.id)) == 1
        [told] = store.claim_deliveries(clock.now(), limit=10, lease=timedelta(minutes=1))
        assert told.notice.moved_from == f"{BASE}/news/1"
        # the next check goes to the new address directly, and sees no further move
        clock.advance(timedelta(minutes=10))
        await tracker.check_article(store.get_article(article.id))
        assert len(store.events(article.id)) == 1
        assert site.requests[-1] == "/news/1-renamed"
        await fetcher.aclose()


async def test_a_temporary_redirect_is_not_a_move(tmp_path, site):
    clock = FixedClock()
    settings, fetcher = make(tmp_path, site, clock)
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        site.pages["/elsewhere"] = site.pages["/news/1"]
        site.pages["/news/1"] = (302, {"location": "/elsewhere"}, "")
        await tracker.check_article(store.get_article(article.id))
        assert store.events(article.id) == []
        await fetcher.aclose()


async def test_a_new_rel_canonical_on_the_same_site_is_a_move(tmp_path, site):
    clock = FixedClock()
    settings, fetcher = make(tmp_path, site, clock)
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        moved = PAGE.replace("<head>", f'<head><link rel="canonical" href="{BASE}/news/one">')
        assert moved != PAGE
        site.pages["/news/1"] = (200, {"content-type": "text/html"}, moved)
        site.pages["/news/one"] = site.pages["/news/1"]
        await tracker.check_article(store.get_article(article.id))
        [event] = store.events(article.id)
        assert (event.kind, event.new_url, event.status) == (
            EventKind.MOVED,
            f"{BASE}/news/one",
            None,
        )
        await fetcher.aclose()


async def test_a_url_that_never_gave_a_version_retires_after_retire_after(tmp_path, site):
    clock = FixedClock()
    settings, fetcher = make(tmp_path, site, clock)
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        store.add_source(Source(name="news"), now=clock.now())
        never = store.add_article("news", f"{BASE}/news/never", now=clock.now())
        await tracker.check_article(never)
        assert store.get_article(never.id).status is ArticleStatus.ACTIVE
        clock.advance(settings.schedule.retire_after - timedelta(minutes=1))
        await tracker.check_article(store.get_article(never.id))
        assert store.get_article(never.id).status is ArticleStatus.ACTIVE
        clock.advance(timedelta(minutes=2))
        await tracker.check_article(store.get_article(never.id))
        retired = store.get_article(never.id)
        assert retired.status is ArticleStatus.RETIRED
        assert store.events(never.id) == []  # never published: nothing was removed
        await fetcher.aclose()


async def test_a_moved_article_found_first_at_its_new_address_stays_one_history(tmp_path, site):
    """Discovery lists the new address before the old one is checked again."""
    clock = FixedClock()
    settings, fetcher = make(tmp_path, site, clock)
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        site.pages["/news/1-renamed"] = site.pages["/news/1"]
        site.pages["/news/1"] = (301, {"location": "/news/1-renamed"}, "")
        clock.advance(timedelta(minutes=3))
        arrived = store.add_article("news", f"{BASE}/news/1-renamed", now=clock.now())
        await tracker.check_article(arrived)
        assert store.get_article(arrived.id) is None  # folded into the old article
        moved = store.get_article(article.id)
        assert moved.url == f"{BASE}/news/1-renamed"
        assert [e.kind for e in store.events(article.id)] == [EventKind.MOVED]
        assert len(store.versions(article.id)) == 1
        assert store.old_urls(article.id) == [f"{BASE}/news/1"]
        await fetcher.aclose()


async def test_same_text_at_a_new_address_without_a_redirect_is_a_new_article(tmp_path, site):
    clock = FixedClock()
    settings, fetcher = make(tmp_path, site, clock)
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        site.pages["/news/copy"] = site.pages["/news/1"]  # syndicated twice, both live
        copy = store.add_article("news", f"{BASE}/news/copy", now=clock.now())
        await tracker.check_article(copy)
        assert len(store.versions(copy.id)) == 1
        assert store.events(article.id) == []
        await fetcher.aclose()


async def test_a_move_onto_an_address_with_its_own_history_retires_the_old_article(tmp_path, site):
    clock = FixedClock()
    settings, fetcher = make(tmp_path, site, clock)
    with Store.open(settings.db) as store:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = await first_version(store, tracker, clock)
        other = article_html("Another story", ["Different words entirely here."] * 3)
        site.pages["/news/2"] = (200, {"content-type": "text/html"}, other)
        second = store.add_article("news", f"{BASE}/news/2", now=clock.now())
        await tracker.check_article(second)
        site.pages["/news/1"] = (301, {"location": "/news/2"}, "")
        await tracker.check_article(store.get_article(article.id))
        [event] = store.events(article.id)
        assert event.new_url == f"{BASE}/news/2"
        old = store.get_article(article.id)
        assert old.url == f"{BASE}/news/1"
        assert old.status is ArticleStatus.RETIRED
        await fetcher.aclose()
