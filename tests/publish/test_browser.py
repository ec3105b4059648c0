"""Headless Chromium over the real server: follow an article, open a diff, switch to inline."""

from __future__ import annotations

import pytest

from copydesk.publish import create_app, serve_in_thread
from tests.support.web import ARGS, CHROMIUM, fill

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def base_url(store, settings, web_clock):
    fill(store)
    url, stop = serve_in_thread(create_app(settings, store=store, clock=web_clock), "127.0.0.1", 0)
    yield url
    stop()


def test_article_to_diff_to_inline(base_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base_url + "/")
        page.click("text=Mayor opens new bridge")
        assert "The article has changed 2 times." in page.inner_text(".log")
        page.click("a.diff-link >> nth=0")
        assert page.inner_text(".diff.side .old del") == "Monday"
        assert page.inner_text(".diff.side .new ins") == "Tuesday"
        page.click("a.view-switch")
        assert "view=inline" in page.url
        assert page.locator("div.diff.inline del").count() >= 1
        page.select_option("select[name=a]", "1")
        page.select_option("select[name=b]", "3")
        page.click("form.picker button")
        assert page.url.endswith("/diff/1/3?view=inline")
        shot = tmp_path / "diff.png"
        page.screenshot(path=str(shot), full_page=True)
        # The hostile article: its script must not run, its title must show as text.
        page.goto(base_url + "/?kind=all")
        page.click("a.article-link:has-text('onerror') >> nth=0")
        assert "<script>" in page.inner_text("h1")
        assert page.title() != "pwned"
        assert not dialogs
        browser.close()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 1000
