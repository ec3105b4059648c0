"""The article timeline (an SVG drawn here, every text escaped) and the edits-per-day bars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape

from copydesk.records import LifecycleEvent, TextSize, VersionSummary

WIDTH = 600
HEIGHT = 60
MARGIN = 12


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


ROW = 32  # px per row of the article timeline (two lines of label)
MOST_ROWS = 60  # the article timeline shows the latest this many versions and events
_LEFT = 330  # px of labels left of the time axis


@dataclass(frozen=True, slots=True, kw_only=True)
class Moment:
    """One row of an article's timeline: a version or a lifecycle event."""

    at: datetime
    label: str  # "v3 · substantive · text +120 bytes": always drawn, never on hover
    href: str  # the diff (or first version, or the event's row in the change log)
    size: int = 0  # bytes the text grew or shrank by (versions); 0 for events
    event: bool = False
    detail: str = ""  # a second, smaller line: the change's flags


def moments(
    versions: Sequence[VersionSummary],
    sizes: Sequence[TextSize],
    events: Sequence[LifecycleEvent],
    *,
    article_id: int,
) -> list[Moment]:
    """Versions (with the change in text size) and lifecycle events, in time order."""
    size_of = {s.number: s.size for s in sizes}
    found = []
    for v in versions:
        before = size_of.get(v.number - 1)
        delta = size_of.get(v.number, 0) - before if before is not None else 0
        if v.number == 1:
            label, href = f"v1 · first version · text {size_of.get(1, 0)} bytes", "versions/1"
        else:
            label = f"v{v.number} · {v.change_kind or 'change'} · text {delta:+d} bytes"
            href = f"diff/{v.number - 1}/{v.number}"
        found.append(
            Moment(
                at=v.captured_at,
                label=label,
                detail=", ".join(v.change_flags),
                href=f"/articles/{article_id}/{href}",
                size=delta,
            )
        )
    for e in events:
        found.append(
            Moment(
                at=e.at,
                label=f"{e.kind.value}{f' ({e.status})' if e.status else ''}",
                href=f"/articles/{article_id}#e{e.id}",
                event=True,
            )
        )
    return sorted(found, key=lambda m: m.at)


def timeline_svg(items: Sequence[Moment], *, now: datetime, width: int = 760) -> str:
    """The article timeline: one labelled row per version or event, placed on a time axis.

    A dot's area grows with how much the text changed; events are hollow squares. Every label
    is drawn (no hover) and every row links to its diff. Empty string when there is nothing.
    """
    if not items:
        return ""
    shown = list(items)[-MOST_ROWS:]
    start, end = shown[0].at, max(shown[-1].at, now)
    span = (end - start).total_seconds() or 1.0
    plot = width - _LEFT - 20
    height = 40 + ROW * len(shown) + 30
    peak = max((abs(m.size) for m in shown), default=0) or 1
    title = "Edit timeline: versions and lifecycle events over time"
    earlier = len(items) - len(shown)
    described = "; ".join(f"{m.label} {m.detail}, {_when(m.at)}" for m in shown)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img"'
        f' aria-labelledby="timeline-title timeline-desc" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" font-family="system-ui,sans-serif" font-size="11">',
        f'<title id="timeline-title">{title}</title>',
        f'<desc id="timeline-desc">{_esc(described)}</desc>',
        f'<text x="8" y="16" font-weight="bold" font-size="13">{title}</text>',
    ]
    if earlier:
        out.append(f'<text x="8" y="30" fill="#555">{earlier} earlier rows in the table</text>')
    axis = 40 + ROW * len(shown)
    for index, m in enumerate(shown):
        y = 40 + ROW * index + ROW / 2
        x = _LEFT + plot * (m.at - start).total_seconds() / span
        out.append(f'<a href="{_esc(m.href)}">')
        out.append(f'<text x="8" y="{y - 2:.1f}">{_esc(m.label)}</text>')
        if m.detail:
            out.append(f'<text x="8" y="{y + 11:.1f}" font-size="10">{_esc(m.detail)}</text>')
        out.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_LEFT + plot}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        if m.event:
            out.append(
                f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#fff"'
                ' stroke="#000" stroke-width="2"/>'
            )
        else:
            radius = 3 + 7 * (abs(m.size) / peak) ** 0.5
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#333"/>')
        out.append("</a>")
    out.append(f'<line x1="{_LEFT}" y1="{axis}" x2="{_LEFT + plot}" y2="{axis}" stroke="#000"/>')
    out.append(f'<text x="{_LEFT}" y="{axis + 14}" fill="#555">{_when(start)}</text>')
    out.append(
        f'<text x="{_LEFT + plot}" y="{axis + 14}" text-anchor="end"'
        f' fill="#555">{_when(end)}</text>'
    )
    out.append(
        f'<text x="{_LEFT + plot / 2:.1f}" y="{axis + 26}" text-anchor="middle">time (UTC)</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}"


def _esc(text: str) -> str:
    cleaned = "".join(c for c in text if ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF)
    return escape(cleaned.replace("\ufffe", "").replace("\uffff", ""), quote=True)


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
