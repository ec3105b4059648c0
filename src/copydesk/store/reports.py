"""The insight report's figures (records.Report), by SQL over the stored record.

A report covers the articles whose first visible version was captured in [since, until), and
their later visible versions captured before `until` (all of which lie in the period, so every
query reads one range of the versions index per source). Counts are grouped in SQL; what needs
an order (median, p90, the most-edited list) is computed here from one row per article.
Exactly the same rules, applied to `copydesk export --format jsonl`, give the same figures
(tests/e2e/test_insight.py recomputes them in plain Python).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import Count, Edited, Report, SourceLine, Spread, TextSize
from copydesk.store.schema import article_events, articles, blobs, sources, versions

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
EVENTS = ("gone", "restored", "moved")
# Upper bounds (seconds) of the delay histogram's bins; the last bin is open-ended.
DELAY_BINS: tuple[tuple[str, float | None], ...] = (
    ("under 5 min", 300),
    ("5–30 min", 1800),
    ("30 min–1 h", 3600),
    ("1–3 h", 3 * 3600),
    ("3–6 h", 6 * 3600),
    ("6–24 h", 86400),
    ("1–3 days", 3 * 86400),
    ("3–7 days", 7 * 86400),
    ("7 days or more", None),
)
# Bins of visible versions per changed article: (label, lowest, highest or None).
VERSION_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("2", 2, 2),
    ("3", 3, 3),
    ("4", 4, 4),
    ("5", 5, 5),
    ("6–9", 6, 9),
    ("10 or more", 10, None),
)
MOST_EDITED = 10
WEEKS_SPAN = timedelta(days=731)  # longer periods draw the weekly line over the record only


@dataclass(frozen=True, slots=True)
class _ArticleRow:
    """One article of the period: its source, versions, and its delays to first and last change."""

    article_id: int
    source_id: int
    versions: int
    to_first: float | None  # seconds from the first capture to the second version
    to_last: float  # ... to the last version in the period


def report(conn: Connection, source: str | None, *, since: datetime, until: datetime) -> Report:
    """The report of `source` (None: every source) for [since, until)."""
    names = _source_ids(conn, source)
    ids = list(names)
    rows = _article_rows(conn, ids, since, until)
    changed = [r for r in rows if r.versions > 1]
    by_source, kinds, flags = _class_counts(conn, ids, since, until)
    returns, flipping = _flipflops(conn, ids, since, until)
    hours, weekly = _times(conn, ids, since, until)
    return Report(
        source=source,
        since=since,
        until=until,
        articles=len(rows),
        changed=len(changed),
        changes=sum(r.versions - 1 for r in changed),
        versions_per_changed=_version_bins([r.versions for r in changed]),
        first_change=spread([_seconds(r.to_first) for r in changed]),
        last_change=spread([r.to_last for r in changed]),
        kinds=tuple(Count(name=k, count=kinds.get(k, 0)) for k in KINDS),
        flags=tuple(Count(name=f, count=flags.get(f, 0)) for f in FLAGS),
        headline_flipflops=returns,
        flipflop_articles=flipping,
        events=_events(conn, ids, since, until),
        hours=hours,
        weekly=weekly,
        most_edited=_most_edited(conn, changed, names),
        sources=() if source is not None else _source_lines(names, rows, by_source),
    )


def _source_ids(conn: Connection, source: str | None) -> dict[int, str]:
    query = sa.select(sources.c.id, sources.c.name).order_by(sources.c.name)
    if source is not None:
        query = query.where(sources.c.name == source)
    return {row.id: row.name for row in conn.execute(query)}


def _in_period(
    ids: Sequence[int], since: datetime, until: datetime, table: sa.FromClause = versions
) -> sa.ColumnElement[bool]:
    """Visible versions of these sources captured in the period (one index range per source)."""
    return sa.and_(
        table.c.source_id.in_(ids),
        table.c.captured_at >= since,
        table.c.captured_at < until,
        table.c.trivial.is_(False),
    )


def _cohort(ids: Sequence[int], since: datetime, until: datetime) -> sa.Select[tuple[int]]:
    """Ids of the articles whose first visible version was captured in the period."""
    first = versions.alias("first")
    return sa.select(first.c.article_id).where(
        _in_period(ids, since, until, first), first.c.number == 1
    )


def _changes(
    ids: Sequence[int], since: datetime, until: datetime, table: sa.FromClause = versions
) -> sa.ColumnElement[bool]:
    """The period's changes: later visible versions of the period's articles."""
    return sa.and_(
        _in_period(ids, since, until, table),
        table.c.number > 1,
        table.c.article_id.in_(_cohort(ids, since, until)),
    )


def _micros(conn: Connection, later: Any, earlier: Any) -> sa.ColumnElement[int]:
    """Whole microseconds from `earlier` to `later`, computed exactly in the database.

    SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' text: whole seconds by strftime, and the
    microseconds from the text, so the figure equals Python's timedelta to the microsecond.
    """
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.extract("epoch", later - earlier) * 1_000_000, sa.BigInteger)

    def seconds(value: Any) -> Any:
        return sa.cast(sa.func.strftime("%s", value), sa.Integer)

    def fraction(value: Any) -> Any:
        return sa.cast(sa.func.substr(value, 21, 6), sa.Integer)

    micros: sa.ColumnElement[int] = (
        (seconds(later) - seconds(earlier)) * 1_000_000 + fraction(later) - fraction(earlier)
    )
    return micros


def _article_rows(
    conn: Connection, ids: Sequence[int], since: datetime, until: datetime
) -> list[_ArticleRow]:
    first = sa.func.min(versions.c.captured_at)
    second = sa.func.min(sa.case((versions.c.number == 2, versions.c.captured_at)))
    query = (
        sa.select(
            versions.c.article_id,
            versions.c.source_id,
            sa.func.count().label("n"),
            sa.func.min(versions.c.number).label("lowest"),
            _micros(conn, second, first).label("to_first"),
            _micros(conn, sa.func.max(versions.c.captured_at), first).label("to_last"),
        )
        .where(_in_period(ids, since, until))
        .group_by(versions.c.article_id, versions.c.source_id)
    )
    return [
        _ArticleRow(
            article_id=row.article_id,
            source_id=row.source_id,
            versions=row.n,
            to_first=None if row.to_first is None else row.to_first / 1_000_000,
            to_last=row.to_last / 1_000_000,
        )
        for row in conn.execute(query)
        if row.lowest == 1  # else first captured before the period
    ]


def _seconds(delay: float | None) -> float:
    assert delay is not None  # a changed article has a second version
    return delay


def _flag(name: str, table: sa.FromClause = versions) -> sa.ColumnElement[bool]:
    # Flags are a JSON list of names; its text form holds each name in double quotes.
    return sa.cast(table.c.change_flags, sa.Text).like(f'%"{name}"%')


def _class_counts(
    conn: Connection, ids: Sequence[int], since: datetime, until: datetime
) -> tuple[dict[int, dict[str, int]], dict[str, int], dict[str, int]]:
    """Changes by class and by flag, per source and in all (grouped by each flag set's text)."""
    flags_text = sa.cast(versions.c.change_flags, sa.Text)
    query = (
        sa.select(versions.c.source_id, versions.c.change_kind, flags_text, sa.func.count())
        .where(_changes(ids, since, until))
        .group_by(versions.c.source_id, versions.c.change_kind, flags_text)
    )
    per_source: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    kinds: dict[str, int] = defaultdict(int)
    flags: dict[str, int] = defaultdict(int)
    for source_id, change_kind, text, count in conn.execute(query):
        kind = change_kind or "unclassified"
        kinds[kind] += count
        per_source[source_id][kind] += count
        for name in set(json.loads(text or "[]")):
            flags[str(name)] += count
            per_source[source_id][str(name)] += count
    return per_source, kinds, flags


def _flipflops(
    conn: Connection, ids: Sequence[int], since: datetime, until: datetime
) -> tuple[int, int]:
    """(headline changes back to an earlier wording of the article, articles with one)."""
    found = versions.alias("found")
    headline_changes = sa.select(found.c.id).where(
        _changes(ids, since, until, found), _flag("headline", found)
    )
    earlier = versions.alias("earlier")
    returned = sa.exists().where(
        earlier.c.article_id == versions.c.article_id,
        earlier.c.number < versions.c.number,
        earlier.c.trivial.is_(False),
        earlier.c.title == versions.c.title,
    )
    query = sa.select(sa.func.count(), sa.func.count(sa.distinct(versions.c.article_id))).where(
        versions.c.id.in_(headline_changes), returned
    )
    row = conn.execute(query).one()
    return int(row[0]), int(row[1])


def _hour_key(conn: Connection) -> sa.ColumnElement[str]:
    """'YYYY-MM-DD HH' of a capture, in UTC."""
    if conn.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", versions.c.captured_at), "YYYY-MM-DD HH24")
    return sa.func.substr(versions.c.captured_at, 1, 13)  # SQLite keeps UTC text


def _times(
    conn: Connection, ids: Sequence[int], since: datetime, until: datetime
) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[date, int], ...]]:
    """Changes by weekday x hour (UTC) and per week (Monday first), weeks with none included."""
    key = _hour_key(conn).label("hour")
    query = sa.select(key, sa.func.count()).where(_changes(ids, since, until)).group_by(key)
    grid = [[0] * 24 for _ in range(7)]
    weeks: dict[date, int] = defaultdict(int)
    for hour, count in conn.execute(query):
        moment = datetime.strptime(str(hour), "%Y-%m-%d %H")
        grid[moment.weekday()][moment.hour] += count
        weeks[monday(moment.date())] += count
    return tuple(tuple(row) for row in grid), week_line(weeks, since, until)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_line(
    weeks: dict[date, int], since: datetime, until: datetime
) -> tuple[tuple[date, int], ...]:
    """Every week (Monday first) of the period with its count of changes, weeks without included.

    A period longer than WEEKS_SPAN (e.g. since=0001-01-01) is drawn only from the first to the
    last week with a change, so its line stays as long as the record, not the calendar.
    """
    if until - since <= WEEKS_SPAN:
        start = monday(since.astimezone(UTC).date())
        end = (until - timedelta(microseconds=1)).astimezone(UTC).date()
    elif weeks:
        start, end = min(weeks), max(weeks)
    else:
        return ()
    line = []
    while start <= end:
        line.append((start, weeks.get(start, 0)))
        start += timedelta(days=7)
    return tuple(line)


