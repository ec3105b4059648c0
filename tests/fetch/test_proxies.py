"""Proxies: fetch.proxy, [sources.NAME] proxy, fetch.trust_env, with local HTTP and SOCKS5 proxies.

Both proxies are written here (a forwarding HTTP proxy for absolute-form requests, and a
SOCKS5 CONNECT relay) and log what they were asked for, so each test can say which requests
went through which proxy, and that the SSRF guard still refused what it must.
"""

from __future__ import annotations

import http.client
import select
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import pytest

from copydesk.clock import SystemClock
from copydesk.errors import BlockedURLError, ConfigError, ConnectError
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.records import CheckOutcome, Source
from copydesk.settings import FetchSettings, Settings, settings_from_mapping
from copydesk.store import Store
from tests.support.loopback import QuietHandler, serving

PAGE = (
    "<html><head><title>Harbour</title></head><body><article><h1>Harbour reopens</h1>"
    + "<p>The harbour reopened on Monday after a month of repairs to the sea wall.</p>" * 3
    + "</article></body></html>"
).encode()


def _serve(server: socketserver.BaseServer) -> None:
    server.daemon_threads = True  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()


@pytest.fixture
def site() -> Iterator[str]:
    """The target: a page, a redirect to a private address, and robots.txt."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/jump":
                self.reply(302, headers={"Location": "http://127.0.0.2:9/secret"})
                return
            body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else PAGE
            self.reply(200, body, {"Content-Type": "text/html; charset=utf-8"})

    with serving(Handler) as base:
        yield base


class HttpProxy:
    """Forwards absolute-form GETs; `seen` lists the URLs it was asked for."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.url = ""  # set once served

    def handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                proxy.seen.append(self.path)
                target = urlsplit(self.path)
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
                path = target.path + (f"?{target.query}" if target.query else "")
                upstream.request("GET", path, headers={"Host": target.netloc})
                answer = upstream.getresponse()
                body = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                upstream.close()

        return Handler


