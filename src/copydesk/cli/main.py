"""Entry point: runs the Typer app and turns user mistakes into one line and a non-zero exit.

A bad setting exits 2 (like a usage error), before anything starts; other copydesk errors exit 1.
"""

from __future__ import annotations

import sys

import click
import typer
from rich.text import Text

from copydesk.cli import demo, evidence, notifying, texts, tracking, web  # noqa: F401  (each module registers its commands)
from copydesk.cli.app import app
from copydesk.cli.context import err_console
from copydesk.cli.output import plain
from copydesk.errors import ConfigError, CopydeskError

try:  # recent typer bundles its own click, whose exceptions are not click's
    from typer._click.exceptions import ClickException as _BundledClickException
except ImportError:  # pragma: no cover - typer releases that use the click package
    _BundledClickException = click.ClickException  # type: ignore[assignment,misc]

_ABORT = (typer.Abort, click.exceptions.Abort)
_EXIT = (typer.Exit, click.exceptions.Exit)
_USAGE = (_BundledClickException, click.ClickException)


def main(argv: list[str] | None = None) -> None:
    """Run `copydesk`; never show a traceback for a user's mistake."""
    try:
        app(args=argv, standalone_mode=False)
    except CopydeskError as exc:
        err_console.print(Text("error: ", style="red") + plain(str(exc)), soft_wrap=True)
        sys.exit(2 if isinstance(exc, ConfigError) else 1)
    except _ABORT:
        sys.exit(130)
    except _EXIT as exc:
        sys.exit(exc.exit_code)
    except _USAGE as exc:
        exc.show()  # plain text on stderr, never Rich markup
        sys.exit(exc.exit_code)
