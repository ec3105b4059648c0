"""The insight report's figures (records.Report), from the rollups kept with every version.

A report covers the articles whose first visible version was captured in [since, until), and
their later visible versions captured before `until` (the changes). Nothing here reads every
version of the period: per-article figures come from `report_articles` (one row per article,
one index range per source), and the changes by hour, class, flag and flip-flop from
`report_days` (one row per source and day: the changes of the articles first captured from a
given hour on), both kept by store/rollups.py. What those cannot split exactly is read from
the versions: the articles first captured in the period's first partial hour and the changes
of the last day from `until` on (taken away), a few rows; and, for a period that ends in the
past, the articles with versions after `until` (per-article figures only). The medians and
p90s are read by rank from report_articles' indexes in delay order, a short window each, so a
report over the whole record reads no list of delays (a small cohort's are read and sorted,
which is cheaper there). Exactly the same rules, applied to `copydesk export --format jsonl`,
give the same figures (tests/e2e/test_insight.py recomputes them in plain Python).
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import Count, Edited, Report, SourceLine, Spread, TextSize
from copydesk.store import rollups
from copydesk.store.rollups import (
    COUNTED,
    DAY,
    EPOCH,
    FLAGS,
    HOUR,
    KINDS,
    MICROSECOND,
    day_of,
    hour_of,
)
from copydesk.store.schema import (
    article_events,
    articles,
    blobs,
    report_articles,
    report_days,
    sources,
    versions,
)

__all__ = ["DELAY_BINS", "FLAGS", "KINDS", "VERSION_BINS", "report", "spread", "text_sizes"]

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
# Edges (microseconds) of DELAY_BINS: the lowest possible, then each bin's upper bound.
_LOWEST, _NEVER = -(2**63), 2**63 - 1
_EDGES = (_LOWEST, *(int(upper * 1_000_000) for _, upper in DELAY_BINS if upper is not None))
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
_CHUNK = 500
_HOURS = rollups.HOURS
_SUBSTANTIVE, _STEALTH, _FLIPFLOPS = (
    COUNTED.index(name) for name in ("substantive", "stealth", "flipflops")
)


@dataclass
class _Cohort:
    """The period's articles per source: how many, and how many changed.

    A changed article has a change before `until`. The settled ones (no version from `until`
    on) are summed in the database, per source: (changed articles, their versions); their
    bins, medians and p90s are read by _Spreads (or _Listed for a small cohort). The reopened
    ones are counted from their versions (_open_rows).
    """

    articles: dict[int, int] = field(default_factory=dict)
    flipping: int = 0  # articles with a headline flip-flop before `until`
    settled: dict[int, tuple[int, int]] = field(default_factory=dict)
    reopened: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # _open_rows

    def opened(self, source_id: int | None) -> list[tuple[int, int, int, int, int]]:
        return [r for r in self.reopened if source_id is None or r[0] == source_id]

    def settled_of(self, source_id: int | None) -> tuple[int, int]:
        rows = [v for s, v in self.settled.items() if source_id is None or s == source_id]
        return sum(r[0] for r in rows), sum(r[1] for r in rows)

    def changed(self, source_id: int | None) -> int:
        return self.settled_of(source_id)[0] + len(self.opened(source_id))

    def changes(self, source_id: int | None) -> int:
        changed, count = self.settled_of(source_id)
        return count - changed + sum(r[2] - 1 for r in self.opened(source_id))


@dataclass
class _Tally:
    """The period's changes, summed by source x day (COUNTED columns: hours of day first)."""

    cells: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def add(self, source_id: int, day: int, values: Sequence[int], sign: int = 1) -> None:
        cell = self.cells.setdefault((source_id, day), [0] * len(COUNTED))
        for index, value in enumerate(values):
            cell[index] += sign * int(value)

    def column(self, index: int) -> int:
        return sum(cell[index] for cell in self.cells.values())

    def per_source(self, index: int) -> dict[int, int]:
        found: dict[int, int] = defaultdict(int)
        for (source_id, _), cell in self.cells.items():
            found[source_id] += cell[index]
        return found


