"""Newsroom fixtures: a small, fast script on a FixedClock, served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from copydesk.clock import FixedClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer

SMALL = NewsroomConfig(seed=7, articles=6, publish_window=2.0, edit_gap=0.5)


@pytest.fixture
def small_config() -> NewsroomConfig:
    return SMALL


@pytest.fixture
def newsroom(clock: FixedClock, small_config: NewsroomConfig) -> Newsroom:
    return Newsroom(small_config, clock=clock)


@pytest.fixture
def server(newsroom: Newsroom) -> Iterator[NewsroomServer]:
    with NewsroomServer(newsroom) as running:
        yield running


@pytest.fixture
def http(server: NewsroomServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, trust_env=False, timeout=5.0) as client:
        yield client
