"""The notification outbox and lifecycle events in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from copydesk.errors import CopydeskError
from copydesk.records import (
    CheckOutcome,
    DeliveryCounts,
    EventKind,
    Excerpt,
    LifecycleEvent,
    Notice,
    NotifyTarget,
)
from tests.support.factories import article, result

TARGETS = (
    NotifyTarget(url="json://user:secret@127.0.0.1:9/hook"),
    NotifyTarget(url="form://hooks.example/x"),
)


def notice(article_id: int, at, kind: str = "substantive") -> Notice:
    return Notice(
        article_id=article_id,
        source="daily",
        kind=kind,
        title="Minister resigns",
        article_url="https://daily.example/news/1",
        at=at,
        flags=("numbers",),
        excerpt=Excerpt(spans=(("equal", "He was "), ("delete", "54"), ("insert", "55"))),
        targets=TARGETS,
    )


@pytest.fixture
def tracked(store, source, now):
    return store.add_article("daily", "https://daily.example/news/1", now=now)


def test_notice_is_written_with_its_version_one_delivery_per_target(store, tracked, now, raw):
    store.record_check(result(tracked.id, now, content=article()))
    later = now + timedelta(minutes=5)
    changed = result(tracked.id, later, content=article("Minister quits"))
    store.record_check(replace(changed, notices=(notice(tracked.id, later),)))
    due = store.claim_deliveries(later, limit=10, lease=timedelta(minutes=1))
    assert len(due) == 2
    assert {d.target_label for d in due} == {"json://127.0.0.1:9", "form://hooks.example"}
    told = due[0].notice
    assert (told.old_version, told.new_version) == (1, 2)
    assert told.message_id == f"copydesk:{tracked.id}:v2"
    assert told.excerpt is not None
    assert told.excerpt.after == "He was 55"
    with raw.connect() as conn:  # the URL's credentials never reach the database
        dump = str(conn.execute(sa.text("SELECT * FROM deliveries")).all())
        dump += str(conn.execute(sa.text("SELECT * FROM outbox")).all())
    assert "secret" not in dump


def test_a_failed_check_write_leaves_no_outbox_row(store, tracked, now):
    bad = result(tracked.id + 999, now, content=article())  # unknown article: the write fails
    with pytest.raises(CopydeskError):
        store.record_check(replace(bad, notices=(notice(tracked.id + 999, now),)))
    assert store.delivery_counts().pending == 0


def test_trivial_versions_are_not_told(store, tracked, now):
    store.record_check(result(tracked.id, now, content=article()))
    later = now + timedelta(minutes=1)
    touch = result(tracked.id, later, content=article("Minister resigns "), trivial=True)
    store.record_check(replace(touch, notices=(notice(tracked.id, later),)))
    assert store.delivery_counts().pending == 0


def test_leases_marks_and_counts(store, tracked, now):
    store.record_check(
        replace(
            result(tracked.id, now, content=article()), notices=(notice(tracked.id, now, "new"),)
        )
    )
    first = store.claim_deliveries(now, limit=10, lease=timedelta(minutes=1))
    assert len(first) == 2
    assert store.claim_deliveries(now, limit=10, lease=timedelta(minutes=1)) == []  # leased
    store.mark_delivery(first[0].id, status="sent", at=now)
    retry_at = now + timedelta(seconds=30)
    store.mark_delivery(
        first[1].id, status="pending", at=now, error="503", next_attempt_at=retry_at
    )
    assert store.delivery_counts() == DeliveryCounts(sent=1, failed=0, pending=1, retrying=1)
    assert (
        store.claim_deliveries(now + timedelta(seconds=10), limit=10, lease=timedelta(minutes=1))
        == []
    )
    again = store.claim_deliveries(retry_at, limit=10, lease=timedelta(minutes=1))
    assert [d.id for d in again] == [first[1].id]
    assert again[0].attempts == 1
    assert store.delivery_failures()[0].last_error == "503"
    # a crash: the lease is released at the next start and the delivery is due again
    assert store.release_delivery_leases(retry_at) == 1
    assert len(store.claim_deliveries(retry_at, limit=10, lease=timedelta(minutes=1))) == 1
    store.mark_delivery(first[1].id, status="failed", at=retry_at, error="gave up")
    assert store.delivery_counts().failed == 1


def test_gone_and_restored_events_mark_the_article(store, tracked, now):
    store.record_check(result(tracked.id, now, content=article()))
    gone_at = now + timedelta(hours=1)
    event = LifecycleEvent(
        article_id=tracked.id, kind=EventKind.GONE, at=gone_at, url=tracked.url, status=410
    )
    failed = result(tracked.id, gone_at, outcome=CheckOutcome.GONE, error="http-status: 410")
    store.record_check(
        replace(failed, events=(event,), notices=(notice(tracked.id, gone_at, "gone"),))
    )
    assert store.get_article(tracked.id).gone_at == gone_at
    [told] = store.claim_deliveries(gone_at, limit=1, lease=timedelta(minutes=1))
    assert told.notice.message_id.startswith(f"copydesk:{tracked.id}:gone:")
    back_at = gone_at + timedelta(hours=1)
    back = LifecycleEvent(
        article_id=tracked.id, kind=EventKind.RESTORED, at=back_at, url=tracked.url
    )
    store.record_check(replace(result(tracked.id, back_at), events=(back,)))
    assert store.get_article(tracked.id).gone_at is None
    assert [e.kind for e in store.events(tracked.id)] == [EventKind.GONE, EventKind.RESTORED]
    assert store.events(tracked.id)[0].status == 410


def test_moved_keeps_one_history_and_lists_the_old_url(store, source, tracked, now):
    store.record_check(result(tracked.id, now, content=article()))
    new_url = "https://daily.example/news/1-renamed"
    # discovery saw the new address first and registered it as an article of its own
    duplicate = store.add_article("daily", new_url, now=now)
    at = now + timedelta(hours=1)
    event = LifecycleEvent(
        article_id=tracked.id, kind=EventKind.MOVED, at=at, url=tracked.url, new_url=new_url
    )
    store.record_check(replace(result(tracked.id, at), events=(event,)))
    moved = store.get_article(tracked.id)
    assert moved.url == new_url
    assert store.get_article(duplicate.id) is None  # folded in: it had no version
    assert store.old_urls(tracked.id) == [tracked.url]
    assert store.find_article(tracked.url).id == tracked.id
    # a listing that still names the old address does not make a new article
    from copydesk.records import Candidate

    assert store.add_articles("daily", [Candidate(url=tracked.url)], now=at) == []
    assert len(store.versions(tracked.id)) == 1
