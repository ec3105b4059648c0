"""Search and keyset paging on PostgreSQL, in a schema of its own."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from copydesk.store import Store
from tests.support.web import fill


@pytest.fixture
def pg_store(pg_url):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        if os.environ.get("COPYDESK_SKIP_PG") == "1":
            pytest.skip(f"PostgreSQL unreachable: {exc}")
        raise
    store = Store.open(f"{pg_url}?options=-csearch_path%3D{schema}")
    try:
        yield store
    finally:
        store.close()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.mark.postgres
def test_search_and_changes_on_postgres(pg_store):
    newsroom = fill(pg_store)
    hits = pg_store.search("zebra")
    assert {h.article_id for h in hits} == {newsroom.hostile, newsroom.other}
    assert [h.article_id for h in pg_store.search("zebra", source="weekly")] == [newsroom.other]
    assert pg_store.search("zebra crossing")[0].number == 2
    assert pg_store.search("' OR 1=1 --") == []
    first = pg_store.changes(limit=2)
    rest = pg_store.changes(limit=2, before=first.next_cursor)
    assert len(first.rows) == 2
    assert len(rest.rows) == 1
    assert rest.next_cursor is None
