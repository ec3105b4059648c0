"""Pages must stay cheap at a million versions: pin the plans of the queries behind them.

Each query is captured as the store sends it (bound as sent), then explained: SQLite's EXPLAIN
QUERY PLAN, and PostgreSQL's EXPLAIN with sequential scans discouraged (its tables here are
tiny, so left alone it would scan them; what is pinned is that the index exists and fits the
query's conditions and order). What is asserted: which index answers, and that no page sorts
or scans a whole table. benchmarks/web.py measures the same pages on 1 M / 10 M versions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event

from copydesk.records import ChangeCursor
from copydesk.store import Store
from tests.support.web import START, fill

CURSOR = ChangeCursor(captured_at=START + timedelta(hours=2), version_id=10**6)


def _sent(store: Store, call: Callable[[], object], marker: str) -> list[tuple[str, object]]:
    """The statements containing `marker` that `call` sent, with their parameters."""
    engine = store._db.engine
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if marker in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sent, f"no statement with {marker!r}"
    return sent


def plan(
    store: Store, call: Callable[[], object], marker: str, *, ordered: bool = True
) -> list[str]:
    """One line per plan step of the last statement `call` sent containing `marker`.

    PostgreSQL gets sequential scans turned off, and sorts too when `ordered` (the query's
    order should come from an index, as it does on big tables where LIMIT makes that cheap).
    """
    statement, parameters = _sent(store, call, marker)[-1]
    with store._db.engine.connect() as conn:
        if store._db.dialect == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [row[3] for row in rows]
        conn.exec_driver_sql("SET enable_seqscan = off")
        if ordered:
            conn.exec_driver_sql("SET enable_sort = off")
        raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    return _pg_steps(raw if isinstance(raw, list) else json.loads(raw))


def _pg_steps(document: list[dict]) -> list[str]:
    steps: list[str] = []

    def walk(node: dict) -> None:
        steps.append(
            " ".join(
                str(node[k]) for k in ("Node Type", "Index Name", "Relation Name") if k in node
            )
        )
        for child in node.get("Plans", []):
            walk(child)

    walk(document[0]["Plan"])
    return steps


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def filled(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'plans.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_schema")
    )
    with Store.open(url) as store:
        fill(store)
        yield store


def _no_sort_or_scan(steps: list[str], *tables: str) -> None:
    assert not any("TEMP B-TREE" in s or s.startswith("Sort") for s in steps), steps
    for table in tables:
        assert f"SCAN {table}" not in steps, steps
        assert f"Seq Scan {table}" not in steps, steps


def _uses(steps: list[str], index: str) -> None:
    assert any(index in step for step in steps), " | ".join(steps)


@pytest.mark.parametrize("kind", [None, "all", "substantive", "new"])
def test_deep_change_pages_walk_the_time_index(filled, kind):
    steps = plan(filled, lambda: filled.changes(kind=kind, before=CURSOR), "FROM versions")
    _uses(steps, "ix_versions_captured_at_id")
    _no_sort_or_scan(steps, "versions", "articles")


@pytest.mark.parametrize("kind", [None, "all", "minor"])
def test_a_source_reads_its_own_changes_index(filled, kind):
    call = lambda: filled.changes(source="weekly", kind=kind, before=CURSOR)  # noqa: E731
    steps = plan(filled, call, "FROM versions")
    _uses(steps, "ix_versions_source_id_captured_at_id")
    _no_sort_or_scan(steps, "versions", "articles")


def test_first_page_reads_the_newest_entries(filled):
    steps = plan(filled, lambda: filled.changes(), "FROM versions")
    _uses(steps, "ix_versions_captured_at_id")
    _no_sort_or_scan(steps, "versions")


def test_an_article_feed_reads_the_articles_versions_only(filled):
    call = lambda: filled.changes(article_id=1, kind="all")  # noqa: E731
    steps = plan(filled, call, "FROM versions", ordered=False)  # a few rows: sorting is fine
    assert any("ix_versions_article_id" in s or "uq_versions_article_id" in s for s in steps)
    assert "SCAN versions" not in steps
    assert not any(s.startswith("Seq Scan versions") for s in steps), steps


def test_source_figures_count_without_scanning_articles(filled):
    steps = plan(filled, lambda: filled.source_figures(), "FROM sources")
    _uses(steps, "ix_articles_failing")
    _uses(steps, "ix_articles_source_id_last_checked_at")
    assert not any("articles" in s and ("SCAN" in s or "Seq Scan" in s) for s in steps), steps


def test_source_statistics_read_stored_days_and_first_edits(filled):
    call = lambda: filled.source_statistics("daily", now=START)  # noqa: E731
    days = plan(filled, call, "FROM source_days")
    _uses(
        days,
        "pk_source_days" if filled._db.dialect == "postgresql" else "sqlite_autoindex_source_days",
    )
    delays = plan(filled, call, "first_edit_delay")
    _uses(delays, "ix_articles_first_edits")
    _no_sort_or_scan(delays, "articles")


def test_a_change_log_reads_version_rows_without_their_text(filled):
    steps = plan(filled, lambda: filled.version_summaries(1), "FROM versions")
    _uses(steps, "ix_versions_article_id_number")
    assert not any("blobs" in s for s in steps), steps
    _no_sort_or_scan(steps, "versions")


@pytest.mark.parametrize("source", [None, "daily"])
def test_search_walks_the_index_newest_first(filled, source):
    call = lambda: filled.search("zebra", source=source)  # noqa: E731
    steps = plan(filled, call, "version_search", ordered=False)
    if filled._db.dialect == "sqlite":
        assert any(s.startswith("SCAN version_search VIRTUAL TABLE") for s in steps), steps
        _no_sort_or_scan(steps, "versions", "articles")
    elif source is None:
        _uses(steps, "ix_version_search_document")
    else:  # the planner weighs the word against the source: the word's or a source's index leads
        leads = ("ix_version_search_document", "ix_versions_source_id_captured_at_id")
        by_source = ("ix_versions_report",)  # also (source_id, captured_at, ...), since 0013
        assert any(name in s for s in steps for name in leads + by_source), "\n".join(steps)


def test_cursor_pages_are_still_exact(filled):
    everything = filled.changes(kind="all", limit=100).rows
    walked, cursor = [], None
    while True:
        page = filled.changes(kind="all", before=cursor, limit=2)
        walked += page.rows
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [r.version_id for r in walked] == [r.version_id for r in everything]
    daily = filled.changes(source="daily", kind="all").rows
    assert {r.source for r in daily} == {"daily"}
    assert len(daily) == 5
