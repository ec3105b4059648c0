"""Read queries behind the web pages: change lists with keyset paging, figures, search, health.

Kept apart from reads.py because only the web needs them. Everything returns kernel records
or the small frozen rows below, never a SQLAlchemy Row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import ArticleStatus, CheckResult
from copydesk.store import search as search_index
from copydesk.store import writes
from copydesk.store.database import Database
from copydesk.store.facade import Store
from copydesk.store.schema import articles, checks, endpoints, sources, versions
from copydesk.store.search import fts as _fts
from copydesk.store.search import pg_search as _pg_search

_HIDDEN = ArticleStatus.HIDDEN.value
_ACTIVE = ArticleStatus.ACTIVE.value
_EXCERPT = 240
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRow:
    """One visible version in a list of changes, with what is needed to link and label it."""

    version_id: int
    article_id: int
    article_url: str
    source: str
    number: int
    captured_at: datetime
    title: str
    change_kind: str | None
    change_flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeCursor:
    """Where the next page of a newest-first list starts (exclusive)."""

    captured_at: datetime
    version_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangePage:
    rows: tuple[ChangeRow, ...]
    next_cursor: ChangeCursor | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFigures:
    """Per-source totals for the sources list."""

    name: str
    articles: int
    active: int
    versions: int
    changed_articles: int
    edits: int  # visible versions after the first
    failing: int  # articles whose last check failed
    last_check_at: datetime | None
    last_change_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStatistics:
    """One source's edit statistics: per-day counts, time to first edit, stealth share."""

    edits_per_day: tuple[tuple[date, int], ...]
    median_first_edit: timedelta | None
    stealth_edits: int
    edits: int

    @property
    def stealth_share(self) -> float | None:
        return self.stealth_edits / self.edits if self.edits else None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceHealth:
    """Freshness of one source: when it was last checked, polled, and last produced a version."""

    name: str
    active_articles: int
    failing_articles: int
    last_check_at: datetime | None
    last_version_at: datetime | None
    last_poll_at: datetime | None
    failing_endpoints: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    version_id: int
    article_id: int
    article_url: str
    source: str
    number: int
    captured_at: datetime
    title: str
    excerpt: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceCounts:
    """Monitoring totals for one source (active or not): what /metrics exports."""

    name: str
    active: bool
    articles_by_status: tuple[tuple[str, int], ...]
    versions: int  # visible versions
    checks_by_outcome: tuple[tuple[str, int], ...]


def _db(store: Store) -> Database:
    return store._db


def record_checks(store: Store, results: Sequence[CheckResult]) -> int:
    """Store many checks in one transaction, each exactly as Store.record_check would.

    For loading test and benchmark databases: one commit per thousand checks instead of one
    per check. Returns how many new versions were stored.
    """
    db = _db(store)
    with db.write() as conn:
        return sum(writes.record_check(db, conn, result) is not None for result in results)


# ---- recent changes -----------------------------------------------------------------------


