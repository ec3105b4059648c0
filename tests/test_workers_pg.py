"""Several workers share one PostgreSQL database: every version once, no check done twice.

The newsroom's script is held until the workers have read its feed, and again whenever they fall
behind it (benchmarks.pacing), and the workers run until every scripted version is stored (or a
generous deadline passes), so a slow start or a busy machine cannot make a version go live and
change again before anyone looked.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from benchmarks.pacing import AudiencePacer
from copydesk.clock import HeldClock, SystemClock
from copydesk.fetch import Fetcher
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture
from copydesk.pipeline import Tracker
from copydesk.publish import export_rows
from copydesk.records import Endpoint, EndpointKind, Source
from copydesk.settings import FetchSettings, ScheduleSettings, Settings
from copydesk.store import Store
from copydesk.worker import Worker

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_three_workers_share_the_queue(pg_schema):
    settings = Settings(
        db=pg_schema,
        fetch=FetchSettings(
            allow_hosts=("127.0.0.1",), per_host_delay=timedelta(0), per_host_concurrency=8
        ),
        schedule=ScheduleSettings(
            feed_interval=timedelta(milliseconds=500),
            after_change=timedelta(milliseconds=300),
            max_interval=timedelta(milliseconds=600),
        ),
    )
    clock = SystemClock()
    script = HeldClock()
    config = NewsroomConfig(
        seed=11, articles=6, min_edits=2, max_edits=2, publish_window=1.0, edit_gap=2.0
    )
    newsroom = Newsroom(config, clock=script)
    stores = [Store.open(pg_schema) for _ in range(3)]
    observer = Store.open(pg_schema)
    fetchers = [Fetcher(settings.fetch, clock=clock) for _ in stores]
    try:
        with NewsroomServer(newsroom) as server:
            stores[0].add_source(Source(name="newsroom"), now=clock.now())
            stores[0].add_endpoint(
                Endpoint(url=server.rss_url, kind=EndpointKind.FEED, source="newsroom"),
                now=clock.now(),
            )
            workers = [
                Worker(
                    Tracker(store=s, fetcher=f, settings=settings, clock=clock),
                    clock=clock,
                    concurrency=4,
                )
                for s, f in zip(stores, fetchers, strict=True)
            ]
            running = [asyncio.create_task(w.run()) for w in workers]
            with AudiencePacer(newsroom, script, server.base_url, pg_schema):
                await _play_until_stored(newsroom, script, observer, server.base_url, running)
            for worker in workers:
                worker.stop()
            stats = await asyncio.gather(*running)
            truth = newsroom.ground_truth(base_url=server.base_url)
        rows = list(export_rows(observer.iter_export()))
    finally:
        for fetcher in fetchers:
            await fetcher.aclose()
        for store in [*stores, observer]:
            store.close()
    score = score_capture(truth, rows)
    assert score.captured == score.true_versions, score.missed
    assert score.extras == ()
    assert all(s.checks > 0 for s in stats), "every worker took a share of the checks"
    assert sum(s.crashes for s in stats) == 0


async def _play_until_stored(
    newsroom: Newsroom, script: HeldClock, observer: Store, base_url: str, running: list
) -> None:
    """Start the script once the feed was read; return when every version is stored.

    Wall time matters only as a generous bound (script plus 60 s): on a quiet machine this
    returns about a second after the script's last edit.
    """
    deadline = asyncio.get_running_loop().time() + 60
    while newsroom.request_counts.get("/rss.xml", 0) < 1:
        assert asyncio.get_running_loop().time() < deadline, "no worker read the feed"
        assert not any(task.done() for task in running), "a worker stopped early"
        await asyncio.sleep(0.05)
    script.start()
    deadline = asyncio.get_running_loop().time() + newsroom.script_end + 60
    while asyncio.get_running_loop().time() < deadline:
        assert not any(task.done() for task in running), "a worker stopped early"
        if newsroom.elapsed() > newsroom.script_end:
            truth = newsroom.ground_truth(base_url=base_url)
            rows = await asyncio.to_thread(lambda: list(export_rows(observer.iter_export())))
            score = score_capture(truth, rows)
            if score.captured == score.true_versions:
                return
        await asyncio.sleep(0.25)
