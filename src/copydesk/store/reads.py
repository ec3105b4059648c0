"""Queries that turn rows into kernel records; nothing here writes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import (
    ArticleStatus,
    ChangeRow,
    Check,
    CheckOutcome,
    Endpoint,
    EndpointKind,
    ExtractRules,
    Origin,
    Provenance,
    SearchHit,
    Source,
    TrackedArticle,
    Version,
    VersionSummary,
)
from copydesk.store.blobs import decode_paragraphs
from copydesk.store.schema import (
    article_urls,
    articles,
    blobs,
    checks,
    endpoints,
    sources,
    versions,
)

_EXPORT_BATCH = 200
_Listed = TypeVar("_Listed", ChangeRow, SearchHit)

# ---- row -> record ------------------------------------------------------------------------


def source_id_of(name: str) -> Any:
    """The id of the source named `name`, as a subquery (no read of its own)."""
    return sa.select(sources.c.id).where(sources.c.name == name).scalar_subquery()


def listed_columns() -> tuple[Any, ...]:
    """The columns `listed_from_row` reads (a query joining versions, articles and sources)."""
    return (
        versions.c.id,
        versions.c.article_id,
        versions.c.number,
        versions.c.captured_at,
        versions.c.title,
        articles.c.url,
        sources.c.name.label("source_name"),
    )


def listed_from_row(cls: type[_Listed], row: Any, **rest: Any) -> _Listed:
    """A ChangeRow or a SearchHit: the fields they share read one way, plus their own (`rest`)."""
    return cls(
        version_id=row.id,
        article_id=row.article_id,
        article_url=row.url,
        source=row.source_name,
        number=row.number,
        captured_at=row.captured_at,
        title=row.title,
        **rest,
    )


def source_from_row(row: Any) -> Source:
    return Source(
        name=row.name,
        include=tuple(row.include or ()),
        exclude=tuple(row.exclude or ()),
        extract_rules=ExtractRules(
            keep=tuple(row.extract_keep or ()), drop=tuple(row.extract_drop or ())
        ),
        id=row.id,
        created_at=row.created_at,
    )


def endpoint_from_row(row: Any) -> Endpoint:
    return Endpoint(
        url=row.url,
        kind=EndpointKind(row.kind),
        source=row.source_name,
        id=row.id,
        next_poll_at=row.next_poll_at,
        etag=row.etag,
        last_modified=row.last_modified,
        consecutive_errors=row.consecutive_errors,
        last_error=row.last_error,
        last_polled_at=row.last_polled_at,
        last_ok_at=row.last_ok_at,
    )


def article_from_row(row: Any) -> TrackedArticle:
    return TrackedArticle(
        id=row.id,
        url=row.url,
        source=row.source_name,
        status=ArticleStatus(row.status),
        first_seen_at=row.first_seen_at,
        next_check_at=row.next_check_at,
        last_checked_at=row.last_checked_at,
        last_change_at=row.last_change_at,
        consecutive_errors=row.consecutive_errors,
        version_count=row.version_count,
        etag=row.etag,
        last_modified=row.last_modified,
        title=row.title,
        hidden_reason=row.hidden_reason,
        hint_at=row.hint_at,
        listed_at=row.listed_at,
        listed_rank=row.listed_rank,
        gone_at=row.gone_at,
        content_hash=row.content_hash,
        extractor=row.extractor,
        fast_hash=row.fast_hash,
        fast_checks=row.fast_checks,
        last_seen_at=row.last_seen_at,
    )


def version_from_row(row: Any) -> Version:
    return Version(
        article_id=row.article_id,
        number=row.number,
        captured_at=row.captured_at,
        title=row.title,
        byline=row.byline,
        published_at=row.published_at,
        paragraphs=decode_paragraphs(row.content_data),
        trivial=row.trivial,
        extractor=row.extractor,
        content_hash=row.content_hash,
        id=row.id,
        html_hash=row.html_blob,
        seq=row.seq,
        change_kind=row.change_kind,
        change_flags=tuple(row.change_flags or ()),
        content_type=row.content_type,
        provenance=Provenance(
            origin=Origin(row.origin or Origin.FETCH.value),
            file=row.origin_file,
            record_id=row.origin_record,
            memento_url=row.memento_url,
        ),
    )


def check_from_row(row: Any) -> Check:
    return Check(
        article_id=row.article_id,
        checked_at=row.checked_at,
        outcome=CheckOutcome(row.outcome),
        status=row.status,
        error=row.error,
        etag=row.etag,
        last_modified=row.last_modified,
        html_hash=row.html_hash,
        elapsed=row.elapsed,
        capture_id=row.capture_id,
    )


# ---- selects ------------------------------------------------------------------------------


def endpoint_select() -> sa.Select[Any]:
    return sa.select(endpoints, sources.c.name.label("source_name")).join(
        sources, sources.c.id == endpoints.c.source_id
    )


def article_select() -> sa.Select[Any]:
    return sa.select(articles, sources.c.name.label("source_name")).join(
        sources, sources.c.id == articles.c.source_id
    )


def version_select() -> sa.Select[Any]:
    return sa.select(versions, blobs.c.data.label("content_data")).join(
        blobs, blobs.c.hash == versions.c.content_blob
    )


# ---- sources and endpoints ----------------------------------------------------------------


def get_source(conn: Connection, name: str) -> Source | None:
    row = conn.execute(
        sa.select(sources).where(sources.c.name == name, sources.c.active.is_(True))
    ).first()
    return None if row is None else source_from_row(row)


def list_sources(conn: Connection) -> list[Source]:
    rows = conn.execute(
        sa.select(sources).where(sources.c.active.is_(True)).order_by(sources.c.name)
    )
    return [source_from_row(row) for row in rows]


def get_endpoint(conn: Connection, *, url: str) -> Endpoint | None:
    row = conn.execute(endpoint_select().where(endpoints.c.url == url)).first()
    return None if row is None else endpoint_from_row(row)


def list_endpoints(conn: Connection, source: str | None) -> list[Endpoint]:
    query = endpoint_select().order_by(endpoints.c.id)
    if source is not None:
        query = query.where(sources.c.name == source)
    return [endpoint_from_row(row) for row in conn.execute(query)]


def due_endpoints(conn: Connection, now: datetime, limit: int) -> list[Endpoint]:
    query = (
        endpoint_select()
        .where(sources.c.active.is_(True), endpoints.c.next_poll_at <= now)
        .order_by(endpoints.c.next_poll_at, endpoints.c.id)
        .limit(limit)
    )
    return [endpoint_from_row(row) for row in conn.execute(query)]


# ---- articles -----------------------------------------------------------------------------


def get_article(conn: Connection, article_id: int) -> TrackedArticle | None:
    row = conn.execute(article_select().where(articles.c.id == article_id)).first()
    return None if row is None else article_from_row(row)


def find_article(conn: Connection, url: str) -> TrackedArticle | None:
    """The article at `url`, or the one that moved away from it."""
    row = conn.execute(article_select().where(articles.c.url == url)).first()
    if row is None:
        moved = conn.execute(
            sa.select(article_urls.c.article_id).where(article_urls.c.url == url)
        ).scalar()
        return None if moved is None else get_article(conn, int(moved))
    return article_from_row(row)


def articles_by_id(conn: Connection, ids: Sequence[int]) -> list[TrackedArticle]:
    """The articles with these ids, in the order of `ids`."""
    if not ids:
        return []
    rows = conn.execute(article_select().where(articles.c.id.in_(list(ids))))
    found = {row.id: article_from_row(row) for row in rows}
    return [found[i] for i in ids if i in found]


def list_articles(conn: Connection, source: str | None, limit: int) -> list[TrackedArticle]:
    """Most recently discovered first."""
    query = article_select().order_by(articles.c.id.desc()).limit(limit)
    if source is not None:
        query = query.where(sources.c.name == source)
    return [article_from_row(row) for row in conn.execute(query)]


def next_due_at(conn: Connection) -> datetime | None:
    article_due = conn.execute(
        sa.select(sa.func.min(articles.c.next_check_at)).where(
            articles.c.status == ArticleStatus.ACTIVE.value
        )
    ).scalar()
    endpoint_due = conn.execute(
        sa.select(sa.func.min(endpoints.c.next_poll_at))
        .join(sources, sources.c.id == endpoints.c.source_id)
        .where(sources.c.active.is_(True))
    ).scalar()
    candidates = [d for d in (article_due, endpoint_due) if d is not None]
    return min(candidates) if candidates else None


# ---- versions and checks ------------------------------------------------------------------


def latest_version(conn: Connection, article_id: int, include_trivial: bool) -> Version | None:
    query = version_select().where(versions.c.article_id == article_id)
    if not include_trivial:
        query = query.where(versions.c.trivial.is_(False))
    row = conn.execute(query.order_by(versions.c.seq.desc()).limit(1)).first()
    return None if row is None else version_from_row(row)


def list_versions(conn: Connection, article_id: int, include_trivial: bool) -> list[Version]:
    query = version_select().where(versions.c.article_id == article_id)
    if not include_trivial:
        query = query.where(versions.c.trivial.is_(False))
    return [version_from_row(row) for row in conn.execute(query.order_by(versions.c.seq))]


def list_version_summaries(conn: Connection, article_id: int) -> list[VersionSummary]:
    """Visible versions oldest first, read from the version rows alone (no blob is opened)."""
    query = (
        sa.select(
            versions.c.number,
            versions.c.captured_at,
            versions.c.title,
            versions.c.change_kind,
            versions.c.change_flags,
        )
        .where(versions.c.article_id == article_id, versions.c.trivial.is_(False))
        .order_by(versions.c.number)  # visible numbers are 1, 2, 3 …: the index's own order
    )
    return [
        VersionSummary(
            article_id=article_id,
            number=row.number,
            captured_at=row.captured_at,
            title=row.title,
            change_kind=row.change_kind,
            change_flags=tuple(row.change_flags or ()),
        )
        for row in conn.execute(query)
    ]


def get_version(conn: Connection, article_id: int, number: int) -> Version | None:
    query = version_select().where(
        versions.c.article_id == article_id,
        versions.c.number == number,
        versions.c.trivial.is_(False),
    )
    row = conn.execute(query.order_by(versions.c.seq).limit(1)).first()
    return None if row is None else version_from_row(row)


def html_blob_of(conn: Connection, version_id: int) -> str | None:
    return conn.execute(sa.select(versions.c.html_blob).where(versions.c.id == version_id)).scalar()


def list_checks(conn: Connection, article_id: int, limit: int) -> list[Check]:
    query = (
        sa.select(checks)
        .where(checks.c.article_id == article_id)
        .order_by(checks.c.checked_at.desc(), checks.c.id.desc())
        .limit(limit)
    )
    return [check_from_row(row) for row in conn.execute(query)]


def iter_export(
    conn: Connection, include_trivial: bool
) -> Iterator[tuple[TrackedArticle, Version]]:
    """Every (article, version) pair, oldest article first, fetched in batches."""
    query = (
        sa.select(
            articles,
            sources.c.name.label("source_name"),
            versions.c.id.label("v_id"),
            *(c.label(f"v_{c.name}") for c in versions.c if c.name != "id"),
            blobs.c.data.label("v_content_data"),
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .join(versions, versions.c.article_id == articles.c.id)
        .join(blobs, blobs.c.hash == versions.c.content_blob)
        .order_by(articles.c.id, versions.c.seq)
    )
    if not include_trivial:
        query = query.where(versions.c.trivial.is_(False))
    article: TrackedArticle | None = None
    for row in conn.execute(query.execution_options(yield_per=_EXPORT_BATCH)):
        if article is None or article.id != row.id:
            article = article_from_row(row)
        yield article, version_from_row(_Prefixed(row, "v_"))


class _Prefixed:
    """Read `v_<name>` columns of a joined row as if they were `<name>`."""

    __slots__ = ("_prefix", "_row")

    def __init__(self, row: Any, prefix: str) -> None:
        self._row = row
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)
