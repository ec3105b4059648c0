"""Where things are: the repository, the test fixtures, the shared corpus (read in place)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def corpus_path() -> Path | None:
    """Where the shared corpus is, or None when this machine has none."""
    configured = os.environ.get("COPYDESK_CORPUS")
    path = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    return path if path.is_dir() else None
