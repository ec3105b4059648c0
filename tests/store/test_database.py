from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from copydesk.errors import StoreError
from copydesk.records import Candidate, Source
from copydesk.store import Store
from tests.support.factories import article, result

PARIS_WINTER = timezone(timedelta(hours=1))


def test_datetimes_come_back_aware_in_utc(store, source):
    local = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=PARIS_WINTER)
    tracked = store.add_article("daily", "https://d.test/news/1", now=local)
    later = local + timedelta(hours=1)
    version = store.record_check(result(tracked.id, local, content=article(), next_check_at=later))
    back = store.get_article(tracked.id)
    stored = store.latest_version(tracked.id)
    for value in (
        back.first_seen_at,
        back.last_checked_at,
        back.last_change_at,
        stored.captured_at,
    ):
        assert value.tzinfo is UTC
        assert value == local
    assert back.first_seen_at.hour == 8
    assert back.next_check_at == later
    assert version.captured_at == local
    assert store.checks(tracked.id)[0].checked_at.utcoffset() == timedelta(0)
    assert store.next_due_at().tzinfo is UTC


def test_comparisons_use_the_instant_not_the_wall_clock(store, source):
    due = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    store.add_article("daily", "https://d.test/news/1", now=due)
    # 12:30 in Paris is 11:30 UTC: not due yet.
    before = datetime(2026, 3, 1, 12, 30, tzinfo=PARIS_WINTER)
    assert store.claim_due_articles(before, limit=5, lease=timedelta(minutes=1)) == []
    assert len(store.claim_due_articles(due, limit=5, lease=timedelta(minutes=1))) == 1


def test_naive_datetimes_are_refused(store):
    with pytest.raises(StoreError, match="naive"):
        store.add_source(Source(name="daily"), now=datetime(2026, 1, 1))


def test_integrity_ok(store):
    assert store.integrity_ok() is True


def test_integrity_check_fails_on_a_corrupt_sqlite_file(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    with Store.open(f"sqlite:///{path}", migrate=False) as store:
        assert store.integrity_ok() is False


def test_sqlite_file_and_folder_are_created_with_pragmas(tmp_path):
    path = tmp_path / "nested" / "copydesk.db"
    with Store.open(f"sqlite:///{path}"):
        assert path.is_file()
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_sqlite_connections_carry_the_pragmas(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as store:
        engine = store._db.engine  # the pragmas are per connection: ask one of the Store's own
        with engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 10000,
        "synchronous": 1,
    }


def test_in_memory_sqlite_keeps_one_database(now):
    with Store.open("sqlite://") as store:
        store.add_source(Source(name="daily"), now=now)
        assert [s.name for s in store.list_sources()] == ["daily"]


def test_writer_and_reader_share_one_sqlite_file_in_wal_mode(tmp_path, now):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with Store.open(url) as writer, Store.open(url) as reader:
        writer.add_source(Source(name="daily"), now=now)
        first = writer.add_article("daily", "https://d.test/news/1", now=now)
        writer.record_check(result(first.id, now, content=article("One", "a")))
        # An open read (the export stream) does not block the writer, and sees its snapshot.
        stream = reader.iter_export()
        assert next(stream)[1].title == "One"
        second = writer.add_articles("daily", [Candidate(url="https://d.test/news/2")], now=now)
        writer.record_check(result(second[0].id, now, content=article("Two", "b")))
        assert list(stream) == []
        assert [v.title for _, v in reader.iter_export()] == ["One", "Two"]
        assert reader.find_article("https://d.test/news/2") is not None
        assert reader.integrity_ok()
