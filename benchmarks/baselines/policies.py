"""Baselines: other trackers' re-check rules, re-implemented so the replay can score them."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.baselines.replay import Observed

MINUTE = 60.0
DAY = 86400.0


class _NoLearning:
    """Baselines learn nothing and rank due checks oldest-first."""

    def observe(self, obs: Observed, now: float, changed: bool) -> None:
        return None

    def priority(self, obs: Observed, now: float) -> float:
        return now - obs.last_check


@dataclass(frozen=True, slots=True)
class NewsSniffer(_NoLearning):
    """30 min after a change, x1.2 per quiet check, retired when the interval reaches 40 days."""

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
    """NewsDiffs' scraper rule.

    An article is skipped while whole minutes since its last check are fewer than the delay for
    the time since its last update. A new article starts with no last check, so NewsDiffs fetches
    it on its first pass, right after our discovery check.
    """

    def next_check(self, obs: Observed, now: float) -> float | None:
        if obs.checks == 1:
            return now + 1.0
        due = now + MINUTE
        while True:
            since_check = int((due - obs.last_check) // MINUTE)
            wait = newsdiffs_delay(int((due - obs.last_change) // MINUTE))
            if since_check >= wait:
                return due
            due = obs.last_check + wait * MINUTE


@dataclass(frozen=True, slots=True)
class Fixed(_NoLearning):
    """A constant interval (changedetection.io's default is 3 hours)."""

    interval: float = 3 * 3600.0

    def next_check(self, obs: Observed, now: float) -> float | None:
        return now + self.interval
