"""Entry point: runs the Typer app and turns user mistakes into one line and a non-zero exit.

A usage mistake (unknown command or option, missing argument, bad value) and a bad setting exit
2, before anything starts; other copydesk errors exit 1; Ctrl-C exits 130. Recent Typer bundles
its own copy of click, so its exceptions are caught from there, not from the `click` package.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from copydesk.cli.app import app
from copydesk.errors import ConfigError, CopydeskError

try:  # typer >= 0.20 vendors click as typer._click; older ones use the click package
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as click_errors  # type: ignore[no-redef]

# Typer's own Abort/Exit (Ctrl-C, typer.Exit); with the click package they are click's.
_ABORT: tuple[type[BaseException], ...] = (typer.Abort, getattr(click_errors, "Abort", typer.Abort))
_EXIT: tuple[type[BaseException], ...] = (typer.Exit, getattr(click_errors, "Exit", typer.Exit))


def _say(message: str) -> None:
    from copydesk.cli.context import err_console
    from copydesk.cli.output import plain, sentence

    err_console.print(sentence(plain("error: ", style="red"), message), soft_wrap=True)


def _usage_line(ctx: Any) -> str:
    """`copydesk history [OPTIONS] URL`: the usage of the command the mistake was made in."""
    if ctx is None:
        return "copydesk [OPTIONS] COMMAND [ARGS]..."
    pieces = ctx.command.collect_usage_pieces(ctx)
    return " ".join([ctx.command_path, *pieces])


def _usage_error(exc: Any) -> None:
    """One line: what was wrong, and the usage of that command (where to look next)."""
    ctx = exc.ctx
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        sys.stdout.write(ctx.get_help() + "\n")
        sys.exit(0)
    message = exc.format_message().strip().replace("\n", " ")
    _say(f"{message} (usage: {_usage_line(ctx)}; add --help for more)")
    sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    """Run `copydesk`; never show a traceback for a user's mistake."""
    try:
        app(args=argv, prog_name="copydesk", standalone_mode=False)
    except CopydeskError as exc:
        # One line: a database error carries SQLAlchemy's second line (a link to its docs).
        _say(" ".join(str(exc).split("\n(Background on this error", 1)[0].split()))
        sys.exit(2 if isinstance(exc, ConfigError) else 1)
    except click_errors.UsageError as exc:
        _usage_error(exc)
    except _ABORT:
        sys.exit(130)
    except _EXIT as exc:
        sys.exit(getattr(exc, "exit_code", 0))
    except click_errors.ClickException as exc:  # e.g. a file option that cannot be opened
        _say(exc.format_message())
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
