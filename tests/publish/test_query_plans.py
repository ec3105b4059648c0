"""Deep pages must stay cheap: pin the SQLite plans of the keyset queries behind the front page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from copydesk.store import ChangeCursor, recent_changes
from tests.publish.conftest import START


def _plans(store, **kwargs) -> list[str]:
    """Run recent_changes and return SQLite's plan for the query it sent, bound as sent."""
    engine = store._db.engine
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM versions" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        recent_changes(store, **kwargs)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = sent[-1]
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return [row[3] for row in rows]


@pytest.mark.parametrize("source", [None, "daily"])
@pytest.mark.parametrize("kind", [None, "all", "substantive"])
def test_deep_pages_walk_the_time_index_without_sorting(newsroom, source, kind):
    cursor = ChangeCursor(captured_at=START + timedelta(hours=2), version_id=10**6)
    plan = _plans(newsroom.store, source=source, kind=kind, before=cursor)
    assert "SEARCH versions USING INDEX ix_versions_captured_at_id (captured_at<?)" in plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_cursor_pages_are_still_exact(newsroom):
    store = newsroom.store
    everything = recent_changes(store, kind="all", limit=100).rows
    walked, cursor = [], None
    while True:
        page = recent_changes(store, kind="all", before=cursor, limit=2)
        walked += page.rows
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [r.version_id for r in walked] == [r.version_id for r in everything]
    daily = recent_changes(store, source="daily", kind="all").rows
    assert {r.source for r in daily} == {"daily"}
    assert len(daily) == 5
