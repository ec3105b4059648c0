"""Bulk loading: many checks stored as Store.record_check stores them, a batch per transaction.

For filling benchmark databases and for backfills (an archive import): the same rows, numbers
and article state as one record_check per result, in a few big statements per batch instead
of a dozen small ones per check. SQLite gets executemany inside one write transaction;
PostgreSQL gets COPY. Version text is compressed once per distinct blob with one reused
compressor, and the search index is written from the text in hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
import zstandard
from sqlalchemy.engine import Connection

from copydesk.errors import UsageError
from copydesk.records import ArticleStatus, CheckOutcome, CheckResult, Version
from copydesk.store import bulkcounts, rollups, search
from copydesk.store.blobs import content_hash, encode_paragraphs, sha256_hex
from copydesk.store.database import Database
from copydesk.store.schema import articles, blobs, checks, versions
from copydesk.store.writes import check_row, version_row

BATCH = 10_000
# zstd level 3 compresses article text within ~2 % of the store's level 10 at a fifth of the
# CPU: at a million versions that is minutes. Blobs decompress the same whatever the level.
_LEVEL = 3
_CHUNK = 500  # bound on IN (...) lists
_FAILED = frozenset({CheckOutcome.ERROR, CheckOutcome.GONE})
_ARTICLE_STATE = (
    "next_check_at",
    "lease_until",
    "last_checked_at",
    "consecutive_errors",
    "etag",
    "last_modified",
    "title",
    "version_count",
    "last_change_at",
    "status",
    "first_edit_delay",
    "content_hash",
    "extractor",
    "fast_hash",
    "fast_checks",
    "last_seen_at",
)
# Outcomes of checks that read the page's text (writes._READ).
_READ = frozenset({CheckOutcome.NEW_VERSION, CheckOutcome.TRIVIAL, CheckOutcome.UNCHANGED})
_VERSION_COLUMNS = tuple(c.name for c in versions.columns)
_CHECK_COLUMNS = tuple(c.name for c in checks.columns if c.name != "id")


@dataclass(slots=True)
class _Article:
    """One article's state while its checks in a batch are applied in order."""

    source_id: int
    seq: int
    number: int
    first_at: datetime | None  # when its first version was captured
    state: dict[str, Any]
    before: dict[str, Any]  # the state as the batch found it


@dataclass(slots=True)
class _Batch:
    """The rows one batch writes, built in Python before any statement runs."""

    blobs: dict[str, bytes] = field(default_factory=dict)  # hash -> uncompressed bytes
    versions: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    search: list[tuple[int, str, Sequence[str]]] = field(default_factory=list)


def load_checks(db: Database, results: Iterable[CheckResult], *, batch: int = BATCH) -> int:
    """Store every result as record_check would, `batch` per transaction; returns new versions.

    Results of one article must come in the order they happened, as for record_check. Each
    batch is all or nothing. Raises UsageError for an unknown article (that batch is not
    written; earlier ones are).
    """
    compressor = zstandard.ZstdCompressor(level=_LEVEL)
    stored = 0
    for chunk in _batches(results, batch):
        with db.write() as conn, _big_cache(db, conn):
            stored += _load_batch(db, conn, chunk, compressor)
    return stored


