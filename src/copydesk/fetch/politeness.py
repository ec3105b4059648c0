"""Per-host politeness slots: a concurrency cap and a minimum delay between request starts.

Modelled on scrapy's downloader Slot. Bookkeeping uses the injected clock's monotonic();
waiting uses asyncio.sleep, so a test with a real clock sees real spacing.

A fleet of workers (PostgreSQL) also shares each host's turns through `SharedTurns` (the store
implements it): the host's next allowed start and its places in flight live in the database,
taken atomically, so N workers never hit one host more often than one would, and a 429's
Retry-After pauses the host for all of them. With a delay, the fleet's sends to one host are
also held one at a time from the claim until the answer comes, and the next goes the delay
after that answer: the host has surely seen a request once it answered, so its own access log
shows the delay between any two requests however late a loaded worker sends what it claimed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from copydesk.clock import Clock
from copydesk.errors import CopydeskError, RateLimitedError
from copydesk.records import HostTurn

logger = logging.getLogger(__name__)

_SLACK = 0.1  # fleet starts are kept this share of per_host_delay further apart ...
_MAX_SLACK = 0.1  # ... but no more than this many seconds


def _raise_if_paused(host: str, paused: float | None) -> None:
    if paused is not None:
        raise RateLimitedError(
            f"not sent: {host} asked the fleet to wait (Retry-After), {paused:.1f}s left",
            retry_after=timedelta(seconds=paused),
        )


class SharedTurns(Protocol):
    """Host turns shared with other processes; every call is a short blocking store call."""

    def take_turn(self, host: str, *, delay: float, slots: int, hold: float) -> HostTurn: ...

    def end_turn(self, host: str, slot: int, *, sent: bool = False) -> None: ...

    def pause_host(self, host: str, seconds: float) -> None: ...

    def host_paused(self, host: str) -> float | None: ...

    def confirm_send(self, host: str, *, delay: float, hold: float) -> HostTurn: ...


@dataclass(slots=True)
class Slot:
    """One host's state: who may run now and when the next request may start."""

    semaphore: asyncio.Semaphore
    next_start: float = 0.0  # monotonic seconds
    users: int = 0  # holders plus waiters, so an idle slot can be dropped


class Politeness:
    """Hands out the right to start a request to a host, one slot per host."""

    def __init__(
        self,
        *,
        concurrency: int,
        per_host_concurrency: int,
        per_host_delay: float,
        clock: Clock,
        shared: SharedTurns | None = None,
        hold: float = 60.0,
    ) -> None:
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._per_host = max(1, per_host_concurrency)
        self._delay = max(0.0, per_host_delay)
        self._clock = clock
        self._slots: dict[str, Slot] = {}
        self._shared = shared
        self._hold = hold  # a turn not given back by then (a crashed worker) frees itself

    def slot_for(self, host: str) -> Slot:
        """The slot of a host, created on first use."""
        slot = self._slots.get(host)
        if slot is None:
            self._sweep()
            slot = self._slots[host] = Slot(asyncio.Semaphore(self._per_host))
        return slot

    @asynccontextmanager
    async def acquire(self, host: str) -> AsyncIterator[None]:
        """Hold one request start for `host` while the body of the `async with` runs."""
        slot = self.slot_for(host)
        slot.users += 1
        try:
            # Host cap first, then the global cap: a burst to one host must not sit on
            # global places that other hosts could use. The delay is waited inside both,
            # so waiting for a global place can never squeeze two starts closer together.
            async with slot.semaphore, self._global:
                await self._wait_turn(slot)
                if self._shared is None:
                    yield
                else:
                    async with self._fleet_turn(host):
                        yield
        finally:
            slot.users -= 1
            self._forget_if_idle(host, slot)

    @asynccontextmanager
    async def _fleet_turn(self, host: str) -> AsyncIterator[None]:
        """Take the host's turn in the shared store: its place, then its start time.

        Raises:
            RateLimitedError: the host is inside a Retry-After pause set by any worker.
        """
        shared = self._shared
        assert shared is not None
        # Starts are reserved a little more than the delay apart: a worker that wakes late
        # (a busy event loop, a slow thread hand-off) must not squeeze the next start closer.
        spacing = self._delay + min(_SLACK * self._delay, _MAX_SLACK) if self._delay else 0.0
        while True:
            try:
                turn = await asyncio.to_thread(
                    shared.take_turn, host, delay=spacing, slots=self._per_host, hold=self._hold
                )
            except CopydeskError as exc:  # the store is away: this worker's own limits hold
                logger.warning("no fleet turn at %s (%s); keeping to this worker's own", host, exc)
                yield
                return
            _raise_if_paused(host, turn.paused)
            if turn.slot is not None:
                break
            await asyncio.sleep(turn.wait)  # every place is taken: look again soon
        sent = False
        try:
            if turn.wait > 0:
                await asyncio.sleep(turn.wait)
            sent = await self._confirm_send(host)
            yield
        finally:
            await self._end_turn(host, turn.slot, sent=sent)

    async def _confirm_send(self, host: str) -> bool:
        """Claim the send itself, `per_host_delay` after the fleet's last request was answered.

        A worker that woke late (or another that met a 429 while this one slept) is caught
        here, right before the request goes out. Returns whether the store holds the send
        for this request (given back, with its answer's time, at the end of the turn).
        """
        assert self._shared is not None
        if not self._delay:
            return False  # no delay to keep: sends need not wait for one another's answers
        while True:
            try:
                send = await asyncio.to_thread(
                    self._shared.confirm_send, host, delay=self._delay, hold=self._hold
                )
            except CopydeskError as exc:  # the reservation stands; the store is away
                logger.warning("could not confirm a send to %s: %s", host, exc)
                return False
            _raise_if_paused(host, send.paused)
            if send.slot is not None:
                return True
            await asyncio.sleep(send.wait)

    async def _end_turn(self, host: str, slot: int, *, sent: bool) -> None:
        assert self._shared is not None
        try:
            await asyncio.to_thread(self._shared.end_turn, host, slot, sent=sent)
        except CopydeskError as exc:  # the place frees itself when its hold runs out
            logger.warning("could not give back a turn at %s: %s", host, exc)

    async def pause(self, host: str, wait: timedelta) -> None:
        """A 429's Retry-After: no worker of the fleet starts a request to `host` before then."""
        if self._shared is None:
            return
        try:
            await asyncio.to_thread(self._shared.pause_host, host, wait.total_seconds())
        except CopydeskError as exc:  # this worker's own pause still holds
            logger.warning("could not pause %s for the fleet: %s", host, exc)

    async def _wait_turn(self, slot: Slot) -> None:
        # Reserve the start time before sleeping (no await in between), so concurrent
        # callers queue up one delay apart instead of all waking at the same moment.
        now = self._clock.monotonic()
        start = max(now, slot.next_start)
        slot.next_start = start + self._delay
        if start > now:
            await asyncio.sleep(start - now)

    def _forget_if_idle(self, host: str, slot: Slot) -> None:
        # A long-running worker meets many hosts; drop a slot once nobody uses it and its
        # delay has run out, so the table does not grow without bound.
        if slot.users == 0 and slot.next_start <= self._clock.monotonic():
            self._slots.pop(host, None)

    def _sweep(self) -> None:
        for host, slot in list(self._slots.items()):
            self._forget_if_idle(host, slot)
