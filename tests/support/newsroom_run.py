"""In-process newsroom runs: the tracker and its workers over the simulated newsroom on loopback.

The insight report test and the demo walk fill a database this way (runs of the real command
line use benchmarks.harness.Project instead). Polls and re-checks are quick, and the newsroom's
script waits for its audience (benchmarks.pacing), so every scripted edit is seen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from benchmarks.harness import feed_reads
from benchmarks.pacing import AudiencePacer
from copydesk.clock import HeldClock, SystemClock
from copydesk.fetch import Fetcher
from copydesk.newsroom import Newsroom
from copydesk.pipeline import Tracker
from copydesk.settings import Settings
from copydesk.store import Store
from copydesk.worker import Worker


def quick_settings(db: str) -> Settings:
    """Settings for the newsroom on 127.0.0.1: short politeness delay, sub-second schedule."""
    base = Settings(db=db)
    fetch = replace(
        base.fetch,
        allow_hosts=("127.0.0.1",),
        per_host_delay=timedelta(milliseconds=10),
        per_host_concurrency=4,
    )
    schedule = replace(
        base.schedule,
        after_change=timedelta(milliseconds=300),
        max_interval=timedelta(milliseconds=500),
        feed_interval=timedelta(milliseconds=500),
    )
    return replace(base, fetch=fetch, schedule=schedule)


async def track(
    settings: Settings,
    store: Store,
    newsroom: Newsroom,
    script: HeldClock,
    base_url: str,
    *,
    after: float = 3.0,
) -> None:
    """Run eight workers on the store's sources through the newsroom's whole script.

    The script (on `script`, a held clock) starts once a worker has read a feed, an
    AudiencePacer holds it whenever the workers fall behind (a loaded machine), and the
    workers stop `after` script seconds past the last edit.
    """
    clock = SystemClock()
    fetcher = Fetcher(settings.fetch, clock=clock)
    try:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        worker = Worker(tracker, clock=clock, concurrency=8)
        running = asyncio.create_task(worker.run())
        await _while_running(running, lambda: feed_reads(newsroom) >= 1)
        script.start()
        with AudiencePacer(newsroom, script, base_url, settings.db):
            await _while_running(running, lambda: newsroom.elapsed() >= newsroom.script_end + after)
        worker.stop()
        await running
    finally:
        await fetcher.aclose()


async def _while_running(running: asyncio.Task[object], done: Callable[[], bool]) -> None:
    """Look at `done` (the newsroom's thread moves it) every 50 ms until it holds or work ends."""
    while not running.done():
        if done():
            return
        await asyncio.sleep(0.05)
