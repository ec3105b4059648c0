"""Fixtures for the extract tests: the invented Northern Ledger pages."""

from __future__ import annotations

from pathlib import Path

import pytest

LEDGER_URL = "https://www.northernledger.example/news/2024/05/harbour-bridge-cables"


@pytest.fixture
def ledger(fixtures_dir: Path) -> Path:
    return fixtures_dir / "articles" / "ledger"


@pytest.fixture
def ledger_url() -> str:
    return LEDGER_URL
