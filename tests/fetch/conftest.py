"""Fetch-stage fixtures: Fetchers over httpx.MockTransport with a stub resolver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from copydesk.clock import Clock, FixedClock
from copydesk.fetch import Fetcher
from copydesk.fetch.guard import Resolver
from copydesk.settings import FetchSettings
from tests.support.fetching import Handler, quick_settings, stub_resolver

MakeFetcher = Callable[..., Fetcher]


@pytest.fixture
async def make_fetcher(clock: FixedClock) -> AsyncIterator[MakeFetcher]:
    """Build Fetchers over a MockTransport handler; all are closed after the test."""
    made: list[Fetcher] = []

    def make(
        handler: Handler,
        settings: FetchSettings | None = None,
        *,
        resolver: Resolver | None = None,
        fetch_clock: Clock | None = None,
    ) -> Fetcher:
        fetcher = Fetcher(
            settings or quick_settings(),
            clock=fetch_clock or clock,
            transport=httpx.MockTransport(handler),
            resolver=resolver or stub_resolver(),
        )
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()
