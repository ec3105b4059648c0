"""The insight report on the web: /report, /sources/{name}/report, their CSV and JSON.

`?since=` and `?until=` are dates (UTC, both days included); without them the report covers
the 30 days up to now. The figures come from Store.report (SQL over the record) and are shown
through publish.insight, the same tables `copydesk stats` and `copydesk report --out` use.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from copydesk.publish import insight
from copydesk.publish.params import date_param
from copydesk.publish.site import site_of
from copydesk.records import Report


def period(request: Request, now: datetime) -> tuple[datetime, datetime]:
    """[since, until) from ?since=&until= (inclusive dates), by default the last 30 days."""
    return insight.period(date_param(request, "since"), date_param(request, "until"), now=now)


def _source(request: Request) -> str | None:
    name = request.path_params.get("name")
    if name is None:
        return None
    site = site_of(request)
    if site.store.get_source(str(name)) is None:
        raise HTTPException(404, f"no source named {str(name)[:100]}")
    return str(name)


class ReportCache:
    """Reports computed in the last FRESH_SECONDS, by (source, since, until); a few at most.

    A report reads every version of its period, so a page, its CSVs and its JSON asked within
    the same minute share one computation. The default period ends at the current minute (not
    second), so it is the same key for a minute; figures are at most that old.
    """

    FRESH_SECONDS = 60.0
    MOST = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[tuple[str | None, datetime, datetime], tuple[float, Report]] = {}

    def get(self, key: tuple[str | None, datetime, datetime], now: float) -> Report | None:
        with self._lock:
            found = self._found.get(key)
            return found[1] if found is not None and now - found[0] < self.FRESH_SECONDS else None

    def put(self, key: tuple[str | None, datetime, datetime], now: float, report: Report) -> None:
        with self._lock:
            self._found = {k: v for k, v in self._found.items() if now - v[0] < self.FRESH_SECONDS}
            if len(self._found) >= self.MOST:
                self._found.pop(min(self._found, key=lambda k: self._found[k][0]))
            self._found[key] = (now, report)


def _cache(request: Request) -> ReportCache:
    state = request.app.state
    cache = getattr(state, "report_cache", None)
    if not isinstance(cache, ReportCache):
        cache = ReportCache()
        state.report_cache = cache
    return cache


async def _report(request: Request) -> Report:
    site = site_of(request)
    source = _source(request)
    since, until = period(request, site.clock.now().replace(second=0, microsecond=0))
    cache, key, moment = _cache(request), (source, since, until), site.clock.monotonic()
    found = cache.get(key, moment)
    if found is None:
        found = await run_in_threadpool(site.store.report, source=source, since=since, until=until)
        cache.put(key, moment, found)
    return found


def _query(request: Request) -> str:
    kept = [(k, request.query_params[k]) for k in ("since", "until") if k in request.query_params]
    return urlencode(kept)


async def report_page(request: Request) -> HTMLResponse:
    report = await _report(request)
    site = site_of(request)
    return site.render(request, "report.html", **page_context(report, query=_query(request)))


def page_context(report: Report, *, query: str, static: bool = False) -> dict[str, Any]:
    """What report.html needs (the web page and the static `report --out` page alike)."""
    tables = insight.tables(report)
    return {
        "report": report,
        "figures": insight.headline_figures(report),
        "charts": [
            {"table": t, "svg": insight.svg(t, report), "csv": f"chart={t.name}"}
            for t in tables.values()
        ],
        "query": query,
        "static": static,
        "since_day": report.since.date().isoformat(),
        "until_day": (report.until - timedelta(microseconds=1)).date().isoformat(),
    }


async def report_csv(request: Request) -> Response:
    chart = request.query_params.get("chart", "")
    tables = insight.tables(await _report(request))
    if chart not in tables:
        raise HTTPException(400, f"'chart' must be one of {', '.join(tables)}")
    return Response(
        insight.to_csv(tables[chart]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{chart}.csv"'},
    )


async def report_api(request: Request) -> JSONResponse:
    report = await _report(request)
    return JSONResponse({"ok": True, "report": insight.to_json(report)})
