"""When to check an article next: a pure function of its history and the time."""

from __future__ import annotations

from copydesk.schedule.policy import (
    CheckPlan,
    error_backoff,
    next_check,
    retirement_due_at,
)

__all__ = ["CheckPlan", "error_backoff", "next_check", "retirement_due_at"]
