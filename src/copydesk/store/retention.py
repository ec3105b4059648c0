"""How long the check log keeps each row, and the counts that outlive the rows it drops.

Quiet checks (unchanged, not modified, interrupted) are pruned once older than
`store.keep_checks`; each one pruned is added to `check_totals` (per source and outcome) in the
same transaction, so counts and metrics never go down. Checks that stored a version or failed
are the audit trail and are never pruned. What the schedule and the pages need is on the
article row (last check, last look, errors in a row) and never depends on old check rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import CheckOutcome
from copydesk.store.database import Database
from copydesk.store.schema import articles, check_totals, checks

QUIET = (
    CheckOutcome.UNCHANGED.value,
    CheckOutcome.NOT_MODIFIED.value,
    CheckOutcome.INTERRUPTED.value,
)


def prune_checks(db: Database, conn: Connection, before: datetime, *, limit: int) -> int:
    """Drop up to `limit` quiet checks made before `before`, counting them in check_totals."""
    query = (
        sa.select(checks.c.id, articles.c.source_id, checks.c.outcome)
        .join(articles, articles.c.id == checks.c.article_id)
        .where(
            checks.c.checked_at < before,
            checks.c.outcome.in_(QUIET),
            checks.c.version_id.is_(None),
        )
        .order_by(checks.c.id)
        .limit(limit)
    )
    if db.dialect == "postgresql":
        # Two workers pruning at once each take their own rows.
        query = query.with_for_update(skip_locked=True, of=checks)
    rows = conn.execute(query).all()
    if not rows:
        return 0
    conn.execute(sa.delete(checks).where(checks.c.id.in_([row.id for row in rows])))
    pruned = Counter((int(row.source_id), str(row.outcome)) for row in rows)
    for (source_id, outcome), count in sorted(pruned.items()):
        _add_total(db, conn, source_id, outcome, count)
    return len(rows)


def _add_total(db: Database, conn: Connection, source_id: int, outcome: str, count: int) -> None:
    from sqlalchemy.dialects import postgresql, sqlite  # here: each run loads its own alone

    values = {"source_id": source_id, "outcome": outcome, "count": count}
    if db.dialect == "postgresql":
        pg = postgresql.insert(check_totals).values(values)
        statement: sa.Executable = pg.on_conflict_do_update(
            index_elements=["source_id", "outcome"],
            set_={"count": check_totals.c.count + pg.excluded.count},
        )
    else:
        lite = sqlite.insert(check_totals).values(values)
        statement = lite.on_conflict_do_update(
            index_elements=["source_id", "outcome"],
            set_={"count": check_totals.c.count + lite.excluded.count},
        )
    conn.execute(statement)


def check_counts(conn: Connection) -> Counter[tuple[int, str]]:
    """Checks per (source id, outcome) ever made: rows still kept plus those pruned."""
    counts: Counter[tuple[int, str]] = Counter()
    kept = conn.execute(
        sa.select(articles.c.source_id, checks.c.outcome, sa.func.count())
        .join(articles, articles.c.id == checks.c.article_id)
        .group_by(articles.c.source_id, checks.c.outcome)
    )
    totals = conn.execute(
        sa.select(check_totals.c.source_id, check_totals.c.outcome, check_totals.c.count)
    )
    for source_id, outcome, count in [*kept, *totals]:
        counts[int(source_id), str(outcome)] += int(count)
    return counts