def report(conn: Connection, source: str | None, *, since: datetime, until: datetime) -> Report:
    """The report of `source` (None: every source) for [since, until)."""
    names = _source_ids(conn, source)
    ids = list(names)
    scope = _Scope(
        conn, since, until, None if source is None else next(iter(ids), 0), _ended(conn, ids, until)
    )
    cohort = _cohort_figures(conn, ids, scope)
    spreads = _spreads(conn, ids, scope, cohort)
    tally = _tally(conn, ids, since, until)
    hours, weekly = _times(tally, since, until)
    return Report(
        source=source,
        since=since,
        until=until,
        articles=sum(cohort.articles.values()),
        changed=cohort.changed(None),
        changes=cohort.changes(None),
        versions_per_changed=spreads.versions_bins(),
        first_change=spreads.spread(report_articles.c.first_delay),
        last_change=spreads.spread(report_articles.c.last_delay),
        kinds=tuple(Count(name=k, count=tally.column(COUNTED.index(k))) for k in KINDS),
        flags=tuple(
            Count(name=f, count=tally.column(COUNTED.index(f.replace("-", "_")))) for f in FLAGS
        ),
        headline_flipflops=tally.column(_FLIPFLOPS),
        flipflop_articles=cohort.flipping,
        events=_events(conn, ids, since, until),
        hours=hours,
        weekly=weekly,
        most_edited=_most_edited(scope, ids, cohort, names, big=isinstance(spreads, _Spreads)),
        sources=() if source is not None else _source_lines(names, spreads, tally),
    )


def _source_ids(conn: Connection, source: str | None) -> dict[int, str]:
    query = sa.select(sources.c.id, sources.c.name).order_by(sources.c.name)
    if source is not None:
        query = query.where(sources.c.name == source)
    return {row.id: row.name for row in conn.execute(query)}


def _cohort(ids: Sequence[int], since: datetime, until: datetime) -> sa.ColumnElement[bool]:
    """The articles whose first visible version was captured in [since, until)."""
    kept = report_articles.c
    return sa.and_(kept.source_id.in_(ids), kept.first_at >= since, kept.first_at < until)


@dataclass(frozen=True)
class _Scope:
    """The report's settled changed articles, as filters of a scan of any report_articles index.

    `ended`: `until` is after every version of the sources, so every article's last capture
    is before it and only `since` filters (the usual report, up to now).
    """

    conn: Connection
    since: datetime
    until: datetime
    source_id: int | None  # None: every source
    ended: bool

    def settled(self, source_id: int | None = None) -> list[sa.ColumnElement[bool]]:
        kept = report_articles.c
        found = [kept.versions > 1, self._plain(kept.first_at) >= self.since]
        if not self.ended:
            found.append(self._plain(kept.first_at) < self.until)
            found.append(self._plain(kept.last_at) < self.until)
        source_id = self.source_id if source_id is None else source_id
        if source_id is not None:
            found.append(kept.source_id == source_id)
        return found

    def _plain(self, column: sa.Column[datetime]) -> sa.ColumnElement[datetime]:
        """The column without SQLite's numeric affinity (`+column`), as a scan's filter.

        Its text then compares with the bound text as it is, about twice as fast.
        """
        if self.conn.dialect.name != "sqlite":
            return column
        return sa.literal_column(f"+{column.table.name}.{column.name}", column.type)

    def counts(self, column: sa.Column[int], edges: Sequence[int]) -> list[int]:
        """Settled articles with `column` in [edges[i], edges[i + 1]), one index range each."""
        queries = [
            sa.select(sa.func.count())
            .where(column >= low, column < high, *self.settled())
            .scalar_subquery()
            for low, high in itertools.pairwise(edges)
        ]
        return [int(n) for n in self.conn.execute(sa.select(*queries)).one()]

    def nth(
        self,
        column: sa.Column[int],
        ranks: list[int],
        extra: list[int],
        below: Sequence[tuple[int, int]] = (),
        source_id: int | None = None,
    ) -> list[int]:
        """The values at these ranks (from 0) of the settled articles and `extra` together.

        The k-th smallest of both is among the settled ones' ranks [k - len(extra), k]: one
        window of the index is read, from the start of the bin that holds its first rank
        (`below`: (lowest value, settled articles below it), ascending).
        """
        start = max(0, min(ranks) - len(extra))
        low, skipped = max(((v, n) for v, n in below if n <= start), default=(None, 0))
        query = (
            sa.select(column)
            .where(*self.settled(source_id))
            .order_by(column)
            .limit(max(ranks) - start + 1)
            .offset(start - skipped)
        )
        if low is not None:
            query = query.where(column >= low)
        window = sorted([int(v) for (v,) in self.conn.execute(query)] + extra)
        return [window[k - start] for k in ranks]


