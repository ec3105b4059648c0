"""Geometry for the small SVG pictures (edit timeline, edits per day); templates draw them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

WIDTH = 600
HEIGHT = 60
MARGIN = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    width: int
    height: int
    points: tuple[tuple[int, int], ...]  # (version number, x)
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    day: date
    count: int
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    peak: int


def timeline(moments: Sequence[datetime], *, now: datetime) -> Timeline:
    """Versions placed on a line from the first capture to now (or the last capture)."""
    if not moments:
        return Timeline(width=WIDTH, height=HEIGHT, points=(), start=None, end=None)
    start, end = moments[0], max(moments[-1], now)
    span = (end - start).total_seconds() or 1.0
    usable = WIDTH - 2 * MARGIN
    points = tuple(
        (number, MARGIN + round(usable * (moment - start).total_seconds() / span))
        for number, moment in enumerate(moments, start=1)
    )
    return Timeline(width=WIDTH, height=HEIGHT, points=points, start=start, end=end)


def bar_chart(counts: Sequence[tuple[date, int]], *, height: int = 80) -> BarChart:
    peak = max((c for _, c in counts), default=0)
    step = WIDTH // max(1, len(counts))
    bars = []
    for index, (day, count) in enumerate(counts):
        bar_height = round((height - 4) * count / peak) if peak else 0
        bars.append(
            Bar(
                day=day,
                count=count,
                x=index * step,
                y=height - bar_height,
                width=max(1, step - 2),
                height=bar_height,
            )
        )
    return BarChart(width=WIDTH, height=height, bars=tuple(bars), peak=peak)