def _events(
    conn: Connection, ids: Sequence[int], since: datetime, until: datetime
) -> tuple[Count, ...]:
    query = (
        sa.select(article_events.c.kind, sa.func.count())
        .select_from(article_events.join(articles, articles.c.id == article_events.c.article_id))
        .where(
            articles.c.source_id.in_(ids),
            article_events.c.at >= since,
            article_events.c.at < until,
        )
        .group_by(article_events.c.kind)
    )
    found = {str(kind): int(count) for kind, count in conn.execute(query)}
    return tuple(Count(name=kind, count=int(found.get(kind, 0))) for kind in EVENTS)


def _most_edited(
    conn: Connection, changed: list[_ArticleRow], names: dict[int, str]
) -> tuple[Edited, ...]:
    top = sorted(changed, key=lambda r: (-r.versions, r.article_id))[:MOST_EDITED]
    if not top:
        return ()
    query = sa.select(articles.c.id, articles.c.url, articles.c.title).where(
        articles.c.id.in_([r.article_id for r in top])
    )
    known = {row.id: row for row in conn.execute(query)}
    return tuple(
        Edited(
            article_id=r.article_id,
            source=names.get(r.source_id, ""),
            title=known[r.article_id].title or known[r.article_id].url,
            url=known[r.article_id].url,
            edits=r.versions - 1,
        )
        for r in top
        if r.article_id in known
    )


