"""Shared state of one CLI invocation: settings and the resources built from them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: each command loads only what it needs (start-up time)
    from rich.console import Console

    from copydesk.evidence import WaybackSaver
    from copydesk.pipeline import Tracker
    from copydesk.publish.metrics import TrackerMetrics
    from copydesk.settings import Settings
    from copydesk.store import Store
    from copydesk.worker import Worker

_CONSOLES: dict[str, Console] = {}


def __getattr__(name: str) -> Any:
    """`console` (stdout) and `err_console` (stderr), made on first use: see cli/output.py."""
    if name in ("console", "err_console"):
        if name not in _CONSOLES:
            from copydesk.cli.output import make_console

            _CONSOLES[name] = make_console(stderr=name == "err_console")
        return _CONSOLES[name]
    raise AttributeError(name)


@dataclass(slots=True)
class CliState:
    """Options given before the command (`copydesk --db … --config … COMMAND`)."""

    db: str | None = None
    config: Path | None = None
    verbose: bool = False
    log_format: str = "text"
    _settings: Settings | None = None

    def settings(self) -> Settings:
        """The validated settings, loaded once (a bad value raises ConfigError)."""
        if self._settings is None:
            from copydesk.settings import load_settings

            overrides = {"db": self.db} if self.db else None
            self._settings = load_settings(self.config, overrides=overrides)
        return self._settings

    def configure_logging(self) -> None:
        """Warnings only, or (-v) progress and every recorded fault; as text or JSON lines."""
        handler = logging.StreamHandler()
        if self.log_format == "json":
            handler.setFormatter(JsonLogFormatter())
        else:
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
            )
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO if self.verbose else logging.WARNING)


# Attributes every LogRecord has; anything else was passed as `extra=` and is kept.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonLogFormatter(logging.Formatter):
    """One JSON object per log line, for log shippers (Loki, Elasticsearch, journald).

    Keys: time, level, logger, message, every `extra=` field, and the exception as text.
    """

    def format(self, record: logging.LogRecord) -> str:
        import json
        from datetime import UTC, datetime

        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def _normalise_db(url: str) -> str:
    """Accept a bare file path as a SQLite database."""
    return url if "://" in url else f"sqlite:///{url}"


@contextlib.contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    from copydesk.store import Store

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
    from copydesk.archive import WarcArchive
    from copydesk.clock import SystemClock
    from copydesk.fetch import Fetcher
    from copydesk.pipeline import Tracker
    from copydesk.publish.metrics import MeasuredFetcher

    clock = SystemClock()
    # On PostgreSQL every worker keeps each host's delay and places together, in the store.
    shared = store if store.shared_hosts else None
    fetcher = (
        Fetcher(settings.fetch, clock=clock, shared=shared)
        if metrics is None
        else MeasuredFetcher(settings.fetch, metrics=metrics, clock=clock, shared=shared)
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
    from copydesk.evidence import WaybackSaver

    return WaybackSaver(tracker.store, tracker.fetcher, settings.archive, clock=tracker.clock)


def with_db(settings: Settings, db: str) -> Settings:
    return replace(settings, db=db)


def install_stop_signals(worker: Worker) -> None:
    """SIGINT and SIGTERM ask the worker to finish cleanly."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, worker.stop)
