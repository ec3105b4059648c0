"""A Report (store.reports) as chart tables, SVG, CSV, JSON and terminal lines.

One place turns the figures into what every output shows: the report pages, their CSV and JSON,
`copydesk stats` and `copydesk report --out` all read these tables, so they give the same
numbers. No web framework here: the command line imports this module too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from copydesk.publish import charts
from copydesk.publish.charts import Table
from copydesk.publish.exports import formula_safe
from copydesk.records import Count, Report, Spread

CHARTS = (
    "versions",
    "first-change",
    "last-change",
    "classes",
    "flags",
    "lifecycle",
    "hours",
    "weekly",
    "most-edited",
    "sources",
)
DEFAULT_DAYS = 30
_FAR = datetime(9999, 12, 31, tzinfo=UTC)


def period(since: date | None, until: date | None, *, now: datetime) -> tuple[datetime, datetime]:
    """[since, until) from two inclusive UTC dates; by default the 30 days up to `now`.

    A `since` after `until` is an empty period (since, since): nothing happened in it.
    """
    end = now if until is None else _day(until) + timedelta(days=1) if until < date.max else _FAR
    start = end - timedelta(days=DEFAULT_DAYS) if since is None else _day(since)
    return start, max(start, end)


def _day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def duration(seconds: float | None) -> str:
    """A duration in words a reader takes in at once: '45 s', '12 min', '3.5 h', '2.1 days'."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _counts(counts: Iterable[Count], total: int) -> tuple[tuple[str | int | float, ...], ...]:
    return tuple((c.name, c.count, share(c.count, total) or 0.0) for c in counts)


def tables(report: Report) -> dict[str, Table]:
    """Every chart's table, by its ?chart= name (`sources` only on the cross-source report)."""
    found = {
        "versions": Table(
            name="versions",
            title="Versions per changed article",
            note="Visible versions of each article that changed after publication.",
            headers=("versions", "articles"),
            rows=tuple((c.name, c.count) for c in report.versions_per_changed),
        ),
        "first-change": _spread_table(
            "first-change", "Time from first capture to first change", report.first_change
        ),
        "last-change": _spread_table(
            "last-change", "Time from first capture to last change", report.last_change
        ),
        "classes": Table(
            name="classes",
            title="Changes by class",
            note=f"{report.changes} changes after publication.",
            headers=("class", "changes", "share"),
            rows=_counts(report.kinds, report.changes),
        ),
        "flags": Table(
            name="flags",
            title="Changes by flag",
            note="A change can carry several flags; shares are of all changes.",
            headers=("flag", "changes", "share"),
            rows=_counts(report.flags, report.changes),
        ),
        "lifecycle": Table(
            name="lifecycle",
            title="Lifecycle events",
            note="Removals, returns and moves in the period.",
            headers=("event", "count"),
            rows=tuple((c.name, c.count) for c in report.events),
        ),
        "hours": Table(
            name="hours",
            title="Changes by weekday and hour (UTC)",
            note="Each cell counts the changes captured in that hour of that weekday.",
            headers=("weekday", *(f"{h:02d}" for h in range(24))),
            rows=tuple((day, *row) for day, row in zip(charts.WEEKDAYS, report.hours, strict=True)),
        ),
        "weekly": Table(
            name="weekly",
            title="Changes per week",
            note="Weeks start on Monday (UTC).",
            headers=("week starting", "changes"),
            rows=tuple((week.isoformat(), count) for week, count in report.weekly),
        ),
        "most-edited": Table(
            name="most-edited",
            title="Most-edited articles",
            note="Articles with the most changes after publication.",
            headers=("article", "source", "edits", "link", "url"),
            rows=tuple(
                (e.title, e.source, e.edits, f"/articles/{e.article_id}", e.url)
                for e in report.most_edited
            ),
        ),
    }
    if report.source is None:
        found["sources"] = Table(
            name="sources",
            title="Sources compared",
            note="Per source, the same period.",
            headers=(
                "source",
                "articles",
                "changed",
                "changed share",
                "changes",
                "substantive",
                "stealth",
                "stealth rate",
                "median first change (s)",
            ),
            rows=tuple(
                (
                    s.name,
                    s.articles,
                    s.changed,
                    share(s.changed, s.articles) or 0.0,
                    s.changes,
                    s.substantive,
                    s.stealth,
                    share(s.stealth, s.substantive) or 0.0,
                    "" if s.median_first_change is None else round(s.median_first_change, 1),
                )
                for s in report.sources
            ),
        )
    return found


def _spread_table(name: str, title: str, spread: Spread) -> Table:
    return Table(
        name=name,
        title=title,
        note=(
            f"{spread.count} changed articles; median {duration(spread.median)},"
            f" p90 {duration(spread.p90)}."
        ),
        headers=("time", "articles"),
        rows=tuple((c.name, c.count) for c in spread.bins),
    )


