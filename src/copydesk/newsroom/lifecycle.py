"""What the newsroom does to addresses: take an article down, put it back, move it.

Tests and demos call these while the site runs (from any thread); the routes read them on every
request. A deleted article answers its status (404, 410 or 451) and leaves the listings; a
moved one answers at its new address, and its old one redirects there permanently (301).
"""

from __future__ import annotations

import threading

GONE_STATUSES = (404, 410, 451)


class Lifecycle:
    """Deleted articles (key -> status), moved slugs (key -> slug) and old-path redirects."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gone: dict[int, int] = {}
        self._slugs: dict[int, str] = {}
        self._redirects: dict[str, str] = {}

    def delete(self, key: int, status: int = 404) -> None:
        if status not in GONE_STATUSES:
            raise ValueError(f"a deleted article answers one of {GONE_STATUSES}, not {status}")
        with self._lock:
            self._gone[key] = status

    def restore(self, key: int) -> None:
        with self._lock:
            self._gone.pop(key, None)

    def gone_status(self, key: int) -> int | None:
        with self._lock:
            return self._gone.get(key)

    def slug(self, key: int, default: str) -> str:
        with self._lock:
            return self._slugs.get(key, default)

    def move(self, key: int, slug: str, *, old_path: str, new_path: str) -> None:
        with self._lock:
            self._slugs[key] = slug
            self._redirects[old_path] = new_path
            self._redirects.pop(new_path, None)

    def redirect(self, path: str) -> str | None:
        with self._lock:
            return self._redirects.get(path)
