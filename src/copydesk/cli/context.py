"""Shared state of one CLI invocation: settings and the resources built from them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from copydesk.archive import WarcArchive
from copydesk.cli.output import SafeConsole
from copydesk.clock import SystemClock
from copydesk.evidence import WaybackSaver
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.publish.metrics import MeasuredFetcher, TrackerMetrics
from copydesk.settings import Settings, load_settings
from copydesk.store import Store
from copydesk.worker import Worker

console = SafeConsole()
err_console = SafeConsole(stderr=True)


@dataclass(slots=True)
class CliState:
    """Options given before the command (`copydesk --db … --config … COMMAND`)."""

    db: str | None = None
    config: Path | None = None
    verbose: bool = False
    _settings: Settings | None = None

    def settings(self) -> Settings:
        """The validated settings, loaded once (a bad value raises ConfigError)."""
        if self._settings is None:
            overrides = {"db": self.db} if self.db else None
            self._settings = load_settings(self.config, overrides=overrides)
        return self._settings

    def configure_logging(self) -> None:
        level = logging.INFO if self.verbose else logging.WARNING
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _normalise_db(url: str) -> str:
    """Accept a bare file path as a SQLite database."""
    return url if "://" in url else f"sqlite:///{url}"


@contextlib.contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    store = Store.open(_normalise_db(settings.db))
    try:
        yield store
    finally:
        store.close()


@contextlib.asynccontextmanager
async def open_tracker(
    settings: Settings,
    store: Store,
    *,
    capture: bool = True,
    metrics: TrackerMetrics | None = None,
) -> AsyncIterator[Tracker]:
    """A tracker with its fetcher and, when `[archive] warc_dir` is set, its WARC archive.

    With `metrics`, every fetch is timed into them (`run --metrics`).
    """
    clock = SystemClock()
    fetcher = (
        Fetcher(settings.fetch, clock=clock)
        if metrics is None
        else MeasuredFetcher(settings.fetch, metrics=metrics, clock=clock)
    )
    archive = None
    try:
        if capture and settings.archive.warc_dir:
            archive = WarcArchive(
                Path(settings.archive.warc_dir), max_bytes=settings.archive.warc_max_bytes
            )
        tracker = Tracker(
            store=store, fetcher=fetcher, settings=settings, clock=clock, archive=archive
        )
        yield tracker
        tracker.flush_stats()  # a one-off check teaches the source's statistics too
    finally:
        if archive is not None:
            archive.close()
        await fetcher.aclose()


def wayback_saver(settings: Settings, tracker: Tracker) -> WaybackSaver | None:
    """The background Save Page Now queue, when `[archive] wayback_save` is on."""
    if not settings.archive.wayback_save:
        return None
    return WaybackSaver(tracker.store, tracker.fetcher, settings.archive, clock=tracker.clock)


def with_db(settings: Settings, db: str) -> Settings:
    return replace(settings, db=db)


def install_stop_signals(worker: Worker) -> None:
    """SIGINT and SIGTERM ask the worker to finish cleanly."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, worker.stop)
