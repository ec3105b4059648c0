"""The insight report's rollups, kept with every version written (#18, migration 0014).

A report (store/reports.py) must not read every version of its period: at a million versions
that is seconds. Two small tables hold what it needs, written in the transaction that writes a
version (writes.record_check, the bulk loader, an archive import):

- `report_articles`: per article, its first, second and last visible capture, its visible
  versions, the delays to the second and last (whole microseconds, as the report gives them)
  and when its first headline flip-flop was captured;
- `report_days`: changes (visible versions after the first) per source x UTC day of the change
  x hour of the article's first capture, by hour of day, class, flag and flip-flop, each row
  summing its first_hour and all later ones. A period's changes are then one row per source
  and day: the one with the smallest first_hour at or after the period's first whole hour.

A flip-flop is a change flagged `headline` whose title an earlier visible version of the same
article had. Hours and days are counted from the Unix epoch (integers, the same on both
backends). On PostgreSQL a transaction-scoped advisory lock per (source, day) keeps two
writers from rewriting one day's sums at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.store.schema import (
    REPORT_DAY_COUNTS,
    articles,
    report_articles,
    report_days,
    versions,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MICROSECOND = timedelta(microseconds=1)
KINDS = ("substantive", "minor")
FLAGS = (
    "headline",
    "byline",
    "numbers",
    "quote",
    "paragraphs-added",
    "paragraphs-removed",
    "correction-note",
    "stealth",
)
# report_days' counting columns, in this order everywhere a change is tallied: changes by
# hour of day (0..23), then by class, flag and flip-flop.
COUNTED = REPORT_DAY_COUNTS
HOURS = 24
if COUNTED[HOURS:] != (*KINDS, *(f.replace("-", "_") for f in FLAGS), "flipflops"):
    raise ImportError("report_days' columns and rollups' names differ")  # pragma: no cover
_KIND_INDEX = {kind: HOURS + n for n, kind in enumerate(KINDS)}
_FLAG_INDEX = {flag: HOURS + len(KINDS) + n for n, flag in enumerate(FLAGS)}
_CHUNK = 500
_LOCKS = 0x18  # PostgreSQL advisory lock class of report_days (with source_id << 8)


def hour_of(moment: datetime) -> int:
    """Whole hours from the epoch to `moment` (UTC): report_days.first_hour."""
    return (moment - EPOCH) // HOUR


def day_of(moment: datetime) -> int:
    """Whole days from the epoch to `moment` (UTC): report_days.day."""
    return (moment - EPOCH) // DAY


def micros(later: datetime, earlier: datetime) -> int:
    return (later - earlier) // MICROSECOND


@dataclass(frozen=True, slots=True)
class Change:
    """One visible version, as the rollups count it."""

    article_id: int
    source_id: int
    number: int
    captured_at: datetime
    kind: str | None
    flags: tuple[str, ...]
    flipflop: bool = False
    version_id: int | None = None  # where record() looks its flip-flop up


def counted(change: Change) -> list[int]:
    """Where in COUNTED the change counts one (its hour of day, class, flags, flip-flop)."""
    found = [change.captured_at.astimezone(UTC).hour]
    if change.kind in _KIND_INDEX:
        found.append(_KIND_INDEX[change.kind])
    found.extend(_FLAG_INDEX[f] for f in set(change.flags) if f in _FLAG_INDEX)
    if change.flipflop:
        found.append(len(COUNTED) - 1)
    return found


def counts(change: Change) -> list[int]:
    """The change's contribution to each of COUNTED."""
    values = [0] * len(COUNTED)
    for index in counted(change):
        values[index] = 1
    return values


Cells = dict[tuple[int, int, int], list[int]]  # (source, day, first_hour) -> COUNTED deltas


