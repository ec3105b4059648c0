from __future__ import annotations

from datetime import timedelta

import pytest

from copydesk.errors import UsageError
from copydesk.records import (
    ArticleStatus,
    Candidate,
    Endpoint,
    EndpointKind,
    ExtractRules,
    Source,
    SourceFigures,
)
from copydesk.store import Store


def test_add_source_returns_it_with_id_and_lists_by_name(store, now):
    rules = ExtractRules(keep=("article",), drop=(".share",))
    zeta = store.add_source(Source(name="zeta", exclude=("/sport/",), extract_rules=rules), now=now)
    store.add_source(Source(name="alpha"), now=now)
    assert zeta.id is not None
    assert zeta.created_at == now
    assert [s.name for s in store.list_sources()] == ["alpha", "zeta"]
    assert store.get_source("zeta") == zeta
    assert store.get_source("zeta").extract_rules == rules
    assert store.get_source("missing") is None


def test_add_source_upserts_by_name(store, now):
    first = store.add_source(Source(name="daily", include=("/a/",)), now=now)
    second = store.add_source(Source(name="daily", include=("/b/",)), now=now + timedelta(days=1))
    assert second.id == first.id
    assert second.include == ("/b/",)
    assert second.created_at == now
    assert len(store.list_sources()) == 1


def test_remove_source_retires_articles_and_drops_endpoints(store, source, now):
    store.add_endpoint(Endpoint(url="https://d.test/rss", kind="feed", source="daily"), now=now)
    [kept] = store.add_articles("daily", [Candidate(url="https://d.test/news/1")], now=now)
    store.remove_source("daily")
    assert store.get_source("daily") is None
    assert store.list_sources() == []
    assert store.list_endpoints() == []
    retired = store.get_article(kept.id)
    assert retired is not None
    assert retired.status is ArticleStatus.RETIRED
    assert store.claim_due_articles(now, limit=10, lease=timedelta(minutes=5)) == []


def test_removed_source_can_be_added_again(store, source, now):
    store.remove_source("daily")
    again = store.add_source(Source(name="daily"), now=now)
    assert again.id == source.id
    assert store.get_source("daily") is not None


def test_remove_unknown_source_is_a_usage_error(store):
    with pytest.raises(UsageError, match="nowhere"):
        store.remove_source("nowhere")


def test_endpoint_is_idempotent_by_url_and_due_when_new(store, source, now):
    feed = Endpoint(url="https://d.test/rss", kind=EndpointKind.FEED, source="daily")
    first = store.add_endpoint(feed, now=now)
    again = store.add_endpoint(feed, now=now + timedelta(hours=1))
    assert first.id is not None
    assert again == first
    assert first.next_poll_at == now
    assert first.kind is EndpointKind.FEED
    assert store.list_endpoints() == [first]
    assert store.list_endpoints("daily") == [first]
    assert store.list_endpoints("other") == []
    assert store.due_endpoints(now) == [first]
    assert store.due_endpoints(now - timedelta(seconds=1)) == []


def test_endpoint_for_unknown_source_is_a_usage_error(store, now):
    with pytest.raises(UsageError):
        store.add_endpoint(Endpoint(url="https://x.test/", kind="frontpage", source="x"), now=now)


def test_record_poll_success_then_error_keeps_validators(store, source, now):
    feed = store.add_endpoint(
        Endpoint(url="https://d.test/rss", kind=EndpointKind.FEED, source="daily"), now=now
    )
    later = now + timedelta(minutes=5)
    store.record_poll(feed.id, polled_at=now, next_poll_at=later, etag='"v1"', last_modified="Mon")
    store.record_poll(
        feed.id, polled_at=later, next_poll_at=later + timedelta(minutes=5), error="timeout"
    )
    store.record_poll(
        feed.id, polled_at=later, next_poll_at=later + timedelta(minutes=10), error="timeout"
    )
    [polled] = store.list_endpoints()
    assert polled.etag == '"v1"'
    assert polled.last_modified == "Mon"
    assert polled.consecutive_errors == 2
    assert polled.last_error == "timeout"
    assert polled.last_polled_at == later
    assert store.due_endpoints(later) == []
    store.record_poll(feed.id, polled_at=later, next_poll_at=later, etag='"v2"')
    [healed] = store.list_endpoints()
    assert (healed.consecutive_errors, healed.last_error, healed.etag) == (0, None, '"v2"')


def test_record_poll_of_unknown_endpoint_is_a_usage_error(store, now):
    with pytest.raises(UsageError):
        store.record_poll(404, polled_at=now, next_poll_at=now)


def test_stats_per_source(store, source, now):
    store.add_source(Source(name="empty"), now=now)
    store.add_articles(
        "daily", [Candidate(url=f"https://d.test/news/{i}") for i in range(3)], now=now
    )
    figures = {f.name: f for f in store.source_figures()}
    assert (figures["daily"].articles, figures["daily"].active) == (3, 3)
    assert figures["empty"] == SourceFigures(
        name="empty",
        articles=0,
        active=0,
        versions=0,
        changed_articles=0,
        edits=0,
        failing=0,
        last_check_at=None,
        last_change_at=None,
    )
    counts = {c.name: c for c in store.source_counts()}
    assert (counts["empty"].checks, counts["empty"].failed_checks) == (0, 0)


def test_due_endpoints_are_leased_so_no_two_workers_poll_one(store, db_url, source, now):
    feeds = [
        store.add_endpoint(
            Endpoint(url=f"https://d.test/{n}.xml", kind="feed", source="daily"), now=now
        )
        for n in range(3)
    ]
    lease = timedelta(minutes=2)
    with Store.open(db_url) as other:  # a second worker on the same database
        first = store.claim_due_endpoints(now, limit=2, lease=lease)
        second = other.claim_due_endpoints(now, limit=5, lease=lease)
        assert [e.url for e in first] == [feeds[0].url, feeds[1].url]
        assert [e.url for e in second] == [feeds[2].url]
        assert (
            other.claim_due_endpoints(now + lease - timedelta(seconds=1), limit=5, lease=lease)
            == []
        )
        # A poll recorded gives the endpoint its real next time; one never recorded (a dead
        # worker) is due again when its lease runs out.
        store.record_poll(first[0].id, polled_at=now, next_poll_at=now + timedelta(minutes=10))
        again = other.claim_due_endpoints(now + lease, limit=5, lease=lease)
        assert sorted(e.url for e in again) == sorted([feeds[1].url, feeds[2].url])


def test_a_poll_given_back_is_due_at_once(store, source, now):
    feed = store.add_endpoint(
        Endpoint(url="https://d.test/rss", kind="feed", source="daily"), now=now
    )
    [leased] = store.claim_due_endpoints(now, limit=5, lease=timedelta(minutes=5), skip=())
    assert store.claim_due_endpoints(now, limit=5, lease=timedelta(minutes=5)) == []
    store.release_endpoint(leased.id, now)
    assert [e.id for e in store.claim_due_endpoints(now, limit=5, lease=timedelta(minutes=5))] == [
        feed.id
    ]
    assert store.claim_due_endpoints(now, limit=5, lease=timedelta(minutes=5), skip=()) == []


def test_skipped_endpoints_are_not_leased(store, source, now):
    feed = store.add_endpoint(
        Endpoint(url="https://d.test/rss", kind="feed", source="daily"), now=now
    )
    assert store.claim_due_endpoints(now, limit=5, lease=timedelta(minutes=5), skip={feed.id}) == []
    assert [e.id for e in store.claim_due_endpoints(now, limit=5, lease=timedelta(minutes=5))] == [
        feed.id
    ]
