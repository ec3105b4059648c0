"""The change-log excerpt of each visible version (records.Excerpt), written with the version.

The pipeline chooses it by copydesk.diff.excerpt (the rule notifications use) when it stores
the version; pages and feeds read it here by version id, so a change list never re-runs a diff.
Versions stored before excerpts were kept, or by the bulk loader, have none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import Excerpt
from copydesk.store.schema import version_excerpts

_READ_BATCH = 500


def to_json(excerpt: Excerpt) -> dict[str, Any]:
    return {
        "title_old": excerpt.title_old,
        "title_new": excerpt.title_new,
        "spans": [list(span) for span in excerpt.spans],
        "paragraph": excerpt.paragraph,
        "cut_start": excerpt.cut_start,
        "cut_end": excerpt.cut_end,
    }


def from_json(raw: dict[str, Any]) -> Excerpt:
    return Excerpt(
        title_old=raw.get("title_old"),
        title_new=raw.get("title_new"),
        spans=tuple((str(op), str(text)) for op, text in raw.get("spans", [])),
        paragraph=raw.get("paragraph"),
        cut_start=bool(raw.get("cut_start")),
        cut_end=bool(raw.get("cut_end")),
    )


def insert(conn: Connection, version_id: int, excerpt: Excerpt) -> None:
    """Keep the excerpt of a version (once: a version written again keeps its first)."""
    known = sa.select(version_excerpts.c.version_id).where(
        version_excerpts.c.version_id == version_id
    )
    if conn.execute(known).first() is None:
        conn.execute(
            sa.insert(version_excerpts).values(version_id=version_id, excerpt=to_json(excerpt))
        )


def read(conn: Connection, version_ids: Sequence[int]) -> dict[int, Excerpt]:
    """The stored excerpts of these versions (ids without one are left out)."""
    found: dict[int, Excerpt] = {}
    ids = list(dict.fromkeys(version_ids))
    for start in range(0, len(ids), _READ_BATCH):
        query = sa.select(version_excerpts.c.version_id, version_excerpts.c.excerpt).where(
            version_excerpts.c.version_id.in_(ids[start : start + _READ_BATCH])
        )
        for version_id, raw in conn.execute(query):
            found[int(version_id)] = from_json(raw)
    return found
