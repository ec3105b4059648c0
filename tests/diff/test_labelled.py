"""Gate on the labelled change set (benchmarks/classify.py), read in place from the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import classify as bench


@pytest.mark.corpus
def test_labelled_changes(corpus: Path) -> None:
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
