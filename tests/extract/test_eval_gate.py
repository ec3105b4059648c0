"""Golden gate: copydesk's F1 on a fixed corpus subset may not drop below the stored baseline.

The pages are read in place from the shared corpus; eval_baseline.json holds only numbers.
Re-measure with `python benchmarks/extraction.py` and update the baseline when quality improves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import extraction as bench

BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text())
TOLERANCE = 0.01


@pytest.mark.corpus
@pytest.mark.timeout(120)
def test_f1_not_below_baseline(corpus: Path) -> None:
    benchmark = corpus / "article-extraction-benchmark"
    ids = sorted(json.loads((benchmark / "ground-truth.json").read_text(encoding="utf-8")))
    pages = bench.load_pages(benchmark, ids[: BASELINE["pages"]])
    outputs, seconds = bench.run(bench.copydesk_extractor, pages)
    scores = bench.score(pages, outputs, seconds)
    assert scores.f1 >= BASELINE["f1"] - TOLERANCE, scores
    assert scores.precision >= BASELINE["precision"] - TOLERANCE, scores
    assert scores.leak_rate <= BASELINE["leak_rate"] + 0.05, scores
