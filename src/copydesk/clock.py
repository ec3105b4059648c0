"""The only way copydesk reads the time, so tests can control it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current time, timezone-aware in UTC."""
        ...

    def monotonic(self) -> float:
        """Return seconds from an arbitrary origin that never go backwards."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._mono = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, delta: timedelta | float) -> None:
        seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
        self._now += timedelta(seconds=seconds)
        self._mono += seconds


class HeldClock:
    """System time that stands still until start(), and again while paused.

    The simulated newsroom uses it in tests and benchmarks, so that no version goes live before
    the tracker under test is up, nor while a test has stopped the tracker (a kill and restart
    takes seconds of start-up that a loaded machine makes longer still).
    """

    def __init__(self) -> None:
        self._created = datetime.now(UTC)
        self._started: float | None = None
        self._paused_at: float | None = None
        self._paused_for = 0.0

    def start(self) -> None:
        if self._started is None:
            self._started = time.monotonic()

    def pause(self) -> None:
        """Stop time where it is (a no-op before start() or while already paused)."""
        if self._started is not None and self._paused_at is None:
            self._paused_at = time.monotonic()

    def resume(self) -> None:
        """Let time run on from where pause() stopped it."""
        if self._paused_at is not None:
            self._paused_for += time.monotonic() - self._paused_at
            self._paused_at = None

    def monotonic(self) -> float:
        if self._started is None:
            return 0.0
        now = self._paused_at if self._paused_at is not None else time.monotonic()
        return now - self._started - self._paused_for

    def now(self) -> datetime:
        return self._created + timedelta(seconds=self.monotonic())
