"""Claiming due checks under per-source hourly fetch budgets.

A source's budget is spent by its article checks of the last hour plus the checks leased right
now (in flight). When more of its articles are due than its budget has left, the caller's
`rank` picks which go first; the rest stay due. Sources without a budget are claimed oldest due
first, exactly as without budgets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import ArticleStatus, TrackedArticle
from copydesk.store import reads
from copydesk.store.database import Database
from copydesk.store.schema import articles, checks, sources

HOUR = timedelta(hours=1)
RANK_WINDOW = 2000  # due articles of one over-budget source ranked per claim, oldest due first
_ACTIVE = ArticleStatus.ACTIVE.value

Budget = Callable[[str], int]  # source name -> checks allowed per hour (0: no budget)
Rank = Callable[[Sequence[TrackedArticle]], list[TrackedArticle]]  # one source's, best first


def _is_due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(articles.c.status == _ACTIVE, articles.c.next_check_at <= now)


def _due_by_source(conn: Connection, now: datetime) -> dict[int, tuple[str, int]]:
    rows = conn.execute(
        sa.select(articles.c.source_id, sources.c.name, sa.func.count())
        .join(sources, sources.c.id == articles.c.source_id)
        .where(_is_due(now))
        .group_by(articles.c.source_id, sources.c.name)
    )
    return {int(sid): (str(name), int(count)) for sid, name, count in rows}


def spent(conn: Connection, now: datetime, source_ids: Sequence[int]) -> Counter[int]:
    """Per source: article checks in the last hour plus checks leased (in flight) now."""
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


def _ranked_picks(
    db: Database, conn: Connection, now: datetime, source_id: int, take: int, rank: Rank
) -> list[tuple[datetime, int]]:
    query = (
        reads.article_select()
        .where(_is_due(now), articles.c.source_id == source_id)
        .order_by(articles.c.next_check_at, articles.c.id)
        .limit(RANK_WINDOW)
    )
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=articles)
    due = [reads.article_from_row(row) for row in conn.execute(query)]
    chosen = rank(due)[:take]
    return [(a.next_check_at or now, a.id) for a in chosen]


def _oldest_picks(
    db: Database,
    conn: Connection,
    now: datetime,
    *,
    limit: int,
    skip: set[int],
    left: dict[int, int],
) -> list[tuple[datetime, int]]:
    query = (
        sa.select(articles.c.id, articles.c.source_id, articles.c.next_check_at)
        .where(_is_due(now))
        .order_by(articles.c.next_check_at, articles.c.id)
        .limit(limit + sum(left.values()))  # room for rows skipped once a budget is spent
    )
    if skip:
        query = query.where(articles.c.source_id.not_in(sorted(skip)))
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    taken: Counter[int] = Counter()
    picks = []
    for row in conn.execute(query):
        sid = int(row.source_id)
        if sid in left:
            if taken[sid] >= left[sid]:
                continue
            taken[sid] += 1
        picks.append((row.next_check_at, int(row.id)))
    return picks[:limit]


def claim_within_budget(
    db: Database,
    conn: Connection,
    now: datetime,
    *,
    limit: int,
    budget: Budget,
    rank: Rank,
) -> list[int]:
    """The ids to lease now: due checks within each source's budget, oldest due first."""
    due = _due_by_source(conn, now)
    limited = {sid: budget(name) for sid, (name, _) in due.items() if budget(name) > 0}
    if limited and db.dialect == "postgresql":
        # Workers claiming for one budgeted source queue here, so each counts the leases the
        # one before it committed and together they never overspend.
        conn.execute(
            sa.select(sources.c.id)
            .where(sources.c.id.in_(sorted(limited)))
            .order_by(sources.c.id)
            .with_for_update()
        )
    used = spent(conn, now, sorted(limited))
    left = {sid: max(0, allowed - used[sid]) for sid, allowed in limited.items()}
    over = {sid for sid, room in left.items() if due[sid][1] > room}
    picks: list[tuple[datetime, int]] = []
    for sid in sorted(over):
        if left[sid] > 0:
            picks.extend(_ranked_picks(db, conn, now, sid, min(left[sid], limit), rank))
    within = {sid: room for sid, room in left.items() if sid not in over}
    picks.extend(_oldest_picks(db, conn, now, limit=limit, skip=over, left=within))
    picks.sort()
    return [article_id for _, article_id in picks[:limit]]
