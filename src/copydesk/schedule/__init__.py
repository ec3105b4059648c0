"""When to check an article next: a pure function of its history and the time."""

from __future__ import annotations

from copydesk.schedule.hazard import HazardLearner
from copydesk.schedule.policy import (
    CheckPlan,
    change_chance,
    check_text,
    error_backoff,
    is_explorer,
    next_check,
    rank_due,
    retirement_due_at,
)
from copydesk.schedule.state import listed, state_of

__all__ = [
    "CheckPlan",
    "HazardLearner",
    "change_chance",
    "check_text",
    "error_backoff",
    "is_explorer",
    "listed",
    "next_check",
    "rank_due",
    "retirement_due_at",
    "state_of",
]
