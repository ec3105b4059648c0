"""The newsroom's data files: story prose and word banks kept as JSON, not as Python source.

They are package data (see pyproject.toml), so an installed copydesk has them for `copydesk demo`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_json(name: str) -> Any:
    """One file of `copydesk/newsroom/data/`, parsed."""
    folder = resources.files("copydesk.newsroom") / "data"
    return json.loads((folder / name).read_text(encoding="utf-8"))
