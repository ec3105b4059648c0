"""Re-implementations of other trackers' re-check rules, scored by the replay as anchors."""

from __future__ import annotations

from dataclasses import dataclass

from copydesk.schedule.replay import Observed

MINUTE = 60.0
DAY = 86400.0


class _NoLearning:
    """Anchors learn nothing and rank due checks oldest-first."""

    def observe(self, obs: Observed, now: float, changed: bool) -> None:
        return None

    def priority(self, obs: Observed, now: float) -> float:
        return now - obs.last_check


@dataclass(frozen=True, slots=True)
class NewsSniffer(_NoLearning):
    """30 min after a change, x1.2 after each quiet check, retired once the interval reaches 40 days."""

    first: float = 30 * MINUTE
    growth: float = 1.2
    retire_interval: float = 40 * DAY

    def next_check(self, obs: Observed, now: float) -> float | None:
        interval = self.first * self.growth**obs.quiet_checks
        return None if interval >= self.retire_interval else now + interval


def newsdiffs_delay(minutes_since_update: int) -> int:
    """NewsDiffs' `get_update_delay` (scraper.py), in minutes."""
    days = minutes_since_update // (24 * 60)
    if minutes_since_update < 3 * 60:
        return 15
    if days < 1:
        return 60
    if days < 7:
        return 180
    if days < 30:
        return 3 * 24 * 60
    if days < 360:
        return 30 * 24 * 60
    return 10**12


@dataclass(frozen=True, slots=True)
class NewsDiffs(_NoLearning):
    """Checked once whole minutes since the last check exceed the delay for the time since update."""

    def next_check(self, obs: Observed, now: float) -> float | None:
        due = now + MINUTE
        while True:
            since_check = int((due - obs.last_check) // MINUTE)
            since_update = int((due - obs.last_change) // MINUTE)
            wait = newsdiffs_delay(since_update)
            if since_check > wait:
                return due
            due = obs.last_check + (wait + 1) * MINUTE


@dataclass(frozen=True, slots=True)
class Fixed(_NoLearning):
    """A constant interval (changedetection.io's default is 3 hours)."""

    interval: float = 3 * 3600.0

    def next_check(self, obs: Observed, now: float) -> float | None:
        return now + self.interval
