"""The Typer application, its global options, and helpers shared by the command modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from copydesk.cli.context import CliState
from copydesk.clock import SystemClock
from copydesk.errors import UsageError
from copydesk.settings import Settings
from copydesk.urls import InvalidURL, canonical_url, host_of

app = typer.Typer(
    name="copydesk",
    help="Watch news sites and record every version of every article.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
clock = SystemClock()


@app.callback()
def _global_options(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL or SQLite file (env COPYDESK_DB).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (default ./copydesk.toml).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    state = CliState(db=db, config=config, verbose=verbose)
    state.configure_logging()
    ctx.obj = state
    if not {"--help", "-h"} & set(sys.argv[1:]):  # help stays readable with a broken config
        state.settings()  # every command validates the settings before it starts anything


def settings_of(ctx: typer.Context) -> Settings:
    state: CliState = ctx.obj
    return state.settings()


def source_name_for(url: str) -> str:
    """Default source name: the host without `www.` (and the port, when there is one)."""
    host = host_of(url).removeprefix("www.")
    if not host:
        raise UsageError(f"not a URL: {url}")
    return host


def canonical_or_error(url: str) -> str:
    try:
        return canonical_url(url)
    except InvalidURL as exc:
        raise UsageError(str(exc)) from exc
