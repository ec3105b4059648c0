"""The issue's browser walk, over a database the tracker filled from the simulated newsroom.

Front page -> an article -> its change-log sentences -> a diff -> inline -> two other versions
-> search, with a screenshot at each step; then a hostile article must render as inert text.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from copydesk.clock import HeldClock, SystemClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer
from copydesk.publish import create_app, serve_in_thread
from copydesk.records import Endpoint, EndpointKind, Source
from copydesk.store import Store
from tests.support.newsroom_run import quick_settings, track
from tests.support.web import ARGS, CHROMIUM, HOSTILE_TITLE, article, record

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]
PNG = b"\x89PNG\r\n\x1a\n"
HOSTILE_BODY = (
    "<script>document.title='pwned';alert('body')</script> The council met.",
    '<a href="javascript:alert(2)">read more</a> <img src=x onerror="alert(3)">',
    "<div onclick=alert(4)><b>broken <i>markup</p></span>",
)


def _add_hostile(store: Store) -> int:
    """A newsroom-like article whose headline and body are hostile, with one edit."""
    clock = SystemClock()
    tracked = store.add_article("newsroom", "http://127.0.0.1:9/news/hostile", now=clock.now())
    record(store, tracked.id, clock.now(), article(HOSTILE_TITLE, *HOSTILE_BODY))
    edited = (*HOSTILE_BODY[:2], HOSTILE_BODY[2] + " <iframe src=javascript:alert(5)>")
    record(store, tracked.id, clock.now(), article(HOSTILE_TITLE + " v2", *edited))
    return tracked.id


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run the newsroom and the tracker for the whole script, then serve the same database."""
    db = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    settings = quick_settings(db)
    config = NewsroomConfig(articles=4, publish_window=1.0, edit_gap=1.5, live_after=0.0)
    script = HeldClock()
    newsroom = Newsroom(config, clock=script)
    with NewsroomServer(newsroom) as server, Store.open(db) as store:
        store.add_source(Source(name="newsroom"), now=SystemClock().now())
        for url, kind in (
            (server.rss_url, EndpointKind.FEED),
            (server.sitemap_url, EndpointKind.SITEMAP),
        ):
            store.add_endpoint(
                Endpoint(url=url, kind=kind, source="newsroom"), now=SystemClock().now()
            )
        asyncio.run(track(settings, store, newsroom, script, server.base_url))
        hostile = _add_hostile(store)
        url, stop = serve_in_thread(create_app(settings, store=store), "127.0.0.1", 0)
        try:
            yield url, hostile
        finally:
            stop()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _shot(page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data.startswith(PNG), name
    assert len(data) > 1000, name
    return path


def test_walk_over_the_demo(demo, browser, tmp_path):
    base_url, _ = demo
    page = browser.new_page()
    page.goto(base_url + "/")
    _shot(page, tmp_path, "1-front")
    changed = page.locator("a.article-link").first
    assert changed.count() == 1, "the tracker recorded no change in the newsroom"
    changed.click()
    assert re.search(r"/articles/\d+$", page.url)
    log = page.inner_text(".log")
    assert "This article is from the source 'newsroom' and was first published or seen on" in log
    assert re.search(r"The next check for changes will be|won't be checked again", log)
    assert "You can find the current article at its original source at" in log
    said = re.search(r"The article has changed (once|(\d+) times)\.", log)
    changes = 1 if said.group(1) == "once" else int(said.group(2))
    assert changes >= 1
    assert "There is an RSS feed of changes available." in log
    assert page.locator("table.versions tbody tr").count() == changes + 1
    _shot(page, tmp_path, "2-article")
    page.click("a.diff-link >> nth=0")
    assert re.search(r"/diff/\d+/\d+$", page.url)
    assert page.locator(".diff.side .old, .diff.side .new").count() >= 1
    _shot(page, tmp_path, "3-diff")
    page.click("a.view-switch")
    assert "view=inline" in page.url
    assert page.locator("div.diff.inline").count() == 1
    _shot(page, tmp_path, "4-inline")
    numbers = page.locator("select[name=a] option").all_inner_texts()
    assert len(numbers) == changes + 1
    page.select_option("select[name=a]", index=0)
    page.select_option("select[name=b]", index=len(numbers) - 1)
    page.click("form.picker button")
    assert page.url.split("?")[0].endswith(f"/diff/1/{len(numbers)}")
    _shot(page, tmp_path, "5-picked")
    title_word = next(w for w in re.findall(r"[A-Za-z]{5,}", page.inner_text("h1")))
    page.goto(base_url + "/search?q=" + title_word)
    assert page.locator(".hits li, .hit").count() >= 1
    _shot(page, tmp_path, "6-search")


def test_hostile_article_renders_as_text_and_runs_nothing(demo, browser, tmp_path):
    base_url, hostile = demo
    page = browser.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    missing: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: console.append(str(e)))
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in (
        f"/articles/{hostile}",
        f"/articles/{hostile}/versions/1",
        f"/articles/{hostile}/diff/1/2",
        f"/articles/{hostile}/diff/1/2?view=inline",
        "/?kind=all",
        "/search?q=council",
    ):
        page.goto(base_url + path)
        assert page.title() != "pwned", path
        assert page.locator("script, iframe, img[src=x], [onclick], [onerror]").count() == 0, path
        assert page.locator("a[href^='javascript:']").count() == 0, path
        _shot(page, tmp_path, "hostile-" + re.sub(r"\W+", "-", path).strip("-"))
    page.goto(base_url + f"/articles/{hostile}/versions/1")
    text = page.inner_text("body")
    assert "<script>document.title='pwned'" in text
    assert '<a href="javascript:alert(2)">read more</a>' in text
    assert not dialogs
    # Chromium asks for /favicon.ico and logs its 404; nothing else may reach the console.
    assert all(url.endswith("/favicon.ico") for url in missing), missing
    assert [m for m in console if not m.startswith("Failed to load resource")] == []
