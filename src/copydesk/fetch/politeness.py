"""Per-host politeness slots: a concurrency cap and a minimum delay between request starts.

Modelled on scrapy's downloader Slot. Bookkeeping uses the injected clock's monotonic();
waiting uses asyncio.sleep, so a test with a real clock sees real spacing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from copydesk.clock import Clock


@dataclass(slots=True)
class Slot:
    """One host's state: who may run now and when the next request may start."""

    semaphore: asyncio.Semaphore
    next_start: float = 0.0  # monotonic seconds
    users: int = 0  # holders plus waiters, so an idle slot can be dropped


class Politeness:
    """Hands out the right to start a request to a host, one slot per host."""

    def __init__(
        self, *, concurrency: int, per_host_concurrency: int, per_host_delay: float, clock: Clock
    ) -> None:
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._per_host = max(1, per_host_concurrency)
        self._delay = max(0.0, per_host_delay)
        self._clock = clock
        self._slots: dict[str, Slot] = {}

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
                yield
        finally:
            slot.users -= 1
            self._forget_if_idle(host, slot)

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
