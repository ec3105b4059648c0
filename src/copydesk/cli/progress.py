"""Live status and progress for long work, shown only in a terminal (never in a pipe or log).

`copydesk run`, `worker` and `demo` show one status line (checks done, new versions, errors,
polls, when the next check is due); `export` shows a running count. The line is redrawn in
place by Rich and disappears when the work ends; in a pipe nothing is drawn at all.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from copydesk.clock import Clock
    from copydesk.store import Store
    from copydesk.worker import RunStats

T = TypeVar("T")
_REFRESH = 1.0  # seconds between looks at the queue


@dataclass(slots=True)
class _Queue:
    next_due: datetime | None = None


def status_line(stats: RunStats, next_due: datetime | None, now: datetime) -> Text:
    """`● 120 checks · 7 new versions · 2 errors · 15 polls · next check in 12s`."""
    versions = stats.outcomes.get("new-version", 0)
    errors = stats.outcomes.get("error", 0) + stats.crashes
    if next_due is None:
        due = "nothing due"
    elif next_due <= now:
        due = "checks due now"
    else:
        due = f"next check in {_span((next_due - now).total_seconds())}"
    text = Text("● ", style="green")
    text.append(f"{stats.checks} checks · ")
    text.append(f"{versions} new versions", style="bold" if versions else "")
    text.append(" · ")
    text.append(f"{errors} errors", style="red" if errors else "")
    text.append(f" · {stats.polls} polls · {due}")
    return text


def _span(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))}s"
    if seconds < 5400:
        return f"{round(seconds / 60)}m"
    return f"{seconds / 3600:.1f}h"


@contextlib.asynccontextmanager
async def live_status(
    console: Console, stats: Callable[[], RunStats], store: Store, clock: Clock
) -> AsyncIterator[None]:
    """Show the tracker's status line while the block runs, when `console` is a terminal."""
    if not console.is_terminal:
        yield
        return
    from rich.live import Live

    queue = _Queue()

    async def watch() -> None:
        while True:
            with contextlib.suppress(Exception):  # a busy database only delays the line
                queue.next_due = await asyncio.to_thread(store.next_due_at)
            await asyncio.sleep(_REFRESH)

    watcher = asyncio.ensure_future(watch())
    live = Live(
        get_renderable=lambda: status_line(stats(), queue.next_due, clock.now()),
        console=console,
        refresh_per_second=2,
        transient=True,
    )
    try:
        with live:
            yield
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


@contextlib.contextmanager
def counting(console: Console, label: str) -> Iterator[Callable[[Any], Any]]:
    """A running count of rows written, drawn on `console` when it is a terminal.

    Yields a function to wrap each item with (it counts it and passes it through).
    """
    if not console.is_terminal:
        yield lambda item: item
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}: {task.completed:,}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task(label, total=None)

        def count(item: T) -> T:
            progress.advance(task)
            return item

        yield count
