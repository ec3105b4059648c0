"""The newsroom's script-built edition: an empty shell whose script fetches and builds the article.

`/app/news/...` serves the same stories as `/news/...`, but the HTML holds no article text at
all: `/app.js` asks `/api/story?path=…` for the live version (XHR, as single-page news sites
do) and builds headline, byline and paragraphs in the DOM. Only a tracker that runs the
script (`[sources.NAME] render = true`) sees the article. The shell also asks for things a
renderer should refuse: a stylesheet, an image, and (when `?probe=URL` is given) requests to
another address, so tests can show they never leave the browser.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

if TYPE_CHECKING:
    from copydesk.newsroom.site import Newsroom

APP_PREFIX = "/app"

_SCRIPT = """\
(function () {
  var path = location.pathname.replace(/^\\/app/, "");
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "/api/story?path=" + encodeURIComponent(path));
  xhr.onload = function () {
    var root = document.getElementById("app");
    if (xhr.status !== 200) { root.textContent = "Story not found."; return; }
    var story = JSON.parse(xhr.responseText);
    var article = document.createElement("article");
    var h1 = document.createElement("h1");
    h1.textContent = story.title;
    article.appendChild(h1);
    var byline = document.createElement("p");
    byline.className = "byline";
    byline.appendChild(document.createTextNode("By "));
    var author = document.createElement("span");
    author.className = "author";
    author.setAttribute("rel", "author");
    author.textContent = story.byline;
    byline.appendChild(author);
    article.appendChild(byline);
    var time = document.createElement("time");
    time.setAttribute("datetime", story.published);
    time.textContent = story.published;
    article.appendChild(time);
    story.paragraphs.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      article.appendChild(p);
    });
    root.textContent = "";
    root.appendChild(article);
    document.title = story.title + " | The Daily Ledger";
  };
  xhr.send();
})();
"""


def _shell(probe: str) -> str:
    extra = ""
    if probe:
        target = escape(probe, quote=True)
        extra = (
            f'<link rel="preconnect" href="{target}">'
            f'<script src="{target}/probe.js"></script>'
            f'<img src="{target}/probe.png" alt="">'
            f"<script>fetch({json.dumps(probe + '/probe.json')}).catch(function(){{}});"
            f"try {{ new WebSocket({json.dumps(probe.replace('http', 'ws', 1) + '/ws')}); }}"
            "catch (e) {}</script>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>The Daily Ledger</title>"
        '<link rel="stylesheet" href="/app.css">'
        '<script src="/app.js" defer></script></head>'
        '<body><header><a href="/">The Daily Ledger</a></header>'
        f'<main id="app"></main><img src="/logo.png" alt="">{extra}</body></html>'
    )


def routes(newsroom: Newsroom) -> list[BaseRoute]:
    """The shell, its script and the story API."""

    async def shell(request: Request) -> Response:
        path = request.url.path.removeprefix(APP_PREFIX)
        if newsroom.find(path) is None:
            return HTMLResponse("<h1>Page not found</h1>", status_code=404)
        return HTMLResponse(_shell(request.query_params.get("probe", "")))

    async def script(request: Request) -> Response:
        return Response(_SCRIPT, media_type="text/javascript")

    async def style(request: Request) -> Response:
        return Response("main { max-width: 40em; }", media_type="text/css")

    async def story(request: Request) -> Response:
        article = newsroom.find(request.query_params.get("path", ""))
        version = article.live(newsroom.elapsed()) if article is not None else None
        if article is None or version is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        view = newsroom.live_view(article, version)
        return JSONResponse(
            {
                "title": view.title,
                "byline": view.byline,
                "published": view.published.isoformat(),
                "paragraphs": list(view.paragraphs),
            },
            headers={"Cache-Control": "no-cache"},
        )

    return [
        Route(APP_PREFIX + "/news/{rest:path}", shell),
        Route("/app.js", script),
        Route("/app.css", style),
        Route("/api/story", story),
    ]
