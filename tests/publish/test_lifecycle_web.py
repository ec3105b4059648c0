"""Lifecycle events and diff cards where they show: pages, feeds, API, metrics, healthz."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from PIL import Image

from copydesk.records import (
    Check,
    CheckOutcome,
    CheckResult,
    EventKind,
    LifecycleEvent,
    Notice,
    NotifyTarget,
)
from tests.support.web import START

GONE_AT = START + timedelta(hours=3, minutes=20)
BACK_AT = GONE_AT + timedelta(minutes=10)
MOVED_AT = BACK_AT + timedelta(minutes=10)
NEW_URL = "https://daily.example/news/mayor-bridge"


def event_check(store, article_id, at, *events, outcome=CheckOutcome.UNCHANGED, notices=()):
    store.record_check(
        CheckResult(
            check=Check(article_id=article_id, checked_at=at, outcome=outcome, status=200),
            next_check_at=at + timedelta(hours=1),
            events=events,
            notices=notices,
        )
    )


@pytest.fixture
def lived(newsroom):
    store, calm = newsroom.store, newsroom.calm
    url = store.get_article(calm).url
    event_check(
        store,
        calm,
        GONE_AT,
        LifecycleEvent(article_id=calm, kind=EventKind.GONE, at=GONE_AT, url=url, status=410),
        outcome=CheckOutcome.GONE,
    )
    return newsroom


def test_the_article_page_says_the_article_was_removed(client, lived):
    page = client.get(f"/articles/{lived.calm}").text
    assert "This article was removed from its original address on 1 March 2026 11:20 UTC." in page
    assert 'class="lifecycle"' in page
    assert 'class="event event-gone"' in page


def test_events_are_listed_among_versions_and_can_be_filtered(client, lived):
    store, calm = lived.store, lived.calm
    url = store.get_article(calm).url
    event_check(
        store,
        calm,
        BACK_AT,
        LifecycleEvent(article_id=calm, kind=EventKind.RESTORED, at=BACK_AT, url=url),
    )
    event_check(
        store,
        calm,
        MOVED_AT,
        LifecycleEvent(
            article_id=calm, kind=EventKind.MOVED, at=MOVED_AT, url=url, new_url=NEW_URL, status=301
        ),
    )
    page = client.get(f"/articles/{calm}").text
    assert "This article was removed from" not in page.split("<table")[0]  # it came back
    order = [page.index(s) for s in ('id="v3"', "event-gone", "event-restored", "event-moved")]
    assert order == sorted(order)
    assert f"This article moved from {url} to {NEW_URL} on 1 March 2026 11:40 UTC." in page
    assert f'It was earlier at: <a rel="noopener noreferrer nofollow" href="{url}">' in page
    assert f'href="{NEW_URL}"' in page  # the current address
    events_only = client.get(f"/articles/{calm}?show=events").text
    assert 'id="v1"' not in events_only
    assert "event-moved" in events_only
    versions_only = client.get(f"/articles/{calm}?show=versions").text
    assert "event-moved" not in versions_only
    assert 'id="v1"' in versions_only
    assert client.get(f"/articles/{calm}?show=nonsense").status_code == 400


def test_change_list_filters_by_event(client, lived):
    page = client.get("/?kind=gone").text
    assert "This article was removed from its original address" in page
    assert "Mayor opens new bridge" in page
    assert "No removals" in client.get("/?kind=moved").text
    api = client.get("/api/changes?kind=events").json()
    [event] = api["events"]
    assert (event["kind"], event["status"], event["article_id"]) == ("gone", 410, lived.calm)
    assert event["text"].startswith("This article was removed")


def test_api_article_lists_events_and_urls(client, lived):
    body = client.get(f"/api/articles/{lived.calm}").json()
    assert [e["kind"] for e in body["events"]] == ["gone"]
    assert body["article"]["gone_at"].startswith("2026-03-01T11:20")
    assert body["article"]["urls"] == ["https://daily.example/news/mayor"]


@pytest.mark.parametrize("path", ["/changes.atom", "/changes.rss", "/sources/daily/changes.atom"])
def test_feeds_carry_events(client, lived, path):
    body = client.get(path).text
    ET.fromstring(body)  # still valid XML
    assert "This article was removed from its original address" in body


def test_article_feed_carries_events(client, lived):
    body = client.get(f"/articles/{lived.calm}/changes.atom").text
    assert f"/articles/{lived.calm}/events/" in body


def test_diff_card_png_and_alt_text(client, newsroom):
    response = client.get(f"/articles/{newsroom.calm}/diff/2/3.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1200, 675)
    assert sum(image.convert("L").histogram()[:128]) > 2000
    page = client.get(f"/articles/{newsroom.calm}/diff/2/3").text
    assert f'<img src="/articles/{newsroom.calm}/diff/2/3.png" alt="Diff card: daily' in page
    assert "Removed: “5”. Added: “7”." in page
    assert client.get(f"/articles/{newsroom.calm}/diff/2/9.png").status_code == 404


def test_card_of_hostile_text_is_escaped_in_the_page(client, newsroom):
    page = client.get(f"/articles/{newsroom.hostile}/diff/1/2").text
    assert "<script>document" not in page
    assert client.get(f"/articles/{newsroom.hostile}/diff/1/2.png").status_code == 200


def test_metrics_and_healthz_count_notifications(client, newsroom):
    store = newsroom.store
    notice = Notice(
        article_id=newsroom.other,
        source="weekly",
        kind="gone",
        title="Weekly zebra story",
        article_url="https://weekly.example/story",
        at=START,
        targets=(NotifyTarget(url="json://a.example/1"), NotifyTarget(url="json://b.example/2")),
    )
    event = LifecycleEvent(
        article_id=newsroom.other, kind=EventKind.GONE, at=START, url="https://weekly.example/story"
    )
    event_check(store, newsroom.other, START, event, outcome=CheckOutcome.GONE, notices=(notice,))
    first, second = store.claim_deliveries(START, limit=5, lease=timedelta(minutes=1))
    store.mark_delivery(first.id, status="sent", at=START)
    store.mark_delivery(second.id, status="failed", at=START, error="HTTP 500 from b")
    metrics = client.get("/metrics").text
    assert "copydesk_notifications_sent_total 1.0" in metrics
    assert "copydesk_notifications_failed_total 1.0" in metrics
    assert "copydesk_notifications_pending 0.0" in metrics
    health = client.get("/healthz").json()["notifications"]
    assert (health["ok"], health["sent"], health["failed"]) == (False, 1, 1)
    assert health["recent_failures"][0]["error"] == "HTTP 500 from b"
    assert health["recent_failures"][0]["target"] == "json://b.example"
