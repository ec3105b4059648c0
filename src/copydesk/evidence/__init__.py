"""Evidence: WARC export, imports of crawls and Wayback captures, Save Page Now, verification.

Orchestration above the pipeline: it drives the archive stage, the fetcher and the store, and
takes captures in through the pipeline's own extraction and change decision.
"""

from __future__ import annotations

from copydesk.evidence.exports import export_warc
from copydesk.evidence.imports import Importer, ImportStats, capture_key
from copydesk.evidence.verify import VerifyReport, verify
from copydesk.evidence.wayback import WaybackBackfill, WaybackSaver

__all__ = [
    "ImportStats",
    "Importer",
    "VerifyReport",
    "WaybackBackfill",
    "WaybackSaver",
    "capture_key",
    "export_warc",
    "verify",
]
