"""The notification outbox and lifecycle events: written with the check, read by the sender.

A notice is written in the transaction that stores the version or event it describes, with one
delivery row per target; the sender leases due deliveries, and marks each one sent, or due
again later, on its own. A crash between sending and marking sends that one message again, with
the same message id (at-least-once); nothing is ever lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import (
    ArticleStatus,
    Delivery,
    DeliveryCounts,
    EventKind,
    EventRow,
    LifecycleEvent,
    Notice,
    Version,
)
from copydesk.store import excerpts
from copydesk.store.database import Database
from copydesk.store.schema import (
    article_events,
    article_urls,
    articles,
    checks,
    deliveries,
    outbox,
    sources,
    versions,
)

PENDING, SENT, FAILED = "pending", "sent", "failed"


# ---- lifecycle events ---------------------------------------------------------------------


def insert_events(
    db: Database, conn: Connection, events: Sequence[LifecycleEvent]
) -> list[LifecycleEvent]:
    """Store events and apply them to the article (gone mark, new address); returns them with id."""
    stored = []
    for event in events:
        statement = sa.insert(article_events).values(
            article_id=event.article_id,
            kind=EventKind(event.kind).value,
            at=event.at,
            url=event.url,
            new_url=event.new_url,
            status=event.status,
        )
        event_id = int(conn.execute(statement.returning(article_events.c.id)).scalar_one())
        stored.append(replace(event, id=event_id))
        where = articles.c.id == event.article_id
        if event.kind is EventKind.GONE:
            conn.execute(sa.update(articles).where(where).values(gone_at=event.at))
        elif event.kind is EventKind.RESTORED:
            conn.execute(sa.update(articles).where(where).values(gone_at=None))
        elif event.kind is EventKind.MOVED and event.new_url:
            _move(db, conn, event)
    return stored


def _move(db: Database, conn: Connection, event: LifecycleEvent) -> None:
    """Give the article its new address and remember the old one.

    Discovery may have registered the new address as an article of its own before the move was
    seen; one that has no version yet is folded into this one, so the history stays one article.
    """
    assert event.new_url is not None
    owner = conn.execute(
        sa.select(articles.c.id, articles.c.version_count).where(articles.c.url == event.new_url)
    ).first()
    if owner is not None and owner.id != event.article_id:
        if owner.version_count:
            # Two histories already: keep both. The event names the new address, where the
            # story goes on; this one is retired so it does not report the move again.
            conn.execute(
                sa.update(articles)
                .where(articles.c.id == event.article_id)
                .values(status=ArticleStatus.RETIRED.value, next_check_at=None)
            )
            return
        _fold(conn, int(owner.id), event.article_id)
    conn.execute(
        db.insert_ignoring_conflicts(
            article_urls,
            [{"url": event.url, "article_id": event.article_id, "until": event.at}],
            keys=["url"],
        )
    )
    conn.execute(
        sa.update(articles).where(articles.c.id == event.article_id).values(url=event.new_url)
    )


def _fold(conn: Connection, duplicate: int, into: int) -> None:
    conn.execute(sa.update(checks).where(checks.c.article_id == duplicate).values(article_id=into))
    conn.execute(
        sa.update(article_urls)
        .where(article_urls.c.article_id == duplicate)
        .values(article_id=into)
    )
    conn.execute(sa.delete(articles).where(articles.c.id == duplicate))


def same_text(conn: Connection, source: str, digest: str, exclude: int) -> int | None:
    """An active article of `source`, other than `exclude`, with a version of this text."""
    query = (
        sa.select(versions.c.article_id)
        .join(articles, articles.c.id == versions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(
            versions.c.content_hash == digest,
            versions.c.article_id != exclude,
            sources.c.name == source,
            articles.c.status == ArticleStatus.ACTIVE.value,
        )
        .order_by(versions.c.captured_at.desc())
        .limit(1)
    )
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def event_from_row(row: Any) -> LifecycleEvent:
    return LifecycleEvent(
        id=row.id,
        article_id=row.article_id,
        kind=EventKind(row.kind),
        at=row.at,
        url=row.url,
        new_url=row.new_url,
        status=row.status,
    )


def recent_events(
    conn: Connection,
    *,
    source: str | None,
    article_id: int | None,
    kinds: Sequence[str] | None,
    before: tuple[datetime, int] | None,
    limit: int,
) -> list[EventRow]:
    """Newest first, paged by (at, id)."""
    query = (
        sa.select(article_events, sources.c.name.label("source_name"), articles.c.title)
        .join(articles, articles.c.id == article_events.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
    )
    query = query.where(articles.c.status != ArticleStatus.HIDDEN.value)
    if source is not None:
        query = query.where(sources.c.name == source)
    if article_id is not None:
        query = query.where(article_events.c.article_id == article_id)
    if kinds:
        query = query.where(article_events.c.kind.in_(list(kinds)))
    if before is not None:
        at, event_id = before
        query = query.where(
            article_events.c.at <= at,
            sa.or_(article_events.c.at < at, article_events.c.id < event_id),
        )
    query = query.order_by(article_events.c.at.desc(), article_events.c.id.desc()).limit(limit)
    return [
        EventRow(event=event_from_row(row), source=row.source_name, title=row.title)
        for row in conn.execute(query)
    ]


def iter_events(conn: Connection) -> Iterator[EventRow]:
    """Every event, oldest article first, in order (for exports)."""
    query = (
        sa.select(article_events, sources.c.name.label("source_name"), articles.c.title)
        .join(articles, articles.c.id == article_events.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .order_by(article_events.c.article_id, article_events.c.at, article_events.c.id)
    )
    for row in conn.execute(query):
        yield EventRow(event=event_from_row(row), source=row.source_name, title=row.title)


def list_events(conn: Connection, article_id: int) -> list[LifecycleEvent]:
    rows = conn.execute(
        sa.select(article_events)
        .where(article_events.c.article_id == article_id)
        .order_by(article_events.c.at, article_events.c.id)
    )
    return [event_from_row(row) for row in rows]


def old_urls(conn: Connection, article_id: int) -> list[str]:
    rows = conn.execute(
        sa.select(article_urls.c.url)
        .where(article_urls.c.article_id == article_id)
        .order_by(article_urls.c.until)
    )
    return [str(url) for url in rows.scalars()]


def article_id_by_old_url(conn: Connection, urls: Sequence[str]) -> dict[str, int]:
    if not urls:
        return {}
    rows = conn.execute(
        sa.select(article_urls.c.url, article_urls.c.article_id).where(
            article_urls.c.url.in_(list(urls))
        )
    )
    return {str(row.url): int(row.article_id) for row in rows}


# ---- the outbox ---------------------------------------------------------------------------


def write_notices(
    conn: Connection,
    notices: Sequence[Notice],
    *,
    version: Version | None,
    events: Sequence[LifecycleEvent],
    now: datetime,
) -> list[Notice]:
    """Complete each notice (numbers, event id, message id) and queue it for its targets."""
    written = []
    for notice in notices:
        done = _complete(notice, version, events)
        if done is None or not done.targets:
            continue
        statement = sa.insert(outbox).values(
            message_id=done.message_id,
            article_id=done.article_id,
            created_at=now,
            kind=done.kind,
            notice=notice_to_json(done),
        )
        outbox_id = int(conn.execute(statement.returning(outbox.c.id)).scalar_one())
        rows = {
            target.key: {
                "outbox_id": outbox_id,
                "target_key": target.key,
                "target_label": target.label,
                "card": target.card,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
            }
            for target in done.targets
        }
        conn.execute(sa.insert(deliveries), list(rows.values()))
        written.append(done)
    return written


def _complete(
    notice: Notice, version: Version | None, events: Sequence[LifecycleEvent]
) -> Notice | None:
    event = next((e for e in events if e.kind.value == notice.kind), None)
    if event is not None:
        return replace(
            notice,
            event_id=event.id,
            message_id=f"copydesk:{notice.article_id}:{notice.kind}:{event.id}",
        )
    if version is None or version.trivial:
        return None  # nothing visible to tell about
    old = version.number - 1 if version.number > 1 else None
    return replace(
        notice,
        old_version=old,
        new_version=version.number,
        at=version.captured_at,
        message_id=f"copydesk:{notice.article_id}:v{version.number}",
    )


def notice_to_json(notice: Notice) -> dict[str, Any]:
    """The notice as stored (target URLs are not: they may hold credentials)."""
    excerpt = notice.excerpt
    return {
        "article_id": notice.article_id,
        "source": notice.source,
        "kind": notice.kind,
        "title": notice.title,
        "article_url": notice.article_url,
        "at": notice.at.isoformat(),
        "flags": list(notice.flags),
        "old_version": notice.old_version,
        "new_version": notice.new_version,
        "moved_from": notice.moved_from,
        "event_id": notice.event_id,
        "message_id": notice.message_id,
        "excerpt": None if excerpt is None else excerpts.to_json(excerpt),
    }


def notice_from_json(data: dict[str, Any]) -> Notice:
    raw = data.get("excerpt")
    excerpt = None if raw is None else excerpts.from_json(raw)
    return Notice(
        article_id=int(data["article_id"]),
        source=str(data["source"]),
        kind=str(data["kind"]),
        title=str(data["title"]),
        article_url=str(data["article_url"]),
        at=datetime.fromisoformat(data["at"]),
        flags=tuple(data.get("flags", ())),
        excerpt=excerpt,
        old_version=data.get("old_version"),
        new_version=data.get("new_version"),
        moved_from=data.get("moved_from"),
        event_id=data.get("event_id"),
        message_id=str(data.get("message_id", "")),
    )


def claim_deliveries(
    db: Database, conn: Connection, now: datetime, *, limit: int, lease: timedelta
) -> list[Delivery]:
    """Lease due pending deliveries, oldest first: no other sender tries them before now+lease."""
    due = (
        sa.select(deliveries.c.id)
        .where(
            deliveries.c.status == PENDING,
            deliveries.c.next_attempt_at <= now,
            sa.or_(deliveries.c.lease_until.is_(None), deliveries.c.lease_until <= now),
        )
        .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
        .limit(limit)
    )
    if db.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = [int(i) for i in conn.execute(due).scalars()]
    if not ids:
        return []
    conn.execute(
        sa.update(deliveries).where(deliveries.c.id.in_(ids)).values(lease_until=now + lease)
    )
    rows = conn.execute(
        sa.select(deliveries, outbox.c.notice)
        .join(outbox, outbox.c.id == deliveries.c.outbox_id)
        .where(deliveries.c.id.in_(ids))
        .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
    )
    return [_delivery(row) for row in rows]


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        notice=notice_from_json(row.notice),
        target_key=row.target_key,
        target_label=row.target_label,
        card=row.card,
        attempts=row.attempts,
        status=row.status,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def mark_delivery(
    conn: Connection,
    delivery_id: int,
    *,
    status: str,
    at: datetime,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    """Record one attempt: sent, due again at `next_attempt_at`, or failed for good."""
    values: dict[str, Any] = {
        "status": status,
        "attempts": deliveries.c.attempts + 1,
        "lease_until": None,
        "last_error": error,
    }
    if status == SENT:
        values["sent_at"] = at
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    conn.execute(sa.update(deliveries).where(deliveries.c.id == delivery_id).values(**values))


def release_delivery_leases(conn: Connection, now: datetime) -> int:
    """Hand leased deliveries back (a lone tracker restarting after a crash)."""
    done = conn.execute(
        sa.update(deliveries)
        .where(deliveries.c.status == PENDING, deliveries.c.lease_until.is_not(None))
        .values(lease_until=None)
    )
    return int(done.rowcount or 0)


def delivery_counts(conn: Connection) -> DeliveryCounts:
    """Deliveries by state: sent, failed, pending, and retrying (pending after a failure)."""
    counts = {SENT: 0, FAILED: 0, PENDING: 0, "retrying": 0}
    rows = conn.execute(
        sa.select(
            deliveries.c.status,
            sa.func.count(),
            sa.func.sum(sa.case((deliveries.c.attempts > 0, 1), else_=0)),
        ).group_by(deliveries.c.status)
    )
    for status, count, retried in rows:
        counts[str(status)] = int(count)
        if status == PENDING:
            counts["retrying"] = int(retried or 0)
    return DeliveryCounts(
        sent=counts[SENT],
        failed=counts[FAILED],
        pending=counts[PENDING],
        retrying=counts["retrying"],
    )


def recent_failures(conn: Connection, limit: int = 10) -> list[Delivery]:
    """Deliveries that failed for good, or are being retried after failing, newest first."""
    rows = conn.execute(
        sa.select(deliveries, outbox.c.notice)
        .join(outbox, outbox.c.id == deliveries.c.outbox_id)
        .where(deliveries.c.last_error.is_not(None), deliveries.c.status != SENT)
        .order_by(deliveries.c.id.desc())
        .limit(limit)
    )
    return [_delivery(row) for row in rows]
