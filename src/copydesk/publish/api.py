"""JSON API under /api/: the same data as the pages, and the write actions behind a token.

Every error, from any route, has one shape: {"ok": false, "error": "...", "status": N}.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from copydesk.errors import UsageError
from copydesk.publish import admin, wording
from copydesk.publish.diffview import diff_view
from copydesk.publish.openapi import openapi_document
from copydesk.publish.pages import event_page
from copydesk.publish.params import (
    EVENT_KINDS,
    day_start,
    decode_cursor,
    encode_cursor,
    kind_param,
    search_query,
    text_param,
)
from copydesk.publish.security import check_bearer
from copydesk.publish.site import int_param, site_of
from copydesk.records import ArticleStatus, LifecycleEvent, Version, VersionSummary

PAGE_SIZE = 50


def plain(value: Any) -> Any:
    """Dataclasses, datetimes and tuples as JSON-ready values."""
    if isinstance(value, datetime):
        return wording.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return plain(asdict(value))
    return value


def ok(**payload: Any) -> JSONResponse:
    return JSONResponse({"ok": True, **plain(payload)})


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status)


def _event_json(event: LifecycleEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind.value,
        "at": event.at,
        "url": event.url,
        "new_url": event.new_url,
        "status": event.status,
        "text": wording.event_sentence(event),
    }


def changes(request: Request) -> JSONResponse:
    kind = kind_param(request)
    if kind in EVENT_KINDS:
        found, cursor = event_page(request, text_param(request, "source"), kind)
        rows = [
            {
                **_event_json(r.event),
                "article_id": r.event.article_id,
                "source": r.source,
                "title": r.title,
            }
            for r in found
        ]
        return ok(events=rows, next=encode_cursor(cursor))
    page = site_of(request).store.changes(
        source=text_param(request, "source"),
        kind=kind,
        before=decode_cursor(text_param(request, "before")),
        limit=PAGE_SIZE,
    )
    return ok(changes=page.rows, next=encode_cursor(page.next_cursor))


def sources(request: Request) -> JSONResponse:
    return ok(sources=site_of(request).store.source_figures())


def source(request: Request) -> JSONResponse:
    site = site_of(request)
    name = str(request.path_params["name"])
    figures = next(iter(site.store.source_figures(name=name)), None)
    if figures is None:
        raise HTTPException(404, f"no source named {name[:100]}")
    stats = site.store.source_statistics(name, now=site.clock.now())
    page = site.store.changes(source=name, limit=PAGE_SIZE)
    return ok(
        source=figures,
        statistics={**plain(stats), "stealth_share": stats.stealth_share},
        changes=page.rows,
        next=encode_cursor(page.next_cursor),
    )


def _version_summary(version: Version | VersionSummary) -> dict[str, Any]:
    return {
        "number": version.number,
        "captured_at": version.captured_at,
        "title": version.title,
        "change_kind": version.change_kind,
        "change_flags": version.change_flags,
    }


def article(request: Request) -> JSONResponse:
    site = site_of(request)
    found = site.article(int_param(request, "id"))
    hidden = found.status is ArticleStatus.HIDDEN
    versions = [] if hidden else site.store.version_summaries(found.id)
    now = site.clock.now()
    return ok(
        article={
            "id": found.id,
            "url": None if hidden else found.url,  # hidden for legal reasons: not even where
            "source": found.source,
            "status": found.status.value,
            "first_seen_at": found.first_seen_at,
            "next_check_at": found.next_check_at,
            "last_change_at": found.last_change_at,
            "hidden_reason": found.hidden_reason,
            "changes": max(0, len(versions) - 1),
            "check": wording.check_sentence(found, now, site.settings.schedule),
            "gone_at": found.gone_at,
            "urls": [] if hidden else [found.url, *reversed(site.store.old_urls(found.id))],
        },
        versions=[_version_summary(v) for v in versions],
        events=[] if hidden else [_event_json(e) for e in site.store.events(found.id)],
    )


def _versions(request: Request, *names: str) -> list[Version]:
    site = site_of(request)
    found = site.readable(int_param(request, "id"))
    picked = []
    for name in names:
        number = int_param(request, name)
        version = site.store.get_version(found.id, number)
        if version is None:
            raise HTTPException(404, f"article {found.id} has no version {number}")
        picked.append(version)
    return picked


def version(request: Request) -> JSONResponse:
    (found,) = _versions(request, "n")
    return ok(
        version={
            **_version_summary(found),
            "byline": found.byline,
            "published_at": found.published_at,
            "paragraphs": found.paragraphs,
            "html_sha256": found.html_hash,
            "provenance": {
                "origin": found.provenance.origin.value,
                "file": found.provenance.file,
                "record_id": found.provenance.record_id,
                "memento_url": found.provenance.memento_url,
            },
        }
    )


def diff(request: Request) -> JSONResponse:
    old, new = _versions(request, "a", "b")
    return ok(old=old.number, new=new.number, diff=diff_view(old, new))


def search_api(request: Request) -> JSONResponse:
    query = search_query(request)
    if not query.q:
        raise HTTPException(400, "'q' is required")
    hits = site_of(request).store.search(
        query.q,
        source=query.source,
        since=day_start(query.since),
        until=day_start(query.until, after=True),
        before_id=query.before,
        limit=PAGE_SIZE,
    )
    return ok(results=hits, next=hits[-1].version_id if len(hits) == PAGE_SIZE else None)


def openapi(request: Request) -> JSONResponse:
    return JSONResponse(openapi_document())


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: [[[[…
        raise HTTPException(400, "the body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise HTTPException(400, "the body must be a JSON object")
    if not _encodable(body):
        raise HTTPException(400, "the body holds a lone surrogate (\\ud800-\\udfff): not text")
    return body


def _encodable(value: Any, depth: int = 0) -> bool:
    """Every string is valid Unicode: a lone surrogate cannot be stored, compared or shown."""
    if depth > 32:
        return False
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k, depth + 1) and _encodable(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v, depth + 1) for v in value)
    return True


async def add_source(request: Request) -> JSONResponse:
    site = site_of(request)
    check_bearer(site.settings, request)
    body = await _json_body(request)
    name, endpoints = body.get("name"), body.get("endpoints", [])
    if not isinstance(name, str) or not isinstance(endpoints, list):
        raise HTTPException(400, "'name' (string) and 'endpoints' (list) are required")
    pairs = [
        (str(e.get("url", "")), str(e.get("kind", "feed")))
        for e in endpoints
        if isinstance(e, dict)
    ]
    try:
        added = await run_in_threadpool(
            admin.add_source, site.store, name, pairs, now=site.clock.now()
        )
    except admin.AlreadyTracked as exc:
        raise HTTPException(409, str(exc)) from exc
    return ok(source={"name": added.name, "endpoints": [url for url, _ in pairs]})


async def article_action(request: Request) -> JSONResponse:
    """POST /api/articles/{id}/{pause|hide|unhide}, and DELETE /api/sources/{name}."""
    site = site_of(request)
    check_bearer(site.settings, request)
    body = await _json_body(request)
    if "name" in request.path_params:
        action, target = "remove-source", str(request.path_params["name"])
        tracked = await run_in_threadpool(site.store.list_sources)
        if all(source.name != target for source in tracked):
            raise HTTPException(404, f"no source named {target[:100]}")
    else:
        # Only article actions here: /api/articles/123/remove-source must not remove the
        # source *named* "123" (sources are removed with DELETE /api/sources/{name}).
        action = str(request.path_params["action"])
        if action not in admin.ARTICLE_ACTIONS:
            raise HTTPException(404, f"unknown article action: {action[:40]}")
        article_id = int_param(request, "id")
        if await run_in_threadpool(site.store.get_article, article_id) is None:
            raise HTTPException(404, f"no article {article_id}")
        target = str(article_id)
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise UsageError("'reason' must be a string")
    done = await run_in_threadpool(
        admin.apply, site.store, action, target, reason, site.clock.now(), site.settings.schedule
    )
    return ok(done=done)
