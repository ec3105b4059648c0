"""Statements that change the database; each runs inside the caller's one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.errors import StoreError, UsageError
from copydesk.records import (
    ArticleStatus,
    Candidate,
    CheckOutcome,
    CheckResult,
    Endpoint,
    EndpointKind,
    Provenance,
    Source,
    Version,
    content_hash,
)
from copydesk.store import excerpts, locators, outbox, reads, rollups, search
from copydesk.store.blobs import encode_paragraphs, put_blob, sha256_hex
from copydesk.store.database import Database
from copydesk.store.listings import Listing, mark_listed, newest
from copydesk.store.schema import articles, checks, endpoints, sources, versions, wayback_saves

_CHUNK = 500  # bound on IN (...) lists and multi-row VALUES
_ACTIVE = ArticleStatus.ACTIVE.value
_FAILED = frozenset({CheckOutcome.ERROR, CheckOutcome.GONE})
# Outcomes of checks that read the page's text (a 304 did not; an error read nothing usable).
_READ = frozenset({CheckOutcome.NEW_VERSION, CheckOutcome.TRIVIAL, CheckOutcome.UNCHANGED})


def active_source_id(conn: Connection, name: str) -> int:
    """The id of an active source, or UsageError naming it."""
    source_id = conn.execute(
        sa.select(sources.c.id).where(sources.c.name == name, sources.c.active.is_(True))
    ).scalar()
    if source_id is None:
        raise UsageError(f"unknown source: {name}")
    return int(source_id)


# ---- sources and endpoints ----------------------------------------------------------------


def upsert_source(conn: Connection, source: Source, now: datetime) -> Source:
    """Insert or update a source by name; a removed source comes back active."""
    values = {
        "include": list(source.include),
        "exclude": list(source.exclude),
        "extract_keep": list(source.extract_rules.keep),
        "extract_drop": list(source.extract_rules.drop),
        "active": True,
    }
    known = conn.execute(sa.select(sources.c.id).where(sources.c.name == source.name)).scalar()
    if known is None:
        conn.execute(sa.insert(sources).values(name=source.name, created_at=now, **values))
    else:
        conn.execute(sa.update(sources).where(sources.c.id == known).values(**values))
    stored = reads.get_source(conn, source.name)
    if stored is None:  # cannot happen: written just above, in this transaction
        raise StoreError(f"source {source.name} vanished while being saved")
    return stored


def remove_source(conn: Connection, name: str) -> None:
    """Deactivate a source, drop its endpoints and retire its active articles (data is kept)."""
    source_id = active_source_id(conn, name)
    conn.execute(sa.delete(endpoints).where(endpoints.c.source_id == source_id))
    conn.execute(
        sa.update(articles)
        .where(articles.c.source_id == source_id, articles.c.status == _ACTIVE)
        .values(status=ArticleStatus.RETIRED.value, lease_until=None)
    )
    conn.execute(sa.update(sources).where(sources.c.id == source_id).values(active=False))


def add_endpoint(db: Database, conn: Connection, endpoint: Endpoint, now: datetime) -> Endpoint:
    """Register an endpoint once per URL; a new one is due at once."""
    existing = reads.get_endpoint(conn, url=endpoint.url)
    if existing is not None:
        return existing
    row = {
        "source_id": active_source_id(conn, endpoint.source),
        "url": endpoint.url,
        "kind": EndpointKind(endpoint.kind).value,
        "next_poll_at": now,
        "etag": endpoint.etag,
        "last_modified": endpoint.last_modified,
        "consecutive_errors": 0,
    }
    conn.execute(db.insert_ignoring_conflicts(endpoints, [row], keys=["url"]))
    stored = reads.get_endpoint(conn, url=endpoint.url)
    if stored is None:  # cannot happen: inserted above, or by a concurrent writer
        raise StoreError(f"endpoint {endpoint.url} vanished while being saved")
    return stored


def record_poll(
    conn: Connection,
    endpoint_id: int,
    *,
    polled_at: datetime,
    next_poll_at: datetime,
    etag: str | None,
    last_modified: str | None,
    error: str | None,
) -> None:
    """Note one poll; a failure keeps the validators so the next poll can still be conditional."""
    values: dict[str, Any] = {"last_polled_at": polled_at, "next_poll_at": next_poll_at}
    if error is not None:
        values.update(consecutive_errors=endpoints.c.consecutive_errors + 1, last_error=error)
    else:
        values.update(consecutive_errors=0, last_error=None, last_ok_at=polled_at)
        # A 304 need not repeat its validators: keep the ones we have rather than lose them.
        values.update(_validators(etag, last_modified))
    done = conn.execute(sa.update(endpoints).where(endpoints.c.id == endpoint_id).values(**values))
    if done.rowcount == 0:
        raise UsageError(f"unknown endpoint: {endpoint_id}")


def release_endpoint(conn: Connection, endpoint_id: int, now: datetime) -> None:
    """Make a leased endpoint due at `now` (its poll was cut short and recorded nothing)."""
    conn.execute(
        sa.update(endpoints)
        .where(endpoints.c.id == endpoint_id, endpoints.c.next_poll_at > now)
        .values(next_poll_at=now)
    )


def _validators(etag: str | None, last_modified: str | None) -> dict[str, str]:
    found = {"etag": etag, "last_modified": last_modified}
    return {key: value for key, value in found.items() if value is not None}


# ---- articles -----------------------------------------------------------------------------


def _merge_candidates(candidates: Sequence[Candidate]) -> dict[str, Candidate]:
    """One candidate per URL (first seen), keeping the newest updated_at any of them gave."""
    merged: dict[str, Candidate] = {}
    for candidate in candidates:
        first = merged.setdefault(candidate.url, candidate)
        if candidate.updated_at and (
            not first.updated_at or candidate.updated_at > first.updated_at
        ):
            merged[candidate.url] = Candidate(
                url=first.url,
                title=first.title,
                published_at=first.published_at,
                updated_at=candidate.updated_at,
                guid=first.guid,
            )
    return merged


def _new_article_row(source_id: int, url: str, now: datetime) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "url": url,
        "first_seen_at": now,
        "next_check_at": now,
        "status": _ACTIVE,
        "consecutive_errors": 0,
        "version_count": 0,
        "title": None,
        "hint_at": None,
        "listed_at": None,  # None: never listed (e.g. added by URL)
        "listed_rank": None,
    }


def add_articles(
    db: Database,
    conn: Connection,
    source_id: int,
    candidates: Sequence[Candidate],
    now: datetime,
    listing: Listing,
    *,
    first_rank: int = 0,
    max_new: int | None = None,
) -> list[int]:
    """Insert unknown URLs (due now), mark all listed, hint known ones; returns the new ids.

    At most `max_new` unknown URLs are inserted (the first ones listed); the others wait for
    a later poll. `first_rank` is the place of the first candidate when a long listing comes
    in parts.
    """
    merged = list(_merge_candidates(candidates).values())
    ranks = {c.url: first_rank + i for i, c in enumerate(merged)} if listing.ranked else {}
    new_ids: list[int] = []
    for start in range(0, len(merged), _CHUNK):
        chunk = merged[start : start + _CHUNK]
        known = conn.execute(
            sa.select(articles).where(articles.c.url.in_([c.url for c in chunk]))
        ).all()
        known_by_url = {row.url: row for row in known}
        known_by_url.update(_moved_away(conn, [c.url for c in chunk if c.url not in known_by_url]))
        known = list({row.id: row for row in known_by_url.values()}.values())
        fresh = [c for c in chunk if c.url not in known_by_url]
        if max_new is not None:
            fresh = fresh[: max(0, max_new - len(new_ids))]
        new_ids.extend(_insert_articles(db, conn, source_id, fresh, now, ranks))
        for candidate in chunk:
            row = known_by_url.get(candidate.url)
            if row is not None:
                rank = ranks.get(candidate.url)
                hint = now if listing.moved(row, rank) else None
                _apply_hint(conn, row, newest(candidate.updated_at, hint), now)
        mark_listed(conn, {row.id: ranks.get(row.url) for row in known}, now, listing.ranked)
    return sorted(new_ids)


def _moved_away(conn: Connection, urls: list[str]) -> dict[str, Any]:
    """Article rows for URLs an article has left (a moved event), keyed by the old URL."""
    ids = outbox.article_id_by_old_url(conn, urls)
    if not ids:
        return {}
    rows = {
        row.id: row
        for row in conn.execute(sa.select(articles).where(articles.c.id.in_(set(ids.values()))))
    }
    return {url: rows[i] for url, i in ids.items() if i in rows}


def _insert_articles(
    db: Database,
    conn: Connection,
    source_id: int,
    fresh: Sequence[Candidate],
    now: datetime,
    ranks: dict[str, int],
) -> list[int]:
    if not fresh:
        return []
    rows = []
    for candidate in fresh:
        row = _new_article_row(source_id, candidate.url, now)
        row.update(title=candidate.title, hint_at=candidate.updated_at, listed_at=now)
        row["listed_rank"] = ranks.get(candidate.url)
        rows.append(row)
    # ON CONFLICT: a concurrent worker may insert the same URL; it is then not new for us.
    statement = db.insert_ignoring_conflicts(articles, rows, keys=["url"])
    return [int(i) for i in conn.execute(statement.returning(articles.c.id)).scalars()]


def _apply_hint(conn: Connection, row: Any, updated_at: datetime | None, now: datetime) -> None:
    """A listing says the article changed after our last hint: check it now, unless leased.

    This wakes a resting article too (one whose next check is its retirement moment).
    """
    if row.status != _ACTIVE or updated_at is None:
        return
    if row.hint_at is not None and updated_at <= row.hint_at:
        return
    values: dict[str, Any] = {"hint_at": updated_at}
    leased = row.lease_until is not None and row.lease_until > now
    if not leased and (row.next_check_at is None or row.next_check_at > now):
        values["next_check_at"] = now
    conn.execute(sa.update(articles).where(articles.c.id == row.id).values(**values))


def add_article(db: Database, conn: Connection, source_id: int, url: str, now: datetime) -> int:
    """The id of the article at `url`, inserting it (due now) when unknown."""
    known = conn.execute(sa.select(articles.c.id).where(articles.c.url == url)).scalar()
    if known is not None:
        return int(known)
    moved = outbox.article_id_by_old_url(conn, [url])
    if moved:
        return moved[url]
    row = _new_article_row(source_id, url, now)
    conn.execute(db.insert_ignoring_conflicts(articles, [row], keys=["url"]))
    return int(conn.execute(sa.select(articles.c.id).where(articles.c.url == url)).scalar_one())


def release_leases(conn: Connection, now: datetime) -> int:
    """Make every leased article due now: its claimant is known to be gone."""
    result = conn.execute(
        sa.update(articles)
        .where(articles.c.lease_until.is_not(None), articles.c.lease_until > now)
        .values(next_check_at=now, lease_until=None)
    )
    return int(result.rowcount or 0)


def set_article_status(
    conn: Connection,
    article_id: int,
    status: ArticleStatus,
    *,
    reason: str | None,
    next_check_at: datetime | None,
) -> None:
    values: dict[str, Any] = {"status": status.value, "hidden_reason": reason}
    if next_check_at is not None:
        values["next_check_at"] = next_check_at
    done = conn.execute(sa.update(articles).where(articles.c.id == article_id).values(**values))
    if done.rowcount == 0:
        raise UsageError(f"unknown article: {article_id}")


def update_article_url(conn: Connection, article_id: int, url: str) -> bool:
    """Move an article to its canonical URL; False when another article already has it."""
    owner = conn.execute(sa.select(articles.c.id).where(articles.c.url == url)).scalar()
    if owner is not None:
        return int(owner) == article_id
    done = conn.execute(sa.update(articles).where(articles.c.id == article_id).values(url=url))
    if done.rowcount == 0:
        raise UsageError(f"unknown article: {article_id}")
    return True


# ---- checks and versions ------------------------------------------------------------------


def record_check(db: Database, conn: Connection, result: CheckResult) -> Version | None:
    """Write a check, its version (if any) and the article's new state.

    A quiet check is two statements: the article row first (which also tells an unknown id and,
    on PostgreSQL, locks the row), then the check. A new version locks the row before numbering.
    """
    check = result.check
    version = None
    if result.article is not None:
        found = conn.execute(
            # FOR UPDATE (PostgreSQL): two workers never number versions of one article at once.
            sa.select(articles.c.id).where(articles.c.id == check.article_id).with_for_update()
        ).first()
        if found is None:
            raise UsageError(f"unknown article: {check.article_id}")
        version = insert_version(db, conn, result)
        if result.excerpt is not None and not version.trivial and version.id is not None:
            excerpts.insert(conn, version.id, result.excerpt)
        if result.wayback_save and not version.trivial:
            # Asked in the background (copydesk.evidence); written here so none is lost.
            conn.execute(
                sa.insert(wayback_saves).values(
                    version_id=version.id, attempts=0, next_attempt_at=check.checked_at
                )
            )
    from copydesk.store import quiet  # its statements are built on a tracker's first check

    if quiet.applies(result):  # most checks: statements built once, only bound here
        if not quiet.update_article(conn, result):
            raise UsageError(f"unknown article: {check.article_id}")
        quiet.insert_check(conn, result)
    else:
        if not _update_checked_article(conn, result, version):
            raise UsageError(f"unknown article: {check.article_id}")
        insert_check(conn, result, None if version is None else version.id)
    if result.locator is not None:
        locators.remember(db, conn, check.article_id, result.locator, check.checked_at)
    if result.locator_missed is not None:
        locators.missed(conn, check.article_id, result.locator_missed)
    events = outbox.insert_events(db, conn, result.events) if result.events else []
    if result.notices:  # the outbox, in this same transaction: a version is never untold
        outbox.write_notices(
            conn, result.notices, version=version, events=events, now=check.checked_at
        )
    if version is not None and not version.trivial:  # last: its shared rows locked briefly
        rollups.record_one(
            conn,
            version.article_id,
            version.number,
            version.captured_at,
            version.change_kind,
            version.change_flags,
            version.id,
        )
    return version


def insert_check(conn: Connection, result: CheckResult, version_id: int | None = None) -> int:
    row = dict(check_row(result), version_id=version_id)
    return int(conn.execute(sa.insert(checks).values(row).returning(checks.c.id)).scalar_one())


def check_row(result: CheckResult) -> dict[str, Any]:
    """The checks row of a result (no version yet): shared with the bulk loader."""
    check = result.check
    html_hash = check.html_hash
    if html_hash is None and result.raw_html is not None:
        html_hash = sha256_hex(result.raw_html)
    return {
        "article_id": check.article_id,
        "checked_at": check.checked_at,
        "status": check.status,
        "outcome": check.outcome.value,
        "error": check.error,
        "etag": check.etag,
        "last_modified": check.last_modified,
        "html_hash": html_hash,
        "elapsed": check.elapsed,
        "capture_id": check.capture_id,
    }


def insert_version(db: Database, conn: Connection, result: CheckResult) -> Version:
    """Store `result.article` as the article's next version, text and HTML as shared blobs."""
    article = result.article
    if article is None:
        raise StoreError("insert_version needs a result with an article")
    article_id = result.check.article_id
    last_seq, last_number = conn.execute(
        sa.select(sa.func.max(versions.c.seq), sa.func.max(versions.c.number)).where(
            versions.c.article_id == article_id
        )
    ).one()
    # With no visible predecessor there is nothing to be a trivial edit of: count it as visible.
    trivial = result.trivial and bool(last_number)
    version = Version(
        article_id=article_id,
        number=(last_number or 0) + (0 if trivial else 1),
        captured_at=result.check.checked_at,
        title=article.title,
        byline=article.byline,
        published_at=article.published_at,
        paragraphs=tuple(article.paragraphs),
        trivial=trivial,
        extractor=article.extractor,
        content_hash=content_hash(article.title, article.byline, article.paragraphs),
        html_hash=None if result.raw_html is None else put_blob(db, conn, result.raw_html),
        seq=(last_seq or 0) + 1,
        change_kind=result.change_kind,
        change_flags=tuple(result.change_flags),
        content_type=result.content_type,
        provenance=result.provenance,
    )
    content_blob = put_blob(db, conn, encode_paragraphs(version.paragraphs))
    statement = sa.insert(versions).values(version_row(version, content_blob))
    version_id = conn.execute(statement.returning(versions.c.id)).scalar_one()
    stored = replace(version, id=int(version_id))
    search.index_version(db, conn, stored)  # searchable with the version, in its transaction
    return stored