@contextmanager
def _big_cache(db: Database, conn: Connection) -> Iterator[None]:
    """SQLite: a 256 MB page cache for the batch (random index inserts thrash the default 2 MB)."""
    if db.dialect != "sqlite":
        yield
        return
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def _batches(results: Iterable[CheckResult], size: int) -> Iterator[list[CheckResult]]:
    iterator = iter(results)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _load_batch(
    db: Database, conn: Connection, results: Sequence[CheckResult], compressor: Any
) -> int:
    if db.dialect == "postgresql":
        bulkcounts.pause(conn)
    state = _article_states(conn, {r.check.article_id for r in results})
    next_id = _version_ids(db, conn, sum(r.article is not None for r in results))
    rows = _Batch()
    for result in results:
        article = state.get(result.check.article_id)
        if article is None:
            raise UsageError(f"unknown article: {result.check.article_id}")
        if result.events or result.notices or result.moved_to or result.wayback_save:
            raise UsageError(
                "checks with events, notices, a move or a save go through record_check"
            )
        version = _add_version(rows, article, result, next_id) if result.article else None
        rows.checks.append(_check_row(result, None if version is None else version["id"]))
        _apply(article, result, version)
    _write_blobs(db, conn, rows.blobs, compressor)
    _write(db, conn, versions, _VERSION_COLUMNS, rows.versions)
    _write(db, conn, checks, _CHECK_COLUMNS, rows.checks)
    search.add(db, conn, rows.search)
    _update_articles(db, conn, state)
    _roll_up(conn, state, rows.versions)
    if db.dialect == "postgresql":  # its counting triggers are paused: add what they would
        sources = {article_id: article.source_id for article_id, article in state.items()}
        bulkcounts.add(
            conn,
            [(a.source_id, a.before, a.state) for a in state.values()],
            [
                (sources[v["article_id"]], v["captured_at"], "stealth" in v["change_flags"])
                for v in rows.versions
                if not v["trivial"] and v["number"] > 1
            ],
        )
    return len(rows.versions)


def _roll_up(conn: Connection, state: dict[int, _Article], written: list[dict[str, Any]]) -> None:
    """The batch's visible versions into the report's rollups (as record_check adds each)."""
    changes = [
        rollups.Change(
            article_id=v["article_id"],
            source_id=v["source_id"],
            number=v["number"],
            captured_at=v["captured_at"],
            kind=v["change_kind"],
            flags=tuple(v["change_flags"]),
            version_id=v["id"],
        )
        for v in written
        if not v["trivial"]
    ]
    firsts = {i: a.first_at for i, a in state.items() if a.first_at is not None}
    rollups.record(conn, changes, firsts)


def _article_states(conn: Connection, ids: set[int]) -> dict[int, _Article]:
    """Current state, last version numbers and first capture of the batch's articles."""
    found: dict[int, _Article] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        last = {
            row.article_id: (row.seq or 0, row.number or 0)
            for row in conn.execute(
                sa.select(
                    versions.c.article_id,
                    sa.func.max(versions.c.seq).label("seq"),
                    sa.func.max(versions.c.number).label("number"),
                )
                .where(versions.c.article_id.in_(chunk))
                .group_by(versions.c.article_id)
            )
        }
        firsts = {
            row.article_id: row.captured_at
            for row in conn.execute(
                sa.select(versions.c.article_id, versions.c.captured_at).where(
                    versions.c.article_id.in_(chunk), versions.c.seq == 1, versions.c.number == 1
                )
            )
        }
        columns = [articles.c.id, articles.c.source_id, *(articles.c[n] for n in _ARTICLE_STATE)]
        for row in conn.execute(sa.select(*columns).where(articles.c.id.in_(chunk))):
            seq, number = last.get(row.id, (0, 0))
            state = {name: getattr(row, name) for name in _ARTICLE_STATE}
            found[row.id] = _Article(
                source_id=row.source_id,
                seq=seq,
                number=number,
                first_at=firsts.get(row.id),
                state=state,
                before=dict(state),
            )
    return found


