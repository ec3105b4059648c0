"""Rendered fetches: script-built newsroom pages, every request guarded, time and memory caps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from copydesk.clock import SystemClock
from copydesk.errors import ExtractError, FetchTimeoutError, RenderError
from copydesk.extract import extract_article
from copydesk.fetch import Fetcher
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer
from copydesk.settings import FetchSettings
from tests.support.loopback import QuietHandler, serving

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]


def render_settings(**changes) -> FetchSettings:
    base = {
        "allow_hosts": ("127.0.0.1",),
        "per_host_delay": timedelta(0),
        "render_timeout": timedelta(seconds=20),
    }
    return FetchSettings(**{**base, **changes})


@dataclass
class Probe:
    """An HTTP server on another loopback address that counts connections and requests."""

    base: str = ""
    connections: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, user agent)


@pytest.fixture
def probe() -> Iterator[Probe]:
    state = Probe()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("User-Agent", "")))
            body = b"window.probed = true;" if self.path.endswith(".js") else b"{}"
            self.reply(200, body, {"Content-Type": "text/javascript"})

    class Server(ThreadingHTTPServer):
        def verify_request(self, request, client_address) -> bool:
            state.connections += 1
            return True

    server = Server(("127.0.0.2", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.base = f"http://127.0.0.2:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def newsroom() -> Iterator[tuple[Newsroom, NewsroomServer]]:
    # Everything published at once, so every story is live as soon as the server is up.
    room = Newsroom(
        NewsroomConfig(seed=3, articles=2, publish_window=0.01, edit_gap=600),
        clock=SystemClock(),
    )
    with NewsroomServer(room) as server:
        yield room, server


def app_url(room: Newsroom, server: NewsroomServer, *, probe: str = "") -> tuple[str, str]:
    """(the script-built page of the first story, its live headline)."""
    article = room.articles[0]
    url = f"{server.base_url}/app{room.path_of(article)}"
    return (url + f"?probe={probe}" if probe else url), article.versions[0].title


async def test_the_script_built_article_is_extracted_only_when_rendered(newsroom):
    room, server = newsroom
    url, title = app_url(room, server)
    async with Fetcher(render_settings()) as fetcher:
        shell = await fetcher.fetch(url)
        with pytest.raises(ExtractError):
            extract_article(shell.text, url=shell.final_url)  # an empty shell: no text at all
        rendered = await fetcher.fetch(url, render=True)
    article = extract_article(rendered.text, url=rendered.final_url)
    story = room.articles[0].versions[0]
    assert article.title == title
    assert article.byline == story.byline
    assert article.paragraphs == story.paragraphs
    assert rendered.final_url == url
    assert rendered.content_type == "text/html; charset=utf-8"


async def test_every_request_of_the_page_is_guarded_and_only_scripts_and_xhr_go_out(
    newsroom, probe
):
    room, server = newsroom
    url, title = app_url(room, server, probe=probe.base)
    async with Fetcher(render_settings()) as fetcher:
        page = await fetcher.fetch(url, render=True)
    assert extract_article(page.text, url=url).title == title
    # 127.0.0.2 is a private address: its script, XHR, image, preconnect and WebSocket never
    # reached it, not even as a TCP connection from the browser.
    assert probe.connections == 0
    assert probe.requests == []
    counts = room.request_counts
    assert counts.get("/app.js") == 1
    assert counts.get("/api/story") == 1
    assert "/app.css" not in counts  # stylesheets and images are not fetched by default
    assert "/logo.png" not in counts


async def test_allowed_subresources_are_fetched_by_copydesk_not_by_the_browser(newsroom, probe):
    room, server = newsroom
    url, _ = app_url(room, server, probe=probe.base)
    settings = render_settings(allow_hosts=("127.0.0.1", "127.0.0.2"))
    async with Fetcher(settings) as fetcher:
        await fetcher.fetch(url, render=True)
    paths = sorted(path for path, _ in probe.requests)
    # robots.txt first (the fetcher's own rule), then the script and the fetch() call; the
    # image and the WebSocket stay refused by type, whatever the address.
    assert paths == ["/probe.js", "/probe.json", "/robots.txt"]
    assert all(agent == settings.user_agent for _, agent in probe.requests)
    assert probe.connections >= 1
    assert probe.connections <= len(probe.requests)  # only the fetcher's connections


async def test_resource_types_are_a_setting(newsroom):
    room, server = newsroom
    url, _ = app_url(room, server)
    settings = render_settings(render_resources=("script", "xhr", "fetch", "stylesheet"))
    async with Fetcher(settings) as fetcher:
        await fetcher.fetch(url, render=True)
    assert room.request_counts.get("/app.css") == 1
    assert "/logo.png" not in room.request_counts


@pytest.fixture
def script_site() -> Iterator[str]:
    pages = {
        "/oom": "var a = []; while (true) { a.push(new Array(1e6).fill(1.5)); }",
        "/forever": "while (true) {}",
    }

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            script = pages.get(self.path, "")
            body = f"<html><body><p>Text.</p><script>{script}</script></body></html>".encode()
            self.reply(200, body, {"Content-Type": "text/html; charset=utf-8"})

    with serving(Handler) as base:
        yield base


async def test_a_page_over_the_memory_cap_crashes_alone_and_is_a_render_error(script_site):
    settings = render_settings(
        render_max_memory_mb=16, respect_robots=False, render_timeout=timedelta(seconds=30)
    )
    async with Fetcher(settings) as fetcher:
        with pytest.raises(RenderError, match="crashed"):
            await fetcher.fetch(script_site + "/oom", render=True)
        # the browser itself survives: the next page renders
        page = await fetcher.fetch(script_site + "/fine", render=True)
    assert "<p>Text.</p>" in page.text


async def test_a_page_that_never_finishes_is_cut_at_the_time_cap(script_site):
    settings = render_settings(respect_robots=False, render_timeout=timedelta(seconds=2))
    async with Fetcher(settings) as fetcher:
        with pytest.raises(FetchTimeoutError, match="rendering"):
            await fetcher.fetch(script_site + "/forever", render=True)


async def test_a_missing_browser_is_a_clear_render_error(script_site, tmp_path):
    settings = render_settings(respect_robots=False, render_browser=str(tmp_path / "nope"))
    async with Fetcher(settings) as fetcher:
        with pytest.raises(RenderError, match="no browser at"):
            await fetcher.fetch(script_site + "/fine", render=True)
