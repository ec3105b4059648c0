"""Shared fixtures: clean environment, fixed clock, corpus location, PostgreSQL URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from benchmarks.harness import find_corpus
from copydesk.clock import FixedClock
from tests.support.loopback import Site, loopback_site
from tests.support.paths import FIXTURES

DEFAULT_PG = "postgresql+psycopg://root@127.0.0.1:5432/test"


@pytest.fixture
def corpus() -> Path:
    path = find_corpus()
    if path is None:
        pytest.skip("shared corpus not found: set COPYDESK_CORPUS to ../shared/corpus")
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    """The loopback site (tests/support/loopback.py), fresh per test: (site, base URL)."""
    with loopback_site() as served:
        yield served


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's COPYDESK_* settings (COPYDESK_TEST_PG excepted)."""
    for key in list(os.environ):
        if key.startswith("COPYDESK_") and key not in {
            "COPYDESK_TEST_PG",
            "COPYDESK_CORPUS",
            "COPYDESK_SKIP_PG",
        }:
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the test PostgreSQL server; `.ci/run` makes sure one is running."""
    return os.environ.get("COPYDESK_TEST_PG", DEFAULT_PG)


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the suite for pytest-xdist (README's command runs it on several workers).

    The end-to-end runs marked `slow` go first, so the long ones start at once and the many short
    tests fill the workers around them; browser tests next. The workers take whole modules
    (`--dist loadscope`), so a module's shared fixture (a newsroom run, a demo database) is
    built once, in order of each module's first test (`--no-loadscope-reorder`).
    """

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("slow"):
            return 0
        return 1 if item.get_closest_marker("browser") else 2

    items.sort(key=rank)  # stable: the order within each rank is the collection's
