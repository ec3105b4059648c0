"""Store fixtures: every store test runs on SQLite (a WAL file) and on PostgreSQL (own schema)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from copydesk.clock import FixedClock
from copydesk.records import Source
from copydesk.store import Store

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
# Read at import: the autouse env cleaner removes COPYDESK_* variables before each test runs.
SKIP_PG = os.environ.get("COPYDESK_SKIP_PG") == "1"


@pytest.fixture(scope="session")
def pg_admin(pg_url: str) -> Iterator[sa.Engine]:
    """An autocommit engine on the test server; fails (not skips) when it is down."""
    engine = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        if SKIP_PG:
            pytest.skip(f"PostgreSQL unreachable and COPYDESK_SKIP_PG=1: {exc}")
        pytest.fail(f"PostgreSQL at {pg_url} unreachable (set COPYDESK_SKIP_PG=1 to skip): {exc}")
    yield engine
    engine.dispose()


def pg_schema_url(pg_url: str, schema: str) -> str:
    """The test server URL with search_path set to `schema` (libpq `options`)."""
    url = sa.make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def pg_schema(request: pytest.FixtureRequest, pg_url: str) -> Iterator[str]:
    """A fresh schema for one test (others share the server), dropped afterwards."""
    admin: sa.Engine = request.getfixturevalue("pg_admin")
    schema = f"t_{uuid.uuid4().hex}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(pg_url, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


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
