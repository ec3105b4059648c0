"""Save Page Now for each new version: queued with the version, asked in the background through
the Fetcher, failures recorded and retried, the memento linked from the version page.

The Wayback Machine is a local stand-in (an httpx MockTransport speaking Save Page Now's
redirect-to-memento answer); nothing here reaches the internet.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from copydesk.clock import FixedClock
from copydesk.evidence import WaybackSaver
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.publish.app import create_app
from copydesk.records import CheckOutcome, Source
from copydesk.settings import ArchiveSettings, FetchSettings, Settings
from copydesk.store import Store
from tests.support.mocksite import SAVE, StandIn, resolve
from tests.support.pages import URL

with warnings.catch_warnings():  # starlette warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'spn.db'}") as opened:
        yield opened


def settings(save: bool) -> Settings:
    return Settings(
        fetch=FetchSettings(
            per_host_delay=timedelta(0), respect_robots=False, confirm_changes=False
        ),
        archive=ArchiveSettings(wayback_save=save, wayback_save_url=SAVE),
    )


async def test_new_versions_are_saved_failures_retried_and_the_memento_linked(store):
    clock = FixedClock(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    site = StandIn()
    config = settings(save=True)
    fetcher = Fetcher(
        config.fetch, clock=clock, transport=httpx.MockTransport(site), resolver=resolve
    )
    tracker = Tracker(store=store, fetcher=fetcher, settings=config, clock=clock)
    saver = WaybackSaver(store, fetcher, config.archive, clock=clock)
    store.add_source(Source(name="daily"), now=clock.now())
    article = store.add_article("daily", URL, now=clock.now())
    report = await tracker.check_article(article)
    assert report.outcome is CheckOutcome.NEW_VERSION
    assert report.version is not None
    version_id = report.version.id
    assert version_id is not None
    # Queued in the check's transaction; tracking did not wait for the archive.
    assert site.saves == []
    state = store.wayback_save_state(version_id)
    assert state is not None
    assert state.attempts == 0
    # First attempt: the archive answers 503. Recorded, and due again later, not now.
    assert await saver.run_due() == 1
    state = store.wayback_save_state(version_id)
    assert state is not None
    assert state.attempts == 1
    assert "503" in str(state.last_error)
    assert await saver.run_due() == 0
    clock.advance(timedelta(minutes=6))
    assert await saver.run_due() == 1
    state = store.wayback_save_state(version_id)
    assert state is not None
    assert state.saved_at is not None
    assert state.next_attempt_at is None
    assert site.saves == [URL, URL]
    memento = f"https://web.archive.org/web/20240501090000/{URL}"
    saved = store.get_version(article.id, 1)
    assert saved is not None
    assert saved.provenance.memento_url == memento
    # A trivial or unchanged check asks for nothing more.
    clock.advance(timedelta(minutes=10))
    await tracker.check_article(store.get_article(article.id) or article)
    assert await saver.run_due() == 0
    # The version page links the memento and shows the capture's SHA-256.
    app = create_app(config, store=store, clock=clock)
    with TestClient(app) as client:
        page = client.get(f"/articles/{article.id}/versions/1").text
    assert f'href="{memento}"' in page
    assert saved.html_hash is not None
    assert saved.html_hash in page
    assert "SHA-256 of the raw capture" in page
    await fetcher.aclose()


async def test_save_page_now_off_queues_nothing(store):
    clock = FixedClock(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    site = StandIn()
    config = settings(save=False)
    fetcher = Fetcher(
        config.fetch, clock=clock, transport=httpx.MockTransport(site), resolver=resolve
    )
    tracker = Tracker(store=store, fetcher=fetcher, settings=config, clock=clock)
    store.add_source(Source(name="daily"), now=clock.now())
    article = store.add_article("daily", URL, now=clock.now())
    report = await tracker.check_article(article)
    assert report.version is not None
    assert report.version.id is not None
    assert store.wayback_save_state(report.version.id) is None
    await fetcher.aclose()


async def test_a_save_answer_that_is_not_a_memento_is_refused(store):
    """A hostile answer (a javascript: Content-Location) never becomes a javascript: link."""
    clock = FixedClock(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    site = StandIn()
    site.save_failures = 0
    config = settings(save=True)

    def hostile(request: httpx.Request) -> httpx.Response:
        if str(request.url).startswith(SAVE):
            return httpx.Response(
                200, headers={"Content-Location": "javascript:alert(1)//web/20240501090000/x"}
            )
        return site(request)

    fetcher = Fetcher(
        config.fetch, clock=clock, transport=httpx.MockTransport(hostile), resolver=resolve
    )
    tracker = Tracker(store=store, fetcher=fetcher, settings=config, clock=clock)
    saver = WaybackSaver(store, fetcher, config.archive, clock=clock)
    store.add_source(Source(name="daily"), now=clock.now())
    article = store.add_article("daily", URL, now=clock.now())
    report = await tracker.check_article(article)
    assert report.version is not None
    assert report.version.id is not None
    await saver.run_due()
    saved = store.get_version(article.id, 1)
    assert saved is not None
    # Read as a path on the archive's own host, never as a link of another scheme.
    assert saved.provenance.memento_url is None or saved.provenance.memento_url.startswith(
        "https://web.archive.org/"
    )
    app = create_app(config, store=store, clock=clock)
    with TestClient(app) as client:
        page = client.get(f"/articles/{article.id}/versions/1").text
    assert 'href="javascript:' not in page
    await fetcher.aclose()
