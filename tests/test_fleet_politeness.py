"""Politeness across workers on PostgreSQL: per_host_delay and Retry-After hold for the fleet.

Two workers (each its own store connection, fetcher and politeness) share one PostgreSQL queue
and check articles on one host; the host's access log says how often it was hit.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from copydesk.clock import SystemClock
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.records import Source
from copydesk.settings import FetchSettings, ScheduleSettings, Settings
from copydesk.store import Store
from copydesk.worker import Worker
from tests.support.loopback import QuietHandler, serving

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DELAY = 1.0
# No allowance for a loaded machine: the host logs a request before it answers, and the fleet
# sends the next one only DELAY after that answer came, however late a worker wakes. What is
# left is reading two clocks (the database's and this process's) a moment apart.
TOLERANCE = 0.002


class Host:
    """A news host that logs when each request arrives; one page may answer 429 once."""

    def __init__(self) -> None:
        self.log: list[tuple[float, str, int]] = []  # (arrival, path, status)
        self.lock = threading.Lock()
        self.rate_limit = False  # the next article request answers 429 with Retry-After

    def handler(self) -> type[BaseHTTPRequestHandler]:
        host = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                arrived = time.monotonic()
                status, body, headers = 200, _page(self.path).encode(), {}
                with host.lock:
                    if host.rate_limit and self.path.startswith("/news/"):
                        host.rate_limit = False
                        status, body, headers = 429, b"slow down", {"Retry-After": "2"}
                    if self.path == "/robots.txt":
                        status, body = 404, b""
                    host.log.append((arrived, self.path, status))
                self.reply(status, body, {**headers, "Content-Type": "text/html; charset=utf-8"})

        return Handler

    def gaps(self, since: float = 0.0) -> list[float]:
        times = sorted(t for t, _, _ in self.log if t >= since)
        return [b - a for a, b in itertools.pairwise(times)]


def _page(path: str) -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the story at {path}, with enough words to be article text.</p>"
        for i in range(5)
    )
    return (
        f"<html><head><title>Story {path}</title></head><body><article><h1>Story {path}</h1>"
        f"{paragraphs}</article></body></html>"
    )


@pytest.fixture
def host() -> Iterator[tuple[Host, str]]:
    state = Host()
    with serving(state.handler()) as base:
        yield state, base


def _settings(db: str) -> Settings:
    return Settings(
        db=db,
        fetch=FetchSettings(
            allow_hosts=("127.0.0.1",),
            per_host_delay=timedelta(seconds=DELAY),
            per_host_concurrency=2,
            confirm_changes=False,
        ),
        schedule=ScheduleSettings(
            after_change=timedelta(milliseconds=100),
            max_interval=timedelta(milliseconds=200),
            error_backoff=timedelta(milliseconds=100),
            max_error_backoff=timedelta(milliseconds=200),
        ),
    )


class LateSender(httpx.AsyncBaseTransport):
    """A transport that holds every other request back before sending it, as a worker on a
    loaded machine does between being allowed to send and sending."""

    def __init__(self, lag: float) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._lags = itertools.cycle((lag, 0.0))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(next(self._lags))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _run_two_workers(
    db: str, base: str, *, shared: bool, seconds: float, lag: float = 0.0
) -> list[int]:
    settings = _settings(db)
    clock = SystemClock()
    stores = [Store.open(db) for _ in range(2)]
    stores[0].add_source(Source(name="news"), now=clock.now())
    for i in range(12):
        stores[0].add_article("news", f"{base}/news/story-{i}", now=clock.now())
    fetchers = [
        Fetcher(
            settings.fetch,
            clock=clock,
            shared=store if shared else None,
            transport=LateSender(lag) if lag else None,
        )
        for store in stores
    ]
    try:
        workers = [
            Worker(
                Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock),
                clock=clock,
                concurrency=8,
            )
            for store, fetcher in zip(stores, fetchers, strict=True)
        ]
        stats = await asyncio.gather(*(w.run(duration=seconds) for w in workers))
    finally:
        for fetcher in fetchers:
            await fetcher.aclose()
        for store in stores:
            store.close()
    return [s.checks for s in stats]


async def test_two_workers_never_hit_one_host_faster_than_the_delay(pg_schema, host):
    site, base = host
    checks = await _run_two_workers(pg_schema, base, shared=True, seconds=7.0)
    assert all(n > 0 for n in checks), checks  # both workers took a share
    gaps = site.gaps()
    assert min(gaps) >= DELAY - TOLERANCE, sorted(gaps)[:5]
    # ... and the delay is the only brake: the host was kept about as busy as it allows.
    assert len(site.log) >= 0.6 * 7.0 / DELAY


async def test_workers_that_send_late_still_never_crowd_the_host(pg_schema, host):
    """A request sent well after its turn was granted (a stalled worker) still arrives at
    least the delay after the one before, and the next is not squeezed in behind it."""
    site, base = host
    checks = await _run_two_workers(pg_schema, base, shared=True, seconds=7.0, lag=0.8 * DELAY)
    assert sum(checks) > 0
    gaps = site.gaps()
    assert len(gaps) >= 3
    assert min(gaps) >= DELAY - TOLERANCE, sorted(gaps)[:5]


async def test_without_shared_turns_two_workers_hit_it_twice_as_often(pg_schema, host):
    """The check above can fail: each worker alone keeps the delay, together they do not."""
    site, base = host
    await _run_two_workers(pg_schema, base, shared=False, seconds=5.0)
    gaps = site.gaps()
    assert min(gaps) < DELAY - TOLERANCE


async def test_a_429_retry_after_pauses_the_host_for_every_worker(pg_schema, host):
    site, base = host
    site.rate_limit = True
    await _run_two_workers(pg_schema, base, shared=True, seconds=8.0)
    [(limited_at, _, _)] = [entry for entry in site.log if entry[2] == 429]
    after = [t for t, _, _ in site.log if t > limited_at]
    assert after, "the host was asked again once the wait was over"
    assert min(after) - limited_at >= 2.0 - TOLERANCE
