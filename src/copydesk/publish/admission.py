"""Admission: a bounded wait for every request, and no route class can starve another.

Page handlers run in the server's thread pool (40 threads). Without a bound, 45 slow searches
take every thread and `/` and `/healthz` stop answering. Each class of routes gets its own
number of requests in progress (their sum stays under the pool); a request that cannot start
within `wait` seconds is answered at once with 503 and Retry-After, in the usual envelope.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

# class -> requests in progress at once; the sum stays under the 40 threads of the pool.
CAPACITY = {"search": 6, "health": 4, "pages": 20}
WAIT = 2.0  # seconds a request may queue before it is told to come back
_SEARCH_PATHS = frozenset({"/search", "/search.atom", "/search.rss", "/api/search"})


def route_class(path: str) -> str | None:
    """The admission class of a path; None for static files (served without the pool)."""
    if path.startswith("/static/"):
        return None
    if path in _SEARCH_PATHS:
        return "search"
    if path in ("/healthz", "/metrics"):
        return "health"
    return "pages"


def busy_response(path: str, wait: float) -> Response:
    """503 with Retry-After: JSON for the API and health routes, a short page otherwise."""
    retry = str(max(1, math.ceil(wait)))
    message = "busy: too many requests in progress, try again shortly"
    headers = {"Retry-After": retry, "Cache-Control": "no-store"}
    if path.startswith("/api/") or path in ("/healthz", "/metrics"):
        return JSONResponse(
            {"ok": False, "error": message, "status": 503}, status_code=503, headers=headers
        )
    page = f"<!doctype html><title>503</title><h1>503</h1><p>{message}</p>"
    return HTMLResponse(page, status_code=503, headers=headers)


class Admission:
    """Pure ASGI middleware: a semaphore per route class, acquired with a deadline."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        capacity: dict[str, int] | None = None,
        wait: float = WAIT,
        classify: Callable[[str], str | None] = route_class,
    ) -> None:
        self.app = app
        self.wait = wait
        self.classify = classify
        self._capacity = dict(capacity or CAPACITY)
        self._slots: dict[str, asyncio.Semaphore] = {}

    def _slot(self, name: str) -> asyncio.Semaphore:
        # Made on first use, inside the running loop (a server may run several loops in turn).
        slot = self._slots.get(name)
        if slot is None:
            slot = self._slots[name] = asyncio.Semaphore(self._capacity.get(name, 8))
        return slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = self.classify(scope.get("path", ""))
        if name is None:
            await self.app(scope, receive, send)
            return
        slot = self._slot(name)
        try:
            await asyncio.wait_for(slot.acquire(), timeout=self.wait)
        except TimeoutError:
            await busy_response(scope.get("path", ""), self.wait)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slot.release()
