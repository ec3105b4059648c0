"""The store stage: every read and write of the database goes through Store."""

from __future__ import annotations

from copydesk.store.facade import Store
from copydesk.store.monitor import QueueCounts, queue_counts
from copydesk.store.outbox import EventRow

__all__ = ["EventRow", "QueueCounts", "Store", "queue_counts"]

from copydesk.store.web import (
    ChangeCursor,
    ChangePage,
    ChangeRow,
    SearchHit,
    SourceCounts,
    SourceFigures,
    SourceHealth,
    SourceStatistics,
    recent_changes,
    search,
    search_index_behind,
    source_counts,
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
    "SourceCounts",
    "SourceFigures",
    "SourceHealth",
    "SourceStatistics",
    "recent_changes",
    "search",
    "search_index_behind",
    "source_counts",
    "source_figures",
    "source_health",
    "source_statistics",
    "sync_search_index",
]
