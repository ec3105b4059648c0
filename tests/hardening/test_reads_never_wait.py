"""Issue 11, item 4: reads never wait for writes, and a crowd on one route starves no other.

Before the fix `/search` brought the search index up to date inside the request: while any
process held SQLite's write lock each search waited 10 s and answered 503, and 45 concurrent
searches exhausted the thread pool until `/` and `/healthz` stopped answering.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from copydesk.publish import create_app
from copydesk.publish.server import serve_in_thread
from copydesk.settings import Settings
from copydesk.store import Store
from tests.support.web import START, article, fill, record


def test_every_stored_version_is_searchable_in_its_own_transaction(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'w.db'}") as store:
        newsroom = fill(store)
        assert not store.search_index_behind()
        assert store.sync_search_index() == 0
        record(store, newsroom.other, START.replace(hour=20), article("Okapi", "An okapi ran."))
        assert not store.search_index_behind()
        assert [h.title for h in store.search("okapi")] == ["Okapi"]


# The contentless FTS5 index (migration 0007) is emptied by its own command, not by DELETE.
EMPTY_INDEX = "INSERT INTO version_search(version_search) VALUES ('delete-all')"


def test_an_index_left_behind_catches_up_by_sync_not_by_search(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'w.db'}") as store:
        fill(store)
        with store._db.write() as conn:  # an index written before this rule, or a restore
            conn.execute(sa.text(EMPTY_INDEX))
        assert store.search_index_behind()
        assert store.search("zebra") == []  # the read does not write
        assert store.search_index_behind()
        assert store.sync_search_index() == 6
        assert {h.title for h in store.search("zebra")} >= {"Weekly zebra story"}


@pytest.fixture
def served(tmp_path: Path):
    """A real server (uvicorn, its thread pool) over a SQLite file whose index is behind."""
    db = tmp_path / "w.db"
    with Store.open(f"sqlite:///{db}") as store:
        fill(store)
        with store._db.write() as conn:
            conn.execute(sa.text(EMPTY_INDEX))
    app = create_app(Settings(db=f"sqlite:///{db}"))
    base, stop = serve_in_thread(app)
    yield base, db
    stop()


def _hold_write_lock(db: Path) -> tuple[sqlite3.Connection, threading.Event]:
    """Another process's writer: BEGIN IMMEDIATE and keep it."""
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder, threading.Event()


def test_search_answers_while_another_process_holds_the_write_lock(served):
    base, db = served
    holder, _ = _hold_write_lock(db)
    try:
        started = time.monotonic()
        response = httpx.get(f"{base}/search", params={"q": "zebra"}, timeout=30)
        took = time.monotonic() - started
        api = httpx.get(f"{base}/api/search", params={"q": "zebra"}, timeout=30)
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 200
    assert api.status_code == 200
    assert took < 2.0, f"search waited {took:.1f}s for the writer"


def test_45_slow_searches_do_not_starve_the_home_page_or_healthz(served, monkeypatch):
    """Each search is made slow; the crowd is bounded, the others still answer at once."""
    base, db = served
    real = Store.search

    def slow_search(store, *args, **kwargs):
        time.sleep(3)
        return real(store, *args, **kwargs)

    baseline = {}
    for path in ("/", "/healthz", "/api/changes", "/sources"):
        started = time.monotonic()
        httpx.get(f"{base}{path}", timeout=30)
        baseline[path] = time.monotonic() - started
    monkeypatch.setattr(Store, "search", slow_search)
    holder, _ = _hold_write_lock(db)
    try:
        with ThreadPoolExecutor(max_workers=45) as pool:
            crowd = [
                pool.submit(httpx.get, f"{base}/search", params={"q": f"zebra {i}"}, timeout=60)
                for i in range(45)
            ]
            time.sleep(0.5)  # the crowd is in
            timings = {}
            for path in ("/", "/healthz", "/api/changes", "/sources"):
                started = time.monotonic()
                answer = httpx.get(f"{base}{path}", timeout=30)
                timings[path] = (answer.status_code, time.monotonic() - started)
            results = [future.result() for future in crowd]
    finally:
        holder.rollback()
        holder.close()
    for path, (status, took) in timings.items():
        assert status == 200, path
        # a search holds its thread 3 s: waiting behind one would take that long
        limit = min(2.5, 1.0 + 3 * baseline[path])
        assert took < limit, f"{path} took {took:.1f}s behind the crowd"
    statuses = sorted(r.status_code for r in results)
    assert set(statuses) <= {200, 503}
    assert 200 in statuses  # some are served
    busy = [r for r in results if r.status_code == 503]
    assert busy, "the crowd was not bounded"
    for r in busy:
        assert int(r.headers["retry-after"]) >= 1
        assert r.elapsed.total_seconds() < 5  # a bounded wait, answered fast


def test_a_database_failure_is_503_with_retry_after(tmp_path, monkeypatch):
    from copydesk.errors import StoreError
    from tests.support.web import TestClient

    with Store.open(f"sqlite:///{tmp_path / 'w.db'}") as store:
        fill(store)

        def broken(*args, **kwargs):
            raise StoreError("database is locked")

        monkeypatch.setattr(Store, "search", broken)
        with TestClient(create_app(Settings(db="sqlite://"), store=store)) as client:
            for path in ("/search?q=zebra", "/api/search?q=zebra"):
                response = client.get(path)
                assert response.status_code == 503, path
                assert response.headers["retry-after"] == "5"


def test_serve_catches_an_old_index_up_at_start(tmp_path):
    db = tmp_path / "w.db"
    with Store.open(f"sqlite:///{db}") as store:
        fill(store)
        with store._db.write() as conn:
            conn.execute(sa.text(EMPTY_INDEX))
    base, stop = serve_in_thread(create_app(Settings(db=f"sqlite:///{db}")))
    try:
        deadline = time.monotonic() + 20
        found: list[str] = []
        while not found and time.monotonic() < deadline:
            found = httpx.get(f"{base}/api/search", params={"q": "zebra"}).json()["results"]
            time.sleep(0.1)
    finally:
        stop()
    assert found
