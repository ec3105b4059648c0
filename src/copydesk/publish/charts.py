"""Hand-sized SVG charts: titled, axes labelled, readable in greyscale, every text escaped.

Each chart is drawn from a `Table` (its title, column headers and rows), and the same Table is
shown beside it as an HTML table for screen readers and downloaded as CSV, so the picture, the
table and the CSV cannot disagree. No JavaScript: labels are drawn, never shown on hover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Presentation attributes, not a style attribute: the pages' CSP allows no inline style.
FONT = 'font-family="system-ui,sans-serif" font-size="11"'
INK, MID, LIGHT = "#000", "#555", "#ccc"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """One chart's data: what the picture shows, the table beside it and its CSV hold."""

    name: str  # the ?chart= name
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str | int | float, ...], ...]
    note: str = ""  # one sentence under the title (what is counted)


def _text(value: object) -> str:
    """Text for SVG/XML: escaped, and no characters XML 1.0 refuses."""
    cleaned = "".join(c for c in str(value) if c in "\t\n\r" or ord(c) >= 0x20)
    cleaned = "".join(
        c for c in cleaned if not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff"
    )
    return escape(cleaned, quote=True)


def _label(x: float, y: float, text: str, *, anchor: str = "start", extra: str = "") -> str:
    """A <text> element; `text` must already be escaped (see _text and _num)."""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{text}</text>'


def _open(name: str, title: str, desc: str, width: int, height: int) -> list[str]:
    ident = f"chart-{_text(name)}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" id="{ident}" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" {FONT}>',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="8" y="16" font-weight="bold" font-size="13">{_text(title)}</text>',
    ]


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(table: Table, *, x_label: str, y_label: str, width: int = 560) -> str:
    """Horizontal bars: one row per category (label, count), the count written at the bar's end."""
    rows = [(str(r[0]), float(r[1])) for r in table.rows]
    left, top, row_h = 180, 46, 20
    plot_w = width - left - 50
    height = top + row_h * max(1, len(rows)) + 44
    peak = max((v for _, v in rows), default=0.0) or 1.0
    out = _open(table.name, table.title, _describe(table), width, height)
    bottom = top + row_h * max(1, len(rows))
    for tick in _ticks(peak):
        x = left + plot_w * tick / peak
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{LIGHT}"/>')
        out.append(_label(x, bottom + 14, _num(tick), anchor="middle", extra=f' fill="{MID}"'))
    for index, (label, value) in enumerate(rows):
        y = top + index * row_h
        w = plot_w * value / peak
        out.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_text(_short(label))}</text>'
        )
        out.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{MID}"/>'
        )
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}">{_num(value)}</text>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{INK}"/>')
    out.append(
        f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="{INK}"/>'
    )
    out.append(_label(left + plot_w / 2, height - 8, _text(x_label), anchor="middle"))
    out.append(f'<text x="8" y="{top - 4}" fill="{MID}">{_text(y_label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def heat_map(table: Table, grid: Sequence[Sequence[int]], *, width: int = 640) -> str:
    """Weekday x hour grid: darker grey is more; each non-empty cell has its count written in."""
    left, top, cell_h = 40, 46, 22
    cell_w = (width - left - 10) / 24
    height = top + cell_h * 7 + 40
    peak = max((n for row in grid for n in row), default=0) or 1
    out = _open(table.name, table.title, _describe(table), width, height)
    for day, row in enumerate(grid):
        y = top + day * cell_h
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{WEEKDAYS[day]}</text>')
        for hour, count in enumerate(row):
            x = left + hour * cell_w
            shade = 255 - round(200 * count / peak) if count else 255
            fill = f"#{shade:02x}{shade:02x}{shade:02x}"
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w:.1f}" height="{cell_h}"'
                f' fill="{fill}" stroke="{LIGHT}"/>'
            )
            if count:
                ink = "#fff" if shade < 140 else INK
                out.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + 15}" text-anchor="middle"'
                    f' font-size="9" fill="{ink}">{count}</text>'
                )
    bottom = top + 7 * cell_h
    for hour in range(0, 24, 3):
        x = left + hour * cell_w + cell_w / 2
        out.append(_label(x, bottom + 13, f"{hour:02d}", anchor="middle", extra=f' fill="{MID}"'))
    out.append(
        f'<text x="{left + (width - left) / 2:.1f}" y="{height - 6}" text-anchor="middle">'
        "hour of day (UTC)</text>"
    )
    out.append(f'<text x="8" y="{top - 4}" fill="{MID}">weekday</text>')
    out.append("</svg>")
    return "\n".join(out)


def line(table: Table, *, x_label: str, y_label: str, width: int = 560) -> str:
    """A line over time (first column: the label of each point; second: its value)."""
    points = [(str(r[0]), float(r[1])) for r in table.rows]
    left, top, right, plot_h = 50, 50, 44, 140
    height = top + plot_h + 52
    plot_w = width - left - right
    peak = max((v for _, v in points), default=0.0) or 1.0
    out = _open(table.name, table.title, _describe(table), width, height)
    bottom = top + plot_h
    for tick in _ticks(peak):
        y = bottom - plot_h * tick / peak
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{LIGHT}"/>'
        )
        out.append(_label(left - 4, y + 4, _num(tick), anchor="end", extra=f' fill="{MID}"'))
    step = plot_w / max(1, len(points) - 1)
    xy = [
        (left + (step * i if len(points) > 1 else plot_w / 2), bottom - plot_h * v / peak)
        for i, (_, v) in enumerate(points)
    ]
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        out.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2"/>')
    every = max(1, round(len(points) / 8))
    for i, ((label, value), (x, y)) in enumerate(zip(points, xy, strict=True)):
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{INK}"/>')
        out.append(_label(x, y - 6, _num(value), anchor="middle", extra=' font-size="9"'))
        if i % every == 0:
            out.append(
                f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{MID}"'
                f' font-size="9">{_text(label)}</text>'
            )
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{INK}"/>')
    out.append(
        f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="{INK}"/>'
    )
    out.append(_label(left + plot_w / 2, height - 8, _text(x_label), anchor="middle"))
    out.append(f'<text x="8" y="{top - 4}" fill="{MID}">{_text(y_label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _describe(table: Table) -> str:
    """A one-line text equivalent: every row, as 'label: value'."""
    parts = [f"{row[0]}: {', '.join(_num(v) for v in row[1:])}" for row in table.rows[:60]]
    more = " …" if len(table.rows) > 60 else ""
    return f"{table.note} " * bool(table.note) + "; ".join(parts) + more


def _num(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}"
    return _text(value)


def _ticks(peak: float) -> list[float]:
    """Up to about five round tick values from 0 to `peak`."""
    raw = peak / 4
    magnitude = 10 ** max(0, len(str(int(raw))) - 1)
    step = max(1, round(raw / magnitude) * magnitude) if raw >= 1 else 1
    return [float(t) for t in range(0, int(peak) + 1, int(step))]
