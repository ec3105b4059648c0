"""Everything copydesk shows to the world: web pages, feeds, the JSON API and exports.

The names below are imported on first use (PEP 562), so a command that needs one piece of
this package (the change-log wording, an export writer) does not load the web framework.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.publish.admin import add_source, apply, unhide_status
    from copydesk.publish.app import create_app
    from copydesk.publish.exports import export_rows, version_row
    from copydesk.publish.server import serve, serve_in_thread

_WHERE = {
    "add_source": "admin",
    "apply": "admin",
    "unhide_status": "admin",
    "create_app": "app",
    "export_rows": "exports",
    "version_row": "exports",
    "serve": "server",
    "serve_in_thread": "server",
}

__all__ = [
    "add_source",
    "apply",
    "create_app",
    "export_rows",
    "serve",
    "serve_in_thread",
    "unhide_status",
    "version_row",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"copydesk.publish.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'copydesk.publish' has no attribute {name!r}")
