"""Store fixtures: every store test runs on SQLite (a WAL file) and on PostgreSQL (own schema)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from copydesk.clock import FixedClock
from copydesk.records import Source
from copydesk.store import Store

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """An empty database: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'copydesk.db'}"
    return str(request.getfixturevalue("pg_schema"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as opened:
        yield opened


@pytest.fixture
def now(clock: FixedClock) -> datetime:
    return clock.now()


@pytest.fixture
def source(store: Store, now: datetime) -> Source:
    return store.add_source(Source(name="daily", include=(r"/news/",)), now=now)


@pytest.fixture
def raw(db_url: str) -> Iterator[sa.Engine]:
    """A plain engine on the test database, to look behind the Store's back."""
    engine = sa.create_engine(db_url)
    yield engine
    engine.dispose()
