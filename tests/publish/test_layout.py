"""Every page at 390 px (a phone) and at desktop width, in headless Chromium, with screenshots.

Screenshots go to test-artifacts/layout/ (ignored by git) so a person can look at them too.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from copydesk.publish import create_app, serve_in_thread
from tests.support.paths import REPO
from tests.support.web import START, article, fill, record

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "test-artifacts" / "layout"
PHONE, DESKTOP = 390, 1280
PARAS = [
    f"Paragraph {i}: the budget committee met on Thursday to discuss item {i} of the agenda, "
    "which concerns the long-delayed renovation of the harbour front."
    for i in range(1, 25)
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]


def long_story(store) -> int:
    """24 paragraphs; version 2 edits paragraphs 4 and 19, adds one after 10, and the headline."""
    url = "https://daily.example/news/a-very-long-address-about-the-harbour-front-renovation"
    article_id = store.add_article("daily", url, now=START).id
    record(store, article_id, START, article("Council approves harbour front renovation", *PARAS))
    new = list(PARAS)
    new[3] = new[3].replace("Thursday", "Friday")
    new[18] = new[18].replace("harbour front", "old harbour front and the marina")
    new.insert(10, "A new paragraph about the cost, now put at £21.2 billion.")
    record(
        store,
        article_id,
        START + timedelta(hours=2),
        article("Council approves harbour renovation after a decade of delays", *new),
        change_kind="substantive",
        change_flags=("headline", "numbers"),
    )
    return article_id


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from copydesk.clock import FixedClock
    from copydesk.settings import Settings
    from copydesk.store import Store

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('layout') / 'web.db'}")
    newsroom = fill(store)
    story = long_story(store)
    app = create_app(Settings(db="sqlite://"), store=store, clock=FixedClock(START + timedelta(1)))
    url, stop = serve_in_thread(app, "127.0.0.1", 0)
    pages = {
        "front": "/",
        "sources": "/sources",
        "source": "/sources/daily",
        "article": f"/articles/{story}",
        "article-short": f"/articles/{newsroom.calm}",
        "diff": f"/articles/{story}/diff/1/2",
        "diff-inline": f"/articles/{story}/diff/1/2?view=inline",
        "version": f"/articles/{story}/versions/2",
        "search": "/search?q=harbour",
    }
    yield url, pages, story
    stop()
    store.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def open_page(browser, width: int, *, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width == PHONE else 900},
        java_script_enabled=javascript,
    )
    return context, context.new_page()


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_page_runs_off_the_screen(site, browser, width):
    url, pages, _ = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = open_page(browser, width)
    try:
        for name, path in pages.items():
            page.goto(url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
            # no element (a table cell, a long URL) sticks out to the right either
            outside = page.evaluate(
                """w => [...document.querySelectorAll('main *')].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width > 0 && r.right > w + 1;
                }).map(e => e.tagName + '.' + e.className)""",
                width,
            )
            assert outside == [], f"{name} at {width}px: {outside[:5]}"
            shot = SHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        context.close()


def test_phone_version_table_reads_as_cards(site, browser):
    url, pages, _ = site
    context, page = open_page(browser, PHONE)
    try:
        page.goto(url + pages["article"])
        title = box(page, "table.versions tbody tr:nth-child(2) td.title")
        change = box(page, "table.versions tbody tr:nth-child(2) td.change")
        assert title["width"] >= PHONE * 0.8  # a full-width line, not a one-word tower
        assert change["x"] + change["width"] <= PHONE
        assert change["y"] >= title["y"] + title["height"] - 1  # below the title, not beside
        assert "once" in page.inner_text(".log")
    finally:
        context.close()


def test_phone_diff_uses_the_full_width_old_above_new(site, browser):
    url, pages, _ = site
    context, page = open_page(browser, PHONE)
    try:
        page.goto(url + pages["diff"])
        old = box(page, ".diff.side .row.op-replace .old")
        new = box(page, ".diff.side .row.op-replace .new")
        assert old["width"] >= PHONE * 0.75
        assert new["width"] >= PHONE * 0.75  # not squeezed into the left half
        assert new["y"] >= old["y"] + old["height"]  # stacked per changed paragraph
        assert abs(new["x"] - old["x"]) < 2
        labels = page.locator(".diff.side .row.op-replace .old").first.evaluate(
            "e => getComputedStyle(e, '::before').content"
        )
        assert "Version 1" in labels
    finally:
        context.close()


def test_desktop_diff_is_side_by_side(site, browser):
    url, pages, _ = site
    context, page = open_page(browser, DESKTOP)
    try:
        page.goto(url + pages["diff"])
        old = box(page, ".diff.side .row.op-replace .old")
        new = box(page, ".diff.side .row.op-replace .new")
        assert abs(old["y"] - new["y"]) < 2
        assert new["x"] >= old["x"] + old["width"]
        same = box(page, ".diff.side > .row.op-equal .both")
        assert same["width"] >= old["width"] + new["width"]  # an unchanged paragraph, once
    finally:
        context.close()


@pytest.mark.parametrize("view", ["diff", "diff-inline"])
def test_unchanged_runs_fold_behind_details_without_script(site, browser, view):
    url, pages, _ = site
    context, page = open_page(browser, PHONE, javascript=False)
    try:
        page.goto(url + pages[view])
        assert page.locator("script").count() == 0
        summaries = page.locator("details.fold > summary").all_inner_texts()
        # 24 paragraphs, changes at 4, 11 (added) and 20: context of one paragraph around each
        assert summaries == [
            "2 unchanged paragraphs",
            "4 unchanged paragraphs",
            "6 unchanged paragraphs",
            "4 unchanged paragraphs",
        ]
        folded = page.locator("#p7")
        assert not folded.is_visible()
        assert page.locator("#p3").is_visible()  # context before the change at 4
        assert page.locator("#p5").is_visible()  # and after it
        page.locator("details.fold > summary").nth(1).click()
        assert folded.is_visible()
    finally:
        context.close()


def test_a_link_to_a_folded_paragraph_opens_its_fold(site, browser):
    url, pages, _ = site
    context, page = open_page(browser, DESKTOP)
    try:
        page.goto(url + pages["diff"] + "#p14")
        assert page.locator("#p14").is_visible()
    finally:
        context.close()
