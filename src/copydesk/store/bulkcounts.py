"""A bulk load's share of the per-source figures, added in one statement per table.

On PostgreSQL the counting triggers (migration 0008) update a shared row per source for every
article and version a transaction writes; thousands of updates of one row in one transaction
get slower and slower. A bulk load turns them off for its own transaction and adds the sums
here instead. (SQLite's triggers cost a few microseconds a row and stay on.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import ArticleStatus
from copydesk.store.schema import source_counts, source_days

_ACTIVE = ArticleStatus.ACTIVE.value
_FIGURES = ("articles", "active", "versions", "changed", "edits")

State = Mapping[str, Any]


def pause(conn: Connection) -> None:
    """Turn the counting triggers off until this transaction ends (PostgreSQL)."""
    conn.exec_driver_sql("SET LOCAL copydesk.counting = 'off'")


def _figures(state: State) -> Counter[str]:
    count = int(state["version_count"])
    return Counter(
        articles=1,
        active=int(state["status"] == _ACTIVE),
        versions=count,
        changed=int(count > 1),
        edits=max(count - 1, 0),
    )


def add(
    conn: Connection,
    articles: Sequence[tuple[int, State, State]],
    edits: Sequence[tuple[int, datetime, bool]],
) -> None:
    """Add (source, before, after) article changes and (source, captured_at, stealth) edits."""
    totals: dict[int, Counter[str]] = {}
    latest: dict[int, datetime] = {}
    for source_id, before, after in articles:
        delta = totals.setdefault(source_id, Counter())
        delta.update(_figures(after))
        delta.subtract(_figures(before))
        changed_at = after["last_change_at"]
        if changed_at is not None and (source_id not in latest or changed_at > latest[source_id]):
            latest[source_id] = changed_at
    _add_counts(conn, totals, latest)
    days: Counter[tuple[int, date]] = Counter()
    stealth: Counter[tuple[int, date]] = Counter()
    for source_id, captured_at, is_stealth in edits:
        key = (source_id, captured_at.astimezone(UTC).date())
        days[key] += 1
        stealth[key] += int(is_stealth)
    _add_days(conn, days, stealth)


def _add_counts(
    conn: Connection, totals: dict[int, Counter[str]], latest: dict[int, datetime]
) -> None:
    rows = [
        {
            "source_id": source_id,
            **{k: delta[k] for k in _FIGURES},
            "last_change_at": latest.get(source_id),
        }
        for source_id, delta in totals.items()
    ]
    if not rows:
        return
    from sqlalchemy.dialects import postgresql  # only here: SQLite runs never load it

    insert = postgresql.insert(source_counts)
    target = source_counts.c
    sums = {name: target[name] + insert.excluded[name] for name in _FIGURES}
    latest_at = sa.func.greatest(target.last_change_at, insert.excluded.last_change_at)
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["source_id"], set_={**sums, "last_change_at": latest_at}
        ),
        rows,
    )


def _add_days(
    conn: Connection, days: Counter[tuple[int, date]], stealth: Counter[tuple[int, date]]
) -> None:
    rows = [
        {"source_id": source_id, "day": day, "edits": count, "stealth": stealth[(source_id, day)]}
        for (source_id, day), count in days.items()
    ]
    if not rows:
        return
    from sqlalchemy.dialects import postgresql

    insert = postgresql.insert(source_days)
    target = source_days.c
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["source_id", "day"],
            set_={
                "edits": target.edits + insert.excluded.edits,
                "stealth": target.stealth + insert.excluded.stealth,
            },
        ),
        rows,
    )
