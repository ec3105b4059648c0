"""`[sources.NAME] render = true` end to end: script-built newsroom pages, edited over time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from copydesk.clock import FixedClock, SystemClock
from copydesk.fetch import Fetcher
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer
from copydesk.pipeline import Tracker
from copydesk.records import CheckOutcome, Source
from copydesk.settings import FetchSettings, Settings, settings_from_mapping
from copydesk.store import Store
from tests.support.loopback import settings_for

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]


def rendering(tmp_path: Path, *, render: bool) -> Settings:
    return settings_for(
        tmp_path,
        sources=(Source(name="ledger", render=render),),
        fetch=FetchSettings(allow_hosts=("127.0.0.1",), per_host_delay=timedelta(0)),
    )


async def test_rendered_source_records_every_version_of_a_script_built_article(tmp_path):
    clock = FixedClock()  # the newsroom's clock: edits happen when the test says so
    room = Newsroom(
        NewsroomConfig(seed=5, articles=3, publish_window=0.01, edit_gap=60), clock=clock
    )
    story = next(a for a in room.articles if len(a.versions) >= 2)
    settings = rendering(tmp_path, render=True)
    with NewsroomServer(room) as server, Store.open(settings.db) as store:
        url = f"{server.base_url}/app{room.path_of(story)}"
        store.add_source(Source(name="ledger"), now=SystemClock().now())
        fetcher = Fetcher(settings.fetch)
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=SystemClock())
        try:
            clock.advance(story.versions[0].at + 0.001)
            article = store.add_article("ledger", url, now=SystemClock().now())
            first = await tracker.check_article(article)
            clock.advance(story.versions[1].at - story.versions[0].at)
            second = await tracker.check_article(store.get_article(article.id))
        finally:
            await fetcher.aclose()
        versions = store.versions(article.id, include_trivial=True)
        checks = store.checks(article.id)
    assert first.outcome is CheckOutcome.NEW_VERSION
    assert second.outcome in (CheckOutcome.NEW_VERSION, CheckOutcome.TRIVIAL)
    truth = story.versions[:2]
    assert [v.title for v in versions] == [t.title for t in truth]
    assert [v.paragraphs for v in versions] == [t.paragraphs for t in truth]
    # the confirming re-reads were rendered too (a plain re-read would find no text)
    assert all(check.error is None for check in checks)
    # the stored capture is the rendered DOM, so a later extractor can re-read the article
    assert b"<article>" in (store_raw := _raw(settings, article.id))
    assert truth[1].title.encode() in store_raw


def _raw(settings: Settings, article_id: int) -> bytes:
    with Store.open(settings.db) as store:
        latest = store.latest_version(article_id)
        assert latest is not None
        raw = store.raw_html(latest)
    assert raw is not None
    return raw


async def test_without_render_the_same_page_has_no_article_text(tmp_path):
    room = Newsroom(NewsroomConfig(seed=5, articles=1, publish_window=0.01), clock=SystemClock())
    settings = rendering(tmp_path, render=False)
    with NewsroomServer(room) as server, Store.open(settings.db) as store:
        url = f"{server.base_url}/app{room.path_of(room.articles[0])}"
        store.add_source(Source(name="ledger"), now=SystemClock().now())
        async with Fetcher(settings.fetch) as fetcher:
            tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=SystemClock())
            report = await tracker.check_article(
                store.add_article("ledger", url, now=SystemClock().now())
            )
    assert report.outcome is CheckOutcome.ERROR
    assert report.error is not None
    assert report.error.startswith("extract:")


def test_render_is_a_per_source_setting():
    settings = settings_from_mapping({"sources": {"spa": {"render": True}, "plain": {}}})
    assert settings.source("spa").render is True
    assert settings.source("plain").render is False
    with pytest.raises(Exception, match=r"sources\.spa\.render"):
        settings_from_mapping({"sources": {"spa": {"render": "yes please"}}})
    with pytest.raises(Exception, match=r"fetch\.render_resources"):
        settings_from_mapping({"fetch": {"render_resources": ["script", "iframe"]}})
