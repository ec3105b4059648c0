"""Evidence in the database: imports in their place in time, Save Page Now, export, re-hashing.

An imported capture may be older than versions already stored. Versions are kept in capture
time order: `seq` (all versions) and `number` (visible ones; a trivial version repeats its
predecessor's) are recomputed for the article after every insert, so a backfilled version
takes its place and those after it move up by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.errors import StoreError, UsageError
from copydesk.records import (
    ArticleStatus,
    CheckResult,
    Reclassified,
    TrackedArticle,
    Version,
    WaybackSave,
)
from copydesk.store import reads, rollups
from copydesk.store.blobs import decompress, put_blob, sha256_hex
from copydesk.store.database import Database
from copydesk.store.schema import (
    articles,
    blobs,
    checks,
    imported_captures,
    sources,
    versions,
    wayback_saves,
)
from copydesk.store.writes import insert_check, insert_version, provenance_columns

_BATCH = 200


# ---- where a capture falls in an article's history ---------------------------------------


def neighbours(
    conn: Connection, article_id: int, at: datetime
) -> tuple[Version | None, Version | None]:
    """The version in force at `at` (captured at or before it) and the next one after it."""
    base = reads.version_select().where(versions.c.article_id == article_id)
    before = conn.execute(
        base.where(versions.c.captured_at <= at)
        .order_by(versions.c.captured_at.desc(), versions.c.seq.desc())
        .limit(1)
    ).first()
    after = conn.execute(
        base.where(versions.c.captured_at > at)
        .order_by(versions.c.captured_at, versions.c.seq)
        .limit(1)
    ).first()
    return (
        None if before is None else reads.version_from_row(before),
        None if after is None else reads.version_from_row(after),
    )


def capture_known(
    conn: Connection, key: str, article_id: int | None, at: datetime, digest: str
) -> bool:
    """Imported before under `key`, or a check of this article at that moment saw these bytes."""
    if conn.execute(
        sa.select(imported_captures.c.key).where(imported_captures.c.key == key)
    ).first():
        return True
    if article_id is None:
        return False
    own = conn.execute(
        sa.select(checks.c.id).where(
            checks.c.article_id == article_id,
            checks.c.checked_at == at,
            checks.c.html_hash == digest,
        )
    ).first()
    return own is not None


# ---- writing an imported capture ---------------------------------------------------------


def record_import(
    db: Database,
    conn: Connection,
    result: CheckResult,
    *,
    key: str,
    successor: Reclassified | None,
    merge_into: int | None,
    now: datetime,
) -> Version | None:
    """Write one imported capture: its check, and its version in its place in time.

    `merge_into`: the capture has the same text as the next version, so that version is
    first seen earlier: it is moved back to this capture (its capture and provenance too).
    `successor`: the next version's classification against the inserted one.
    """
    check = result.check
    rollups.retract(conn, check.article_id)  # its history may be renumbered: counted again below
    conn.execute(
        sa.insert(imported_captures).values(
            key=key,
            article_id=check.article_id,
            captured_at=check.checked_at,
            origin_file=result.provenance.file,
            origin_record=result.provenance.record_id,
            imported_at=now,
        )
    )
    check_id = insert_check(conn, result)
    version_id: int | None = None
    if merge_into is not None:
        _move_back(db, conn, merge_into, result)
        version_id = merge_into
    elif result.article is not None:
        version_id = insert_version(db, conn, result).id
        if successor is not None:
            conn.execute(
                sa.update(versions)
                .where(versions.c.id == successor.version_id)
                .values(
                    change_kind=successor.change_kind,
                    change_flags=list(successor.change_flags),
                    trivial=successor.trivial,
                )
            )
    if version_id is not None:
        conn.execute(sa.update(checks).where(checks.c.id == check_id).values(version_id=version_id))
        resequence(conn, check.article_id)
    _refresh_article(conn, check.article_id, check.checked_at)
    rollups.restore(conn, check.article_id)
    if version_id is None:
        return None
    row = conn.execute(reads.version_select().where(versions.c.id == version_id)).first()
    return None if row is None else reads.version_from_row(row)


def _move_back(db: Database, conn: Connection, version_id: int, result: CheckResult) -> None:
    values: dict[str, Any] = {"captured_at": result.check.checked_at}
    if result.raw_html is not None:
        values["html_blob"] = put_blob(db, conn, result.raw_html)
        values["content_type"] = result.content_type
        values.update(provenance_columns(result.provenance))
    conn.execute(sa.update(versions).where(versions.c.id == version_id).values(**values))


def resequence(conn: Connection, article_id: int) -> None:
    """Renumber an article's versions in capture-time order (seq, number, first never trivial)."""
    rows = conn.execute(
        sa.select(versions.c.id, versions.c.seq, versions.c.number, versions.c.trivial)
        .where(versions.c.article_id == article_id)
        .order_by(versions.c.captured_at, versions.c.seq)
    ).all()
    wanted: list[tuple[int, int, int, bool]] = []
    number = 0
    for index, row in enumerate(rows, start=1):
        trivial = bool(row.trivial) and number > 0
        number += 0 if trivial else 1
        wanted.append((row.id, index, number, trivial))
    changed = [
        w
        for w, row in zip(wanted, rows, strict=True)
        if w[1:] != (row.seq, row.number, row.trivial)
    ]
    if not changed:
        return
    ids = [w[0] for w in changed]
    # Out of the way first: (article_id, seq) is unique at every statement.
    conn.execute(
        sa.update(versions).where(versions.c.id.in_(ids)).values(seq=-versions.c.seq - 1_000_000)
    )
    for version_id, seq, number_, trivial in changed:
        conn.execute(
            sa.update(versions)
            .where(versions.c.id == version_id)
            .values(seq=seq, number=number_, trivial=trivial)
        )