def _ended(conn: Connection, ids: Sequence[int], until: datetime) -> bool:
    """Whether `until` is after every version of these sources (one index seek per source)."""
    latest = (
        sa.select(sa.func.max(versions.c.captured_at))
        .where(versions.c.source_id == sources.c.id)
        .scalar_subquery()
    )
    last = conn.execute(
        sa.select(sa.func.max(latest, type_=versions.c.captured_at.type)).where(
            sources.c.id.in_(ids)
        )
    ).scalar()
    return last is None or last < until


def _cohort_figures(conn: Connection, ids: Sequence[int], scope: _Scope) -> _Cohort:
    """One index range per source over report_articles: counts of articles and changes.

    An article with versions from `until` on ("open") is counted from its versions instead.
    """
    kept = report_articles.c
    until = scope.until
    if scope.ended:
        settled = kept.versions > 1
        flipped: sa.ColumnElement[bool] = kept.flipflop_at.is_not(None)
    else:
        settled = sa.and_(kept.versions > 1, kept.last_at < until)
        flipped = kept.flipflop_at < until
    reopen = sa.and_(kept.versions > 1, kept.last_at >= until)
    query = (
        sa.select(
            kept.source_id,
            sa.func.count(),
            sa.func.sum(sa.case((flipped, 1), else_=0)),
            sa.func.sum(sa.case((settled, 1), else_=0)),
            sa.func.sum(sa.case((settled, kept.versions), else_=0)),
            sa.null() if scope.ended else _joined(conn, sa.case((reopen, kept.article_id))),
        )
        .where(_cohort(ids, scope.since, until))
        .group_by(kept.source_id)
    )
    found, still_open = _Cohort(), {}
    for source_id, count, flipping, changed, counted, opened in conn.execute(query):
        found.articles[int(source_id)] = int(count)
        found.flipping += int(flipping or 0)
        found.settled[int(source_id)] = (int(changed or 0), int(counted or 0))
        still_open.update(dict.fromkeys(_ints(opened), int(source_id)))
    found.reopened = _open_rows(conn, still_open, until)
    return found