def svg(table: Table, report: Report) -> str | None:
    """The chart of one table (None: the table is shown as a table only)."""
    match table.name:
        case "hours":
            return charts.heat_map(table, report.hours)
        case "weekly":
            return charts.line(table, x_label="week starting (Monday)", y_label="changes")
        case "versions":
            return charts.bars(table, x_label="changed articles", y_label="visible versions")
        case "first-change" | "last-change":
            return charts.bars(table, x_label="changed articles", y_label="time taken")
        case "classes" | "flags":
            return charts.bars(table, x_label="changes", y_label=table.headers[0])
        case "lifecycle":
            return charts.bars(table, x_label="events", y_label="event")
        case "sources":
            picked = Table(
                name="sources",
                title="Changed share per source (%)",
                headers=("source", "changed share (%)"),
                rows=tuple((str(r[0]), round(100 * float(r[3]), 1)) for r in table.rows),
            )
            return charts.bars(picked, x_label="% of articles changed", y_label="source")
    return None


def to_csv(table: Table) -> str:
    """RFC 4180 CSV with a header; a text cell a spreadsheet would run gets a leading ' (OWASP)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(formula_safe(cell) for cell in row)
    return out.getvalue()


def _spread_json(spread: Spread) -> dict[str, Any]:
    return {
        "count": spread.count,
        "median_seconds": spread.median,
        "p90_seconds": spread.p90,
        "bins": [{"name": c.name, "count": c.count} for c in spread.bins],
    }


def _count_json(counts: Iterable[Count], total: int | None = None) -> list[dict[str, Any]]:
    if total is None:
        return [{"name": c.name, "count": c.count} for c in counts]
    return [{"name": c.name, "count": c.count, "share": share(c.count, total)} for c in counts]


def to_json(report: Report) -> dict[str, Any]:
    """The whole report as JSON (the API's `report` object; `copydesk stats --json` too)."""
    interval = report.stealth_interval
    return {
        "source": report.source,
        "since": iso(report.since),
        "until": iso(report.until),
        "articles": report.articles,
        "changed": report.changed,
        "changed_share": share(report.changed, report.articles),
        "changes": report.changes,
        "versions_per_changed": _count_json(report.versions_per_changed),
        "first_change": _spread_json(report.first_change),
        "last_change": _spread_json(report.last_change),
        "classes": _count_json(report.kinds, report.changes),
        "flags": _count_json(report.flags, report.changes),
        "stealth": {
            "substantive": report.substantive,
            "stealth": report.stealth,
            "rate": None if report.stealth_rate is None else round(report.stealth_rate, 4),
            "interval_95": None if interval is None else [round(v, 4) for v in interval],
        },
        "headlines": {
            "changes": report.headline_changes,
            "flipflops": report.headline_flipflops,
            "flipflop_articles": report.flipflop_articles,
        },
        "lifecycle": _count_json(report.events),
        "hours": [list(row) for row in report.hours],
        "weekly": [{"week": w.isoformat(), "changes": n} for w, n in report.weekly],
        "most_edited": [
            {
                "article_id": e.article_id,
                "source": e.source,
                "title": e.title,
                "url": e.url,
                "edits": e.edits,
                "link": f"/articles/{e.article_id}",
            }
            for e in report.most_edited
        ],
        "sources": [
            {
                "name": s.name,
                "articles": s.articles,
                "changed": s.changed,
                "changed_share": share(s.changed, s.articles),
                "changes": s.changes,
                "substantive": s.substantive,
                "stealth": s.stealth,
                "stealth_rate": share(s.stealth, s.substantive),
                "median_first_change_seconds": s.median_first_change,
            }
            for s in report.sources
        ],
        "charts": list(tables(report)),
    }


def headline_figures(report: Report) -> list[tuple[str, str]]:
    """The report's key figures as (label, value) lines: the page's summary and `stats`."""
    interval = report.stealth_interval
    ci = "" if interval is None else f" (95% CI {percent(interval[0])}–{percent(interval[1])})"
    return [
        ("articles tracked", str(report.articles)),
        (
            "changed after publication",
            f"{report.changed} ({percent(report.changed_share)})",
        ),
        ("changes", str(report.changes)),
        (
            "first capture to first change",
            f"median {duration(report.first_change.median)},"
            f" p90 {duration(report.first_change.p90)}",
        ),
        (
            "first capture to last change",
            f"median {duration(report.last_change.median)}, p90 {duration(report.last_change.p90)}",
        ),
        ("substantive changes", str(report.substantive)),
        ("minor changes", str(report.kind("minor"))),
        (
            "stealth-edit rate",
            f"{percent(report.stealth_rate)}{ci}, {report.stealth} of {report.substantive}"
            " substantive changes without a correction note",
        ),
        (
            "headline changes",
            f"{report.headline_changes} ({report.headline_flipflops} back to an earlier"
            f" wording, in {report.flipflop_articles} articles)",
        ),
        (
            "lifecycle events",
            ", ".join(f"{c.name} {c.count}" for c in report.events),
        ),
    ]
