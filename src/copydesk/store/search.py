"""The full-text index of visible versions, kept current on the write side.

Each visible version is indexed in the transaction that stores it (writes.insert_version), so
the web's search is a pure read: it never takes, or waits for, the write lock. `sync` catches
up a database whose index is behind (written before this rule, or restored from a backup);
the tracker and `copydesk serve` run it at start, off the request path.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Connection

from copydesk.records import Version
from copydesk.store.blobs import decode_paragraphs
from copydesk.store.database import Database
from copydesk.store.schema import blobs, versions

_BATCH = 500
_WINDOW = 1000  # PostgreSQL ids may commit out of order: re-look this far below the top

pg_search = sa.Table(
    "version_search",
    sa.MetaData(),
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("document", TSVECTOR),
)
fts = sa.table(
    "version_search", sa.column("rowid", sa.Integer), sa.column("title"), sa.column("body")
)


def index_key(db: Database) -> Any:
    return fts.c.rowid if db.dialect == "sqlite" else pg_search.c.version_id


def index_version(db: Database, conn: Connection, version: Version) -> None:
    """Index one just-stored version (a trivial one is not searchable)."""
    if version.trivial or version.id is None:
        return
    _insert(db, conn, [(version.id, version.title, "\n\n".join(version.paragraphs))])


def _insert(db: Database, conn: Connection, rows: list[tuple[int, str | None, str]]) -> None:
    if db.dialect == "sqlite":
        conn.execute(
            sa.text("INSERT INTO version_search(rowid, title, body) VALUES (:id, :title, :body)"),
            [{"id": i, "title": title, "body": body} for i, title, body in rows],
        )
    else:
        values = [{"version_id": i, "title": title, "body": body} for i, title, body in rows]
        conn.execute(db.insert_ignoring_conflicts(pg_search, values, keys=["version_id"]))


def sync(db: Database) -> int:
    """Index visible versions not yet in the search table; returns how many were added.

    Incremental: each batch looks only just below the highest indexed id, so a sync after a
    few new versions costs a few rows, and a first sync over a big history runs once, in
    short write transactions.
    """
    total = 0
    while True:
        with db.write() as conn:
            added = _index_batch(db, conn)
        total += added
        if added < _BATCH:
            return total


def behind(db: Database) -> bool:
    """True when a visible version is newer than the newest indexed one: one cheap read."""
    key = index_key(db)
    newest = (
        sa.select(versions.c.id)
        .where(versions.c.trivial.is_(False))
        .order_by(versions.c.id.desc())
        .limit(1)
    )
    with db.read() as conn:
        top = conn.execute(sa.select(key).order_by(key.desc()).limit(1)).scalar() or 0
        latest = conn.execute(newest).scalar() or 0
    return bool(latest > top)


def _index_batch(db: Database, conn: Connection) -> int:
    key = index_key(db)
    top = conn.execute(sa.select(key).order_by(key.desc()).limit(1)).scalar() or 0
    indexed = sa.select(key).where(key == versions.c.id).exists()
    query = (
        sa.select(versions.c.id, versions.c.title, blobs.c.data)
        .join(blobs, blobs.c.hash == versions.c.content_blob)
        .where(versions.c.id > top - _WINDOW, versions.c.trivial.is_(False), ~indexed)
        .order_by(versions.c.id)
        .limit(_BATCH)
    )
    rows = conn.execute(query).all()
    if rows:
        _insert(db, conn, [(r.id, r.title, "\n\n".join(decode_paragraphs(r.data))) for r in rows])
    return len(rows)