def _version_ids(db: Database, conn: Connection, count: int) -> Iterator[int]:
    """`count` fresh version ids: taken from the sequence (PostgreSQL) or after the top."""
    if db.dialect == "postgresql":
        taken = conn.execute(
            sa.text(
                "SELECT nextval(pg_get_serial_sequence('versions', 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"count": count},
        ).scalars()
        return iter(sorted(int(i) for i in taken))
    # SQLite: this transaction holds the write lock, so nobody else takes these ids meanwhile.
    top = int(conn.execute(sa.select(sa.func.max(versions.c.id))).scalar() or 0)
    return iter(range(top + 1, top + 1 + count))


def _add_version(
    rows: _Batch, article: _Article, result: CheckResult, ids: Iterator[int]
) -> dict[str, Any]:
    """The version row of `result` (numbered after the article's last), its blobs queued."""
    text = result.article
    assert text is not None  # the caller checked
    # With no visible predecessor there is nothing to be a trivial edit of: count it as visible.
    trivial = result.trivial and bool(article.number)
    article.seq += 1
    article.number += 0 if trivial else 1
    encoded = encode_paragraphs(text.paragraphs)
    content_blob = sha256_hex(encoded)
    rows.blobs.setdefault(content_blob, encoded)
    html_blob = None
    if result.raw_html is not None:
        html_blob = sha256_hex(result.raw_html)
        rows.blobs.setdefault(html_blob, result.raw_html)
    version = Version(
        article_id=result.check.article_id,
        number=article.number,
        captured_at=result.check.checked_at,
        title=text.title,
        byline=text.byline,
        published_at=text.published_at,
        paragraphs=tuple(text.paragraphs),
        trivial=trivial,
        extractor=text.extractor,
        content_hash=content_hash(text.title, text.byline, text.paragraphs),
        html_hash=html_blob,
        seq=article.seq,
        change_kind=result.change_kind,
        change_flags=tuple(result.change_flags),
        content_type=result.content_type,
        provenance=result.provenance,
    )
    version_id = next(ids)
    # writes.version_row is record_check's own row; the id and source are taken here up front
    # (the versions_source trigger copies the source for writers that leave it out).
    row = {**version_row(version, content_blob), "id": version_id, "source_id": article.source_id}
    rows.versions.append(row)
    if not trivial:
        rows.search.append((version_id, text.title, text.paragraphs))
    return row


def _check_row(result: CheckResult, version_id: int | None) -> dict[str, Any]:
    return {**check_row(result), "version_id": version_id}


def _apply(article: _Article, result: CheckResult, version: dict[str, Any] | None) -> None:
    """The article's state after this check: writes._update_checked_article, folded."""
    check, state = result.check, article.state
    state.update(next_check_at=result.next_check_at, lease_until=None)
    if check.outcome is CheckOutcome.INTERRUPTED:
        return
    state["last_checked_at"] = check.checked_at
    if check.outcome in _FAILED:
        state["consecutive_errors"] += 1
    else:
        state["consecutive_errors"] = 0
        state["last_seen_at"] = check.checked_at
        if check.etag is not None:
            state["etag"] = check.etag
        if check.last_modified is not None:
            state["last_modified"] = check.last_modified
    if check.outcome in _READ:
        if result.fast_path:
            state["fast_checks"] += 1
        else:
            state.update(fast_hash=result.fast_hash, fast_checks=0)
    if result.text_hash is not None:
        state.update(content_hash=result.text_hash, extractor=result.extractor)
    if version is not None:
        state.update(title=version["title"], version_count=version["number"])
        state.update(content_hash=version["content_hash"], extractor=version["extractor"])
        if not version["trivial"]:
            state["last_change_at"] = version["captured_at"]
        _first_edit(article, version)
    if result.retired:
        state["status"] = ArticleStatus.RETIRED.value


def _first_edit(article: _Article, version: dict[str, Any]) -> None:
    """Note the first capture, and the delay to the first visible edit (as the trigger does)."""
    if version["seq"] == 1 and version["number"] == 1:
        article.first_at = version["captured_at"]
    elif (
        version["number"] == 2
        and not version["trivial"]
        and article.first_at is not None
        and article.state["first_edit_delay"] is None
    ):
        delay = version["captured_at"] - article.first_at
        article.state["first_edit_delay"] = delay.total_seconds()


def _write_blobs(db: Database, conn: Connection, found: dict[str, bytes], compressor: Any) -> None:
    """Compress and insert the blobs the database does not have yet."""
    hashes = sorted(found)
    known: set[str] = set()
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        known.update(conn.execute(sa.select(blobs.c.hash).where(blobs.c.hash.in_(chunk))).scalars())
    rows = [
        {"hash": digest, "data": compressor.compress(found[digest]), "size": len(found[digest])}
        for digest in hashes
        if digest not in known
    ]
    if not rows:
        return
    if db.dialect == "postgresql":
        # A concurrent writer may store the same bytes: COPY to a scratch table, then merge.
        _copy_merge(conn, "blobs", ("hash", "data", "size"), rows, "ON CONFLICT (hash) DO NOTHING")
    else:
        _sqlite_insert(conn, blobs, ("hash", "data", "size"), rows, verb="INSERT OR IGNORE")


def _write(
    db: Database,
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: list[dict[str, Any]],
) -> None:
    if not rows:
        return
    if db.dialect == "postgresql":
        _copy(conn, table.name, columns, rows)
    else:
        _sqlite_insert(conn, table, columns, rows)


def _processors(conn: Connection, table: sa.Table, columns: Sequence[str]) -> list[Any]:
    """Each column type's own bind processor (None: the value goes as it is)."""
    return [table.c[name].type.bind_processor(conn.dialect) for name in columns]


def _bound(row: dict[str, Any], columns: Sequence[str], processors: list[Any]) -> tuple[Any, ...]:
    return tuple(
        row[name] if process is None else process(row[name])
        for name, process in zip(columns, processors, strict=True)
    )


def _sqlite_insert(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: list[dict[str, Any]],
    *,
    verb: str = "INSERT",
) -> None:
    """One executemany over the driver, values bound by the column types' own processors.

    Through Core, binding costs more than the insert itself at these volumes; the processors
    are the same (UTC text for datetimes, JSON text, 0/1 for booleans).
    """
    processors = _processors(conn, table, columns)
    marks = ", ".join("?" for _ in columns)
    statement = f"{verb} INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    conn.exec_driver_sql(statement, [_bound(row, columns, processors) for row in rows])


def _copy(conn: Connection, table: str, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """COPY rows into `table` over the connection's own psycopg cursor (same transaction)."""
    names = ", ".join(columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_pg_value(row[name]) for name in columns])


def _pg_value(value: Any) -> Any:
    # A list is a JSON column here (change_flags); psycopg would send it as an array.
    return json.dumps(value) if isinstance(value, list) else value


def _copy_merge(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: list[dict[str, Any]],
    conflict: str,
) -> None:
    scratch = f"_bulk_{table}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {scratch} (LIKE {table}) ON COMMIT DELETE ROWS"
    )
    _copy(conn, scratch, columns, rows)
    names = ", ".join(columns)
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) SELECT {names} FROM {scratch} {conflict}")
    conn.exec_driver_sql(f"DELETE FROM {scratch}")


