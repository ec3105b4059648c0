"""The pipeline: the one place that knows the order of the stages (see tracker.py)."""

from __future__ import annotations

from copydesk.pipeline.compare import compare_pages
from copydesk.pipeline.tracker import (
    CheckReport,
    Tracker,
    decide_change,
    describe_error,
    same_text,
)

__all__ = [
    "CheckReport",
    "Tracker",
    "compare_pages",
    "decide_change",
    "describe_error",
    "same_text",
]
