"""Shared fixtures: clean environment, fixed clock, corpus location, PostgreSQL URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copydesk.clock import FixedClock

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEFAULT_PG = "postgresql+psycopg://root@127.0.0.1:5432/test"


def corpus_path() -> Path | None:
    """Where the shared corpus is, or None when this machine has none."""
    configured = os.environ.get("COPYDESK_CORPUS")
    path = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    return path if path.is_dir() else None


@pytest.fixture
def corpus() -> Path:
    path = corpus_path()
    if path is None:
        pytest.skip("shared corpus not found: set COPYDESK_CORPUS to ../shared/corpus")
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's COPYDESK_* settings (COPYDESK_TEST_PG excepted)."""
    for key in list(os.environ):
        if key.startswith("COPYDESK_") and key not in {"COPYDESK_TEST_PG", "COPYDESK_CORPUS", "COPYDESK_SKIP_PG"}:
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the test PostgreSQL server; `.ci/run` makes sure one is running."""
    return os.environ.get("COPYDESK_TEST_PG", DEFAULT_PG)
