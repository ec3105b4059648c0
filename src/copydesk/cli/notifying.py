"""`copydesk notify test`: send a sample message to every configured [[notify]] URL."""

from __future__ import annotations

import typer
from rich.table import Table

from copydesk.cli.app import clock, settings_of
from copydesk.cli.context import console
from copydesk.cli.output import plain
from copydesk.delivery import send_samples
from copydesk.errors import NotifyError, UsageError

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app
notify_app = typer.Typer(help="Notifications: [[notify]] rules in copydesk.toml.")
commands.add_typer(notify_app, name="notify")


@notify_app.command("test")
def test(ctx: typer.Context) -> None:
    """Send a sample message to every configured URL and report each result."""
    settings = settings_of(ctx)
    if not settings.notify:
        raise UsageError("no [[notify]] rules in the configuration: nothing to test")
    attempts = send_samples(settings, clock.now())
    table = Table("target", "result", "detail")
    for attempt in attempts:
        table.add_row(
            plain(attempt.target),
            plain("ok" if attempt.ok else "FAILED", "green" if attempt.ok else "red"),
            plain(attempt.detail),
        )
    console.print(table)
    failed = sum(1 for a in attempts if not a.ok)
    console.print(f"{len(attempts) - failed} of {len(attempts)} targets reached.")
    if failed:
        raise NotifyError(f"{failed} of {len(attempts)} targets could not be reached")
