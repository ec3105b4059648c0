"""Full-text search: the index of visible versions, kept current on the write side, and its query.

Each visible version is indexed in the transaction that stores it (writes.insert_version), so
the web's search is a pure read: it never takes, or waits for, the write lock. `sync` catches
up a database whose index is behind (written before this rule, restored from a backup, or
upgraded past migration 0007); the tracker and `copydesk serve` run it at start, off the
request path.

The tables hold only the index (migration 0007), never the text, which lives once in the
blobs: SQLite has a contentless FTS5 table whose rowid is the version id (no positions: a
query is an AND of single words); PostgreSQL a stripped tsvector per version under GIN.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import ArticleStatus, SearchHit, Version
from copydesk.store.blobs import decode_paragraphs
from copydesk.store.database import Database
from copydesk.store.reads import listed_columns, listed_from_row, source_id_of
from copydesk.store.schema import articles, blobs, sources, versions

_BATCH = 500
_WINDOW = 1000  # PostgreSQL ids may commit out of order: re-look this far below the top

# PostgreSQL's index table as queries see it (migration 0007 defines it; its TSVECTOR type is
# not named here, so reading a SQLite database never imports the PostgreSQL dialect).
pg_search = sa.table("version_search", sa.column("version_id", sa.Integer), sa.column("document"))
fts = sa.table("version_search", sa.column("rowid", sa.Integer))

_FTS_INSERT = sa.text("INSERT INTO version_search(rowid, title, body) VALUES (:id, :title, :body)")
_PG_INSERT = sa.text(
    "INSERT INTO version_search (version_id, document) "
    "VALUES (:id, strip(to_tsvector('simple', :title || ' ' || :body))) "
    "ON CONFLICT (version_id) DO NOTHING"
)
_PG_SCRATCH = "_bulk_search"
_PG_COPY_FROM = 100  # rows at once from which COPY beats one multi-row INSERT

Entry = tuple[int, str, Sequence[str]]  # (version id, title, paragraphs)

_HIDDEN = ArticleStatus.HIDDEN.value
_EXCERPT = 240
# Letters and digits: FTS5's unicode61 splits on "_" too, and a term it split would become a
# phrase, which an index without positions cannot answer.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def index_key(db: Database) -> Any:
    return fts.c.rowid if db.dialect == "sqlite" else pg_search.c.version_id


def body(paragraphs: Sequence[str]) -> str:
    """The text that is indexed, and that excerpts are cut from."""
    return "\n\n".join(paragraphs)


def index_version(db: Database, conn: Connection, version: Version) -> None:
    """Index one just-stored version (a trivial one is not searchable)."""
    if version.trivial or version.id is None:
        return
    add(db, conn, [(version.id, version.title, version.paragraphs)])


def add(db: Database, conn: Connection, entries: Sequence[Entry]) -> None:
    """Index these versions in the caller's transaction (PostgreSQL: once per version id)."""
    if not entries:
        return
    values = [
        {"id": i, "title": title, "body": body(paragraphs)} for i, title, paragraphs in entries
    ]
    if db.dialect == "postgresql" and len(values) >= _PG_COPY_FROM:
        _add_pg_copy(conn, values)
        return
    conn.execute(_FTS_INSERT if db.dialect == "sqlite" else _PG_INSERT, values)


def _add_pg_copy(conn: Connection, values: list[dict[str, Any]]) -> None:
    """Many rows: COPY the text to a scratch table and build the vectors in one INSERT."""
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {_PG_SCRATCH} (id integer, title text, body text) "
        "ON COMMIT DELETE ROWS"
    )
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {_PG_SCRATCH} (id, title, body) FROM STDIN") as copy:
        for row in values:
            copy.write_row((row["id"], row["title"], row["body"]))
    conn.exec_driver_sql(
        "INSERT INTO version_search (version_id, document) "
        f"SELECT id, strip(to_tsvector('simple', title || ' ' || body)) FROM {_PG_SCRATCH} "
        "ON CONFLICT (version_id) DO NOTHING"
    )
    conn.exec_driver_sql(f"DELETE FROM {_PG_SCRATCH}")


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
    add(db, conn, [(r.id, r.title, decode_paragraphs(r.data)) for r in rows])
    return len(rows)


# ---- the query ----------------------------------------------------------------------------


def search_terms(query: str) -> list[str]:
    """The words of a user's query; punctuation and search syntax are ignored on purpose."""
    return _WORD.findall(query.lower())[:20]


def search(
    db: Database,
    conn: Connection,
    terms: Sequence[str],
    *,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    before_id: int | None,
    limit: int,
) -> list[SearchHit]:
    """Visible versions containing every one of `terms`, newest first (by version id)."""
    select, key = _search_select(db, terms)
    if source is not None:
        select = select.where(versions.c.source_id == source_id_of(source))
    if since is not None:
        select = select.where(versions.c.captured_at >= since)
    if until is not None:
        select = select.where(versions.c.captured_at < until)
    if before_id is not None:
        select = select.where(key < before_id)
    # Ordering by the index's own key lets FTS5 walk its rowids newest first and stop early.
    select = select.order_by(key.desc()).limit(limit)
    return [_hit(row, terms) for row in conn.execute(select)]


def _search_select(db: Database, terms: Sequence[str]) -> tuple[sa.Select[Any], Any]:
    key = index_key(db)
    if db.dialect == "sqlite":
        index: Any = fts
        # Each term quoted: user text never reaches FTS5 as query syntax.
        match: Any = sa.text("version_search MATCH :terms").bindparams(
            terms=" ".join(f'"{t}"' for t in terms)
        )
    else:
        index = pg_search
        match = pg_search.c.document.op("@@")(sa.func.plainto_tsquery("simple", " ".join(terms)))
    select = (
        sa.select(*listed_columns(), blobs.c.data.label("content_data"))
        .select_from(index)
        .join(versions, versions.c.id == key)
        .join(articles, articles.c.id == versions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .join(blobs, blobs.c.hash == versions.c.content_blob)
        .where(match, articles.c.status != _HIDDEN)
    )
    return select, key


def _hit(row: Any, terms: Sequence[str]) -> SearchHit:
    text = body(decode_paragraphs(row.content_data))
    return listed_from_row(SearchHit, row, excerpt=excerpt(text, terms))


def excerpt(text: str, terms: Sequence[str], width: int = _EXCERPT) -> str:
    """A window of `text` around the first matching term, cut at word boundaries."""
    lowered = text.lower()
    found = [lowered.find(t) for t in terms]
    hits = [i for i in found if i >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    cut = " ".join(text[start:end].split())
    return ("… " if start else "") + cut + (" …" if end < len(text) else "")