class Socks5Proxy:
    """A SOCKS5 relay (no auth, CONNECT only); `seen` lists (host, port) it connected to."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                client: socket.socket = self.request
                _, methods = client.recv(2)
                client.recv(methods)
                client.sendall(b"\x05\x00")
                _, _command, _, kind = client.recv(4)
                if kind == 1:
                    host = socket.inet_ntoa(client.recv(4))
                elif kind == 3:
                    host = client.recv(client.recv(1)[0]).decode()
                else:
                    host = socket.inet_ntop(socket.AF_INET6, client.recv(16))
                (port,) = struct.unpack("!H", client.recv(2))
                proxy.seen.append((host, port))
                upstream = socket.create_connection((host, port), timeout=5)
                client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("0.0.0.0") + b"\x00\x00")
                _relay(client, upstream)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        _serve(self.server)
        self.url = f"socks5://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _relay(a: socket.socket, b: socket.socket) -> None:
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [], 5)
            if not ready:
                return
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)
    finally:
        b.close()


@contextmanager
def serving_proxy() -> Iterator[HttpProxy]:
    """An HttpProxy on loopback, its `url` set, for as long as the block runs."""
    proxy = HttpProxy()
    with serving(proxy.handler()) as url:
        proxy.url = url
        yield proxy


@pytest.fixture
def http_proxy() -> Iterator[HttpProxy]:
    with serving_proxy() as proxy:
        yield proxy


@pytest.fixture
def socks_proxy() -> Iterator[Socks5Proxy]:
    proxy = Socks5Proxy()
    yield proxy
    proxy.close()


@pytest.fixture(autouse=True)
def _no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def settings(**changes) -> FetchSettings:
    values = {"allow_hosts": ("127.0.0.1",), "per_host_delay": timedelta(0)}
    return FetchSettings(**(values | changes))


async def test_fetch_proxy_carries_every_request(site, http_proxy):
    async with Fetcher(settings(proxy=http_proxy.url)) as fetcher:
        page = await fetcher.fetch(f"{site}/news/harbour")
    assert page.status == 200
    assert b"Harbour reopens" in page.body
    assert http_proxy.seen == [f"{site}/robots.txt", f"{site}/news/harbour"]


async def test_the_guard_still_vets_the_target_and_every_redirect(site, http_proxy):
    async with Fetcher(settings(proxy=http_proxy.url)) as fetcher:
        with pytest.raises(BlockedURLError):
            await fetcher.fetch("http://127.0.0.2:9/secret")
        assert http_proxy.seen == []  # refused before anything was sent
        with pytest.raises(BlockedURLError):
            await fetcher.fetch(f"{site}/jump")  # a redirect to a private address
    assert http_proxy.seen == [f"{site}/robots.txt", f"{site}/jump"]


async def test_socks5_proxy(site, socks_proxy):
    async with Fetcher(settings(proxy=socks_proxy.url, respect_robots=False)) as fetcher:
        page = await fetcher.fetch(f"{site}/news/harbour")
    assert b"Harbour reopens" in page.body
    port = int(site.rsplit(":", 1)[1])
    assert socks_proxy.seen == [("127.0.0.1", port)]


async def test_environment_proxies_only_with_trust_env(site, http_proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", http_proxy.url)
    async with Fetcher(settings(respect_robots=False)) as fetcher:
        await fetcher.fetch(f"{site}/a")
    assert http_proxy.seen == []  # a variable left in the shell does not reroute the tracker
    async with Fetcher(settings(respect_robots=False, trust_env=True)) as fetcher:
        await fetcher.fetch(f"{site}/b")
    assert http_proxy.seen == [f"{site}/b"]
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    async with Fetcher(settings(respect_robots=False, trust_env=True)) as fetcher:
        await fetcher.fetch(f"{site}/c")
    assert http_proxy.seen == [f"{site}/b"]


async def test_an_unreachable_proxy_is_a_connect_error(site):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    async with Fetcher(settings(proxy=f"http://127.0.0.1:{port}", respect_robots=False)) as f:
        with pytest.raises(ConnectError):
            await f.fetch(f"{site}/a")


async def test_each_source_takes_its_own_proxy(site, http_proxy, tmp_path):
    with serving_proxy() as other:
        config = Settings(
            db=f"sqlite:///{tmp_path / 'p.db'}",
            fetch=settings(proxy=other.url, respect_robots=False, confirm_changes=False),
            sources=(
                Source(name="viaproxy", proxy=http_proxy.url),
                Source(name="straight", proxy="direct"),
                Source(name="default"),
            ),
        )
        clock = SystemClock()
        with Store.open(config.db) as store:
            async with Fetcher(config.fetch, clock=clock) as fetcher:
                tracker = Tracker(store=store, fetcher=fetcher, settings=config, clock=clock)
                for name in ("viaproxy", "straight", "default"):
                    store.add_source(Source(name=name), now=clock.now())
                    article = store.add_article(name, f"{site}/{name}", now=clock.now())
                    report = await tracker.check_article(article)
                    assert report.outcome is CheckOutcome.NEW_VERSION, report.error
    assert http_proxy.seen == [f"{site}/viaproxy"]
    assert other.seen == [f"{site}/default"]  # fetch.proxy for sources without their own


def test_proxy_settings_are_checked():
    good = settings_from_mapping(
        {"fetch": {"proxy": "socks5://user:pw@proxy.example:1080", "trust_env": True}}
    )
    assert good.fetch.proxy == "socks5://user:pw@proxy.example:1080"
    assert good.fetch.trust_env is True
    assert settings_from_mapping({"sources": {"a": {"proxy": "direct"}}}).source("a").proxy == (
        "direct"
    )
    for bad in ("ftp://proxy.example:21", "proxy.example:3128", "http://proxy.example"):
        with pytest.raises(ConfigError, match=r"fetch\.proxy"):
            settings_from_mapping({"fetch": {"proxy": bad}})
    with pytest.raises(ConfigError, match=r"sources\.a\.proxy"):
        settings_from_mapping({"sources": {"a": {"proxy": "nowhere"}}})
