from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import zstandard

from copydesk.errors import UsageError
from copydesk.records import ArticleStatus, CheckOutcome
from copydesk.store import writes
from tests.support.factories import article, result

HTML = b"<html><body><h1>Minister resigns</h1><p>The minister resigned.</p></body></html>"


@pytest.fixture
def tracked(store, source, now):
    return store.add_article("daily", "https://d.test/news/minister", now=now)


def count(raw, table):
    with raw.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def test_check_without_version_updates_article_only(store, tracked, now):
    at = now + timedelta(minutes=1)
    stored = store.record_check(
        result(tracked.id, at, outcome=CheckOutcome.NOT_MODIFIED, etag='"e1"', next_check_at=at)
    )
    assert stored is None
    after = store.get_article(tracked.id)
    assert (after.last_checked_at, after.etag, after.next_check_at) == (at, '"e1"', at)
    assert after.version_count == 0
    assert after.last_change_at is None
    assert store.latest_version(tracked.id) is None
    [check] = store.checks(tracked.id)
    assert check.outcome is CheckOutcome.NOT_MODIFIED
    assert (check.status, check.etag, check.elapsed, check.checked_at) == (200, '"e1"', 0.25, at)


def test_first_version_is_stored_with_content_and_html(store, tracked, now):
    at = now + timedelta(minutes=1)
    content = article("Minister resigns", "First.", "Second.", byline="A. Reporter")
    version = store.record_check(result(tracked.id, at, content=content, html=HTML))
    assert version is not None
    assert version.id is not None
    assert (version.number, version.seq, version.trivial) == (1, 1, False)
    assert version.paragraphs == ("First.", "Second.")
    assert version.captured_at == at
    assert store.latest_version(tracked.id) == version
    assert store.get_version(tracked.id, 1) == version
    assert store.raw_html(version) == HTML
    after = store.get_article(tracked.id)
    assert (after.version_count, after.title, after.last_change_at) == (1, "Minister resigns", at)
    assert store.checks(tracked.id)[0].html_hash == version.html_hash


def test_trivial_versions_repeat_the_visible_number(store, tracked, now):
    at = [now + timedelta(minutes=i) for i in range(4)]
    v1 = store.record_check(result(tracked.id, at[0], content=article("A", "one")))
    v1b = store.record_check(
        result(
            tracked.id,
            at[1],
            outcome=CheckOutcome.TRIVIAL,
            content=article("A", "one."),
            trivial=True,
        )
    )
    v2 = store.record_check(result(tracked.id, at[2], content=article("A", "two")))
    assert [(v.number, v.seq, v.trivial) for v in (v1, v1b, v2)] == [
        (1, 1, False),
        (1, 2, True),
        (2, 3, False),
    ]
    assert [v.number for v in store.versions(tracked.id)] == [1, 2]
    assert [v.seq for v in store.versions(tracked.id, include_trivial=True)] == [1, 2, 3]
    assert store.get_version(tracked.id, 1) == v1
    assert store.get_version(tracked.id, 2) == v2
    assert store.get_version(tracked.id, 3) is None
    assert store.latest_version(tracked.id, include_trivial=False) == v2
    after = store.get_article(tracked.id)
    assert (after.version_count, after.last_change_at) == (2, at[2])


def test_trivial_version_keeps_last_change_time(store, tracked, now):
    store.record_check(result(tracked.id, now, content=article("A", "one")))
    later = now + timedelta(hours=1)
    trivial = store.record_check(
        result(tracked.id, later, content=article("A", "one "), trivial=True)
    )
    assert store.latest_version(tracked.id) == trivial
    assert store.latest_version(tracked.id, include_trivial=False).seq == 1
    assert store.get_article(tracked.id).last_change_at == now


def test_a_first_version_flagged_trivial_counts_as_visible(store, tracked, now):
    version = store.record_check(result(tracked.id, now, content=article(), trivial=True))
    assert (version.number, version.trivial) == (1, False)


def test_same_text_and_html_are_stored_once(store, source, now, raw):
    one = store.add_article("daily", "https://d.test/news/1", now=now)
    two = store.add_article("daily", "https://d.test/news/2", now=now)
    for tracked in (one, two):
        store.record_check(result(tracked.id, now, content=article(), html=HTML))
    store.record_check(result(one.id, now + timedelta(minutes=1), content=article(), html=HTML))
    assert count(raw, "versions") == 3
    assert count(raw, "blobs") == 2  # one content blob, one HTML blob
    [first, second] = store.versions(one.id)
    assert first.content_hash == second.content_hash
    assert first.html_hash == second.html_hash


