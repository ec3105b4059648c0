"""Change lists: visible versions newest first, paged by keyset, so deep pages cost no more."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import ArticleStatus, ChangeCursor, ChangePage, ChangeRow
from copydesk.store.reads import listed_columns, listed_from_row, source_id_of
from copydesk.store.schema import articles, sources, versions

_HIDDEN = ArticleStatus.HIDDEN.value


def _change_select() -> sa.Select[Any]:
    return (
        sa.select(*listed_columns(), versions.c.change_kind, versions.c.change_flags)
        .join(articles, articles.c.id == versions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(versions.c.trivial.is_(False), articles.c.status != _HIDDEN)
    )


def _change_row(row: Any) -> ChangeRow:
    return listed_from_row(
        ChangeRow,
        row,
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
    conn: Connection,
    *,
    source: str | None,
    kind: str | None,
    article_id: int | None,
    before: ChangeCursor | None,
    limit: int,
) -> ChangePage:
    """Newest first, paged by (captured_at, id)."""
    query = _kind_filter(_change_select(), kind)
    if source is not None:
        # ix_versions_source_id_captured_at_id: the source's own changes, newest first.
        query = query.where(versions.c.source_id == source_id_of(source))
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
    rows = [_change_row(row) for row in conn.execute(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = (
        ChangeCursor(captured_at=rows[-1].captured_at, version_id=rows[-1].version_id)
        if more
        else None
    )
    return ChangePage(rows=tuple(rows), next_cursor=cursor)
