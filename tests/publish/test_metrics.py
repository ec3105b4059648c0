from __future__ import annotations

from datetime import timedelta

import pytest

from copydesk.errors import HTTPStatusError
from copydesk.records import ArticleStatus, Notice, NotifyTarget, Source
from tests.support.web import START, article, record


def _samples(text: str) -> dict[str, float]:
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in lines}


def test_metrics_count_articles_versions_and_checks_per_source(client, newsroom):
    newsroom.store.set_article_status(newsroom.other, ArticleStatus.PAUSED)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = _samples(response.text)
    assert samples['copydesk_articles{source="daily",status="active"}'] == 2
    assert samples['copydesk_articles{source="weekly",status="paused"}'] == 1
    assert samples['copydesk_articles{source="weekly",status="active"}'] == 0
    assert samples['copydesk_versions{source="daily"}'] == 5
    assert samples['copydesk_versions{source="weekly"}'] == 1
    assert samples['copydesk_checks_total{outcome="new-version",source="daily"}'] == 5
    assert samples['copydesk_checks_total{outcome="error",source="daily"}'] == 0
    assert samples['copydesk_source_active{source="weekly"}'] == 1
    assert "# TYPE copydesk_checks_total counter" in response.text


def test_search_index_is_current_after_every_write(newsroom):
    """Versions are indexed as they are stored (#11): a search never has to catch up."""
    store = newsroom.store
    assert not store.search_index_behind()
    assert store.sync_search_index() == 0
    later = START.replace(hour=20)
    record(store, newsroom.other, later, article("Weekly okapi story", "An okapi escaped."))
    assert not store.search_index_behind()

    assert [h.title for h in store.search("okapi")] == ["Weekly okapi story"]


def _families(text: str) -> dict[str, object]:
    """Parsed with prometheus_client's own parser: the exposition must be valid."""
    from prometheus_client.parser import text_string_to_metric_families

    return {family.name: family for family in text_string_to_metric_families(text)}


def test_metrics_are_valid_exposition_and_show_the_queue(client, newsroom, web_clock):
    # fill() schedules every check 30 minutes after its capture; the clock is hours later
    store = newsroom.store
    claimed = store.claim_due_articles(web_clock.now(), limit=1, lease=timedelta(minutes=5))
    assert len(claimed) == 1
    text = client.get("/metrics").text
    families = _families(text)
    assert {"copydesk_articles", "copydesk_checks", "copydesk_queue_due"} <= set(families)
    samples = _samples(text)
    daily_due = samples['copydesk_queue_due{source="daily"}']
    weekly_due = samples['copydesk_queue_due{source="weekly"}']
    assert daily_due + weekly_due == 2  # three active articles, one held by a tracker
    assert samples["copydesk_queue_leased"] == 1
    # the claim took the oldest (due at START + 80 min); the next waits since START + 150 min
    assert samples["copydesk_queue_oldest_due_seconds"] == pytest.approx(
        (web_clock.now() - (START + timedelta(minutes=150))).total_seconds()
    )
    assert samples["copydesk_queue_polls_due"] == 0
    assert samples["copydesk_notifications_pending"] == 0


def test_notification_gauges_follow_the_outbox(client, newsroom):
    store = newsroom.store
    at = START.replace(hour=21)
    targets = tuple(NotifyTarget(url=f"json://127.0.0.1:9/{n}") for n in range(3))
    notice = Notice(
        article_id=newsroom.calm,
        source="daily",
        kind="substantive",
        title="Calm story",
        article_url="https://daily.example/calm",
        at=at,
        targets=targets,
    )
    record(store, newsroom.calm, at, article("Calm story", "A new paragraph."), notices=(notice,))
    sent, retrying, failed = store.claim_deliveries(at, limit=10, lease=timedelta(minutes=1))
    store.mark_delivery(sent.id, status="sent", at=at)
    store.mark_delivery(
        retrying.id, status="pending", at=at, error="503", next_attempt_at=at + timedelta(minutes=1)
    )
    store.mark_delivery(failed.id, status="failed", at=at, error="gave up")
    text = client.get("/metrics").text
    samples = _samples(text)
    assert samples["copydesk_notifications_sent_total"] == 1
    assert samples["copydesk_notifications_failed_total"] == 1
    assert samples["copydesk_notifications_pending"] == 1
    assert samples["copydesk_notifications_retrying"] == 1
    families = _families(text)
    assert families["copydesk_notifications_pending"].type == "gauge"
    assert families["copydesk_notifications_sent"].type == "counter"


