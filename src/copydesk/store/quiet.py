"""The write of a check that stored no version (most checks): two statements built once.

Building an SQLAlchemy statement per check (values, coercions, cache keys) cost more than
running it; these are built at import with bound parameters, so a quiet check only binds and
executes. The rules are those of writes._update_checked_article for a check without a version.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import ArticleStatus, CheckOutcome, CheckResult
from copydesk.store.blobs import sha256_hex
from copydesk.store.schema import UTCDateTime, articles, checks

_FAILED = frozenset({CheckOutcome.ERROR, CheckOutcome.GONE})


def _flag(name: str) -> sa.BindParameter[bool]:
    return sa.bindparam(name, type_=sa.Boolean())


def _keep_unless_failed(column: sa.Column[Any], new: sa.ColumnElement[Any]) -> sa.Case[Any]:
    return sa.case((_flag("failed"), column), else_=new)


_AT = sa.bindparam("checked_at", type_=UTCDateTime())

_VALUES: dict[str, Any] = {
    "next_check_at": sa.bindparam("next_check_at", type_=UTCDateTime()),
    "lease_until": None,
    "last_checked_at": _AT,
    "consecutive_errors": sa.case((_flag("failed"), articles.c.consecutive_errors + 1), else_=0),
    "last_seen_at": _keep_unless_failed(articles.c.last_seen_at, _AT),
    # A 304 need not repeat its validators: keep the ones we have rather than lose them.
    "etag": _keep_unless_failed(
        articles.c.etag, sa.func.coalesce(sa.bindparam("etag"), articles.c.etag)
    ),
    "last_modified": _keep_unless_failed(
        articles.c.last_modified,
        sa.func.coalesce(sa.bindparam("last_modified"), articles.c.last_modified),
    ),
    "fast_hash": sa.case((_flag("fresh"), sa.bindparam("fast_hash")), else_=articles.c.fast_hash),
    "fast_checks": sa.case(
        (_flag("fast"), articles.c.fast_checks + 1),
        (_flag("fresh"), 0),
        else_=articles.c.fast_checks,
    ),
    "content_hash": sa.func.coalesce(sa.bindparam("text_hash"), articles.c.content_hash),
    "extractor": sa.func.coalesce(sa.bindparam("extractor"), articles.c.extractor),
}
_WHERE = articles.c.id == sa.bindparam("article_id")
# `status` only when the article retires: the per-source figure triggers (0008) watch it.
UPDATE_ARTICLE = sa.update(articles).where(_WHERE).values(_VALUES)
UPDATE_RETIRED = (
    sa.update(articles).where(_WHERE).values({**_VALUES, "status": ArticleStatus.RETIRED.value})
)

INSERT_CHECK = sa.insert(checks)


def applies(result: CheckResult) -> bool:
    """Whether these statements write `result`: no version, and not an interrupted check."""
    return result.article is None and result.check.outcome is not CheckOutcome.INTERRUPTED


def update_article(conn: Connection, result: CheckResult) -> bool:
    """The article's state after a quiet or failed check; False when no such article exists."""
    check = result.check
    failed = check.outcome in _FAILED
    read = check.outcome is CheckOutcome.UNCHANGED  # the text was read (fast or in full)
    done = conn.execute(
        UPDATE_RETIRED if result.retired else UPDATE_ARTICLE,
        {
            "article_id": check.article_id,
            "next_check_at": result.next_check_at,
            "checked_at": check.checked_at,
            "failed": failed,
            "etag": check.etag,
            "last_modified": check.last_modified,
            "fast": read and result.fast_path,
            "fresh": read and not result.fast_path,
            "fast_hash": result.fast_hash,
            "text_hash": result.text_hash,
            "extractor": result.extractor,
        },
    )
    return bool(done.rowcount)


def insert_check(conn: Connection, result: CheckResult) -> None:
    check = result.check
    html_hash = check.html_hash
    if html_hash is None and result.raw_html is not None:
        html_hash = sha256_hex(result.raw_html)
    conn.execute(
        INSERT_CHECK,
        {
            "article_id": check.article_id,
            "checked_at": check.checked_at,
            "status": check.status,
            "outcome": check.outcome.value,
            "error": check.error,
            "etag": check.etag,
            "last_modified": check.last_modified,
            "html_hash": html_hash,
            "elapsed": check.elapsed,
            "capture_id": check.capture_id,
            "version_id": None,
        },
    )
