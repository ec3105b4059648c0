"""What the schedule has learned per source (SourceEditStats), summed over every worker."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import SourceEditStats
from copydesk.store.database import Database
from copydesk.store.schema import source_stats, sources

logger = logging.getLogger(__name__)


def _source_id(conn: Connection, name: str) -> int | None:
    found = conn.execute(sa.select(sources.c.id).where(sources.c.name == name)).scalar()
    return None if found is None else int(found)


def _stats_from_row(row: Any) -> SourceEditStats:
    return SourceEditStats(
        edges=tuple(float(e) for e in row.edges),
        changes=tuple(tuple(float(v) for v in r) for r in row.changes),
        exposure=tuple(tuple(float(v) for v in r) for r in row.exposure),
    )


def read_edit_stats(conn: Connection, source: str) -> SourceEditStats | None:
    """A source's stored statistics, or None when nothing has been learned yet."""
    row = conn.execute(
        sa.select(source_stats)
        .join(sources, sources.c.id == source_stats.c.source_id)
        .where(sources.c.name == source)
    ).first()
    return None if row is None else _stats_from_row(row)


def _plus(a: tuple[tuple[float, ...], ...], b: tuple[tuple[float, ...], ...]) -> list[list[float]]:
    return [[x + y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def _same_shape(a: SourceEditStats, b: SourceEditStats) -> bool:
    return (
        a.edges == b.edges
        and [len(r) for r in a.changes] == [len(r) for r in b.changes]
        and [len(r) for r in a.exposure] == [len(r) for r in b.exposure]
    )


def add_edit_stats(
    db: Database, conn: Connection, source: str, delta: SourceEditStats, now: datetime
) -> bool:
    """Add `delta` element-wise to a source's statistics; False when the source is unknown.

    The row is locked (FOR UPDATE on PostgreSQL; SQLite writes are serialised anyway), so two
    workers adding at once both count. Statistics of another shape (the bins changed between
    versions) are replaced by the delta rather than mixed with it.
    """
    source_id = _source_id(conn, source)
    if source_id is None:
        return False
    empty = {
        "source_id": source_id,
        "edges": list(delta.edges),
        "changes": [[0.0] * len(r) for r in delta.changes],
        "exposure": [[0.0] * len(r) for r in delta.exposure],
        "updated_at": now,
    }
    # The first adder creates the row; a concurrent one waits for it, then finds it.
    conn.execute(db.insert_ignoring_conflicts(source_stats, [empty], keys=["source_id"]))
    row = conn.execute(
        sa.select(source_stats).where(source_stats.c.source_id == source_id).with_for_update()
    ).one()
    stored = _stats_from_row(row)
    if _same_shape(stored, delta):
        changes, exposure = (
            _plus(stored.changes, delta.changes),
            _plus(stored.exposure, delta.exposure),
        )
    else:
        logger.warning("statistics of %s had another shape; starting them afresh", source)
        changes = [list(r) for r in delta.changes]
        exposure = [list(r) for r in delta.exposure]
    conn.execute(
        sa.update(source_stats)
        .where(source_stats.c.source_id == source_id)
        .values(edges=list(delta.edges), changes=changes, exposure=exposure, updated_at=now)
    )
    return True