@dataclass(frozen=True)
class _Spreads:
    """The report's spreads of delays and versions, each read from an index (_Scope)."""

    scope: _Scope
    cohort: _Cohort

    def spread(self, column: sa.Column[int]) -> Spread:
        """The median, p90 (nearest rank) and bins of all the delays, as spread gives them."""
        extra = self._extra(column, self.scope.source_id)
        changed = self.cohort.settled_of(self.scope.source_id)[0]
        total = changed + len(extra)
        if not total:
            return spread([])
        settled = self.scope.counts(column, _EDGES)
        settled.append(changed - sum(settled))
        counts = [
            n + bisect.bisect_left(extra, high) - bisect.bisect_left(extra, low)
            for n, (low, high) in zip(settled, itertools.pairwise((*_EDGES, _NEVER)), strict=True)
        ]
        below = list(zip(_EDGES, itertools.accumulate(settled, initial=0), strict=False))
        p90 = self.scope.nth(column, [math.ceil(0.9 * total) - 1], extra, below)[0]
        return Spread(
            count=total,
            median=self._median(column, total, extra, below, None),
            p90=float(p90 / 1_000_000),
            bins=tuple(
                Count(name=label, count=n) for (label, _), n in zip(DELAY_BINS, counts, strict=True)
            ),
        )

    def median(self, column: sa.Column[int], source_id: int) -> float | None:
        """One source's median delay (seconds), None if it has no changed article."""
        extra = self._extra(column, source_id)
        total = self.cohort.settled_of(source_id)[0] + len(extra)
        return self._median(column, total, extra, (), source_id) if total else None

    def _median(
        self,
        column: sa.Column[int],
        total: int,
        extra: list[int],
        below: Sequence[tuple[int, int]],
        source_id: int | None,
    ) -> float:
        """As statistics.median of the seconds (an even count: the mean of the middle two)."""
        half = total // 2
        if total % 2:
            return self.scope.nth(column, [half], extra, below, source_id)[0] / 1_000_000
        low, high = self.scope.nth(column, [half - 1, half], extra, below, source_id)
        return float((low / 1_000_000 + high / 1_000_000) / 2)

    def _extra(self, column: sa.Column[int], source_id: int | None) -> list[int]:
        """The reopened articles' delays (to the first change, or the last), sorted."""
        at = 3 if column is report_articles.c.first_delay else 4
        return sorted(row[at] for row in self.cohort.opened(source_id))

    def versions_bins(self) -> tuple[Count, ...]:
        """Changed articles by VERSION_BINS."""
        edges = [low for _, low, _ in VERSION_BINS]
        settled = self.scope.counts(report_articles.c.versions, edges)
        settled.append(self.cohort.settled_of(self.scope.source_id)[0] - sum(settled))
        extra = Counter(r[2] for r in self.cohort.opened(self.scope.source_id))
        return tuple(
            Count(
                name=label,
                count=n
                + sum(c for v, c in extra.items() if v >= low and (high is None or v <= high)),
            )
            for (label, low, high), n in zip(VERSION_BINS, settled, strict=True)
        )


# A cohort with fewer settled changed articles than this share of all articles has its delays
# read and sorted (_Listed): cheaper than _Spreads' scans of indexes that hold every article
# (at 100k articles / 1M versions the two cost the same near a third, on the whole record
# or one source).
LISTED_SHARE = 0.3


def _spreads(
    conn: Connection, ids: Sequence[int], scope: _Scope, cohort: _Cohort
) -> _Spreads | _Listed:
    """Whichever reads the cohort's spreads faster, both exact (figures equal)."""
    settled = cohort.settled_of(scope.source_id)[0]
    # ids are dense: the highest is about the number of articles, and one seek
    every = conn.execute(sa.select(sa.func.max(report_articles.c.article_id))).scalar()
    if settled >= LISTED_SHARE * int(every or 0):
        return _Spreads(scope, cohort)
    return _Listed.read(conn, ids, scope, cohort)


@dataclass
class _Listed:
    """The cohort's settled changed articles read one by one (their versions and delays).

    One comma-joined text per source and column, parsed here: a row per article through the
    driver costs more than the whole scan. The reopened articles are added.
    """

    cohort: _Cohort
    versions: list[int] = field(default_factory=list)
    first: dict[int, list[int]] = field(default_factory=dict)
    last: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, conn: Connection, ids: Sequence[int], scope: _Scope, cohort: _Cohort) -> _Listed:
        kept = report_articles.c
        query = (
            sa.select(
                kept.source_id,
                *(_joined(conn, c) for c in (kept.versions, kept.first_delay, kept.last_delay)),
            )
            .where(
                _cohort(ids, scope.since, scope.until),
                kept.versions > 1,
                kept.last_at < scope.until,
            )
            .group_by(kept.source_id)
        )
        found = cls(cohort)
        for source_id, numbers, first, last in conn.execute(query):
            found.versions.extend(_ints(numbers))
            found.first.setdefault(int(source_id), []).extend(_ints(first))
            found.last.setdefault(int(source_id), []).extend(_ints(last))
        for source_id, _, count, first, last in cohort.reopened:
            found.versions.append(count)
            found.first.setdefault(source_id, []).append(first)
            found.last.setdefault(source_id, []).append(last)
        return found

    def spread(self, column: sa.Column[int]) -> Spread:
        lists = self.first if column is report_articles.c.first_delay else self.last
        return spread([value for values in lists.values() for value in values])

    def median(self, column: sa.Column[int], source_id: int) -> float | None:
        lists = self.first if column is report_articles.c.first_delay else self.last
        return spread(lists.get(source_id, [])).median

    def versions_bins(self) -> tuple[Count, ...]:
        per_count = Counter(self.versions)
        return tuple(
            Count(
                name=label,
                count=sum(
                    n for v, n in per_count.items() if v >= low and (high is None or v <= high)
                ),
            )
            for label, low, high in VERSION_BINS
        )


