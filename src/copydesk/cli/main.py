"""Entry point: runs the Typer app and turns user mistakes into one line and exit status 1."""

from __future__ import annotations

import sys

import click

from copydesk.cli import demo, texts, tracking, web  # noqa: F401  (each module registers its commands)
from copydesk.cli.app import app
from copydesk.cli.context import err_console
from copydesk.errors import CopydeskError


def main(argv: list[str] | None = None) -> None:
    """Run `copydesk`; never show a traceback for a user's mistake."""
    try:
        app(args=argv, standalone_mode=False)
    except CopydeskError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
