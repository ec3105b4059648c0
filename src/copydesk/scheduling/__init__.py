"""Scheduling: what is due and when, between the pipeline and the stages (store, schedule)."""

from __future__ import annotations

from copydesk.scheduling.learning import SourceLearning
from copydesk.scheduling.scheduler import Scheduler

__all__ = ["Scheduler", "SourceLearning"]
