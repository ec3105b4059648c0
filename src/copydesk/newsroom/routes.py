"""HTTP handlers of the simulated news site, built over a Newsroom.

Validators differ by template family, as on real sites: "classic" pages send Last-Modified and
answer If-Modified-Since with 304; "magazine" pages send Last-Modified and an ETag of the page
bytes (which change every request) and never answer 304; "wire" pages send no validators.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from copydesk.newsroom import listings, rendered
from copydesk.newsroom.pages import SECTIONS, render_article
from copydesk.newsroom.script import ScriptedArticle, ScriptedVersion

if TYPE_CHECKING:
    from copydesk.newsroom.site import Newsroom

_RSS = "application/rss+xml; charset=utf-8"
_ATOM = "application/atom+xml; charset=utf-8"
_XML = "application/xml; charset=utf-8"
_NOT_FOUND = (
    "<!DOCTYPE html><html><body><h1>Page not found</h1>"
    "<p>Sorry, we couldn't find that page.</p></body></html>"
)


def _base_url(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


class _Site:
    """The request handlers; each reads the newsroom's clock once per request."""

    def __init__(self, newsroom: Newsroom) -> None:
        self._newsroom = newsroom

    async def front(self, request: Request) -> Response:
        return self._listing(None)

    async def section(self, request: Request) -> Response:
        section = request.path_params["section"]
        if section not in SECTIONS:
            return HTMLResponse(_NOT_FOUND, status_code=404)
        return self._listing(section)

    def _listing(self, section: str | None) -> Response:
        n = self._newsroom
        offset = n.elapsed()
        live = [a for a in n.live_articles(offset) if section in (None, a.section)]
        html = listings.front_page(
            live, section=section, now=n.virtual_time(offset), noise=n.noise()
        )
        return HTMLResponse(html, headers={"Cache-Control": "max-age=30"})

    async def article(self, request: Request) -> Response:
        n = self._newsroom
        offset = n.elapsed()
        moved_to = n.lifecycle.redirect(request.url.path)
        if moved_to is not None:
            return RedirectResponse(_base_url(request) + moved_to, status_code=301)
        article = n.find(request.url.path)
        version = article.live(offset) if article is not None else None
        if article is None or version is None:
            return HTMLResponse(_NOT_FOUND, status_code=404)
        gone = n.lifecycle.gone_status(article.key)
        if gone is not None:
            return HTMLResponse(_NOT_FOUND, status_code=gone)
        headers = {}
        if article.template != "wire":
            headers["Last-Modified"] = _http_date(n.real_time(version.at))
        else:
            headers["Cache-Control"] = "no-cache"
        if article.template == "classic" and self._not_modified(request, article, version):
            return Response(status_code=304, headers=headers)
        others = [a for a in n.live_articles(offset) if a.key != article.key]
        view = n.live_view(article, version)
        html = render_article(
            view,
            others=others,
            canonical=_base_url(request) + view.path,
            now=n.virtual_time(offset),
            noise=n.noise(),
            steady=n.config.profile == "plain",
        )
        if article.template == "magazine":
            headers["ETag"] = f'W/"{hashlib.sha1(html.encode()).hexdigest()[:20]}"'
        return HTMLResponse(html, headers=headers)

    def _not_modified(
        self, request: Request, article: ScriptedArticle, version: ScriptedVersion
    ) -> bool:
        """Whether If-Modified-Since covers the live version.

        Last-Modified has one-second resolution, so when the previous version went live in the
        same second the date cannot tell them apart and the answer is always a full 200.
        """
        header = request.headers.get("if-modified-since")
        if not header:
            return False
        try:
            since = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        n = self._newsroom
        current = n.real_time(version.at).replace(microsecond=0)
        previous = article.previous(version)
        if previous is not None and n.real_time(previous.at).replace(microsecond=0) >= current:
            return False
        return since >= current

    async def rss(self, request: Request) -> Response:
        n = self._newsroom
        offset = n.elapsed()
        body = listings.rss(
            n.live_articles(offset), base_url=_base_url(request), now=n.virtual_time(offset)
        )
        return Response(body, media_type=_RSS)

    async def atom(self, request: Request) -> Response:
        n = self._newsroom
        offset = n.elapsed()
        body = listings.atom(
            n.live_articles(offset), base_url=_base_url(request), now=n.virtual_time(offset)
        )
        return Response(body, media_type=_ATOM)

    async def sitemap(self, request: Request) -> Response:
        live = self._newsroom.live_articles(self._newsroom.elapsed())
        return Response(listings.news_sitemap(live, base_url=_base_url(request)), media_type=_XML)

    async def robots(self, request: Request) -> Response:
        return PlainTextResponse(listings.robots(_base_url(request)))

    async def private(self, request: Request) -> Response:
        return PlainTextResponse("Staff only", status_code=403)


def routes(newsroom: Newsroom) -> list[BaseRoute]:
    """The site's routing table."""
    site = _Site(newsroom)
    return [
        Route("/", site.front),
        Route("/rss.xml", site.rss),
        Route("/atom.xml", site.atom),
        Route("/news-sitemap.xml", site.sitemap),
        Route("/robots.txt", site.robots),
        Route("/news/{section}", site.section),
        Route("/news/{section}/{year}/{month}/{day}/{slug}", site.article),
        Route("/private/{rest:path}", site.private),
        *rendered.routes(newsroom),
    ]
