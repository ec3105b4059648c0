"""The fast path: unchanged pages settle by the located text's fingerprint, and fall back on doubt.

Each check goes through the real pipeline against canned pages; a spy counts full extractions.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from copydesk.clock import FixedClock
from copydesk.extract import extract_article, fingerprint, locate
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.pipeline import tracker as tracker_module
from copydesk.records import CheckOutcome, Source
from copydesk.settings import FetchSettings, ScheduleSettings, Settings
from copydesk.store import Store
from tests.support.fetching import stub_resolver

URL = "https://news.example/news/2026/01/harbour-library-to-close"
OTHER = "https://news.example/news/2026/01/other-story-about-things"
PARAS = [
    "The council voted on Tuesday to close the Harbour Road library after a review of costs.",
    "Officials said 12 jobs would be affected and that services would move to the town hall.",
    "Campaigners said they would challenge the decision and called it short-sighted.",
    "A public meeting is planned for next month, the council's leader said in a statement.",
]
_serial = itertools.count()


def page(
    paragraphs: list[str],
    *,
    title: str = "Library to close",
    body_class: str = "article-body",
    note: str = "Advertisement",
) -> str:
    """A news page whose sidebar and inline 'Related:' line change on every request."""
    n = next(_serial)
    link = f'<a href="{OTHER}?n={n}">Other story number {n} about things</a>'
    related = f'<p class="related"><strong>Related:</strong> {link}</p>'
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2])
    body += related + f'<p class="note">{note}</p>'
    body += "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title} | Gazette</title>'
        f'<meta property="og:title" content="{title}"><script>var s="{n}";</script></head>'
        f'<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f'<main><article class="story"><h1>{title}</h1><p class="byline">By Ann Reporter</p>'
        f'<div class="{body_class}">{body}</div></article>'
        f'<aside class="most-read"><h2>Most read</h2><ol><li><a href="/x{n}">Trending story {n}'
        f"</a></li></ol></aside></main><footer>Page {n}</footer></body></html>"
    )


class Site:
    def __init__(self) -> None:
        self.render: Any = lambda: page(PARAS)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if str(request.url) != URL:
            return httpx.Response(404)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, text=self.render())


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """URLs the pipeline ran the full extractor on, in order."""
    seen: list[str] = []

    def spy(html: str | bytes, *, url: str, **kwargs: Any):
        seen.append(url)
        return extract_article(html, url=url, **kwargs)

    monkeypatch.setattr(tracker_module, "extract_article", spy)
    return seen


class Harness:
    def __init__(self, tmp_path: Path, *, verify_every: int = 20) -> None:
        self.clock = FixedClock()
        self.site = Site()
        self.settings = Settings(
            db=f"sqlite:///{tmp_path / 'f.db'}",
            fetch=FetchSettings(
                per_host_delay=timedelta(0), per_host_concurrency=8, verify_every=verify_every
            ),
            schedule=ScheduleSettings(after_change=timedelta(minutes=1)),
        )
        self.store = Store.open(self.settings.db)
        self.store.add_source(Source(name="s"), now=self.clock.now())
        self.article_id = self.store.add_article("s", URL, now=self.clock.now()).id
        fetcher = Fetcher(
            self.settings.fetch,
            clock=self.clock,
            transport=httpx.MockTransport(self.site.handler),
            resolver=stub_resolver({"news.example": ["93.184.216.34"]}),
        )
        self.tracker = Tracker(
            store=self.store, fetcher=fetcher, settings=self.settings, clock=self.clock
        )

    async def check(self) -> CheckOutcome:
        self.clock.advance(timedelta(minutes=2))
        article = self.store.get_article(self.article_id)
        assert article is not None
        return (await self.tracker.check_article(article)).outcome

    def article(self):
        return self.store.get_article(self.article_id)

    async def close(self) -> None:
        await self.tracker.fetcher.aclose()
        self.store.close()


@pytest.fixture
async def harness(tmp_path: Path):
    made = Harness(tmp_path)
    yield made
    await made.close()


def test_the_locator_skips_what_the_extractor_leaves_out_and_ignores_noise():
    first, second = page(PARAS), page(PARAS)
    extracted = extract_article(first, url=URL)
    assert not any("Related" in p or "Other story" in p for p in extracted.paragraphs)
    located = locate(first, extracted)
    assert located is not None
    locator, fast_hash = located
    assert locator.selector == "body > main > article.story > div.article-body"
    assert any("p.related~link" in shape for shape in locator.skip)
    assert fingerprint(second, locator) == fast_hash  # per-request noise changes nothing
    edited = page([*PARAS[:3], PARAS[3].replace("next month", "next week")])
    assert fingerprint(edited, locator) != fast_hash
    joined = page([f"{PARAS[0]} {PARAS[1]}", "", *PARAS[2:]])  # two paragraphs become one
    assert fingerprint(joined, locator) != fast_hash
    retitled = page(PARAS, title="Library to close in spring")
    assert fingerprint(retitled, locator) != fast_hash  # headline inputs are in it too
    assert fingerprint(page(PARAS, body_class="story-text"), locator) is None  # moved: no match


async def test_an_unchanged_page_is_settled_without_a_full_extraction(harness, extractions):
    assert await harness.check() is CheckOutcome.NEW_VERSION
    first = len(extractions)  # the first capture is read and confirmed with full extractions
    for _ in range(3):
        assert await harness.check() is CheckOutcome.UNCHANGED
    assert len(extractions) == first
    article = harness.article()
    assert article.fast_checks == 3
    assert [c.outcome for c in harness.store.checks(harness.article_id)][:3] == ["unchanged"] * 3
    assert len(harness.store.locators("s")) == 1


async def test_a_changed_page_falls_back_to_the_full_extractor_and_is_recorded(
    harness, extractions
):
    await harness.check()
    await harness.check()
    before = len(extractions)
    harness.site.render = lambda: page([*PARAS[:3], PARAS[3].replace("next month", "in May")])
    assert await harness.check() is CheckOutcome.NEW_VERSION
    assert len(extractions) > before
    assert harness.article().fast_checks == 0
    assert await harness.check() is CheckOutcome.UNCHANGED  # fast again on the new text
    assert harness.article().fast_checks == 1
    assert len(harness.store.versions(harness.article_id)) == 2


async def test_a_moved_container_falls_back_with_no_false_version(harness, extractions):
    await harness.check()
    await harness.check()
    before = len(extractions)
    harness.site.render = lambda: page(PARAS, body_class="story-text")  # a redesign, same text
    assert await harness.check() is CheckOutcome.UNCHANGED
    assert len(extractions) == before + 1  # the full extractor looked, and agreed
    assert len(harness.store.versions(harness.article_id)) == 1
    assert len(harness.store.locators("s")) == 2  # the new container is learned ...
    after = len(extractions)
    assert await harness.check() is CheckOutcome.UNCHANGED  # ... and used
    assert len(extractions) == after


async def test_the_full_extractor_verifies_every_few_fast_checks(tmp_path, extractions):
    harness = Harness(tmp_path, verify_every=3)
    try:
        await harness.check()
        start = len(extractions)
        outcomes = [await harness.check() for _ in range(8)]
        assert set(outcomes) == {CheckOutcome.UNCHANGED}
        # 3 fast checks, 1 verification, 3 fast, 1 verification
        assert len(extractions) == start + 2
    finally:
        await harness.close()


async def test_a_change_the_fingerprint_hid_is_caught_and_its_locator_dropped(
    tmp_path, extractions
):
    harness = Harness(tmp_path, verify_every=2)
    try:
        await harness.check()
        [digest] = harness.store.locators("s")
        # A correction in a block shaped like the advertisement label the extractor dropped:
        # the locator skips that shape, so only the full extractor sees it.
        note = "Correction: an earlier version of this article said 21 jobs would be affected."
        harness.site.render = lambda: page(PARAS, note=note)
        assert await harness.check() is CheckOutcome.UNCHANGED  # fast, and wrong
        assert await harness.check() is CheckOutcome.UNCHANGED  # fast, and wrong
        assert await harness.check() is CheckOutcome.NEW_VERSION  # the verification
        versions = harness.store.versions(harness.article_id)
        assert any(note in p for p in versions[-1].paragraphs)
        assert digest not in harness.store.locators("s")  # never used again
        before = len(extractions)
        assert await harness.check() is CheckOutcome.UNCHANGED
        assert len(extractions) == before  # a locator learned from the new page works
    finally:
        await harness.close()
