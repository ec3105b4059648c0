"""Write actions: add/remove a source, pause, hide and unhide an article.

The same functions serve the HTML forms, the JSON API and the CLI; every caller checks the
admin token first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from copydesk.errors import UsageError
from copydesk.publish.params import ascii_digits
from copydesk.publish.security import CSRF_COOKIE, check_admin, check_csrf, csrf_token
from copydesk.publish.site import site_of
from copydesk.records import (
    ArticleStatus,
    Endpoint,
    EndpointKind,
    Source,
    TrackedArticle,
    source_name_problem,
)
from copydesk.schedule import retirement_due_at, state_of
from copydesk.settings import ScheduleSettings
from copydesk.store import Store
from copydesk.urls import InvalidURL, canonical_url

ACTIONS = ("add-source", "remove-source", "pause", "hide", "unhide")
ARTICLE_ACTIONS = ("pause", "hide", "unhide")


def add_source(
    store: Store, name: str, endpoints: Sequence[tuple[str, str]], *, now: datetime
) -> Source:
    """Add (or re-activate) a source with its feed, sitemap or front-page endpoints."""
    name = name.strip()
    problem = source_name_problem(name)
    if problem:
        raise UsageError(f"invalid source name {name[:100]!r}: give a name of {problem}")
    checked = []
    for url, kind in endpoints:
        try:
            checked.append(Endpoint(url=canonical_url(url), kind=EndpointKind(kind), source=name))
        except (InvalidURL, ValueError) as exc:
            raise UsageError(f"bad endpoint {url[:100]!r} ({kind[:20]}): {exc}") from exc
    tracked = {endpoint.url: endpoint for endpoint in store.list_endpoints()}
    for endpoint in checked:
        if endpoint.url in tracked:
            where = tracked[endpoint.url]
            raise AlreadyTracked(
                f"already tracked: {where.kind.value} {where.url} in source '{where.source}' "
                "(nothing was changed)"
            )
    source = store.add_source(Source(name=name), now=now)
    for endpoint in checked:
        store.add_endpoint(endpoint, now=now)
    return source


class AlreadyTracked(UsageError):
    """An endpoint given to add is tracked already; the message says in which source."""


def unhide_status(
    article: TrackedArticle, now: datetime, settings: ScheduleSettings
) -> tuple[ArticleStatus, datetime | None]:
    """Back to active (checked now), or retired when it has been quiet past retirement."""
    if now >= retirement_due_at(state_of(article, now, settings), settings):
        return ArticleStatus.RETIRED, None
    return ArticleStatus.ACTIVE, now


def apply(
    store: Store, action: str, target: str, reason: str, now: datetime, settings: ScheduleSettings
) -> str:
    """Run one article or source action; returns what was done, in words."""
    if action == "remove-source":
        store.remove_source(target)
        return f"source {target} removed"
    article = _article(store, target)
    if action == "pause":
        store.set_article_status(article.id, ArticleStatus.PAUSED)
        return f"article {article.id} paused"
    if action == "hide":
        if not reason.strip():
            raise UsageError("hiding an article needs a reason")
        store.set_article_status(article.id, ArticleStatus.HIDDEN, reason=reason.strip())
        return f"article {article.id} hidden"
    if action == "unhide":
        status, due = unhide_status(article, now, settings)
        store.set_article_status(article.id, status, next_check_at=due)
        return f"article {article.id} is {status.value} again"
    raise UsageError(f"unknown action: {action[:40]}")


def _article(store: Store, target: str) -> TrackedArticle:
    """An article by id or by URL."""
    target = target.strip()
    numeric = ascii_digits(target, max_digits=12)  # not "²" or "٣", nor 5,000 digits
    article = store.get_article(int(target)) if numeric else None
    if article is None and not numeric:
        try:
            article = store.find_article(canonical_url(target))
        except InvalidURL as exc:
            raise UsageError(str(exc)) from exc
    if article is None:
        raise UsageError(f"no such article: {target[:200]}")
    return article


def admin_page(request: Request) -> Response:
    site = site_of(request)
    token = csrf_token(request)
    response = site.render(
        request,
        "admin.html",
        csrf=token,
        enabled=bool(site.settings.web.admin_token),
        done=request.query_params.get("done", "")[:200],
    )
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


async def admin_post(request: Request) -> Response:
    """One HTML form for every action: token + CSRF, then redirect back with a message."""
    site = site_of(request)
    form = await request.form()
    fields = {
        key: str(form.get(key) or "")
        for key in ("csrf", "token", "action", "target", "reason", "url", "kind")
    }
    check_csrf(request, fields["csrf"])
    check_admin(site.settings, fields["token"])
    now = site.clock.now()
    if fields["action"] == "add-source":
        endpoints = [(fields["url"], fields["kind"] or "feed")] if fields["url"] else []
        await run_in_threadpool(add_source, site.store, fields["target"], endpoints, now=now)
        done = f"source {fields['target']} added"
    else:
        done = await run_in_threadpool(
            apply,
            site.store,
            fields["action"],
            fields["target"],
            fields["reason"],
            now,
            site.settings.schedule,
        )
    return RedirectResponse(f"/admin?{urlencode({'done': done})}", status_code=303)