def version_row(version: Version, content_blob: str) -> dict[str, Any]:
    """The versions row of a version (no id yet): shared with the bulk loader."""
    return {
        "article_id": version.article_id,
        "seq": version.seq,
        "number": version.number,
        "captured_at": version.captured_at,
        "title": version.title,
        "byline": version.byline,
        "published_at": version.published_at,
        "content_hash": version.content_hash,
        "content_blob": content_blob,
        "html_blob": version.html_hash,
        "trivial": version.trivial,
        "extractor": version.extractor,
        "change_kind": version.change_kind,
        "change_flags": list(version.change_flags),
        **provenance_columns(version.provenance),
        "content_type": version.content_type,
    }


def provenance_columns(provenance: Provenance) -> dict[str, Any]:
    return {
        "origin": provenance.origin.value,
        "origin_file": provenance.file,
        "origin_record": provenance.record_id,
        "memento_url": provenance.memento_url,
    }


def _update_checked_article(conn: Connection, result: CheckResult, version: Version | None) -> bool:
    """The article's state after a check; False when no such article exists."""
    check = result.check
    values: dict[str, Any] = {"next_check_at": result.next_check_at, "lease_until": None}
    if check.outcome is CheckOutcome.INTERRUPTED:
        # Nothing was learned about the page: only hand the article back, leaving its
        # last check, error count and validators as they were.
        done = conn.execute(
            sa.update(articles).where(articles.c.id == check.article_id).values(values)
        )
        return bool(done.rowcount)
    values["last_checked_at"] = check.checked_at
    if check.outcome in _FAILED:
        values["consecutive_errors"] = articles.c.consecutive_errors + 1
    else:
        values.update(consecutive_errors=0, last_seen_at=check.checked_at)
        values.update(_validators(check.etag, check.last_modified))
    if check.outcome in _READ:
        values.update(_fast_values(result))
    if result.text_hash is not None:
        values.update(content_hash=result.text_hash, extractor=result.extractor)
    if version is not None:
        values.update(title=version.title, version_count=version.number)
        values.update(content_hash=version.content_hash, extractor=version.extractor)
        if not version.trivial:
            values["last_change_at"] = version.captured_at
    if result.retired:
        values["status"] = ArticleStatus.RETIRED.value
    done = conn.execute(sa.update(articles).where(articles.c.id == check.article_id).values(values))
    return bool(done.rowcount)


def _fast_values(result: CheckResult) -> dict[str, Any]:
    """The located text's fingerprint: one more fast check, or a fresh one after extraction."""
    if result.fast_path:
        return {"fast_checks": articles.c.fast_checks + 1}
    return {"fast_hash": result.fast_hash, "fast_checks": 0}
