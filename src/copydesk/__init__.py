"""copydesk: watch news sites and record every version of every article."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
