"""`copydesk stats` and `copydesk report --out DIR`: the insight report in the terminal and on disk.

Both read Store.report and show it through copydesk.publish.insight, the tables the web report
shows, so the terminal, the static files and the pages give the same numbers.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from copydesk.cli.app import clock, mistake, settings_of
from copydesk.cli.context import open_store
from copydesk.cli.output import plain, print_json, table

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app

if TYPE_CHECKING:
    from copydesk.records import (
        Delivery,
        DeliveryCounts,
        Report,
        SourceCounts,
        SourceFigures,
    )

_SOURCE = typer.Option("--source", metavar="NAME", help="Only this source (default: all).")
_SINCE = typer.Option(
    "--since",
    metavar="DATE",
    help="Articles first captured on or after DATE (default: 30 days ago).",
)
_UNTIL = typer.Option("--until", metavar="DATE", help="... and on or before DATE (default: now).")
# Chart tables printed by `stats`, in this order ("sources" only for all sources).
_PRINTED = (
    "sources",
    "classes",
    "flags",
    "versions",
    "first-change",
    "last-change",
    "lifecycle",
    "weekly",
    "hours",
    "most-edited",
)


def _console() -> Any:
    from copydesk.cli.context import console

    return console


def _period(ctx: typer.Context, since: str | None, until: str | None) -> tuple[datetime, datetime]:
    from copydesk.publish import insight

    first, last = _day(ctx, since, "--since"), _day(ctx, until, "--until")
    if first is not None and last is not None and first > last:
        raise mistake(ctx, "--since/--until", "--since must not be after --until")
    return insight.period(first, last, now=clock.now())


def _day(ctx: typer.Context, value: str | None, option: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        if not value.isascii():
            raise ValueError(value)
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise mistake(ctx, option, f"not a date: {value[:40]!r} (write 2026-01-31)") from exc


@commands.command()
def stats(
    ctx: typer.Context,
    source: Annotated[str | None, _SOURCE] = None,
    since: Annotated[str | None, _SINCE] = None,
    until: Annotated[str | None, _UNTIL] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Per-source figures, and the insight report of a period."""
    from copydesk.publish import insight

    start, end = _period(ctx, since, until)
    with open_store(settings_of(ctx)) as store:
        if source is not None and store.get_source(source) is None:
            raise mistake(ctx, "--source", f"no source named {source[:100]!r}")
        rows = _source_stats(store.source_figures(), store.source_counts())
        counts = store.delivery_counts()
        failures = store.delivery_failures(limit=5)
        report = store.report(source=source, since=start, until=end)
    if as_json:
        print_json(
            {"sources": rows, "notifications": asdict(counts), "report": insight.to_json(report)}
        )
        return
    console = _console()
    if not rows:
        console.print("No sources yet.")
    else:
        table(console, [str(key) for key in rows[0]], [list(row.values()) for row in rows])
    _print_notifications(counts, failures)
    print_report(report)


def print_report(report: Report) -> None:
    """The report's key figures, then each chart's table."""
    from copydesk.publish import insight

    console = _console()
    scope = "all sources" if report.source is None else f"source {report.source}"
    console.print()
    console.print(
        plain(
            f"Report, {scope}: articles first captured from {insight.iso(report.since)}"
            f" to {insight.iso(report.until)}"
        )
    )
    table(console, ["figure", "value"], insight.headline_figures(report))
    tables = insight.tables(report)
    for name in _PRINTED:
        if name not in tables:
            continue
        found = tables[name]
        console.print()
        console.print(plain(found.title, "bold"))
        if found.rows:
            table(console, list(found.headers), [list(r) for r in found.rows])
        else:
            console.print("(none)")


def _source_stats(
    figures: list[SourceFigures], counts: list[SourceCounts]
) -> list[dict[str, object]]:
    """One row per active source, in the columns `stats` prints (its table and its --json)."""
    checked = {c.name: c for c in counts}
    return [
        {
            "name": f.name,
            "articles": f.articles,
            "active": f.active,
            "versions": f.versions,
            "checks": checked[f.name].checks if f.name in checked else 0,
            "errors": checked[f.name].failed_checks if f.name in checked else 0,
            "last_check_at": f.last_check_at,
        }
        for f in figures
    ]


def _print_notifications(counts: DeliveryCounts, failures: list[Delivery]) -> None:
    console = _console()
    console.print(
        plain(
            f"Notifications: {counts.sent} sent, {counts.pending} pending "
            f"({counts.retrying} retrying after a failure), {counts.failed} failed."
        )
    )
    for failure in failures:
        state = "failed" if failure.status == "failed" else "retrying"
        console.print(
            plain(
                f"  {state}: {failure.target_label} {failure.notice.message_id} after "
                f"{failure.attempts} attempt(s): {failure.last_error}"
            )
        )


@commands.command()
def report(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder to write the report into.")
    ],
    since: Annotated[str | None, _SINCE] = None,
    until: Annotated[str | None, _UNTIL] = None,
) -> None:
    """Write the insight report as static HTML + SVG + CSV."""
    from copydesk.publish.static_report import write_report

    start, end = _period(ctx, since, until)
    with open_store(settings_of(ctx)) as store:
        written = write_report(store, out, since=start, until=end)
    _console().print(plain(f"wrote {len(written)} files to {out}"))
