"""Everything copydesk shows to the world: web pages, feeds, the JSON API and exports."""

from __future__ import annotations

from copydesk.publish.admin import add_source, apply, unhide_status
from copydesk.publish.app import create_app
from copydesk.publish.exports import export_rows, version_row
from copydesk.publish.server import serve, serve_in_thread

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