def record(conn: Connection, changes: Sequence[Change], firsts: dict[int, datetime]) -> None:
    """Add newly written visible versions, appended to their articles' histories.

    `firsts` gives the first capture of each article whose version 1 is not among `changes`.
    Flip-flops are found here, against what the database holds (the versions are written).
    """
    if not changes:
        return
    flipping = flipflops(conn, [c for c in changes if "headline" in c.flags and c.number > 1])
    starts = {c.article_id for c in changes if c.number == 1}
    missing = {c.article_id for c in changes} - starts - set(firsts)
    firsts = {**firsts, **_firsts(conn, sorted(missing))}
    rows: dict[int, dict[str, Any]] = {}
    cells: Cells = {}
    for change in sorted(changes, key=lambda c: (c.article_id, c.number)):
        if change.number == 1:
            first = change.captured_at
        elif change.article_id in rows:  # its version 1 came in the same batch
            first = rows[change.article_id]["first_at"]
        else:
            first = firsts[change.article_id]
        flip = (change.article_id, change.number) in flipping
        _fold(rows, change, first, flip)
        if change.number > 1:
            _add_cell(cells, replace(change, flipflop=flip), first, 1)
    _upsert_articles(conn, list(rows.values()))
    add_cells(conn, cells)


def record_one(
    conn: Connection,
    article_id: int,
    number: int,
    captured_at: datetime,
    kind: str | None,
    flags: Sequence[str],
    version_id: int | None,
) -> None:
    """Add the visible version just written by record_check (one row read, two upserts)."""
    known = conn.execute(
        sa.select(report_articles.c.source_id, report_articles.c.first_at).where(
            report_articles.c.article_id == article_id
        )
    ).first()
    if number > 1 and known is None:  # not counted yet (cannot happen after 0014): all of it
        restore(conn, article_id)
        return
    if known is not None:
        source_id, first = int(known.source_id), known.first_at
    else:
        source_id = int(
            conn.execute(
                sa.select(articles.c.source_id).where(articles.c.id == article_id)
            ).scalar_one()
        )
        first = captured_at
    change = Change(
        article_id, source_id, number, captured_at, kind, tuple(flags), version_id=version_id
    )
    record(conn, [change], {article_id: first})


def _firsts(conn: Connection, article_ids: Sequence[int]) -> dict[int, datetime]:
    found: dict[int, datetime] = {}
    for start in range(0, len(article_ids), _CHUNK):
        query = sa.select(report_articles.c.article_id, report_articles.c.first_at).where(
            report_articles.c.article_id.in_(article_ids[start : start + _CHUNK])
        )
        found.update((int(a), at) for a, at in conn.execute(query))
    return found


def _fold(rows: dict[int, dict[str, Any]], change: Change, first: datetime, flip: bool) -> None:
    """The article's report_articles row after `change` (columns left None keep their value)."""
    row = rows.setdefault(
        change.article_id,
        {
            "article_id": change.article_id,
            "source_id": change.source_id,
            "first_at": first,
            "second_at": None,
            "first_delay": None,
            "flipflop_at": None,
        },
    )
    row.update(
        last_at=change.captured_at,
        versions=change.number,
        last_delay=micros(change.captured_at, first),
    )
    if change.number == 2:
        row.update(second_at=change.captured_at, first_delay=micros(change.captured_at, first))
    if flip and row["flipflop_at"] is None:
        row["flipflop_at"] = change.captured_at


def _add_cell(cells: Cells, change: Change, first: datetime, sign: int) -> None:
    key = (change.source_id, day_of(change.captured_at), hour_of(first))
    cell = cells.setdefault(key, [0] * len(COUNTED))
    for index in counted(change):
        cell[index] += sign


def flipflops(conn: Connection, changes: Sequence[Change]) -> set[tuple[int, int]]:
    """(article, number) of those changes whose title an earlier visible version had."""
    found: set[tuple[int, int]] = set()
    earlier = versions.alias("earlier")
    ids = [c.version_id for c in changes if c.version_id is not None]
    for start in range(0, len(ids), _CHUNK):
        query = sa.select(versions.c.article_id, versions.c.number).where(
            versions.c.id.in_(ids[start : start + _CHUNK]),
            sa.exists().where(
                earlier.c.article_id == versions.c.article_id,
                earlier.c.number < versions.c.number,
                earlier.c.trivial.is_(False),
                earlier.c.title == versions.c.title,
            ),
        )
        found.update((int(a), int(n)) for a, n in conn.execute(query))
    return found


