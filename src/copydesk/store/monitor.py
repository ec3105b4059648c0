"""The work queue as monitoring sees it: what is due, how late, and what is being checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from copydesk.records import ArticleStatus
from copydesk.store.facade import Store
from copydesk.store.schema import articles, endpoints, sources


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueCounts:
    """Due article checks per source, checks held by a tracker now, and polls due."""

    due_by_source: tuple[tuple[str, int], ...]
    leased: int  # claimed by a tracker and not finished yet
    oldest_due_seconds: float  # how late the longest-waiting due check is (0: none due)
    endpoints_due: int


def queue_counts(store: Store, now: datetime) -> QueueCounts:
    """The queue, read in one transaction.

    A check is due when its article is active and its next_check_at has passed; a claimed
    article's next_check_at is the end of its lease, so it is not due while it is held.
    """
    due = sa.and_(articles.c.status == ArticleStatus.ACTIVE.value, articles.c.next_check_at <= now)
    joined = sources.outerjoin(articles, sa.and_(articles.c.source_id == sources.c.id, due))
    with store._db.read() as conn:
        by_source = conn.execute(
            sa.select(sources.c.name, sa.func.count(articles.c.id))
            .select_from(joined)
            .group_by(sources.c.name)
        ).all()
        oldest = conn.execute(sa.select(sa.func.min(articles.c.next_check_at)).where(due)).scalar()
        leased = conn.execute(
            sa.select(sa.func.count()).where(articles.c.lease_until > now)
        ).scalar()
        polls = conn.execute(
            sa.select(sa.func.count())
            .select_from(endpoints.join(sources, sources.c.id == endpoints.c.source_id))
            .where(sources.c.active.is_(True), endpoints.c.next_poll_at <= now)
        ).scalar()
    return QueueCounts(
        due_by_source=tuple(sorted((str(name), int(n)) for name, n in by_source)),
        leased=int(leased or 0),
        oldest_due_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        endpoints_due=int(polls or 0),
    )
