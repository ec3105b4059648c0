"""Gate on the labelled change set (benchmarks/classify.py), read in place from the corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "classify.py"


def load(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("copydesk_bench_classify", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses resolve names through it
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
def test_labelled_changes(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load(monkeypatch)
    report = bench.evaluate(corpus)
    assert report.cases > 1000
    assert report.kind_correct / report.cases >= 0.98
    assert report.visible.recall == 1.0  # every real edit caught
    assert report.visible.precision >= 0.99  # no noise
    assert report.correct_by_source["cfi"] == report.by_source["cfi"]
    assert report.correct_by_source["newssniffer"] == report.by_source["newssniffer"]
    for flag, scores in report.flags.items():
        assert scores.precision >= 0.9, flag
        assert scores.recall >= 0.9, flag
