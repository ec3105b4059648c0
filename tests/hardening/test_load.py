"""The short CI variant of benchmarks/load.py: 10 clients for 5 s on loopback, 0 errors."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parents[2] / "benchmarks" / "load.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("copydesk_bench_load", LOAD)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_ten_clients_for_five_seconds_without_errors(tmp_path):
    bench = _load_module()
    result = bench.run(
        tmp_path / "load.db", articles=120, clients=10, seconds=5.0, max_requests=5_000
    )
    print(result.summary())
    assert result.errors == 0, result.failures
    assert result.requests >= 20  # it really served pages, even on a slow shared machine
    assert result.percentile(0.99) < 10.0