def _source_lines(
    names: dict[int, str], rows: list[_ArticleRow], classes: dict[int, dict[str, int]]
) -> tuple[SourceLine, ...]:
    grouped: dict[int, list[_ArticleRow]] = defaultdict(list)
    for row in rows:
        grouped[row.source_id].append(row)
    lines = []
    for source_id, name in names.items():
        mine = grouped.get(source_id, [])
        changed = [r for r in mine if r.versions > 1]
        counts = classes.get(source_id, {})
        lines.append(
            SourceLine(
                name=name,
                articles=len(mine),
                changed=len(changed),
                changes=sum(r.versions - 1 for r in changed),
                substantive=counts.get("substantive", 0),
                stealth=counts.get("stealth", 0),
                median_first_change=spread([_seconds(r.to_first) for r in changed]).median,
            )
        )
    return tuple(lines)


def text_sizes(conn: Connection, article_id: int) -> list[TextSize]:
    """The size of each visible version's text, oldest first (one index range, one join)."""
    query = (
        sa.select(versions.c.number, blobs.c.size)
        .select_from(versions.join(blobs, blobs.c.hash == versions.c.content_blob))
        .where(versions.c.article_id == article_id, versions.c.trivial.is_(False))
        .order_by(versions.c.number)
    )
    return [TextSize(number=int(n), size=int(size)) for n, size in conn.execute(query)]


def spread(values: Sequence[float]) -> Spread:
    """Median, p90 (nearest rank) and the DELAY_BINS histogram of some durations (seconds)."""
    if not values:
        return Spread(count=0, bins=tuple(Count(name=label, count=0) for label, _ in DELAY_BINS))
    ordered = sorted(values)
    counts = [0] * len(DELAY_BINS)
    for value in ordered:
        counts[_delay_bin(value)] += 1
    return Spread(
        count=len(ordered),
        median=float(median(ordered)),
        p90=float(ordered[math.ceil(0.9 * len(ordered)) - 1]),
        bins=tuple(
            Count(name=label, count=n) for (label, _), n in zip(DELAY_BINS, counts, strict=True)
        ),
    )


def _delay_bin(seconds: float) -> int:
    for index, (_, upper) in enumerate(DELAY_BINS):
        if upper is None or seconds < upper:
            return index
    return len(DELAY_BINS) - 1


def _version_bins(counts: Sequence[int]) -> tuple[Count, ...]:
    found = [0] * len(VERSION_BINS)
    for count in counts:
        for index, (_, low, high) in enumerate(VERSION_BINS):
            if count >= low and (high is None or count <= high):
                found[index] += 1
                break
    return tuple(
        Count(name=label, count=n) for (label, _, _), n in zip(VERSION_BINS, found, strict=True)
    )
