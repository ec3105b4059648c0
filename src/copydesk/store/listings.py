"""Listing signals: which articles a feed, sitemap or front page lists, and where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.store.schema import articles


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """The poll that produced some candidates: its endpoint's previous good poll, and ranks."""

    previous: datetime | None = None  # the endpoint's last poll that gave a listing
    ranked: bool = False  # a front page: the order of the links is their prominence

    def moved(self, row: Any, rank: int | None) -> bool:
        """A known article came back onto the listing, or moved up 3 or more places."""
        previous = self.previous
        if row.listed_at is not None and previous is not None and row.listed_at < previous:
            return True
        return rank is not None and row.listed_rank is not None and row.listed_rank - rank >= 3


def newest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def mark_listed(
    conn: Connection, ranks: dict[int, int | None], now: datetime, ranked: bool
) -> None:
    if not ranks:
        return
    values: dict[str, Any] = {"listed_at": now}
    if ranked:
        values["listed_rank"] = sa.case(ranks, value=articles.c.id, else_=None)
    conn.execute(sa.update(articles).where(articles.c.id.in_(list(ranks))).values(**values))


def keep_listed(conn: Connection, source_id: int, since: datetime, now: datetime) -> int:
    """A listing unchanged since `since` (a 304) still lists what it listed then."""
    result = conn.execute(
        sa.update(articles)
        .where(articles.c.source_id == source_id, articles.c.listed_at >= since)
        .values(listed_at=now)
    )
    return int(result.rowcount or 0)
