"""Per-source figures and the work queue as pages, `stats` and /metrics show them.

The sources list and health read the trigger-kept source_counts and source_days rows plus a
few index lookups (migration 0008), never a scan of a source's history. Check counts (for
/metrics and `copydesk stats`) add the kept check log to the totals of pruned checks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import (
    ArticleStatus,
    QueueCounts,
    SourceCounts,
    SourceFigures,
    SourceHealth,
    SourceStatistics,
)
from copydesk.store.reads import source_id_of
from copydesk.store.retention import check_counts
from copydesk.store.schema import articles, endpoints, source_days, sources
from copydesk.store.schema import source_counts as source_counts_table

_COUNTED = ("articles", "active", "versions", "changed", "edits")
_FIRST_EDITS = 5000  # the median time to first edit looks at this many latest articles


def source_figures(conn: Connection, *, name: str | None) -> list[SourceFigures]:
    """Totals for every active source (or the one named), by name; none yet: zeros.

    Read from the trigger-kept source_counts row plus two index lookups per source (latest
    check, failing articles), never a scan of the source's articles.
    """
    counts = source_counts_table.c
    query = (
        sa.select(
            sources.c.name,
            *(sa.func.coalesce(counts[n], 0).label(n) for n in _COUNTED),
            _failing_articles().label("failing"),
            _last_check().label("last_check_at"),
            counts.last_change_at,
        )
        .select_from(sources.outerjoin(source_counts_table, counts.source_id == sources.c.id))
        .where(sources.c.active.is_(True))
        .order_by(sources.c.name)
    )
    if name is not None:
        query = query.where(sources.c.name == name)
    return [_figures(row) for row in conn.execute(query)]


def _failing_articles() -> Any:
    # The literal condition is ix_articles_failing's own, so the partial index can answer.
    return (
        sa.select(sa.func.count())
        .select_from(articles)
        .where(articles.c.source_id == sources.c.id, sa.text("consecutive_errors > 0"))
        .scalar_subquery()
    )


def _last_check() -> Any:
    return (
        sa.select(sa.func.max(articles.c.last_checked_at))
        .where(articles.c.source_id == sources.c.id)
        .scalar_subquery()
    )


def _figures(row: Any) -> SourceFigures:
    return SourceFigures(
        name=row.name,
        articles=int(row.articles),
        active=int(row.active),
        versions=int(row.versions),
        changed_articles=int(row.changed),
        edits=int(row.edits),
        failing=int(row.failing),
        last_check_at=_aware(row.last_check_at),
        last_change_at=_aware(row.last_change_at),
    )


def _aware(value: Any) -> datetime | None:
    """Aggregates (max) bypass the column type on SQLite: parse and mark them UTC here."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"not a datetime from the database: {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def source_statistics(conn: Connection, name: str, *, now: datetime, days: int) -> SourceStatistics:
    """Edits per UTC day over the last `days` (today included); median time to first edit.

    The median is over the source's latest 5,000 edited articles (first version to first
    visible edit). Both come from trigger-kept figures: a few rows, however long the history.
    """
    from statistics import median  # here: its fractions and decimal imports slow `sources`

    first_day = (now - timedelta(days=days - 1)).date()
    source_id = source_id_of(name)
    daily = sa.select(source_days.c.day, source_days.c.edits, source_days.c.stealth).where(
        source_days.c.source_id == source_id, source_days.c.day >= first_day
    )
    delays = (
        sa.select(articles.c.first_edit_delay)
        # The literal condition is ix_articles_first_edits' own: an index-only walk.
        .where(articles.c.source_id == source_id, sa.text("first_edit_delay IS NOT NULL"))
        .order_by(articles.c.id.desc())
        .limit(_FIRST_EDITS)
    )
    recent = conn.execute(daily).all()
    first_edits = [float(d) for d in conn.execute(delays).scalars()]
    per_day = {row.day: int(row.edits) for row in recent}
    return SourceStatistics(
        edits_per_day=tuple(
            (day, per_day.get(day, 0))
            for day in (first_day + timedelta(days=n) for n in range(days))
        ),
        median_first_edit=timedelta(seconds=median(first_edits)) if first_edits else None,
        stealth_edits=sum(int(row.stealth) for row in recent),
        edits=sum(int(row.edits) for row in recent),
    )


def source_health(conn: Connection) -> list[SourceHealth]:
    """Freshness of every active source, including those that have produced nothing at all."""
    figures = source_figures(conn, name=None)
    poll = sa.select(
        sources.c.name,
        sa.func.max(endpoints.c.last_polled_at).label("last_poll_at"),
        sa.func.coalesce(
            sa.func.sum(sa.case((endpoints.c.consecutive_errors > 0, 1), else_=0)), 0
        ).label("failing"),
    ).select_from(sources.join(endpoints, endpoints.c.source_id == sources.c.id))
    poll = poll.where(sources.c.active.is_(True)).group_by(sources.c.name)
    polls = {row.name: row for row in conn.execute(poll)}
    return [_health(fig, polls.get(fig.name)) for fig in figures]


def _health(fig: SourceFigures, poll: Any) -> SourceHealth:
    return SourceHealth(
        name=fig.name,
        active_articles=fig.active,
        failing_articles=fig.failing,
        last_check_at=fig.last_check_at,
        last_version_at=fig.last_change_at,
        last_poll_at=_aware(poll.last_poll_at) if poll is not None else None,
        failing_endpoints=int(poll.failing) if poll is not None else 0,
    )


def source_counts(conn: Connection) -> list[SourceCounts]:
    """Articles by status, visible versions and checks by outcome, per source, by name."""
    by_status = sa.select(
        articles.c.source_id,
        articles.c.status,
        sa.func.count().label("n"),
        sa.func.coalesce(sa.func.sum(articles.c.version_count), 0).label("versions"),
    ).group_by(articles.c.source_id, articles.c.status)
    named = conn.execute(sa.select(sources.c.id, sources.c.name, sources.c.active)).all()
    statuses = conn.execute(by_status).all()
    outcomes = check_counts(conn)
    return [
        SourceCounts(
            name=row.name,
            active=bool(row.active),
            articles_by_status=tuple(
                sorted((s.status, s.n) for s in statuses if s.source_id == row.id)
            ),
            versions=sum(int(s.versions) for s in statuses if s.source_id == row.id),
            checks_by_outcome=tuple(
                sorted((outcome, n) for (sid, outcome), n in outcomes.items() if sid == row.id)
            ),
        )
        for row in sorted(named, key=lambda r: r.name)
    ]


def queue_counts(conn: Connection, now: datetime) -> QueueCounts:
    """The queue, read in one transaction.

    A check is due when its article is active and its next_check_at has passed; a claimed
    article's next_check_at is the end of its lease, so it is not due while it is held.
    """
    due = sa.and_(articles.c.status == ArticleStatus.ACTIVE.value, articles.c.next_check_at <= now)
    joined = sources.outerjoin(articles, sa.and_(articles.c.source_id == sources.c.id, due))
    by_source = conn.execute(
        sa.select(sources.c.name, sa.func.count(articles.c.id))
        .select_from(joined)
        .group_by(sources.c.name)
    ).all()
    oldest = conn.execute(sa.select(sa.func.min(articles.c.next_check_at)).where(due)).scalar()
    leased = conn.execute(sa.select(sa.func.count()).where(articles.c.lease_until > now)).scalar()
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
