from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta

import httpx
import pytest

from copydesk.clock import SystemClock
from copydesk.fetch.politeness import Politeness
from tests.support.fetching import quick_settings


def _recording_handler(starts, *, pause=0.0, flight=None):
    async def handler(request):
        starts.append((request.url.host, time.monotonic()))
        if flight is not None:
            flight["now"] += 1
            flight["max"] = max(flight["max"], flight["now"])
        await asyncio.sleep(pause)
        if flight is not None:
            flight["now"] -= 1
        return httpx.Response(200, content=b"ok")

    return handler


async def test_requests_to_one_host_are_spaced_by_the_delay(make_fetcher):
    starts = []
    settings = quick_settings(per_host_delay=timedelta(milliseconds=200))
    fetcher = make_fetcher(_recording_handler(starts), settings, fetch_clock=SystemClock())
    await asyncio.gather(*(fetcher.fetch(f"https://news.example/{i}") for i in range(3)))
    times = sorted(t for _, t in starts)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap >= 0.18 for gap in gaps), gaps


async def test_other_hosts_are_not_delayed(make_fetcher):
    starts = []
    settings = quick_settings(per_host_delay=timedelta(seconds=2))
    fetcher = make_fetcher(_recording_handler(starts), settings, fetch_clock=SystemClock())
    started = time.monotonic()
    await asyncio.gather(
        fetcher.fetch("https://news.example/a"),
        fetcher.fetch("https://other.example/a"),
        fetcher.fetch("https://third.example/a"),
    )
    assert time.monotonic() - started < 1.0


async def test_per_host_concurrency_cap(make_fetcher):
    flight = {"now": 0, "max": 0}
    settings = quick_settings(per_host_concurrency=2)
    fetcher = make_fetcher(_recording_handler([], pause=0.05, flight=flight), settings)
    await asyncio.gather(*(fetcher.fetch(f"https://news.example/{i}") for i in range(6)))
    assert flight["max"] == 2


async def test_global_concurrency_cap(make_fetcher):
    flight = {"now": 0, "max": 0}
    settings = quick_settings(concurrency=2, per_host_concurrency=5)
    fetcher = make_fetcher(_recording_handler([], pause=0.05, flight=flight), settings)
    hosts = ["news.example", "other.example", "third.example"]
    await asyncio.gather(*(fetcher.fetch(f"https://{h}/{i}") for h in hosts for i in range(2)))
    assert flight["max"] == 2


async def test_waiting_for_a_slot_does_not_count_against_the_timeout(make_fetcher):
    starts = []
    settings = quick_settings(
        per_host_delay=timedelta(milliseconds=300), total_timeout=timedelta(milliseconds=200)
    )
    fetcher = make_fetcher(_recording_handler(starts), settings, fetch_clock=SystemClock())
    pages = await asyncio.gather(*(fetcher.fetch(f"https://news.example/{i}") for i in range(2)))
    assert [p.status for p in pages] == [200, 200]


async def test_slot_uses_the_injected_clock(clock):
    politeness = Politeness(concurrency=4, per_host_concurrency=1, per_host_delay=10.0, clock=clock)
    async with politeness.acquire("news.example"):
        pass
    assert politeness.slot_for("news.example").next_start == pytest.approx(10.0)
    clock.advance(10)
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with politeness.acquire("news.example"):
        pass
    assert loop.time() - started < 0.5  # the fixed clock says the delay has passed


async def test_idle_slots_are_forgotten(clock):
    politeness = Politeness(concurrency=4, per_host_concurrency=1, per_host_delay=0.0, clock=clock)
    async with politeness.acquire("news.example"):
        assert "news.example" in politeness._slots
    assert "news.example" not in politeness._slots
