"""Commands for evidence: `import` (WARC/ARC files, Wayback CDX), `verify`, and WARC export."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from copydesk.cli.app import clock, mistake, settings_of
from copydesk.cli.context import console, err_console, open_store, open_tracker
from copydesk.cli.files import atomic_path
from copydesk.cli.output import clean, plain, sentence
from copydesk.evidence import Importer, ImportStats, WaybackBackfill, export_warc, verify
from copydesk.settings import Settings
from copydesk.store import Store

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app

_DIGITS = re.compile(r"^\d{4,14}$")


def parse_when(ctx: typer.Context, value: str | None, option: str) -> datetime | None:
    """A date for --since/--from/--to: 2024-05-01, 2024-05-01T09:14:00Z, or 20240501091400."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if _DIGITS.match(text):
            return datetime.strptime((text + "0101000000")[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        problem = f"not a date: {value!r} (write 2024-05-01 or ISO 8601)"
        raise mistake(ctx, option, problem) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def warc_dir(settings: Settings) -> Path | None:
    """The configured WARC folder, relative to the working folder; None when capture is off."""
    return Path(settings.archive.warc_dir) if settings.archive.warc_dir else None


def run_warc_export(ctx: typer.Context, out: str, source: str | None, since: str | None) -> None:
    """`export --format warc`: every stored version's raw capture, dated at capture time."""
    if out == "-":
        raise mistake(ctx, "--out", "--format warc writes a file: give --out FILE.warc.gz")
    moment = parse_when(ctx, since, "--since")
    with open_store(settings_of(ctx)) as store:
        if source is not None and store.get_source(source) is None:
            raise mistake(ctx, "--source", f"no source named {source[:100]!r}")
        with atomic_path(out) as partial:  # the previous export stays until this one is whole
            written, missing = export_warc(
                store, partial, source=source, since=moment, filename=Path(out).name
            )
    note = f"; {missing} versions had no kept capture" if missing else ""
    console.print(f"Wrote {written} response records to {out}{note}.", highlight=False)


def _file_progress() -> Progress:
    """A bar per file (or Wayback run) on stderr, in a terminal; nothing at all in a pipe."""
    return Progress(
        TextColumn("{task.description}", markup=False),  # a file name or URL: data
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,  # enabled, Rich leaves a blank line in a pipe
    )


@commands.command("import")
def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="FILES", help="WARC/ARC files (.warc, .warc.gz, .arc, .arc.gz)."),
    ] = None,
    wayback: Annotated[
        str | None,
        typer.Option("--wayback", help="Backfill this URL from the CDX server instead."),
    ] = None,
    since: Annotated[str | None, typer.Option("--from", help="Wayback: captures from.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Wayback: captures until.")] = None,
    prefix: Annotated[
        bool, typer.Option("--prefix", help="Wayback: every URL under --wayback URL.")
    ] = False,
    source: Annotated[
        str | None, typer.Option("--source", help="File new articles under this source.")
    ] = None,
    track: Annotated[
        bool, typer.Option("--track", help="Also track new articles live (default: history only).")
    ] = False,
) -> None:
    """Backfill the record from WARC/ARC files or the Wayback Machine (idempotent)."""
    if bool(paths) == bool(wayback):
        raise mistake(ctx, "FILES/--wayback", "give WARC/ARC files, or --wayback URL (not both)")
    if paths and (since or until or prefix):
        raise mistake(ctx, "--from/--to/--prefix", "they go with --wayback, not with files")
    for path in paths or []:
        if not path.is_file():
            raise mistake(ctx, "FILES", f"no such file: {path}")
    window = (parse_when(ctx, since, "--from"), parse_when(ctx, until, "--to"))
    settings = settings_of(ctx)
    with open_store(settings) as store:
        stats = asyncio.run(
            _import(settings, store, paths or [], wayback, window, prefix, source, track)
        )
    console.print(f"Imported: {stats.summary()}.", highlight=False)


async def _import(
    settings: Settings,
    store: Store,
    paths: list[Path],
    wayback: str | None,
    window: tuple[datetime | None, datetime | None],
    prefix: bool,
    source: str | None,
    track: bool,
) -> ImportStats:
    async with open_tracker(settings, store, capture=False) as tracker:
        importer = Importer(tracker, clock=clock, source=source, track=track)
        with _file_progress() as bar:
            if wayback:
                task = bar.add_task(clean(f"Wayback captures of {wayback}"), total=None)
                backfill = WaybackBackfill(importer, tracker.fetcher, settings.archive)
                await backfill.run(
                    wayback,
                    prefix=prefix,
                    since=window[0],
                    until=window[1],
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
            for path in paths:
                task = bar.add_task(clean(path.name), total=path.stat().st_size)

                def advance(done: int, total: int, task: TaskID = task) -> None:
                    bar.update(task, completed=done, total=total)

                await asyncio.to_thread(importer.import_file, path, progress=advance)
        return importer.stats


@commands.command("verify")
def verify_command(ctx: typer.Context) -> None:
    """Re-hash every stored capture (and the WARC files when [archive] warc_dir is set)."""
    settings = settings_of(ctx)
    folder = warc_dir(settings)
    with open_store(settings) as store:
        report = verify(store, folder if folder is not None and folder.is_dir() else None)
    for problem in report.problems:
        err_console.print(sentence(plain("mismatch:", "red"), " ", problem))
    summary = f"{report.blobs} stored blobs re-hashed"
    if folder is not None:
        summary += (
            f"; {report.warc_files} WARC files, {report.warc_records} records, "
            f"{report.citations} versions citing a WARC record"
        )
    if report.ok:
        console.print(f"OK: {summary}; no mismatch.", highlight=False)
        return
    console.print(f"FAILED: {summary}; {len(report.problems)} mismatches.", highlight=False)
    # SystemExit, not typer.Exit: with standalone_mode off, the bundled click's Exit would not
    # be the one cli.main catches, and the status would be lost.
    raise SystemExit(1)
