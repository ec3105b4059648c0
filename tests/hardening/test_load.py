"""The short CI variant of benchmarks/load.py: 10 clients for 5 s on loopback, 0 errors."""

from __future__ import annotations

import pytest

from benchmarks import load as bench


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_ten_clients_for_five_seconds_without_errors(tmp_path):
    result = bench.run(
        tmp_path / "load.db", articles=120, clients=10, seconds=5.0, max_requests=5_000
    )
    print(result.summary())
    assert result.errors == 0, result.failures
    assert result.requests >= 20  # it really served pages, even on a slow shared machine
    assert result.percentile(0.99) < 10.0