def _joined(conn: Connection, value: Any) -> sa.ColumnElement[str]:
    """The non-null values of a group as one text, comma-separated (in no particular order)."""
    if conn.dialect.name == "postgresql":
        return sa.func.string_agg(sa.cast(value, sa.Text), ",")
    return sa.func.group_concat(value, ",")


def _ints(text: str | None) -> list[int]:
    """The integers of a comma-joined text (JSON's parser reads them twice as fast as int())."""
    if not text:
        return []
    values: list[int] = json.loads(f"[{text}]")
    return values


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


def _open_rows(
    conn: Connection, sources_of: dict[int, int], until: datetime
) -> list[tuple[int, int, int, int, int]]:
    """These articles (id: source) counted from their visible versions before `until`.

    Rows are (source, article, versions, microseconds to first change, to last), for those
    with a change before `until` only; each article's versions are read from
    ix_versions_article_id_captured_at alone.
    """
    first = sa.func.min(versions.c.captured_at)
    second = sa.func.min(sa.case((versions.c.number == 2, versions.c.captured_at)))
    ids = sorted(sources_of)
    found: list[tuple[int, int, int, int, int]] = []
    for start in range(0, len(ids), _CHUNK):
        query = (
            sa.select(
                versions.c.article_id,
                sa.func.count().label("n"),
                _micros(conn, second, first).label("to_first"),
                _micros(conn, sa.func.max(versions.c.captured_at), first).label("to_last"),
            )
            .where(
                versions.c.article_id.in_(ids[start : start + _CHUNK]),
                versions.c.trivial.is_(False),
                versions.c.captured_at < until,
            )
            .group_by(versions.c.article_id)
        )
        found.extend(
            (sources_of[r.article_id], r.article_id, r.n, int(r.to_first), int(r.to_last))
            for r in conn.execute(query)
            if r.n > 1
        )
    return found


def _tally(conn: Connection, ids: Sequence[int], since: datetime, until: datetime) -> _Tally:
    """The changes of the period's articles captured before `until`, by source x day.

    report_days gives, per source and day, the changes of the articles first captured from
    `whole` (the first whole hour at or after `since`) on; the versions give the rest: the
    changes of the articles first captured in [since, whole), less those captured from `until`
    to the end of its day.
    """
    tally = _Tally()
    whole = _next_hour(since)
    if whole > since:
        early = sa.select(report_articles.c.article_id).where(
            _cohort(ids, since, min(whole, until))
        )
        _count_versions(conn, tally, versions.c.article_id.in_(early), until)
    if whole >= until:
        return tally
    last_day = day_of(until - MICROSECOND)
    _count_days(conn, tally, ids, whole, last_day)
    day_end = EPOCH + (last_day + 1) * DAY
    if until < day_end:  # that day's rows hold changes from `until` on too: take them out
        late = sa.select(report_articles.c.article_id).where(
            report_articles.c.article_id == versions.c.article_id,
            report_articles.c.first_at >= whole,
        )
        after = sa.and_(
            versions.c.source_id.in_(ids), versions.c.captured_at >= until, sa.exists(late)
        )
        _count_versions(conn, tally, after, day_end, sign=-1)
    return tally


def _next_hour(moment: datetime) -> datetime:
    """`moment` if it is a whole UTC hour, else the next one."""
    hour = EPOCH + hour_of(moment) * HOUR
    return hour if hour == moment else hour + HOUR


