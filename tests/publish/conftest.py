"""A small tracked newsroom in a fresh store, and an app + TestClient over it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from copydesk.clock import FixedClock
from copydesk.publish import create_app
from copydesk.settings import Settings, WebSettings
from copydesk.store import Store
from tests.support.web import START, TOKEN, Newsroom, TestClient, fill


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'web.db'}")
    yield opened
    opened.close()


@pytest.fixture
def newsroom(store: Store) -> Newsroom:
    return fill(store)


@pytest.fixture
def web_clock() -> FixedClock:
    return FixedClock(START + timedelta(hours=4))


@pytest.fixture
def settings() -> Settings:
    # TestClient's Host is "testserver": trusted here, so feeds build their links on it.
    return Settings(
        db="sqlite://",
        web=WebSettings(admin_token=TOKEN, trusted_hosts=("testserver", "127.0.0.1", "localhost")),
    )


@pytest.fixture
def client(newsroom: Newsroom, settings: Settings, web_clock: FixedClock) -> Iterator[TestClient]:
    app = create_app(settings, store=newsroom.store, clock=web_clock)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client