def _change_select() -> sa.Select[Any]:
    return (
        sa.select(
            versions.c.id,
            versions.c.article_id,
            versions.c.number,
            versions.c.captured_at,
            versions.c.title,
            versions.c.change_kind,
            versions.c.change_flags,
            articles.c.url,
            sources.c.name.label("source_name"),
        )
        .join(articles, articles.c.id == versions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(versions.c.trivial.is_(False), articles.c.status != _HIDDEN)
    )


def _change_row(row: Any) -> ChangeRow:
    return ChangeRow(
        version_id=row.id,
        article_id=row.article_id,
        article_url=row.url,
        source=row.source_name,
        number=row.number,
        captured_at=row.captured_at,
        title=row.title,
        change_kind=row.change_kind,
        change_flags=tuple(row.change_flags or ()),
    )


def _kind_filter(query: sa.Select[Any], kind: str | None) -> sa.Select[Any]:
    """None: changes (versions after the first); "new": first versions; "all": both."""
    if kind == "new":
        return query.where(versions.c.number == 1)
    if kind == "all":
        return query
    query = query.where(versions.c.number > 1)
    return query if kind is None else query.where(versions.c.change_kind == kind)


def recent_changes(
    store: Store,
    *,
    source: str | None = None,
    kind: str | None = None,
    article_id: int | None = None,
    before: ChangeCursor | None = None,
    limit: int = 50,
) -> ChangePage:
    """Newest first, paged by (captured_at, id) so deep pages cost what the first one does."""
    query = _kind_filter(_change_select(), kind)
    if source is not None:
        # "+ 0" keeps the planner off ix_articles_source_id: through it SQLite would sort the
        # source's whole history; walking the time index and skipping others stays flat.
        source_id = sa.select(sources.c.id).where(sources.c.name == source).scalar_subquery()
        query = query.where((articles.c.source_id + 0) == source_id)
    if article_id is not None:
        query = query.where(versions.c.article_id == article_id)
    if before is not None:
        # The leading "<=" gives SQLite an index range even with bound parameters; the OR
        # form alone made it scan the time index from the newest entry down to the cursor.
        query = query.where(
            versions.c.captured_at <= before.captured_at,
            sa.or_(
                versions.c.captured_at < before.captured_at,
                versions.c.id < before.version_id,
            ),
        )
    query = query.order_by(versions.c.captured_at.desc(), versions.c.id.desc()).limit(limit + 1)
    with _db(store).read() as conn:
        rows = [_change_row(row) for row in conn.execute(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = (
        ChangeCursor(captured_at=rows[-1].captured_at, version_id=rows[-1].version_id)
        if more
        else None
    )
    return ChangePage(rows=tuple(rows), next_cursor=cursor)


# ---- figures and health -------------------------------------------------------------------


def source_figures(store: Store) -> list[SourceFigures]:
    """Totals for every active source, by name; sources without articles get zeros."""
    failing = sa.case((articles.c.consecutive_errors > 0, 1), else_=0)
    active = sa.case((articles.c.status == _ACTIVE, 1), else_=0)
    changed = sa.case((articles.c.version_count > 1, 1), else_=0)
    edits = sa.case((articles.c.version_count > 1, articles.c.version_count - 1), else_=0)
    query = (
        sa.select(
            sources.c.name,
            sa.func.count(articles.c.id).label("articles"),
            sa.func.coalesce(sa.func.sum(active), 0).label("active"),
            sa.func.coalesce(sa.func.sum(articles.c.version_count), 0).label("versions"),
            sa.func.coalesce(sa.func.sum(changed), 0).label("changed"),
            sa.func.coalesce(sa.func.sum(edits), 0).label("edits"),
            sa.func.coalesce(sa.func.sum(failing), 0).label("failing"),
            sa.func.max(articles.c.last_checked_at).label("last_check_at"),
            sa.func.max(articles.c.last_change_at).label("last_change_at"),
        )
        .select_from(sources.outerjoin(articles, articles.c.source_id == sources.c.id))
        .where(sources.c.active.is_(True))
        .group_by(sources.c.id, sources.c.name)
        .order_by(sources.c.name)
    )
    with _db(store).read() as conn:
        return [_figures(row) for row in conn.execute(query)]


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


def source_statistics(
    store: Store, name: str, *, now: datetime, days: int = 30
) -> SourceStatistics:
    """Edits per day over the last `days`, median time from first version to first edit."""
    since = now - timedelta(days=days)
    base = (
        sa.select(versions.c.captured_at, versions.c.change_flags)
        .join(articles, articles.c.id == versions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(sources.c.name == name, versions.c.trivial.is_(False), versions.c.number > 1)
    )
    with _db(store).read() as conn:
        recent = conn.execute(base.where(versions.c.captured_at >= since)).all()
        first_edits = _first_edit_delays(conn, name)
    per_day = Counter(row.captured_at.date() for row in recent)
    stealth = sum(1 for row in recent if "stealth" in (row.change_flags or ()))
    return SourceStatistics(
        edits_per_day=tuple(
            (day, per_day.get(day, 0))
            for day in ((now - timedelta(days=n)).date() for n in range(days - 1, -1, -1))
        ),
        median_first_edit=_median(first_edits),
        stealth_edits=stealth,
        edits=len(recent),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=median(v.total_seconds() for v in values))


def _first_edit_delays(conn: Connection, name: str, limit: int = 5000) -> list[timedelta]:
    first = versions.alias("first")
    second = versions.alias("second")
    query = (
        sa.select(first.c.captured_at.label("a"), second.c.captured_at.label("b"))
        .join(second, sa.and_(second.c.article_id == first.c.article_id, second.c.number == 2))
        .join(articles, articles.c.id == first.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(
            sources.c.name == name,
            first.c.number == 1,
            first.c.seq == 1,
            second.c.trivial.is_(False),
        )
        .order_by(first.c.article_id.desc())
        .limit(limit)
    )
    return [row.b - row.a for row in conn.execute(query)]


def source_health(store: Store) -> list[SourceHealth]:
    """Freshness of every active source, including those that have produced nothing at all."""
    figures = {f.name: f for f in source_figures(store)}
    poll = sa.select(
        sources.c.name,
        sa.func.max(endpoints.c.last_polled_at).label("last_poll_at"),
        sa.func.coalesce(
            sa.func.sum(sa.case((endpoints.c.consecutive_errors > 0, 1), else_=0)), 0
        ).label("failing"),
    ).select_from(sources.join(endpoints, endpoints.c.source_id == sources.c.id))
    poll = poll.where(sources.c.active.is_(True)).group_by(sources.c.name)
    with _db(store).read() as conn:
        polls = {row.name: row for row in conn.execute(poll)}
    return [_health(fig, polls.get(name)) for name, fig in figures.items()]


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


def source_counts(store: Store) -> list[SourceCounts]:
    """Articles by status, visible versions and checks by outcome, per source, by name."""
    by_status = sa.select(
        articles.c.source_id,
        articles.c.status,
        sa.func.count().label("n"),
        sa.func.coalesce(sa.func.sum(articles.c.version_count), 0).label("versions"),
    ).group_by(articles.c.source_id, articles.c.status)
    by_outcome = (
        sa.select(articles.c.source_id, checks.c.outcome, sa.func.count().label("n"))
        .join(articles, articles.c.id == checks.c.article_id)
        .group_by(articles.c.source_id, checks.c.outcome)
    )
    with _db(store).read() as conn:
        named = conn.execute(sa.select(sources.c.id, sources.c.name, sources.c.active)).all()
        statuses = conn.execute(by_status).all()
        outcomes = conn.execute(by_outcome).all()
    return [
        SourceCounts(
            name=row.name,
            active=bool(row.active),
            articles_by_status=tuple(
                sorted((s.status, s.n) for s in statuses if s.source_id == row.id)
            ),
            versions=sum(int(s.versions) for s in statuses if s.source_id == row.id),
            checks_by_outcome=tuple(
                sorted((o.outcome, o.n) for o in outcomes if o.source_id == row.id)
            ),
        )
        for row in sorted(named, key=lambda r: r.name)
    ]


# ---- full-text search ---------------------------------------------------------------------


def search_terms(query: str) -> list[str]:
    """The words of a user's query; punctuation and search syntax are ignored on purpose."""
    return _WORD.findall(query.lower())[:20]


def sync_search_index(store: Store) -> int:
    """Index visible versions not yet in the search table; returns how many were added."""
    return search_index.sync(_db(store))


def search_index_behind(store: Store) -> bool:
    """True when a visible version is newer than the newest indexed one: one cheap read."""
    return search_index.behind(_db(store))


def search(
    store: Store,
    query: str,
    *,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Visible versions containing every word of `query`, newest first (by version id)."""
    terms = search_terms(query)
    if not terms:
        return []
    # Never a write here: the tracker indexes each version in its check's transaction, so a
    # public GET never waits for (or takes) the write lock.
    db = _db(store)
    select, key = _search_select(db, terms)
    if source is not None:
        select = select.where(sources.c.name == source)
    if since is not None:
        select = select.where(versions.c.captured_at >= since)
    if until is not None:
        select = select.where(versions.c.captured_at < until)
    if before_id is not None:
        select = select.where(key < before_id)
    # Ordering by the index's own key lets FTS5 walk its rowids newest first and stop early.
    select = select.order_by(key.desc()).limit(limit)
    with db.read() as conn:
        return [_hit(row, terms) for row in conn.execute(select)]


def _search_select(db: Database, terms: Sequence[str]) -> tuple[sa.Select[Any], Any]:
    if db.dialect == "sqlite":
        index: Any = _fts
        key, body = _fts.c.rowid, _fts.c.body
        # Each term quoted: user text never reaches FTS5 as query syntax.
        match: Any = sa.text("version_search MATCH :terms").bindparams(
            terms=" ".join(f'"{t}"' for t in terms)
        )
    else:
        index, key, body = _pg_search, _pg_search.c.version_id, _pg_search.c.body
        match = _pg_search.c.document.op("@@")(sa.func.plainto_tsquery("simple", " ".join(terms)))
    select = (
        sa.select(
            versions.c.id,
            versions.c.article_id,
            versions.c.number,
            versions.c.captured_at,
            versions.c.title,
            articles.c.url,
            sources.c.name.label("source_name"),
            body.label("body"),
        )
        .select_from(index)
        .join(versions, versions.c.id == key)
        .join(articles, articles.c.id == versions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(match, articles.c.status != _HIDDEN)
    )
    return select, key


def _hit(row: Any, terms: Sequence[str]) -> SearchHit:
    return SearchHit(
        version_id=row.id,
        article_id=row.article_id,
        article_url=row.url,
        source=row.source_name,
        number=row.number,
        captured_at=row.captured_at,
        title=row.title,
        excerpt=excerpt(row.body or "", terms),
    )


def excerpt(body: str, terms: Sequence[str], width: int = _EXCERPT) -> str:
    """A window of `body` around the first matching term, cut at word boundaries."""
    lowered = body.lower()
    found = [lowered.find(t) for t in terms]
    hits = [i for i in found if i >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    text = " ".join(body[start:end].split())
    return ("… " if start else "") + text + (" …" if end < len(body) else "")