def _count_days(
    conn: Connection, tally: _Tally, ids: Sequence[int], whole: datetime, last_day: int
) -> None:
    """Per source and day up to `last_day`: the row summing first captures from `whole` on.

    Each day's row is found by one index seek (the least first_hour from `whole` on), the
    days walked by a recursive CTE over the days that hold rows: no scan of every row.
    """
    kept, other = report_days.c, report_days.alias("other").c
    lowest = sa.select(sa.func.min(other.day)).where(other.source_id == sources.c.id)
    highest = sa.select(sa.func.max(other.day)).where(other.source_id == sources.c.id)
    low, high = conn.execute(
        sa.select(
            sa.func.min(lowest.scalar_subquery()), sa.func.max(highest.scalar_subquery())
        ).where(sources.c.id.in_(ids))
    ).one()
    if low is None or high is None:
        return
    first_day, end_day = max(day_of(whole), int(low)), min(last_day, int(high))
    if first_day > end_day:
        return
    days = sa.select(sa.literal(first_day, sa.Integer).label("day")).cte("days", recursive=True)
    days = days.union_all(sa.select((days.c.day + 1).label("day")).where(days.c.day < end_day))
    least = (
        sa.select(sa.func.min(other.first_hour))
        .where(
            other.source_id == sources.c.id,
            other.day == days.c.day,
            other.first_hour >= hour_of(whole),
        )
        .scalar_subquery()
    )
    query = (
        sa.select(kept.source_id, kept.day, *(kept[n] for n in COUNTED))
        .select_from(days)
        .join(sources, sources.c.id.in_(ids))
        .join(
            report_days,
            sa.and_(
                kept.source_id == sources.c.id, kept.day == days.c.day, kept.first_hour == least
            ),
        )
    )
    for source_id, day, *values in conn.execute(query):
        tally.add(int(source_id), int(day), values)


def _count_versions(
    conn: Connection,
    tally: _Tally,
    where: sa.ColumnElement[bool],
    until: datetime,
    *,
    sign: int = 1,
) -> None:
    """Add (or take away) the changes (later visible versions) matching `where` before `until`."""
    query = sa.select(
        versions.c.id,
        versions.c.article_id,
        versions.c.source_id,
        versions.c.number,
        versions.c.captured_at,
        versions.c.change_kind,
        versions.c.change_flags,
    ).where(
        where,
        versions.c.captured_at < until,
        versions.c.trivial.is_(False),
        versions.c.number > 1,
    )
    changes = [
        rollups.Change(
            article_id=row.article_id,
            source_id=row.source_id,
            number=row.number,
            captured_at=row.captured_at,
            kind=row.change_kind,
            flags=tuple(str(f) for f in row.change_flags or ()),
            version_id=row.id,
        )
        for row in conn.execute(query)
    ]
    flipping = rollups.flipflops(conn, [c for c in changes if "headline" in c.flags])
    for change in changes:
        flip = (change.article_id, change.number) in flipping
        counted = rollups.counts(replace(change, flipflop=flip))
        tally.add(change.source_id, day_of(change.captured_at), counted, sign)


def _times(
    tally: _Tally, since: datetime, until: datetime
) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[date, int], ...]]:
    """Changes by weekday x hour (UTC) and per week (Monday first), weeks with none included."""
    grid = [[0] * 24 for _ in range(7)]
    weeks: dict[date, int] = defaultdict(int)
    for (_, day), cell in tally.cells.items():
        count = sum(cell[:_HOURS])
        if not count:
            continue
        moment = EPOCH + day * DAY
        row = grid[moment.weekday()]
        for hour in range(_HOURS):
            row[hour] += cell[hour]
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
    """Lifecycle events of the period, read by time.

    Each event's source is looked up by the article's key: a join lets SQLite walk every
    article of the sources instead.
    """
    source_of = (
        sa.select(articles.c.source_id)
        .where(articles.c.id == article_events.c.article_id)
        .scalar_subquery()
    )
    query = (
        sa.select(article_events.c.kind, sa.func.count())
        .where(article_events.c.at >= since, article_events.c.at < until, source_of.in_(ids))
        .group_by(article_events.c.kind)
    )
    found = {str(kind): int(count) for kind, count in conn.execute(query)}
    return tuple(Count(name=kind, count=int(found.get(kind, 0))) for kind in EVENTS)


