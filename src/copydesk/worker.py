"""The long-running tracker loop: ask the scheduler what is due, run the pipeline, stop cleanly.

One loop serves both `copydesk run` (SQLite, one process) and `copydesk worker` (many processes
on PostgreSQL): due articles and endpoint polls are claimed with a lease, so a crashed or
parallel worker never loses or doubles a check or a poll. The scheduler's store calls run in a
thread, so a busy database never stalls the fetches in flight.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from copydesk.clock import Clock
from copydesk.delivery import Courier
from copydesk.errors import CopydeskError
from copydesk.evidence import WaybackSaver
from copydesk.pipeline import CheckReport, Tracker
from copydesk.records import CheckOutcome, Endpoint, TrackedArticle
from copydesk.urls import host_of

logger = logging.getLogger(__name__)

_IDLE_SLEEP = 0.25  # seconds between looks at the store when nothing is in flight
_GRACE = 3.0  # seconds in-flight work may take to finish once the loop stops
_MIN_LEASE = timedelta(minutes=1)  # a claimed check not finished by then is due again
_COURIER_EVERY = 1.0  # seconds between looks at the notification outbox
_SAVE_EVERY = 5.0  # seconds between looks at the Save Page Now queue


@dataclass(slots=True)
class RunStats:
    """Counts for the end-of-run summary and the benchmarks."""

    polls: int = 0
    checks: int = 0
    new_articles: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    crashes: int = 0

    def count(self, report: CheckReport) -> None:
        self.checks += 1
        self.outcomes[report.outcome.value] = self.outcomes.get(report.outcome.value, 0) + 1


class Worker:
    """Runs due endpoint polls and article checks concurrently until told to stop."""

    def __init__(
        self,
        tracker: Tracker,
        *,
        clock: Clock,
        concurrency: int = 16,
        on_report: Callable[[CheckReport], None] | None = None,
        grace: float = _GRACE,
        courier: Courier | None = None,
        saver: WaybackSaver | None = None,
    ) -> None:
        self.tracker = tracker
        self.grace = grace
        self.store = tracker.store
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.on_report = on_report
        self.stats = RunStats()
        # A check cannot take longer than one fetch timeout plus politeness waits.
        self.lease = max(_MIN_LEASE, 2 * tracker.settings.fetch.total_timeout)
        self._stop = asyncio.Event()
        self._freed = asyncio.Event()  # set when a task ends, so its place is filled at once
        self._tasks: set[asyncio.Task[None]] = set()
        self._busy_endpoints: set[int] = set()
        self._busy_hosts: Counter[str] = Counter()  # host -> checks in flight there
        self._polls: set[asyncio.Task[None]] = set()
        self.courier = courier
        self._courier_task: asyncio.Task[None] | None = None
        self._courier_due = 0.0
        # Endpoints whose poll crashed and could not even be recorded: left alone for the
        # error back-off (monotonic deadline), so a broken database is not a hot loop.
        self._cooling: dict[int, float] = {}
        # Save Page Now runs beside the checks, one batch at a time: never in their way.
        self.saver = saver
        self._save_task: asyncio.Task[None] | None = None
        self._next_save = 0.0

    def stop(self) -> None:
        """Ask the loop to finish: no new work is started, in-flight work may complete."""
        self._stop.set()

    async def run(self, *, duration: float | None = None, once: bool = False) -> RunStats:
        """Work until stopped, until `duration` seconds pass, or (once) until nothing is due."""
        deadline = None if duration is None else self.clock.monotonic() + duration
        try:
            while not self._stop.is_set():
                if deadline is not None and self.clock.monotonic() >= deadline:
                    break
                started, full = await self._start_due_work()
                self._start_courier()
                self._start_saves()
                if once and not started and not self._tasks:
                    break
                await self._pause(full)
            if once:
                await self._deliver_rest()
        finally:
            await self._drain()
            await self._stop_courier()
            self._share_stats()
        return self.stats

    # ── the notification outbox ─────────────────────────────────────────────────────

    def _start_courier(self) -> None:
        """Deliver due notifications in the background, at most one pass at a time."""
        if self.courier is None or self.clock.monotonic() < self._courier_due:
            return
        if self._courier_task is not None and not self._courier_task.done():
            return
        self._courier_due = self.clock.monotonic() + _COURIER_EVERY
        self._courier_task = asyncio.ensure_future(self._courier_pass())

    async def _courier_pass(self) -> None:
        assert self.courier is not None
        try:
            while await self.courier.deliver_due() and not self._stop.is_set():
                pass
        except CopydeskError as exc:
            logger.error("notification delivery failed: %s", exc)
        except Exception:  # the tracker outlives the sender; the outbox keeps what is left
            self.stats.crashes += 1
            logger.exception("notification delivery crashed")

    async def _deliver_rest(self) -> None:
        """With --once: what is due in the outbox now is attempted before the run ends."""
        if self.courier is None:
            return
        if self._courier_task is not None:
            await self._courier_task
        self._courier_task = asyncio.ensure_future(self._courier_pass())
        await self._courier_task

    async def _stop_courier(self) -> None:
        task = self._courier_task
        if task is None or task.done():
            return
        _done, pending = await asyncio.wait({task}, timeout=self.grace)
        for left in pending:
            left.cancel()  # its lease expires, or the next run releases it: sent again later

    def _share_stats(self) -> None:
        try:
            self.tracker.flush_stats()
        except CopydeskError as exc:
            logger.warning("could not share the learned statistics at the stop: %s", exc)

    async def _pause(self, full: bool) -> None:
        """Wait for the next look at the queue: a tick, or sooner when a full claim frees a place.

        Looking only every tick (unless every place was filled, so more may be due) batches the
        claims: one read and one lease serve many checks.
        """
        self._freed.clear()
        waits = [asyncio.ensure_future(self._stop.wait())]
        if full:
            waits.append(asyncio.ensure_future(self._freed.wait()))
        try:
            await asyncio.wait(waits, timeout=_IDLE_SLEEP, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _start_due_work(self) -> tuple[int, bool]:
        """Start polls and checks that are due, up to the concurrency limit.

        Returns how many were started and whether they filled every free place.
        """
        room = self.concurrency - len(self._tasks)
        if room <= 0:
            return 0, True
        cooled = self.clock.monotonic()
        self._cooling = {k: t for k, t in self._cooling.items() if t > cooled}
        skip = frozenset(self._busy_endpoints | set(self._cooling))
        busy_hosts = {host: n for host, n in self._busy_hosts.items() if n > 0}
        endpoints, articles = await asyncio.to_thread(
            self._due_work, room, skip, busy_hosts, len(self._polls)
        )
        for endpoint in endpoints:
            self._polls.add(self._spawn(self._poll(endpoint)))
        for article in articles:
            self._spawn(self._check(article))
        started = len(endpoints) + len(articles)
        return started, started >= room

    def _due_work(
        self, room: int, skip: frozenset[int], busy_hosts: dict[str, int], polling: int
    ) -> tuple[list[Endpoint], list[TrackedArticle]]:
        """What to start now, asked of the scheduler (in a thread: it reads and leases).

        Polls take at most half the places while checks are due (`polling`: polls in flight),
        so a worker with many feeds to read still checks articles; places the checks leave
        free go to more polls.
        """
        now = self.clock.now()
        scheduler = self.tracker.scheduler
        scheduler.upkeep(now)
        share = min(room, max(0, max(1, self.concurrency // 2) - polling))
        endpoints = scheduler.claim_polls(now, limit=share, lease=self.lease, skip=skip)
        articles = scheduler.claim(
            now, limit=room - len(endpoints), lease=self.lease, busy_hosts=busy_hosts
        )
        left = room - len(endpoints) - len(articles)
        if left > 0 and len(endpoints) == share:  # more polls may be due, and there is room
            taken = skip | {e.id for e in endpoints if e.id is not None}
            endpoints += scheduler.claim_polls(now, limit=left, lease=self.lease, skip=taken)
        return endpoints, articles

    def _start_saves(self) -> None:
        if self.saver is None or self.clock.monotonic() < self._next_save:
            return
        if self._save_task is not None and not self._save_task.done():
            return
        self._next_save = self.clock.monotonic() + _SAVE_EVERY
        self._save_task = asyncio.ensure_future(self._saves(self.saver))

    async def _saves(self, saver: WaybackSaver) -> None:
        try:
            await saver.run_due()
        except Exception:  # a failing archive never stops tracking; retried next round
            logger.exception("Save Page Now round crashed")

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._polls.discard(task)
        self._freed.set()

    async def _poll(self, endpoint: Endpoint) -> None:
        assert endpoint.id is not None
        self._busy_endpoints.add(endpoint.id)
        try:
            new = await self.tracker.poll_endpoint(endpoint)
            self.stats.polls += 1
            self.stats.new_articles += len(new)
        except asyncio.CancelledError:
            self._give_back(endpoint.id)
            raise
        except Exception:  # the daemon outlives any one endpoint; the traceback goes to the log
            self.stats.crashes += 1
            logger.exception("poll of %s crashed and could not be recorded", endpoint.url)
            backoff = self.tracker.settings.schedule.error_backoff.total_seconds()
            self._cooling[endpoint.id] = self.clock.monotonic() + backoff
        finally:
            self._busy_endpoints.discard(endpoint.id)

    def _give_back(self, endpoint_id: int) -> None:
        # A poll cut by the stop recorded nothing: its lease is given back, so the next run
        # (or another worker) polls the endpoint at once rather than when the lease runs out.
        try:
            self.store.release_endpoint(endpoint_id, self.clock.now())
        except CopydeskError as exc:
            logger.warning("could not give back the poll of endpoint %d: %s", endpoint_id, exc)

    async def _check(self, article: TrackedArticle) -> None:
        host = host_of(article.url)
        self._busy_hosts[host] += 1
        try:
            await self._run_check(article)
        finally:
            self._busy_hosts[host] -= 1
            if self._busy_hosts[host] <= 0:
                del self._busy_hosts[host]

    async def _run_check(self, article: TrackedArticle) -> None:
        try:
            report = await self.tracker.check_article(article)
        except asyncio.CancelledError:
            self._interrupted(article)
            raise
        except CopydeskError as exc:
            self.stats.crashes += 1
            logger.error("check of %s failed: %s", article.url, exc)
            return
        except Exception:  # the daemon outlives any one article; the lease retries it later
            self.stats.crashes += 1
            logger.exception("check of %s crashed", article.url)
            return
        self.stats.count(report)
        if self.on_report is not None:
            self.on_report(report)
        if report.outcome is CheckOutcome.NEW_VERSION:
            logger.info("%s: new version %s", article.url, report.version and report.version.number)

    def _interrupted(self, article: TrackedArticle) -> None:
        # Cut by the stop: say so on the article, so whatever the check had met (a stalled
        # server, a slow body) is not left looking like a fault that went unrecorded.
        try:
            self.tracker.record_interrupted(article)
        except CopydeskError as exc:
            logger.warning("could not note the interrupted check of %s: %s", article.url, exc)

    async def _drain(self) -> None:
        """Let in-flight checks finish briefly, then cancel them; leases make the rest due again.

        Polls are cancelled at once: a poll is safe to repeat, and a long listing must not
        hold the stop (what it stored so far is kept; the endpoint is still due).
        """
        for poll in list(self._polls):
            poll.cancel()
        if self._save_task is not None and not self._save_task.done():
            self._save_task.cancel()  # its lease makes the save due again later
            await asyncio.wait({self._save_task}, timeout=1.0)
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=self.grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)
