"""Several workers share one PostgreSQL database: every version once, no check done twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from copydesk.clock import SystemClock
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
    config = NewsroomConfig(
        seed=11, articles=6, min_edits=2, max_edits=2, publish_window=1.0, edit_gap=2.0
    )
    newsroom = Newsroom(config, clock=clock)
    stores = [Store.open(pg_schema) for _ in range(3)]
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
            stats = await asyncio.gather(
                *(w.run(duration=newsroom.script_end + 3) for w in workers)
            )
            truth = newsroom.ground_truth(base_url=server.base_url)
        rows = list(export_rows(stores[0].iter_export()))
    finally:
        for fetcher in fetchers:
            await fetcher.aclose()
        for store in stores:
            store.close()
    score = score_capture(truth, rows)
    assert score.captured == score.true_versions, score.missed
    assert score.extras == ()
    assert all(s.checks > 0 for s in stats), "every worker took a share of the checks"
    assert sum(s.crashes for s in stats) == 0
