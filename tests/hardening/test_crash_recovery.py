"""Issue 11, item 1: a Retry-After of thousands of digits, and any unexpected exception.

Before the fix `int()` raised ValueError past Python's digit limit: `check` and `add` printed a
traceback, and in `run` the poll crashed, nothing was stored, and the feed was fetched about
once a second instead of every feed_interval. Now the header counts as "too long, use
fetch.max_retry_after", and any exception in a poll or a check is recorded as a failure with
the error back-off, so the daemon never re-fetches in a hot loop. (The fetcher's side is in
tests/fetch/test_ratelimit.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from copydesk.clock import FixedClock, SystemClock
from copydesk.fetch import Fetcher
from copydesk.fetch.ratelimit import parse_retry_after
from copydesk.pipeline import Tracker
from copydesk.pipeline import tracker as pipeline
from copydesk.records import CheckOutcome, Endpoint, EndpointKind, Source
from copydesk.settings import FetchSettings, ScheduleSettings, Settings
from copydesk.store import Store
from copydesk.worker import Worker
from tests.support.fetching import stub_resolver
from tests.support.loopback import QuietHandler, serving

HUGE = "9" * 5000
CAP = timedelta(minutes=7)


def test_a_retry_after_too_long_to_read_is_the_cap():
    now = FixedClock().now()
    assert parse_retry_after(HUGE, now=now, cap=CAP) == CAP
    # leading zeros are read, not counted against int()'s digit limit
    assert parse_retry_after("0" * 5000 + "5", now=now, cap=CAP) == timedelta(seconds=5)


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        db=f"sqlite:///{tmp_path / 't.db'}",
        fetch=FetchSettings(per_host_delay=timedelta(0), respect_robots=False, max_retry_after=CAP),
        schedule=ScheduleSettings(
            feed_interval=timedelta(minutes=5),
            error_backoff=timedelta(minutes=2),
            max_error_backoff=timedelta(hours=1),
        ),
    )


async def test_tracker_stores_a_huge_retry_after_as_rate_limited(tmp_path):
    clock = FixedClock()
    now = clock.now()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": HUGE})

    settings = _settings(tmp_path)
    fetcher = Fetcher(
        settings.fetch,
        clock=clock,
        transport=httpx.MockTransport(handler),
        resolver=stub_resolver(),
    )
    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=now)
        feed = store.add_endpoint(
            Endpoint(url="https://other.example/rss", kind=EndpointKind.FEED, source="s"), now=now
        )
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        report = await tracker.check_article(
            store.add_article("s", "https://news.example/a", now=now)
        )
        await tracker.poll_endpoint(feed)
        await fetcher.aclose()
        [article] = store.list_articles(limit=10)
        [check] = store.checks(article.id)
        [polled] = store.list_endpoints("s")
    assert report.outcome is CheckOutcome.ERROR
    assert (check.error or "").startswith("rate-limited:")
    assert article.next_check_at == now + CAP
    assert (polled.last_error or "").startswith("rate-limited:")
    assert polled.next_poll_at == now + CAP


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a bug nobody foresaw")


async def test_an_unexpected_exception_in_a_check_is_recorded_with_the_error_backoff(
    tmp_path, monkeypatch
):
    clock = FixedClock()
    now = clock.now()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html><body><p>text</p></body></html>")

    monkeypatch.setattr(pipeline, "extract_article", _boom)
    settings = _settings(tmp_path)
    fetcher = Fetcher(
        settings.fetch,
        clock=clock,
        transport=httpx.MockTransport(handler),
        resolver=stub_resolver(),
    )
    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=now)
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        article = store.add_article("s", "https://news.example/a", now=now)
        report = await tracker.check_article(article)
        await fetcher.aclose()
        [stored] = store.list_articles(limit=10)
        [check] = store.checks(article.id)
    assert report.outcome is CheckOutcome.ERROR
    assert (check.error or "").startswith("internal-error: RuntimeError: a bug nobody foresaw")
    assert stored.consecutive_errors == 1
    assert stored.next_check_at == now + timedelta(minutes=2)


async def test_an_unexpected_exception_in_a_poll_is_recorded_with_the_error_backoff(
    tmp_path, monkeypatch
):
    clock = FixedClock()
    now = clock.now()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<rss version='2.0'><channel></channel></rss>")

    monkeypatch.setattr(pipeline, "discover_parts", _boom)
    settings = _settings(tmp_path)
    fetcher = Fetcher(
        settings.fetch,
        clock=clock,
        transport=httpx.MockTransport(handler),
        resolver=stub_resolver(),
    )
    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=now)
        feed = store.add_endpoint(
            Endpoint(url="https://news.example/rss", kind=EndpointKind.FEED, source="s"), now=now
        )
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        assert await tracker.poll_endpoint(feed) == []
        await fetcher.aclose()
        [polled] = store.list_endpoints("s")
    assert (polled.last_error or "").startswith("internal-error: RuntimeError")
    assert polled.consecutive_errors == 1
    # the error back-off, and never sooner than the feed interval
    assert polled.next_poll_at == now + timedelta(minutes=5)


class _Site:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()


@pytest.fixture
def limited_site() -> Iterator[tuple[_Site, str]]:
    """Answers every request with 429 and a Retry-After of 5,000 digits."""
    site = _Site()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            site.hits[self.path] += 1
            self.reply(429, headers={"Retry-After": HUGE})

    with serving(Handler) as base:
        yield site, base


async def test_run_polls_a_rate_limited_feed_once_not_in_a_hot_loop(tmp_path, limited_site):
    site, base = limited_site
    settings = _settings(tmp_path)
    settings = Settings(
        db=settings.db,
        fetch=FetchSettings(
            allow_hosts=("127.0.0.1",), per_host_delay=timedelta(0), respect_robots=False
        ),
        schedule=settings.schedule,
    )
    clock = SystemClock()
    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=clock.now())
        store.add_endpoint(
            Endpoint(url=f"{base}/rss", kind=EndpointKind.FEED, source="s"), now=clock.now()
        )
        fetcher = Fetcher(settings.fetch, clock=clock)
        worker = Worker(
            Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock), clock=clock
        )
        await worker.run(duration=2.5)
        await fetcher.aclose()
        [polled] = store.list_endpoints("s")
    assert site.hits["/rss"] == 1
    assert worker.stats.crashes == 0
    assert (polled.last_error or "").startswith("rate-limited:")


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (cwd / "copydesk.toml").write_text('[fetch]\nallow_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(cwd / "c.db"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
    )


@pytest.mark.parametrize("command", ["check", "add"])
def test_check_and_add_print_one_line_not_a_traceback(tmp_path, limited_site, command):
    _site, base = limited_site
    result = _cli(tmp_path, command, f"{base}/story-1")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "rate-limited" in result.stderr or "429" in result.stderr


async def test_a_poll_that_cannot_even_be_recorded_is_not_retried_in_a_hot_loop(tmp_path):
    """Last resort: the database refuses the failure record too; the worker cools it down."""
    settings = _settings(tmp_path)
    clock = SystemClock()
    calls: list[str] = []

    class BrokenTracker(Tracker):
        async def poll_endpoint(self, endpoint: Endpoint) -> list:
            calls.append(endpoint.url)
            raise RuntimeError("the database is on fire")

    with Store.open(settings.db) as store:
        store.add_source(Source(name="s"), now=clock.now())
        store.add_endpoint(
            Endpoint(url="https://news.example/rss", kind=EndpointKind.FEED, source="s"),
            now=clock.now(),
        )
        fetcher = Fetcher(settings.fetch, clock=clock, resolver=stub_resolver())
        tracker = BrokenTracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        worker = Worker(tracker, clock=clock)
        await worker.run(duration=1.5)
        await fetcher.aclose()
    assert calls == ["https://news.example/rss"]
    assert worker.stats.crashes == 1
