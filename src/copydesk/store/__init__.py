"""The store stage: every read and write of the database goes through Store."""

from __future__ import annotations

from copydesk.store.facade import Store

__all__ = ["Store"]

from copydesk.store.web import (
    ChangeCursor,
    ChangePage,
    ChangeRow,
    SearchHit,
    SourceFigures,
    SourceHealth,
    SourceStatistics,
    recent_changes,
    search,
    source_figures,
    source_health,
    source_statistics,
    sync_search_index,
)

__all__ += [
    "ChangeCursor",
    "ChangePage",
    "ChangeRow",
    "SearchHit",
    "SourceFigures",
    "SourceHealth",
    "SourceStatistics",
    "recent_changes",
    "search",
    "source_figures",
    "source_health",
    "source_statistics",
    "sync_search_index",
]
