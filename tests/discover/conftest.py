"""Fixtures for discovery tests: the invented Northbridge Herald and its endpoint files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from copydesk.records import Source

SITE = "https://www.northbridgeherald.com"


@pytest.fixture
def herald() -> Source:
    return Source(name="herald")


@pytest.fixture
def source_bytes(fixtures_dir: Path) -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return (fixtures_dir / "sources" / name).read_bytes()

    return read
