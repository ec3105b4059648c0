"""The `copydesk` command line: the composition root that builds stores and fetchers."""

from __future__ import annotations

from copydesk.cli.app import app
from copydesk.cli.main import main

__all__ = ["app", "main"]
