"""Browser rendering for sources that build their articles with JavaScript (`render = true`).

Headless Chromium (Playwright driving the system's browser, never a downloaded one) loads the
page, but never touches the network itself: every request the page makes is intercepted and
either refused or answered with what copydesk's own Fetcher fetched, so the SSRF guard,
robots.txt, politeness, proxies and the size cap apply to each one exactly as to any fetch.
By default only the page's own document, its scripts and its XHR/fetch calls are allowed;
images, styles, fonts, frames, media, beacons and WebSockets are refused. As a second wall,
the browser resolves no host name and its only route out is a proxy that cannot be resolved,
so a request that slipped past interception (a preconnect, say) reaches nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from copydesk.clock import Clock
from copydesk.errors import (
    BlockedURLError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    RenderError,
)
from copydesk.records import Page
from copydesk.settings import FetchSettings

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright, Request, Route, WebSocketRoute

logger = logging.getLogger(__name__)

Get = Callable[[str], Awaitable[Page]]

_RENDERS_AT_ONCE = 2  # each render is a Chromium renderer process of up to render_max_memory_mb
_MAX_REQUESTS = 200  # subresource requests one page may make before the rest are refused
_CLOSED_DOOR = [
    # Belt and braces under request interception: resolve no name at all, and send anything
    # that is not intercepted to a proxy whose name cannot be resolved (loopback included).
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://closed.invalid:9",
    "--proxy-bypass-list=<-loopback>",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-first-run",
    "--no-pings",
    "--disable-gpu",
    "--mute-audio",
]


@dataclass(slots=True)
class RenderLog:
    """What one render asked for: allowed and refused requests (for logs and tests)."""

    fetched: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, why)

    def refuse(self, url: str, why: str) -> None:
        self.refused.append((url, why))
        logger.debug("render refused %s: %s", url, why)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _Interceptor:
    """Answers every request of one page: the document from the first fetch, the rest via get."""

    def __init__(self, document: Page, get: Get, allowed: frozenset[str], max_bytes: int) -> None:
        self._document = document
        self._get = get
        self._allowed = allowed
        self._budget = max_bytes  # bytes of subresources left for this page
        self._served_document = False
        self.log = RenderLog()

    async def handle(self, route: Route, request: Request) -> None:
        url = request.url
        try:
            await self._answer(route, request)
        except Exception as exc:  # Playwright's own errors: the page closed
            logger.debug("render: request %s ended with %r", url, exc)

    async def _answer(self, route: Route, request: Request) -> None:
        url, kind = request.url, request.resource_type
        if kind == "document" and request.is_navigation_request():
            if not self._served_document and request.frame.parent_frame is None:
                self._served_document = True
                await self._fulfil(route, self._document, request)
                return
            self.log.refuse(url, "navigation away from the page, or a frame")
            await route.abort("blockedbyclient")
            return
        if kind not in self._allowed:
            self.log.refuse(url, f"resource type {kind} not allowed")
            await route.abort("blockedbyclient")
            return
        if request.method != "GET":
            self.log.refuse(url, f"method {request.method}")
            await route.abort("blockedbyclient")
            return
        if len(self.log.fetched) >= _MAX_REQUESTS:
            self.log.refuse(url, f"more than {_MAX_REQUESTS} requests")
            await route.abort("blockedbyclient")
            return
        await self._fetch(route, request)

    async def _fetch(self, route: Route, request: Request) -> None:
        url = request.url
        try:
            page = await self._get(url)
        except BlockedURLError as exc:
            self.log.refuse(url, f"blocked: {exc}")
            await route.abort("blockedbyclient")
            return
        except HTTPStatusError as exc:
            self.log.fetched.append(url)
            await route.fulfill(status=exc.status, body=b"")
            return
        except FetchError as exc:
            self.log.refuse(url, f"{exc.reason}: {exc}")
            await route.abort("failed")
            return
        self._budget -= len(page.body)
        if self._budget < 0:
            self.log.refuse(url, "the page's requests passed the size cap")
            await route.abort("blockedbyclient")
            return
        self.log.fetched.append(url)
        await self._fulfil(route, page, request)

    async def _fulfil(self, route: Route, page: Page, request: Request) -> None:
        headers = {"content-type": page.content_type or "application/octet-stream"}
        origin = request.headers.get("origin")
        if origin:
            # The response came through the guarded fetcher without the browser's cookies;
            # letting the page's script read it, as a permissive API server would, leaks nothing.
            headers["access-control-allow-origin"] = origin
        await route.fulfill(status=page.status, body=page.body, headers=headers)


class Renderer:
    """One headless Chromium for the process, started on first use; a fresh context per page."""

    def __init__(self, settings: FetchSettings, *, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(_RENDERS_AT_ONCE)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def aclose(self) -> None:
        """Close the browser (if one was started)."""
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        with contextlib.suppress(Exception):  # a crashed browser cannot be closed politely
            if browser is not None:
                await browser.close()
        with contextlib.suppress(Exception):
            if playwright is not None:
                await playwright.stop()

    async def _launch(self) -> Browser:
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            await self.aclose()
            executable = self._settings.render_browser
            if not await asyncio.to_thread(os.path.isfile, executable):
                raise RenderError(f"no browser at {executable} (fetch.render_browser)")
            try:
                from playwright.async_api import async_playwright
            except ImportError as exc:
                raise RenderError(
                    "render = true needs Playwright: pip install 'copydesk[render]'"
                ) from exc
            memory = f"--js-flags=--max-old-space-size={self._settings.render_max_memory_mb}"
            try:
                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=str(executable), args=[*_CLOSED_DOOR, memory], headless=True
                )
            except Exception as exc:  # Playwright raises its own Error or OSError
                await self.aclose()
                raise RenderError(f"cannot start {executable}: {exc}") from exc
            return self._browser

    async def render(self, url: str, get: Get) -> tuple[Page, RenderLog]:
        """Fetch `url` with `get`, run it in the browser, and return the rendered DOM as a Page.

        Raises:
            FetchError: the document's own fetch failed (its error), or RenderError /
                FetchTimeoutError when the browser failed, crashed or ran out of time.
        """
        started = self._clock.monotonic()
        document = await get(url)
        async with self._slots:
            browser = await self._launch()
            seconds = self._settings.render_timeout.total_seconds()
            try:
                async with asyncio.timeout(seconds):
                    html, log = await self._run(browser, document, get)
            except TimeoutError as exc:
                raise FetchTimeoutError(f"rendering {url} took over {seconds:g}s") from exc
        body = html.encode("utf-8")
        if len(body) > self._settings.max_body_bytes:
            raise RenderError(f"rendered page of {url} is over {self._settings.max_body_bytes} B")
        page = Page(
            url=url,
            final_url=document.final_url,
            status=document.status,
            fetched_at=self._clock.now(),
            body=body,
            text=html,
            encoding="utf-8",
            content_type="text/html; charset=utf-8",
            elapsed=self._clock.monotonic() - started,
        )
        return page, log

    async def _run(self, browser: Browser, document: Page, get: Get) -> tuple[str, RenderLog]:
        interceptor = _Interceptor(
            document,
            get,
            frozenset(self._settings.render_resources),
            self._settings.max_body_bytes,
        )
        context = await browser.new_context(
            user_agent=self._settings.user_agent,
            service_workers="block",
            accept_downloads=False,
        )
        crashed = asyncio.Event()
        try:
            await context.route("**/*", interceptor.handle)
            await context.route_web_socket("**/*", _refuse_socket(interceptor.log))
            page = await context.new_page()
            page.on("crash", lambda _: crashed.set())
            try:
                await page.goto(document.final_url, wait_until="load")
                await _settle(page, crashed)
                html = await page.content()
            except Exception as exc:  # Playwright's Error: crash, closed target
                if crashed.is_set():
                    raise RenderError(
                        f"the page crashed in the browser (over the "
                        f"{self._settings.render_max_memory_mb} MB cap?)"
                    ) from exc
                raise RenderError(f"the browser could not load the page: {exc}") from exc
        finally:
            with contextlib.suppress(Exception):
                await context.close()
        return html, interceptor.log


def _refuse_socket(log: RenderLog) -> Callable[[WebSocketRoute], Any]:
    async def refuse(socket: WebSocketRoute) -> None:
        log.refuse(socket.url, "WebSocket")
        await socket.close()

    return refuse


async def _settle(page: Any, crashed: asyncio.Event) -> None:
    """Wait until the page's network has been quiet for a moment (scripts still fetching)."""
    with contextlib.suppress(Exception):  # a page that never goes quiet is taken as it stands
        await page.wait_for_load_state("networkidle", timeout=10_000)
    if crashed.is_set():
        raise RenderError("the page crashed in the browser")
    await asyncio.sleep(0)
