"""Golden gate: copydesk's F1 on a fixed corpus subset may not drop below the stored baseline.

The pages are read in place from the shared corpus; eval_baseline.json holds only numbers.
Re-measure with `python benchmarks/extraction.py` and update the baseline when quality improves.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text())
TOLERANCE = 0.01


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_bench_extraction", REPO / "benchmarks" / "extraction.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building classes
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
@pytest.mark.timeout(120)
def test_f1_not_below_baseline(corpus: Path) -> None:
    bench = _benchmark()
    benchmark = corpus / "article-extraction-benchmark"
    ids = sorted(json.loads((benchmark / "ground-truth.json").read_text(encoding="utf-8")))
    pages = bench.load_pages(benchmark, ids[: BASELINE["pages"]])
    outputs, seconds = bench.run(bench.copydesk_extractor, pages)
    scores = bench.score(pages, outputs, seconds)
    assert scores.f1 >= BASELINE["f1"] - TOLERANCE, scores
    assert scores.precision >= BASELINE["precision"] - TOLERANCE, scores
    assert scores.leak_rate <= BASELINE["leak_rate"] + 0.05, scores
