"""Where each source's pages keep the article text (records.Locator), shared by every worker.

A locator is learned from a full extraction and written with that check; one whose fingerprint
missed a change is marked (`misses`) in the check that found out, and is never handed out again.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import Locator
from copydesk.store.database import Database
from copydesk.store.schema import articles, locators, sources


def _source_of(article_id: int) -> sa.ScalarSelect[int]:
    return sa.select(articles.c.source_id).where(articles.c.id == article_id).scalar_subquery()


def remember(
    db: Database, conn: Connection, article_id: int, locator: Locator, now: datetime
) -> None:
    """Store a locator for the article's source, once (a concurrent equal one is fine)."""
    source_id = conn.execute(sa.select(_source_of(article_id))).scalar()
    if source_id is None:
        return
    row = {
        "source_id": int(source_id),
        "digest": locator.digest,
        "selector": locator.selector,
        "skip": list(locator.skip),
        "misses": 0,
        "created_at": now,
    }
    conn.execute(db.insert_ignoring_conflicts(locators, [row], keys=["source_id", "digest"]))


def missed(conn: Connection, article_id: int, digest: str) -> None:
    """Mark a locator whose fingerprint stayed the same while the article text changed."""
    conn.execute(
        sa.update(locators)
        .where(locators.c.source_id == _source_of(article_id), locators.c.digest == digest)
        .values(misses=locators.c.misses + 1)
    )


def read_locators(conn: Connection, source: str) -> dict[str, Locator]:
    """The source's locators that never missed, by digest."""
    rows = conn.execute(
        sa.select(locators.c.selector, locators.c.skip)
        .join(sources, sources.c.id == locators.c.source_id)
        .where(sources.c.name == source, locators.c.misses == 0)
    )
    found = [Locator(selector=row.selector, skip=tuple(row.skip or ())) for row in rows]
    return {locator.digest: locator for locator in found}
