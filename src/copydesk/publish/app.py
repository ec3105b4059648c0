"""create_app(settings): the routes table, middleware, error pages and the Store's lifespan."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import asdict
from datetime import timedelta

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles

from copydesk.clock import Clock, SystemClock
from copydesk.errors import CopydeskError, StoreError, UsageError
from copydesk.publish import admin, api, cards, feeds, metrics, pages, report
from copydesk.publish.admission import Admission
from copydesk.publish.security import SecurityHeaders, secure
from copydesk.publish.site import STATIC, Site, site_of, template_environment
from copydesk.publish.wording import iso
from copydesk.settings import Settings
from copydesk.store import Store

logger = logging.getLogger(__name__)


def healthz(request: Request) -> JSONResponse:
    """Liveness plus per-source freshness; a source with nothing lately is listed as stale."""
    site = site_of(request)
    now = site.clock.now()
    schedule = site.settings.schedule
    stale_after = max(2 * schedule.max_interval, 4 * schedule.feed_interval, timedelta(hours=1))
    entries = []
    for health in site.store.source_health():
        seen = max((t for t in (health.last_check_at, health.last_poll_at) if t), default=None)
        stale = seen is None or now - seen > stale_after
        entries.append(
            {
                "name": health.name,
                "stale": stale,
                "last_check_at": iso(health.last_check_at),
                "last_poll_at": iso(health.last_poll_at),
                "last_version_at": iso(health.last_version_at),
                "active_articles": health.active_articles,
                "failing_articles": health.failing_articles,
                "failing_endpoints": health.failing_endpoints,
            }
        )
    counts = site.store.delivery_counts()
    failures = [
        {
            "target": d.target_label,
            "message_id": d.notice.message_id,
            "status": d.status,
            "attempts": d.attempts,
            "error": d.last_error,
            "next_attempt_at": iso(d.next_attempt_at) if d.status == "pending" else None,
        }
        for d in site.store.delivery_failures(limit=5)
    ]
    body = {
        "ok": True,
        "now": iso(now),
        "notifications": {
            "ok": counts.failed == 0 and counts.retrying == 0,
            **asdict(counts),
            "recent_failures": failures,
        },
        "stale_after_seconds": stale_after.total_seconds(),
        "stale_sources": [e["name"] for e in entries if e["stale"]],
        "sources": entries,
    }
    return JSONResponse(body)


ROUTES = [
    Route("/", pages.home),
    Route("/sources", pages.sources_page),
    Route("/sources/{name}", pages.source_page),
    Route("/report", report.report_page),
    Route("/report.csv", report.report_csv),
    Route("/sources/{name}/report", report.report_page),
    Route("/sources/{name}/report.csv", report.report_csv),
    Route("/articles/{id}", pages.article_page),
    Route("/articles/{id}/versions/{n}", pages.version_page),
    Route("/articles/{id}/diff", pages.diff_picker),
    Route("/articles/{id}/diff/{a}/{b}.png", cards.card_png),
    Route("/articles/{id}/diff/{a}/{b}", pages.diff_page),
    Route("/search", pages.search_page),
    Route("/changes.atom", feeds.all_changes),
    Route("/changes.rss", feeds.all_changes),
    Route("/sources/{name}/changes.atom", feeds.source_changes),
    Route("/sources/{name}/changes.rss", feeds.source_changes),
    Route("/articles/{id}/changes.atom", feeds.article_changes),
    Route("/articles/{id}/changes.rss", feeds.article_changes),
    Route("/search.atom", feeds.search_feed),
    Route("/search.rss", feeds.search_feed),
    Route("/admin", admin.admin_page, methods=["GET"]),
    Route("/admin", admin.admin_post, methods=["POST"]),
    Route("/api/openapi.json", api.openapi),
    Route("/api/changes", api.changes),
    Route("/api/sources", api.sources, methods=["GET"]),
    Route("/api/sources", api.add_source, methods=["POST"]),
    Route("/api/sources/{name}", api.source, methods=["GET"]),
    Route("/api/sources/{name}", api.article_action, methods=["DELETE"]),
    Route("/api/articles/{id}", api.article),
    Route("/api/articles/{id}/versions/{n}", api.version),
    Route("/api/articles/{id}/diff/{a}/{b}", api.diff),
    Route("/api/articles/{id}/{action}", api.article_action, methods=["POST"]),
    Route("/api/search", api.search_api),
    Route("/api/report", report.report_api),
    Route("/api/sources/{name}/report", report.report_api),
    Route("/healthz", healthz),
    Route("/metrics", metrics.metrics),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/healthz", "/metrics")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return api.error_response(status, message)
    with contextlib.suppress(Exception):  # the error page must not fail in turn
        site = site_of(request)
        return site.render(request, "error.html", status, code=status, message=message)
    return HTMLResponse(f"<h1>{status}</h1>", status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        return await _server_error(request, exc)
    response = _error(request, exc.status_code, str(exc.detail))
    for name, value in (exc.headers or {}).items():  # WWW-Authenticate, Retry-After, …
        response.headers[name] = value
    if exc.status_code == 405:
        # Our routes' methods; a mounted app (static files) names its own in the exception.
        allowed = _allowed_methods(request) or (exc.headers or {}).get("Allow", "")
        response.headers["Allow"] = allowed or "GET, HEAD"
    return response


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (a path can have one route per method)."""
    allowed: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                allowed |= route.methods
    return ", ".join(sorted(allowed))


async def _copydesk_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, UsageError):
        return _error(request, 400, str(exc))
    if isinstance(exc, StoreError):
        logger.error("database failure on %s: %s", request.url.path, exc)
        response = _error(request, 503, "the database is not available")
        response.headers["Retry-After"] = "5"
        return response
    return await _server_error(request, exc)


async def _server_error(request: Request, exc: Exception) -> Response:
    logger.error("error on %s", request.url.path, exc_info=exc)
    return secure(_error(request, 500, "internal error"))


def _catch_up_search(store: Store) -> None:
    try:
        if store.search_index_behind():
            logger.info("search index: %d versions indexed", store.sync_search_index())
    except Exception:  # a background nicety: the tracker catches up too
        logger.warning("search index not brought up to date", exc_info=True)


def create_app(
    settings: Settings, *, store: Store | None = None, clock: Clock | None = None
) -> Starlette:
    """Build the web app; it opens (and closes) a Store from settings.db unless given one."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = store is None
        opened = Store.open(settings.db) if store is None else store
        app.state.site = Site(settings, opened, clock or SystemClock(), template_environment())
        # A database indexed before versions were indexed as they are stored catches up
        # here, off the request path: searches never write (see store/search.py).
        threading.Thread(target=_catch_up_search, args=(opened,), daemon=True).start()
        try:
            yield
        finally:
            if own:
                opened.close()

    app = Starlette(
        routes=ROUTES,
        # SecurityHeaders outermost, so the 503s of Admission carry the headers too.
        middleware=[Middleware(SecurityHeaders), Middleware(Admission)],
        exception_handlers={
            HTTPException: _http_error,
            CopydeskError: _copydesk_error,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    if store is not None:
        # Usable without running the lifespan too (e.g. mounted in another app).
        app.state.site = Site(settings, store, clock or SystemClock(), template_environment())
    return app