def _most_edited(
    scope: _Scope, ids: Sequence[int], cohort: _Cohort, names: dict[int, str], *, big: bool
) -> tuple[Edited, ...]:
    """The MOST_EDITED articles with the most versions (lowest id first among equals).

    The settled ones of a `big` cohort are read from the index in versions order, from the
    most, which soon finds ten; a small one's by its own index range (one scan of it).
    """
    conn, kept = scope.conn, report_articles.c
    if big:
        settled = scope.settled()
    else:
        settled = [_cohort(ids, scope.since, scope.until), kept.versions > 1]
        settled.append(kept.last_at < scope.until)
    query = (
        sa.select(kept.versions, kept.article_id, kept.source_id)
        .where(*settled)
        .order_by(kept.versions.desc(), kept.article_id)
        .limit(MOST_EDITED)
    )
    candidates = [(-int(n), int(a), int(s)) for n, a, s in conn.execute(query)]
    candidates.extend((-n, a, s) for s, a, n, _, _ in cohort.reopened)
    top = sorted(candidates)[:MOST_EDITED]
    if not top:
        return ()
    query = sa.select(articles.c.id, articles.c.url, articles.c.title).where(
        articles.c.id.in_([a for _, a, _ in top])
    )
    known = {row.id: row for row in conn.execute(query)}
    return tuple(
        Edited(
            article_id=a,
            source=names.get(s, ""),
            title=known[a].title or known[a].url,
            url=known[a].url,
            edits=-n - 1,
        )
        for n, a, s in top
        if a in known
    )


def _source_lines(
    names: dict[int, str], spreads: _Spreads | _Listed, tally: _Tally
) -> tuple[SourceLine, ...]:
    substantive, stealth = tally.per_source(_SUBSTANTIVE), tally.per_source(_STEALTH)
    cohort = spreads.cohort
    return tuple(
        SourceLine(
            name=name,
            articles=cohort.articles.get(source_id, 0),
            changed=cohort.changed(source_id),
            changes=cohort.changes(source_id),
            substantive=substantive.get(source_id, 0),
            stealth=stealth.get(source_id, 0),
            median_first_change=spreads.median(report_articles.c.first_delay, source_id),
        )
        for source_id, name in names.items()
    )


def text_sizes(conn: Connection, article_id: int) -> list[TextSize]:
    """The size of each visible version's text, oldest first (one index range, one join)."""
    query = (
        sa.select(versions.c.number, blobs.c.size)
        .select_from(versions.join(blobs, blobs.c.hash == versions.c.content_blob))
        .where(versions.c.article_id == article_id, versions.c.trivial.is_(False))
        .order_by(versions.c.number)
    )
    return [TextSize(number=int(n), size=int(size)) for n, size in conn.execute(query)]


def spread(delays: Sequence[int]) -> Spread:
    """Median, p90 (nearest rank) and the DELAY_BINS histogram of delays in whole microseconds.

    Figures are in seconds, each a delay / 1,000,000 exactly as a float division gives it
    (the median of an even count is the mean of the two middle ones, as statistics.median);
    the microseconds are sorted, and a bin's bound compared in microseconds, which is exact.
    """
    if not delays:
        return Spread(count=0, bins=tuple(Count(name=label, count=0) for label, _ in DELAY_BINS))
    ordered = sorted(delays)
    counts, below = [], 0
    for _, upper in DELAY_BINS:  # a delay goes in the first bin whose upper bound exceeds it
        upto = len(ordered) if upper is None else bisect.bisect_left(ordered, upper * 1_000_000)
        counts.append(upto - below)
        below = upto
    half = len(ordered) // 2
    middle = ordered[half] / 1_000_000
    if len(ordered) % 2 == 0:
        middle = (ordered[half - 1] / 1_000_000 + middle) / 2
    return Spread(
        count=len(ordered),
        median=float(middle),
        p90=float(ordered[math.ceil(0.9 * len(ordered)) - 1] / 1_000_000),
        bins=tuple(
            Count(name=label, count=n) for (label, _), n in zip(DELAY_BINS, counts, strict=True)
        ),
    )
