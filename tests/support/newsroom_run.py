"""In-process newsroom runs: the tracker and its workers over the simulated newsroom on loopback.

The insight report test and the demo walk fill a database this way (runs of the real command
line use benchmarks.harness.Project instead). Polls and re-checks are quick, so every scripted
edit is seen while the newsroom plays its script on the real clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from copydesk.clock import SystemClock
from copydesk.fetch import Fetcher
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


async def track(settings: Settings, store: Store, seconds: float) -> None:
    """Run eight workers on the store's sources for `seconds`, then close the fetcher."""
    clock = SystemClock()
    fetcher = Fetcher(settings.fetch, clock=clock)
    try:
        tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
        await Worker(tracker, clock=clock, concurrency=8).run(duration=seconds)
    finally:
        await fetcher.aclose()
