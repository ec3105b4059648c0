"""The scheduler component: what is due and when (schedule/ is the pure policy it applies)."""

from __future__ import annotations

from copydesk.scheduler.learning import SourceLearning
from copydesk.scheduler.scheduler import Scheduler

__all__ = ["Scheduler", "SourceLearning"]
