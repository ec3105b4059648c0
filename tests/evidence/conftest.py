"""Evidence fixtures: one tracked newsroom run with WARC on, and pywb's tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.evidence import TrackedRun, pywb_bin, track_newsroom


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> TrackedRun:
    """One tracked newsroom run with WARC on, shared by the tests that only read it."""
    return track_newsroom(tmp_path_factory.mktemp("tracked"))


@pytest.fixture
def pywb() -> Path:
    folder = pywb_bin()
    if folder is None:
        pytest.skip(
            "pywb not installed: python3 -m venv .venv-pywb && "
            ".venv-pywb/bin/pip install 'pywb>=2.10' (its own venv; see .ci/run)"
        )
    return folder