def _refresh_article(conn: Connection, article_id: int, at: datetime) -> None:
    """Title, version count and times of an article after its history changed."""
    article = conn.execute(sa.select(articles).where(articles.c.id == article_id)).first()
    if article is None:
        raise UsageError(f"unknown article: {article_id}")
    last = conn.execute(
        sa.select(
            versions.c.title, versions.c.number, versions.c.content_hash, versions.c.extractor
        )
        .where(versions.c.article_id == article_id)
        .order_by(versions.c.seq.desc())
        .limit(1)
    ).first()
    changed_at = conn.execute(
        sa.select(sa.func.max(versions.c.captured_at)).where(
            versions.c.article_id == article_id, versions.c.trivial.is_(False)
        )
    ).scalar()
    values: dict[str, Any] = {"first_seen_at": min(article.first_seen_at, at)}
    if article.last_checked_at is None or article.last_checked_at < at:
        values["last_checked_at"] = at
    if last is not None:
        values.update(title=last.title, version_count=last.number, last_change_at=changed_at)
        # What the next live check compares with (copydesk.store.queue hands it the row).
        values.update(content_hash=last.content_hash, extractor=last.extractor)
    conn.execute(sa.update(articles).where(articles.c.id == article_id).values(**values))


def import_article(
    db: Database, conn: Connection, source_id: int, url: str, at: datetime, *, track: bool
) -> int:
    """The article at `url`, created for an import when unknown (retired unless `track`)."""
    known = conn.execute(sa.select(articles.c.id).where(articles.c.url == url)).scalar()
    if known is not None:
        return int(known)
    row = {
        "source_id": source_id,
        "url": url,
        "first_seen_at": at,
        "next_check_at": at if track else None,
        "status": (ArticleStatus.ACTIVE if track else ArticleStatus.RETIRED).value,
        "consecutive_errors": 0,
        "version_count": 0,
    }
    conn.execute(db.insert_ignoring_conflicts(articles, [row], keys=["url"]))
    found = conn.execute(sa.select(articles.c.id).where(articles.c.url == url)).scalar()
    if found is None:
        raise StoreError(f"article {url} vanished while being imported")
    return int(found)


# ---- Save Page Now queue -----------------------------------------------------------------


def due_saves(conn: Connection, now: datetime, limit: int) -> list[tuple[int, str, int]]:
    """(version id, article URL, attempts so far) of Save Page Now requests due now."""
    rows = conn.execute(
        sa.select(wayback_saves.c.version_id, articles.c.url, wayback_saves.c.attempts)
        .join(versions, versions.c.id == wayback_saves.c.version_id)
        .join(articles, articles.c.id == versions.c.article_id)
        .where(wayback_saves.c.next_attempt_at <= now)
        .order_by(wayback_saves.c.next_attempt_at)
        .limit(limit)
    ).all()
    return [(int(r.version_id), str(r.url), int(r.attempts)) for r in rows]


