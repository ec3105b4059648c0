"""`copydesk demo`: a simulated newsroom on 127.0.0.1, tracked live, with a score at the end."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from copydesk.cli.app import clock, settings_of
from copydesk.cli.context import CliState, console, install_stop_signals, open_store, open_tracker
from copydesk.cli.output import plain
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture
from copydesk.publish import create_app, export_rows, serve_in_thread
from copydesk.records import Endpoint, EndpointKind, Source
from copydesk.settings import FetchSettings, ScheduleSettings, Settings, parse_duration
from copydesk.store import Store
from copydesk.worker import Worker

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app

DEMO_DB = "copydesk-demo.db"


def demo_settings(base: Settings, *, db: str) -> Settings:
    """Fast intervals and an SSRF exemption for the local newsroom only."""
    fetch: FetchSettings = replace(
        base.fetch,
        allow_hosts=("127.0.0.1",),
        per_host_delay=timedelta(milliseconds=20),
        per_host_concurrency=4,
    )
    schedule: ScheduleSettings = replace(
        base.schedule,
        feed_interval=timedelta(seconds=2),
        after_change=timedelta(seconds=1),
        max_interval=timedelta(seconds=2),
    )
    return replace(base, db=db, fetch=fetch, schedule=schedule)


def _fresh_demo_db(state: CliState, settings: Settings) -> str:
    if state.db or settings.db != Settings().db:
        return settings.db
    for suffix in ("", "-wal", "-shm"):
        Path(DEMO_DB + suffix).unlink(missing_ok=True)
    return f"sqlite:///{DEMO_DB}"


def add_newsroom_source(store: Store, server: NewsroomServer) -> None:
    now = clock.now()
    store.add_source(Source(name="newsroom"), now=now)
    for url, kind in (
        (server.rss_url, EndpointKind.FEED),
        (server.atom_url, EndpointKind.FEED),
        (server.sitemap_url, EndpointKind.SITEMAP),
        (server.frontpage_url, EndpointKind.FRONTPAGE),
    ):
        store.add_endpoint(Endpoint(url=url, kind=kind, source="newsroom"), now=now)


async def _track(settings: Settings, store: Store, duration: float) -> None:
    from copydesk.cli.progress import live_status
    from copydesk.cli.tracking import report_check

    async with open_tracker(settings, store) as tracker:
        worker = Worker(
            tracker, clock=clock, concurrency=settings.fetch.concurrency, on_report=report_check
        )
        install_stop_signals(worker)
        async with live_status(console, lambda: worker.stats, store, clock):
            await worker.run(duration=duration)


@commands.command()
def demo(
    ctx: typer.Context,
    for_: Annotated[
        str | None, typer.Option("--for", help="How long to run (default: the whole script).")
    ] = None,
    articles: Annotated[int, typer.Option(help="Articles the newsroom publishes.")] = 12,
    truth: Annotated[
        Path | None, typer.Option(help="Write the newsroom's ground truth (JSONL) here.")
    ] = None,
    port: Annotated[
        int, typer.Option(help="Port of the web UI (0: any free port).", min=0, max=65535)
    ] = 8000,
    keep_serving: Annotated[
        bool | None,
        typer.Option(help="Keep the web UI up after tracking (default: when run in a terminal)."),
    ] = None,
) -> None:
    """Start a simulated newsroom on 127.0.0.1, track it, and score what was captured."""
    state: CliState = ctx.obj
    base = settings_of(ctx)
    settings = demo_settings(base, db=_fresh_demo_db(state, base))
    config = NewsroomConfig(articles=articles, publish_window=15.0, edit_gap=4.0)
    newsroom = Newsroom(config, clock=clock)
    with NewsroomServer(newsroom) as server, open_store(settings) as store:
        add_newsroom_source(store, server)
        web_url, stop_web = _start_web(settings, port)
        duration = parse_duration(for_).total_seconds() if for_ else newsroom.script_end + 8
        console.print(plain(f"Newsroom: {server.base_url}/ ({articles} articles)"))
        console.print(plain(f"Database: {settings.db}"))
        console.print(plain(f"Web UI:   {web_url}/", style="bold"))
        console.print(plain(f"Tracking for {duration:.0f}s; Ctrl-C stops."))
        asyncio.run(_track(settings, store, duration))
        truth_rows = newsroom.ground_truth(base_url=server.base_url, until=clock.now())
        if truth is not None:
            newsroom.write_ground_truth(truth, base_url=server.base_url)
        captured = list(export_rows(store.iter_export()))
    score = score_capture(truth_rows, captured)
    console.print(
        f"Captured {score.captured} of {score.true_versions} true versions "
        f"({score.recall:.1%}); {score.extra} versions the newsroom did not make."
    )
    if keep_serving if keep_serving is not None else sys.stdin.isatty():
        console.print(f"The web UI stays up at {web_url}/ ; Ctrl-C stops it.")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    stop_web()


def _start_web(settings: Settings, port: int) -> tuple[str, Callable[[], None]]:
    """Serve the web UI in a thread over its own connection to the demo database."""
    app_ = create_app(settings)
    try:
        return serve_in_thread(app_, "127.0.0.1", port)
    except OSError:  # the port is taken: any free one will do for a demo
        return serve_in_thread(app_, "127.0.0.1", 0)
