"""A simulated news site on 127.0.0.1 that publishes and edits articles on a seeded script."""

from __future__ import annotations

from copydesk.newsroom.scoring import CaptureScore, score_capture
from copydesk.newsroom.script import NewsroomConfig, TruthVersion
from copydesk.newsroom.server import NewsroomServer, run_newsroom
from copydesk.newsroom.site import Newsroom

__all__ = [
    "CaptureScore",
    "Newsroom",
    "NewsroomConfig",
    "NewsroomServer",
    "TruthVersion",
    "run_newsroom",
    "score_capture",
]