def lease_save(conn: Connection, version_id: int, until: datetime) -> None:
    conn.execute(
        sa.update(wayback_saves)
        .where(wayback_saves.c.version_id == version_id)
        .values(next_attempt_at=until)
    )


def record_save(
    conn: Connection,
    version_id: int,
    *,
    memento_url: str | None,
    error: str | None,
    now: datetime,
    retry_in: timedelta | None,
) -> None:
    """A Save Page Now answer: the memento, or the failure and when to try again (None: never)."""
    values: dict[str, Any] = {"attempts": wayback_saves.c.attempts + 1, "last_error": error}
    if memento_url is not None:
        values.update(saved_at=now, next_attempt_at=None)
        conn.execute(
            sa.update(versions).where(versions.c.id == version_id).values(memento_url=memento_url)
        )
    else:
        values["next_attempt_at"] = None if retry_in is None else now + retry_in
    conn.execute(
        sa.update(wayback_saves).where(wayback_saves.c.version_id == version_id).values(**values)
    )


def save_state(conn: Connection, version_id: int) -> WaybackSave | None:
    row = conn.execute(
        sa.select(wayback_saves).where(wayback_saves.c.version_id == version_id)
    ).first()
    if row is None:
        return None
    return WaybackSave(
        version_id=row.version_id,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        saved_at=row.saved_at,
    )


# ---- export and verification -------------------------------------------------------------


def iter_captures(
    conn: Connection, *, source: str | None, since: datetime | None
) -> Iterator[tuple[TrackedArticle, Version, bytes | None]]:
    """Every stored version (trivial ones too) with its raw capture, in time order per article."""
    query = (
        sa.select(
            articles,
            sources.c.name.label("source_name"),
            versions.c.id.label("v_id"),
            *(c.label(f"v_{c.name}") for c in versions.c if c.name != "id"),
            blobs.c.data.label("v_content_data"),
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .join(versions, versions.c.article_id == articles.c.id)
        .join(blobs, blobs.c.hash == versions.c.content_blob)
        .order_by(articles.c.id, versions.c.seq)
    )
    if source is not None:
        query = query.where(sources.c.name == source)
    if since is not None:
        query = query.where(versions.c.captured_at >= since)
    html = blobs.alias("html")
    for row in conn.execute(query.execution_options(yield_per=_BATCH)):
        article = reads.article_from_row(row)
        version = reads.version_from_row(reads._Prefixed(row, "v_"))
        raw = None
        if version.html_hash is not None:
            data = conn.execute(
                sa.select(html.c.data).where(html.c.hash == version.html_hash)
            ).scalar()
            raw = None if data is None else decompress(data)
        yield article, version, raw


def verify_blobs(conn: Connection) -> Iterator[tuple[str, str | None]]:
    """(hash, problem or None) for every stored blob, re-hashed from its decompressed bytes."""
    query = sa.select(blobs.c.hash, blobs.c.data, blobs.c.size).order_by(blobs.c.hash)
    for row in conn.execute(query.execution_options(yield_per=_BATCH)):
        try:
            data = decompress(row.data)
        except StoreError as exc:
            yield row.hash, str(exc)
            continue
        digest = sha256_hex(data)
        if digest != row.hash:
            yield row.hash, f"content hashes to {digest}"
        elif len(data) != row.size:
            yield row.hash, f"size {len(data)}, recorded {row.size}"
        else:
            yield row.hash, None


def warc_citations(conn: Connection) -> Iterator[tuple[int, int, str, str]]:
    """(article id, version number, file, record id) of versions that cite a WARC record."""
    query = sa.select(
        versions.c.article_id, versions.c.number, versions.c.origin_file, versions.c.origin_record
    ).where(versions.c.origin == "fetch", versions.c.origin_record.is_not(None))
    for row in conn.execute(query.execution_options(yield_per=_BATCH)):
        yield int(row.article_id), int(row.number), str(row.origin_file), str(row.origin_record)