def test_blobs_are_zstd_compressed(store, tracked, now, raw):
    html = HTML * 50
    version = store.record_check(result(tracked.id, now, content=article(), html=html))
    with raw.connect() as conn:
        data, size = conn.execute(
            sa.text("SELECT data, size FROM blobs WHERE hash = :h"), {"h": version.html_hash}
        ).one()
    assert bytes(data[:4]) == b"\x28\xb5\x2f\xfd"  # zstd frame magic
    assert len(data) < len(html) == size
    assert zstandard.ZstdDecompressor().decompress(bytes(data)) == html


def test_error_counts_up_and_keeps_validators(store, tracked, now):
    store.record_check(result(tracked.id, now, content=article(), etag='"v1"'))
    for minutes in (1, 2):
        stored = store.record_check(
            result(
                tracked.id,
                now + timedelta(minutes=minutes),
                outcome=CheckOutcome.ERROR,
                error="connect-error: refused",
                next_check_at=now + timedelta(minutes=minutes + 1),
            )
        )
        assert stored is None
    failing = store.get_article(tracked.id)
    assert (failing.consecutive_errors, failing.etag) == (2, '"v1"')
    assert store.checks(tracked.id)[0].error == "connect-error: refused"
    assert [c.outcome for c in store.checks(tracked.id, limit=2)] == ["error", "error"]
    assert store.source_counts()[0].failed_checks == 2
    store.record_check(
        result(tracked.id, now + timedelta(minutes=3), outcome=CheckOutcome.UNCHANGED)
    )
    assert store.get_article(tracked.id).consecutive_errors == 0


def test_gone_counts_as_error_and_retire_sets_status(store, tracked, now):
    store.record_check(
        result(tracked.id, now, outcome=CheckOutcome.GONE, error="http-status: 410", retired=True)
    )
    gone = store.get_article(tracked.id)
    assert (gone.status, gone.consecutive_errors, gone.next_check_at) == (
        ArticleStatus.RETIRED,
        1,
        None,
    )
    assert store.next_due_at() is None


def test_record_check_clears_the_lease(store, tracked, now):
    [claimed] = store.claim_due_articles(now, limit=1, lease=timedelta(minutes=10))
    due = now + timedelta(minutes=2)
    store.record_check(result(claimed.id, now, outcome=CheckOutcome.UNCHANGED, next_check_at=due))
    assert store.get_article(claimed.id).next_check_at == due
    assert [a.id for a in store.claim_due_articles(due, limit=1, lease=timedelta(minutes=10))] == [
        claimed.id
    ]


def test_record_check_for_unknown_article_is_a_usage_error(store, now):
    with pytest.raises(UsageError):
        store.record_check(result(12345, now, content=article()))


def test_failure_inside_record_check_writes_nothing(store, tracked, now, raw, monkeypatch):
    [claimed] = store.claim_due_articles(now, limit=1, lease=timedelta(minutes=10))

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writes, "insert_version", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.record_check(
            result(claimed.id, now, content=article(), html=HTML, next_check_at=now, etag='"x"')
        )
    assert store.checks(claimed.id) == []
    assert (count(raw, "checks"), count(raw, "versions"), count(raw, "blobs")) == (0, 0, 0)
    assert store.get_article(claimed.id) == claimed  # lease, validators, counters untouched


def test_checks_newest_first_with_limit(store, tracked, now):
    for minutes in range(5):
        store.record_check(
            result(tracked.id, now + timedelta(minutes=minutes), outcome=CheckOutcome.UNCHANGED)
        )
    checks = store.checks(tracked.id, limit=3)
    assert [c.checked_at for c in checks] == [now + timedelta(minutes=m) for m in (4, 3, 2)]


def test_iter_export_orders_articles_then_versions(store, source, now):
    first = store.add_article("daily", "https://d.test/news/1", now=now)
    second = store.add_article("daily", "https://d.test/news/2", now=now)
    store.add_article("daily", "https://d.test/news/never-checked", now=now)
    store.record_check(result(second.id, now, content=article("B", "b1")))
    store.record_check(result(first.id, now, content=article("A", "a1")))
    store.record_check(result(first.id, now, content=article("A", "a1."), trivial=True))
    store.record_check(result(first.id, now, content=article("A", "a2")))
    exported = [(a.id, v.paragraphs, v.number) for a, v in store.iter_export()]
    assert exported == [(first.id, ("a1",), 1), (first.id, ("a2",), 2), (second.id, ("b1",), 1)]
    everything = [(a.url, v.seq) for a, v in store.iter_export(include_trivial=True)]
    assert everything == [
        ("https://d.test/news/1", 1),
        ("https://d.test/news/1", 2),
        ("https://d.test/news/1", 3),
        ("https://d.test/news/2", 1),
    ]


def test_iter_export_streams_lazily(store, tracked, now):
    store.record_check(result(tracked.id, now, content=article()))
    stream = store.iter_export()
    assert next(stream)[0].id == tracked.id
    stream.close()  # releases its connection
    assert store.integrity_ok()
