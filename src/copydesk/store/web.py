"""Read queries behind the web pages: change lists with keyset paging, figures, search, health.

Kept apart from reads.py because only the web needs them. Everything returns kernel records
or the small frozen rows below, never a SQLAlchemy Row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from typing import Any

import sqlalchemy as sa

from copydesk.records import ArticleStatus
from copydesk.store import search as search_index
from copydesk.store.blobs import decode_paragraphs
from copydesk.store.database import Database
from copydesk.store.facade import Store
from copydesk.store.retention import check_counts
from copydesk.store.schema import (
    articles,
    blobs,
    endpoints,
    source_days,
    sources,
    versions,
)
from copydesk.store.schema import source_counts as source_counts_table

_HIDDEN = ArticleStatus.HIDDEN.value
_ACTIVE = ArticleStatus.ACTIVE.value
_EXCERPT = 240
_COUNTED = ("articles", "active", "versions", "changed", "edits")
_FIRST_EDITS = 5000  # the median time to first edit looks at this many latest articles
# Letters and digits: FTS5's unicode61 splits on "_" too, and a term it split would become a
# phrase, which an index without positions cannot answer.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


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


def _source_id(name: str) -> Any:
    return sa.select(sources.c.id).where(sources.c.name == name).scalar_subquery()


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
        # ix_versions_source_id_captured_at_id: the source's own changes, newest first.
        query = query.where(versions.c.source_id == _source_id(source))
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


def source_figures(store: Store, *, name: str | None = None) -> list[SourceFigures]:
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
    with _db(store).read() as conn:
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


def source_statistics(
    store: Store, name: str, *, now: datetime, days: int = 30
) -> SourceStatistics:
    """Edits per UTC day over the last `days` (today included); median time to first edit.

    The median is over the source's latest 5,000 edited articles (first version to first
    visible edit). Both come from trigger-kept figures: a few rows, however long the history.
    """
    first_day = (now - timedelta(days=days - 1)).date()
    source_id = _source_id(name)
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
    with _db(store).read() as conn:
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
    with _db(store).read() as conn:
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
        select = select.where(versions.c.source_id == _source_id(source))
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
    key = search_index.index_key(db)
    if db.dialect == "sqlite":
        index: Any = search_index.fts
        # Each term quoted: user text never reaches FTS5 as query syntax.
        match: Any = sa.text("version_search MATCH :terms").bindparams(
            terms=" ".join(f'"{t}"' for t in terms)
        )
    else:
        index = search_index.pg_search
        match = search_index.pg_search.c.document.op("@@")(
            sa.func.plainto_tsquery("simple", " ".join(terms))
        )
    select = (
        sa.select(
            versions.c.id,
            versions.c.article_id,
            versions.c.number,
            versions.c.captured_at,
            versions.c.title,
            articles.c.url,
            sources.c.name.label("source_name"),
            blobs.c.data.label("content_data"),
        )
        .select_from(index)
        .join(versions, versions.c.id == key)
        .join(articles, articles.c.id == versions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .join(blobs, blobs.c.hash == versions.c.content_blob)
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
        excerpt=excerpt(search_index.body(decode_paragraphs(row.content_data)), terms),
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
