"""End to end over real sockets: a tiny HTTP server on 127.0.0.1 and the default transport."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import pytest

from copydesk.errors import BlockedURLError
from copydesk.fetch import Fetcher
from copydesk.settings import FetchSettings
from tests.support.loopback import QuietHandler, serving

STORY = "<html><head><meta charset='utf-8'></head><body><p>Live café</p></body></html>"


@dataclass
class _Live:
    """The served site: its base URL and the paths it was asked for, in order."""

    base: str
    paths: list[str]

    @property
    def port(self) -> int:
        return urlsplit(self.base).port or 0


def _handler(paths: list[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            if self.path == "/old":
                self.reply(301, headers={"Location": "/story"})
                return
            if self.path != "/story":
                self.send_error(404)
                return
            body = gzip.compress(STORY.encode())
            self.reply(
                200,
                body,
                {"Content-Type": "text/html", "Content-Encoding": "gzip", "ETag": '"live-1"'},
            )

    return Handler


@pytest.fixture
def server() -> Iterator[_Live]:
    paths: list[str] = []
    with serving(_handler(paths)) as base:
        yield _Live(base, paths)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_local_server_is_refused_without_allow_hosts(server, host):
    url = f"http://{host}:{server.port}/story"
    async with Fetcher(FetchSettings()) as fetcher:
        with pytest.raises(BlockedURLError):
            await fetcher.fetch(url)
    assert server.paths == []


async def test_local_server_works_when_allowed(server):
    settings = FetchSettings(allow_hosts=("127.0.0.1",), per_host_delay=timedelta(milliseconds=50))
    async with Fetcher(settings) as fetcher:
        page = await fetcher.fetch(f"{server.base}/old")
    assert page.status == 200
    assert page.final_url == f"{server.base}/story"
    assert page.text == STORY
    assert page.encoding == "utf-8"
    assert page.etag == '"live-1"'
    assert page.elapsed > 0
    assert server.paths == ["/robots.txt", "/old", "/story"]
