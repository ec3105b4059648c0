"""The check queue: plain reads of what is due, and a lease that re-checks everything under lock.

The scheduler (copydesk.scheduler) reads candidates, ranks them in Python, then asks `lease`
for them in its order. Nothing here ranks or calls back: `lease` only takes what is still due
and unclaimed (PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never wait on one another) and,
for sources with an hourly fetch budget, no more than the budget has left once the checks of
the last hour and the leases in flight are counted, with the budgeted sources' rows locked so
concurrent leases never overspend.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import ArticleStatus, TrackedArticle
from copydesk.store import reads
from copydesk.store.database import Database
from copydesk.store.schema import articles, checks, endpoints, sources

HOUR = timedelta(hours=1)
_ACTIVE = ArticleStatus.ACTIVE.value


def _is_due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(articles.c.status == _ACTIVE, articles.c.next_check_at <= now)


def due_ids(conn: Connection, now: datetime, limit: int) -> list[int]:
    """Ids of due active articles, oldest due first."""
    query = (
        sa.select(articles.c.id)
        .where(_is_due(now))
        .order_by(articles.c.next_check_at, articles.c.id)
        .limit(limit)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def due_articles(
    conn: Connection,
    now: datetime,
    limit: int,
    *,
    source: str | None = None,
    exclude: Sequence[str] = (),
) -> list[TrackedArticle]:
    """Due active articles, oldest due first: of one source, or of all but `exclude`."""
    query = (
        reads.article_select()
        .where(_is_due(now))
        .order_by(articles.c.next_check_at, articles.c.id)
        .limit(limit)
    )
    if source is not None:
        query = query.where(sources.c.name == source)
    if exclude:
        query = query.where(sources.c.name.not_in(sorted(exclude)))
    return [reads.article_from_row(row) for row in conn.execute(query)]


def due_counts(conn: Connection, now: datetime) -> dict[str, int]:
    """How many articles of each source are due."""
    rows = conn.execute(
        sa.select(sources.c.name, sa.func.count())
        .join(sources, sources.c.id == articles.c.source_id)
        .where(_is_due(now))
        .group_by(sources.c.name)
    )
    return {str(name): int(count) for name, count in rows}


def spent_by_id(conn: Connection, now: datetime, source_ids: Sequence[int]) -> Counter[int]:
    """Per source id: article checks in the last hour plus checks leased (in flight) now."""
    used: Counter[int] = Counter()
    if not source_ids:
        return used
    checked = conn.execute(
        sa.select(articles.c.source_id, sa.func.count(checks.c.id))
        .join(articles, articles.c.id == checks.c.article_id)
        .where(checks.c.checked_at > now - HOUR, articles.c.source_id.in_(list(source_ids)))
        .group_by(articles.c.source_id)
    )
    leased = conn.execute(
        sa.select(articles.c.source_id, sa.func.count())
        .where(articles.c.lease_until > now, articles.c.source_id.in_(list(source_ids)))
        .group_by(articles.c.source_id)
    )
    for sid, count in [*checked, *leased]:
        used[int(sid)] += int(count)
    return used


def spent(conn: Connection, now: datetime, names: Sequence[str]) -> dict[str, int]:
    """Per source name: article checks in the last hour plus checks in flight now."""
    ids = _source_ids(conn, names)
    used = spent_by_id(conn, now, sorted(ids.values()))
    return {name: used[sid] for name, sid in ids.items()}


def _source_ids(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    if not names:
        return {}
    rows = conn.execute(
        sa.select(sources.c.name, sources.c.id).where(sources.c.name.in_(sorted(set(names))))
    )
    return {str(name): int(sid) for name, sid in rows}


def _left(
    db: Database, conn: Connection, now: datetime, budgets: Mapping[str, int]
) -> dict[int, int]:
    """Checks each budgeted source may still start this hour, its row locked on PostgreSQL."""
    ids = _source_ids(conn, [name for name, allowed in budgets.items() if allowed > 0])
    if not ids:
        return {}
    if db.dialect == "postgresql":
        # Leases for one budgeted source queue here, so each counts the leases the one before
        # it committed and together they never overspend.
        conn.execute(
            sa.select(sources.c.id)
            .where(sources.c.id.in_(sorted(ids.values())))
            .order_by(sources.c.id)
            .with_for_update()
        )
    used = spent_by_id(conn, now, sorted(ids.values()))
    return {sid: max(0, budgets[name] - used[sid]) for name, sid in ids.items()}


def _still_due(
    db: Database, conn: Connection, ids: list[int], now: datetime
) -> list[tuple[int, int]]:
    """(id, source id) of those of `ids` still due and not being leased, in the order given."""
    query = sa.select(articles.c.id, articles.c.source_id).where(
        articles.c.id.in_(ids), _is_due(now)
    )
    if db.dialect == "postgresql":
        # Rows another worker is leasing right now are skipped, not waited for.
        query = query.with_for_update(skip_locked=True)
    found = {int(i): int(s) for i, s in conn.execute(query)}
    return [(i, found[i]) for i in ids if i in found]


def lease(
    db: Database,
    conn: Connection,
    ids: Sequence[int],
    *,
    now: datetime,
    until: datetime,
    limit: int,
    budgets: Mapping[str, int] | None = None,
) -> list[int]:
    """Lease up to `limit` of `ids`, in the order given, that are still due and unclaimed.

    A leased article is due again at `until` unless its check is recorded first. With
    `budgets` (source name -> checks per hour; 0 or absent: none), a source's checks of the
    last hour and its leases in flight count against it and its ids beyond that are left due.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted or limit <= 0:
        return []
    left = _left(db, conn, now, budgets) if budgets else {}
    chosen: list[int] = []
    start = 0
    while start < len(wanted) and len(chosen) < limit:
        # A chunk only as big as the places left: on PostgreSQL every row read here stays
        # locked to this transaction, and rows we would not take must stay free for others.
        chunk = wanted[start : start + limit - len(chosen)]
        start += len(chunk)
        for article_id, source_id in _still_due(db, conn, chunk, now):
            if source_id in left:
                if left[source_id] <= 0:
                    continue
                left[source_id] -= 1
            chosen.append(article_id)
    if chosen:
        conn.execute(
            sa.update(articles)
            .where(articles.c.id.in_(chosen))
            .values(next_check_at=until, lease_until=until)
        )
    return chosen


def lease_endpoints(
    db: Database, conn: Connection, ids: Sequence[int], *, now: datetime, until: datetime
) -> list[int]:
    """Lease those of `ids` still due for a poll (in the order given) until `until`.

    No other worker polls them before then. The lease is the poll's own due time moved to
    `until` (the recorded poll sets the real next one), so a worker that dies mid-poll leaves
    the endpoint due again when its lease runs out.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    query = sa.select(endpoints.c.id).where(
        endpoints.c.id.in_(wanted), endpoints.c.next_poll_at <= now
    )
    if db.dialect == "postgresql":
        # An endpoint another worker is leasing right now is skipped, not waited for.
        query = query.with_for_update(skip_locked=True)
    found = {int(i) for i in conn.execute(query).scalars()}
    chosen = [i for i in wanted if i in found]
    if chosen:
        conn.execute(
            sa.update(endpoints).where(endpoints.c.id.in_(chosen)).values(next_poll_at=until)
        )
    return chosen