def test_label_values_are_escaped_by_the_library(client, newsroom):
    newsroom.store.add_source(Source(name='odd "name" x'), now=START)
    text = client.get("/metrics").text
    assert 'copydesk_source_active{source="odd \\"name\\" x"} 1.0' in text
    assert _families(text)


async def test_a_tracker_times_every_fetch_by_outcome(clock):
    import httpx

    from copydesk.pipeline import CheckReport
    from copydesk.publish.metrics import MeasuredFetcher, TrackerMetrics, serve_metrics
    from copydesk.records import CheckOutcome, TrackedArticle
    from tests.support.fetching import quick_settings, stub_resolver

    def handler(request: httpx.Request) -> httpx.Response:
        clock.advance(0.3)  # the page takes 0.3 s to arrive
        if request.url.path == "/missing":
            return httpx.Response(404)
        return httpx.Response(200, text="<p>hello</p>", headers={"content-type": "text/html"})

    tracker = TrackerMetrics()
    fetcher = MeasuredFetcher(
        quick_settings(),
        metrics=tracker,
        clock=clock,
        transport=httpx.MockTransport(handler),
        resolver=stub_resolver(),
    )
    try:
        await fetcher.fetch("https://news.example/a")
        with pytest.raises(HTTPStatusError):
            await fetcher.fetch("https://news.example/missing")
    finally:
        await fetcher.aclose()
    article = TrackedArticle(
        id=1,
        source="daily",
        url="https://news.example/a",
        status=ArticleStatus.ACTIVE,
        first_seen_at=START,
        next_check_at=None,
    )
    tracker.observe_report(CheckReport(article=article, outcome=CheckOutcome.UNCHANGED))
    url, stop = serve_metrics("127.0.0.1:0", tracker.registry)
    try:
        async with httpx.AsyncClient(trust_env=False) as http:
            text = (await http.get(url, timeout=5)).text
    finally:
        stop()
    samples = _samples(text)
    assert samples['copydesk_fetch_seconds_count{outcome="ok"}'] == 1
    assert samples['copydesk_fetch_seconds_count{outcome="http-status"}'] == 1
    assert samples['copydesk_fetch_seconds_sum{outcome="ok"}'] == pytest.approx(0.3)
    assert samples['copydesk_fetch_seconds_bucket{le="0.5",outcome="ok"}'] == 1
    assert samples['copydesk_fetch_seconds_bucket{le="0.25",outcome="ok"}'] == 0
    assert samples['copydesk_tracker_checks_total{outcome="unchanged",source="daily"}'] == 1
    assert samples["copydesk_tracker_fetches_in_flight"] == 0


def test_a_bad_metrics_address_is_a_usage_error():
    from prometheus_client import CollectorRegistry

    from copydesk.errors import UsageError
    from copydesk.publish.metrics import serve_metrics

    with pytest.raises(UsageError, match="HOST:PORT"):
        serve_metrics("9108", CollectorRegistry())


@pytest.mark.slow
def test_copydesk_run_serves_its_live_metrics(tmp_path):
    """`copydesk run --metrics 127.0.0.1:0` against the newsroom: fetches are timed live."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from copydesk.clock import SystemClock
    from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer

    room = Newsroom(NewsroomConfig(seed=2, articles=3, publish_window=0.01), clock=SystemClock())
    config = tmp_path / "copydesk.toml"
    config.write_text('[fetch]\nallow_hosts = ["127.0.0.1"]\nper_host_delay = "0s"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    with NewsroomServer(room) as server:
        base = [sys.executable, "-m", "copydesk", "--db", str(tmp_path / "m.db")]
        subprocess.run([*base, "add", server.rss_url], cwd=tmp_path, env=env, check=True)
        tracker = subprocess.Popen(
            [*base, "run", "--for", "20s", "--metrics", "127.0.0.1:0"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert tracker.stdout is not None
            line = tracker.stdout.readline()
            assert line.startswith("Metrics at http://127.0.0.1:"), line
            url = line.split()[-1]
            deadline = time.monotonic() + 15
            samples: dict[str, float] = {}
            while time.monotonic() < deadline:
                samples = _samples(httpx.get(url, timeout=5, trust_env=False).text)
                checks = [k for k in samples if k.startswith("copydesk_tracker_checks_total")]
                if checks and samples.get('copydesk_fetch_seconds_count{outcome="ok"}', 0) >= 3:
                    break
                time.sleep(0.2)
        finally:
            tracker.terminate()
            tracker.wait(timeout=30)
    assert samples['copydesk_fetch_seconds_count{outcome="ok"}'] >= 3  # feed, robots, articles
    checks = sum(v for k, v in samples.items() if k.startswith("copydesk_tracker_checks_total"))
    assert checks >= 1
