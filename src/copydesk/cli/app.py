"""The Typer application, its global options, and helpers shared by the command modules.

`build_app` makes the application from the table in cli/commands.py, which names every command
and the module that defines it. A command module holds its commands in its own `commands` Typer
and registers nothing on the application: the application's LazyGroup imports a module and takes
the command from it only when that command runs (or its help is asked for), so
`copydesk --help` imports no command module.
"""

from __future__ import annotations

import importlib
import sys
from difflib import get_close_matches
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
import typer.main

from copydesk.cli.commands import COMMANDS
from copydesk.cli.context import CliState
from copydesk.cli.params import lighten
from copydesk.clock import SystemClock
from copydesk.errors import UsageError

if TYPE_CHECKING:
    from copydesk.settings import Settings

_HELP_NAMES = ("-h", "--help")
_HELP_OPTIONS = {"help_option_names": list(_HELP_NAMES)}
LOG_FORMATS = ("text", "json")


class LazyGroup(typer.core.TyperGroup):
    """A command group that imports a command's module only when the command is used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lighten(self, _HELP_NAMES)  # the global options are read without pydantic (cli/params.py)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            command = built(cmd_name)
            if command is not None:
                self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from the table: `--help` imports no command module."""
        rows = [(name, text) for name, (_, text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return self._click_resolve_command(ctx, args)
        except Exception as exc:  # typer's bundled click raises its own UsageError
            if args and type(exc).__name__ == "UsageError" and args[0] not in COMMANDS:
                matches = get_close_matches(args[0], list(COMMANDS))
                if matches:
                    exc.message = (  # type: ignore[attr-defined]
                        f"No such command {args[0]!r}. Did you mean {matches[0]!r}?"
                    )
            raise


def built(name: str) -> Any:
    """The click command (or group) `name`, from the module cli/commands.py names for it."""
    module = importlib.import_module(f"copydesk.cli.{COMMANDS[name][0]}")
    defined: typer.Typer = module.commands
    options = {"pretty_exceptions_short": True, "rich_markup_mode": None}
    for info in defined.registered_commands:
        if (info.name or (info.callback.__name__ if info.callback else "")) == name:
            made = typer.main.get_command_from_info(info, **options)  # type: ignore[arg-type]
            return _usage_names(lighten(made, _HELP_NAMES))
    for group in defined.registered_groups:
        if group.name == name:
            made = typer.main.get_group_from_info(group, suggest_commands=True, **options)  # type: ignore[arg-type]
            return _usage_names(lighten(made, _HELP_NAMES))
    return None


def _usage_names(command: Any) -> Any:
    """Usage lines name a required argument `URL`, as click and git do, not Typer 0.2x's `{URL}`.

    An optional one stays `[A]`, a repeated one ends in `...`.
    """
    for param in command.params:
        if param.param_type_name == "argument" and hasattr(param, "_usage_display_name"):
            param._usage_display_name = partial(_usage_name, param)
    for sub in getattr(command, "commands", {}).values():
        _usage_names(sub)
    return command


def _usage_name(param: Any) -> str:
    name = param.metavar or param.name.upper()
    return (name if param.required else f"[{name}]") + ("..." if param.nargs != 1 else "")


def all_commands() -> dict[str, Any]:
    """Every command in help order, built from its module (for tests and generated docs)."""
    return {name: built(name) for name in COMMANDS}


def build_app() -> typer.Typer:
    """The `copydesk` application: the global options, and the commands of the table."""
    made = typer.Typer(
        name="copydesk",
        help="Watch news sites and record every version of every article.",
        cls=LazyGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,  # help is plain text: `[[notify]]` in a help string stays as written
        context_settings=_HELP_OPTIONS,
    )
    made.callback()(_global_options)
    return made


clock = SystemClock()


def _global_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="URL", help="Database URL or SQLite file (env COPYDESK_DB)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", metavar="FILE", help="Config file (default ./copydesk.toml)."),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Log progress, and every fault a check records."),
    ] = False,
    log_format: Annotated[
        str,
        typer.Option(
            "--log-format",
            metavar="text|json",
            help="Log lines as text, or one JSON object per line for log shippers.",
        ),
    ] = "text",
) -> None:
    if log_format not in LOG_FORMATS:
        raise typer.BadParameter(
            f"{log_format!r} is not one of text, json", param_hint="--log-format"
        )
    state = CliState(db=db, config=config, verbose=verbose, log_format=log_format)
    state.configure_logging()
    ctx.obj = state
    if not {"--help", "-h"} & set(sys.argv[1:]):  # help stays readable with a broken config
        state.settings()  # every command validates the settings before it starts anything


app = build_app()


def mistake(ctx: typer.Context, option: str, problem: str) -> Exception:
    """A usage mistake: one line with the command's usage, exit status 2 (see cli/main.py)."""
    return typer.BadParameter(problem, ctx=ctx, param_hint=option)


def settings_of(ctx: typer.Context) -> Settings:
    state: CliState = ctx.obj
    return state.settings()


def source_name_for(url: str) -> str:
    """Default source name: the host without `www.` (and the port, when there is one)."""
    from copydesk.urls import host_of

    host = host_of(url).removeprefix("www.")
    if not host:
        raise UsageError(f"not a URL: {url}")
    return host


def canonical_or_error(url: str) -> str:
    from copydesk.urls import InvalidURL, canonical_url

    try:
        return canonical_url(url)
    except InvalidURL as exc:
        raise UsageError(str(exc)) from exc
