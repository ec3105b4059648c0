"""`copydesk serve` and the admin commands that mirror the web's write actions."""

from __future__ import annotations

from typing import Annotated

import typer

from copydesk.cli.app import canonical_or_error, clock, settings_of
from copydesk.cli.context import console, open_store
from copydesk.errors import UsageError
from copydesk.publish import apply, create_app
from copydesk.publish import serve as serve_app

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app


@commands.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
) -> None:
    """Serve the web UI, feeds and JSON API."""
    settings = settings_of(ctx)
    with open_store(settings) as store:
        console.print(f"Serving {settings.db} at http://{host}:{port}/ (Ctrl-C stops)")
        serve_app(create_app(settings, store=store, clock=clock), host, port)


def _act(ctx: typer.Context, action: str, url: str, reason: str = "") -> None:
    settings = settings_of(ctx)
    canonical = canonical_or_error(url)
    with open_store(settings) as store:
        article = store.find_article(canonical)
        if article is None:
            raise UsageError(f"not tracked: {canonical}")
        done = apply(store, action, str(article.id), reason, clock.now(), settings.schedule)
    console.print(done, highlight=False)


@commands.command()
def pause(ctx: typer.Context, url: str) -> None:
    """Stop checking an article for changes."""
    _act(ctx, "pause", url)


@commands.command()
def hide(
    ctx: typer.Context,
    url: str,
    reason: Annotated[str, typer.Option("--reason", help="Why (shown on its change log).")],
) -> None:
    """Hide an article for legal reasons: its text and diff pages answer 410."""
    _act(ctx, "hide", url, reason)


@commands.command()
def unhide(ctx: typer.Context, url: str) -> None:
    """Show a hidden article again (active, or retired if long quiet)."""
    _act(ctx, "unhide", url)