def _update_articles(db: Database, conn: Connection, state: dict[int, _Article]) -> None:
    rows = [{"b_id": article_id, **article.state} for article_id, article in state.items()]
    if db.dialect == "postgresql":
        _update_articles_pg(conn, rows)
        return
    columns = (*_ARTICLE_STATE, "id")
    processors = _processors(conn, articles, columns)
    assignments = ", ".join(f"{name} = ?" for name in _ARTICLE_STATE)
    conn.exec_driver_sql(
        f"UPDATE articles SET {assignments} WHERE id = ?",
        [_bound({**row, "id": row["b_id"]}, columns, processors) for row in rows],
    )


def _update_articles_pg(conn: Connection, rows: list[dict[str, Any]]) -> None:
    columns = ("id", *_ARTICLE_STATE)
    scratch = "_bulk_articles"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT {', '.join(columns)} "
        "FROM articles WITH NO DATA"
    )
    _copy(conn, scratch, columns, [{"id": row["b_id"], **row} for row in rows])
    assignments = ", ".join(f"{name} = s.{name}" for name in _ARTICLE_STATE)
    conn.exec_driver_sql(
        f"UPDATE articles SET {assignments} FROM {scratch} s WHERE articles.id = s.id"
    )
    conn.exec_driver_sql(f"DELETE FROM {scratch}")