def _insert(conn: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which can say what to do ON CONFLICT.

    Imported here: a command reading a SQLite database never loads PostgreSQL's dialect.
    """
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def _upsert_articles(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    insert = _insert(conn, report_articles)
    kept, new = report_articles.c, insert.excluded
    statement = insert.on_conflict_do_update(
        index_elements=["article_id"],
        set_={
            "last_at": new.last_at,
            "versions": new.versions,
            "last_delay": new.last_delay,
            "second_at": sa.func.coalesce(kept.second_at, new.second_at),
            "first_delay": sa.func.coalesce(kept.first_delay, new.first_delay),
            "flipflop_at": sa.func.coalesce(kept.flipflop_at, new.flipflop_at),
        },
    )
    for start in range(0, len(rows), _CHUNK):
        conn.execute(statement, rows[start : start + _CHUNK])


def add_cells(conn: Connection, cells: Cells) -> None:
    """Add these changes (not summed yet) to report_days, keeping every row a suffix sum.

    The days touched are read in one query per source and written in one executemany: a
    bulk batch touches a few hundred.
    """
    groups: dict[tuple[int, int], dict[int, list[int]]] = {}
    for (source_id, day, first_hour), delta in cells.items():
        groups.setdefault((source_id, day), {})[first_hour] = delta
    keys = sorted(groups)
    if conn.dialect.name == "postgresql":
        for source_id, day in keys:  # locks taken in one order
            key = (_LOCKS << 24) | (source_id & 0xFFFFFF)
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key, day)))
    stored = _stored_days(conn, keys)
    rows: list[tuple[int, ...]] = []
    for source_id, day in keys:
        sums = _day_sums(stored.get((source_id, day), []), groups[(source_id, day)])
        rows.extend((source_id, day, *row) for row in sums)
    _upsert_days(conn, rows)


def _stored_days(
    conn: Connection, keys: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[tuple[int, ...]]]:
    """(first_hour, *COUNTED) rows of these (source, day) keys, latest first_hour first."""
    kept = report_days.c
    days: dict[int, list[int]] = {}
    for source_id, day in keys:
        days.setdefault(source_id, []).append(day)
    found: dict[tuple[int, int], list[tuple[int, ...]]] = {}
    for source_id, wanted in days.items():
        for start in range(0, len(wanted), _CHUNK):
            query = (
                sa.select(kept.day, kept.first_hour, *(kept[n] for n in COUNTED))
                .where(kept.source_id == source_id, kept.day.in_(wanted[start : start + _CHUNK]))
                .order_by(kept.day, kept.first_hour.desc())
            )
            for day, *row in conn.execute(query):
                found.setdefault((source_id, int(day)), []).append(tuple(int(v) for v in row))
    return found


def _day_sums(stored: list[tuple[int, ...]], deltas: dict[int, list[int]]) -> list[tuple[int, ...]]:
    """One day's (first_hour, *sums) rows that change.

    The stored sums go back to per-hour counts, the deltas are added, and the sums are made
    again from the latest first_hour down.
    """
    per_hour: dict[int, list[int]] = {}
    later: Sequence[int] = [0] * len(COUNTED)
    for first_hour, *sums in stored:
        per_hour[first_hour] = [a - b for a, b in zip(sums, later, strict=True)]
        later = sums
    for first_hour, delta in deltas.items():
        own = per_hour.setdefault(first_hour, [0] * len(COUNTED))
        per_hour[first_hour] = [a + b for a, b in zip(own, delta, strict=True)]
    before = {row[0]: list(row[1:]) for row in stored}
    changed, total = [], [0] * len(COUNTED)
    for first_hour in sorted(per_hour, reverse=True):
        total = [a + b for a, b in zip(total, per_hour[first_hour], strict=True)]
        if before.get(first_hour) != total:
            changed.append((first_hour, *total))
    return changed


def _upsert_days(conn: Connection, rows: list[tuple[int, ...]]) -> None:
    """Write (source_id, day, first_hour, *COUNTED) rows, one executemany over the driver."""
    if not rows:
        return
    names = ("source_id", "day", "first_hour", *COUNTED)
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    statement = (
        f"INSERT INTO report_days ({', '.join(names)}) VALUES ({', '.join(mark for _ in names)})"
        " ON CONFLICT (source_id, day, first_hour) DO UPDATE SET "
        + ", ".join(f"{name} = excluded.{name}" for name in COUNTED)
    )
    conn.exec_driver_sql(statement, rows)


# ---- whole histories: an import that rewrites one, and the backfill ---------------------


def _history(conn: Connection, article_ids: Sequence[int] | None) -> Iterator[Any]:
    """Visible versions (of these articles, or all), by article and number."""
    query = (
        sa.select(
            versions.c.article_id,
            versions.c.source_id,
            versions.c.number,
            versions.c.captured_at,
            versions.c.title,
            versions.c.change_kind,
            versions.c.change_flags,
        )
        .where(versions.c.trivial.is_(False))
        .order_by(versions.c.article_id, versions.c.number)
    )
    if article_ids is not None:
        query = query.where(versions.c.article_id.in_(article_ids))
    yield from conn.execute(query.execution_options(yield_per=5000))


def _articles(rows: Iterable[Any]) -> Iterator[list[Change]]:
    """Each article's visible versions as Changes, flip-flops found from the titles."""
    current: list[Change] = []
    titles: set[str] = set()
    for row in rows:
        if current and current[0].article_id != row.article_id:
            yield current
            current, titles = [], set()
        flags = tuple(str(f) for f in row.change_flags or ())
        flip = row.number > 1 and "headline" in flags and row.title in titles
        titles.add(row.title)
        current.append(
            Change(
                article_id=row.article_id,
                source_id=row.source_id,
                number=row.number,
                captured_at=row.captured_at,
                kind=row.change_kind,
                flags=flags,
                flipflop=flip,
            )
        )
    if current:
        yield current


def _whole(history: list[Change], cells: Cells, sign: int) -> dict[str, Any]:
    """An article's report_articles row; its changes added to (or taken from) `cells`."""
    rows: dict[int, dict[str, Any]] = {}
    first = history[0].captured_at
    for change in history:
        _fold(rows, change, first, change.flipflop)
        if change.number > 1:
            _add_cell(cells, change, first, sign)
    return rows[history[0].article_id]


def retract(conn: Connection, article_id: int) -> None:
    """Take an article out of the rollups (before its history is rewritten)."""
    cells: Cells = {}
    for history in _articles(_history(conn, [article_id])):
        _whole(history, cells, -1)
    add_cells(conn, cells)
    conn.execute(sa.delete(report_articles).where(report_articles.c.article_id == article_id))


def restore(conn: Connection, article_id: int) -> None:
    """Put an article back into the rollups from its history as it now is."""
    cells: Cells = {}
    rows = [_whole(history, cells, 1) for history in _articles(_history(conn, [article_id]))]
    if rows:
        conn.execute(sa.insert(report_articles), rows)
    add_cells(conn, cells)


def rebuild(conn: Connection) -> None:
    """Fill both tables afresh from every stored version (the migration's backfill)."""
    conn.execute(sa.delete(report_articles))
    conn.execute(sa.delete(report_days))
    cells: Cells = {}
    batch: list[dict[str, Any]] = []
    for history in _articles(_history(conn, None)):
        batch.append(_whole(history, cells, 1))
        if len(batch) >= 5000:
            conn.execute(sa.insert(report_articles), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(report_articles), batch)
    add_cells(conn, cells)
