"""Issue 11, item 2: DNS rebinding. Connect only to the address the SSRF guard approved.

Before the fix the guard resolved the name and vetted the addresses, then httpx resolved it
again on its own and could connect elsewhere. Here the guard's resolver answers a public
address while every other lookup (the one httpx would make) answers loopback, where a server
counts requests: it must see none. The test intercepts TCP dials at anyio.connect_tcp (what
httpcore calls): a dial to the vetted public address is routed to a second local server that
plays the public host, so nothing leaves the machine.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import anyio
import httpcore
import pytest

from copydesk.errors import ConnectError
from copydesk.fetch import Fetcher
from copydesk.fetch.pinning import PinnedBackend
from copydesk.settings import FetchSettings
from tests.support.loopback import QuietHandler, serving

PUBLIC = "93.184.216.34"


class _Server:
    def __init__(self, body: bytes) -> None:
        self.hits: list[str] = []
        self.body = body
        self.port = 0  # set once served

    def handler(self) -> type[BaseHTTPRequestHandler]:
        owner, body = self, self.body

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                owner.hits.append(f"{self.headers.get('Host')} {self.path}")
                self.reply(200, body, {"Content-Type": "text/html"})

        return Handler


@pytest.fixture
def servers() -> Iterator[tuple[_Server, _Server]]:
    internal = _Server(b"<p>internal admin panel</p>")
    public = _Server(b"<p>the public story</p>")
    with serving(internal.handler()) as inside, serving(public.handler()) as outside:
        internal.port, public.port = urlsplit(inside).port or 0, urlsplit(outside).port or 0
        yield internal, public


@pytest.fixture
def rebinding(servers, monkeypatch) -> list[str]:
    """Every name looks up as loopback (the internal server); the vetted public address is
    routed to the local server playing the public host. Returns the dial targets."""
    internal, public = servers
    dials: list[str] = []
    real_connect = anyio.connect_tcp

    async def connect_tcp(remote_host, remote_port, **kwargs):
        dials.append(str(remote_host))
        if str(remote_host) == PUBLIC:
            return await real_connect("127.0.0.1", public.port, **kwargs)
        try:
            socket.inet_aton(str(remote_host))
        except OSError:  # a name: the rebinding answer
            return await real_connect("127.0.0.1", internal.port, **kwargs)
        return await real_connect(remote_host, remote_port, **kwargs)

    monkeypatch.setattr(anyio, "connect_tcp", connect_tcp)
    return dials


async def guard_resolver(host: str, port: int) -> list[str]:
    """What the SSRF guard hears: a public address (the first answer of a rebinding name)."""
    return [PUBLIC]


async def test_no_request_reaches_loopback_after_the_guard_approved_a_public_address(
    servers, rebinding
):
    internal, public = servers
    settings = FetchSettings(per_host_delay=timedelta(0), respect_robots=False)
    async with Fetcher(settings, resolver=guard_resolver) as fetcher:
        for path in ("/story", "/story-2", "/story-3"):
            page = await fetcher.fetch(f"http://rebind.example/{path.lstrip('/')}")
            assert page.text == "<p>the public story</p>"
    assert internal.hits == []
    assert public.hits == [
        "rebind.example /story",
        "rebind.example /story-2",
        "rebind.example /story-3",
    ]  # the Host header names the host, not the address
    assert "rebind.example" not in rebinding  # never resolved again by the connection
    assert PUBLIC in rebinding


async def test_robots_txt_and_redirect_hops_are_pinned_too(servers, rebinding):
    internal, _ = servers
    settings = FetchSettings(per_host_delay=timedelta(0), respect_robots=True)
    async with Fetcher(settings, resolver=guard_resolver) as fetcher:
        await fetcher.fetch("http://rebind.example/story")
    assert internal.hits == []


async def test_allow_hosts_still_connect_by_name(servers):
    internal, _ = servers
    settings = FetchSettings(
        allow_hosts=("localhost",), per_host_delay=timedelta(0), respect_robots=False
    )
    async with Fetcher(settings) as fetcher:
        page = await fetcher.fetch(f"http://localhost:{internal.port}/x")
    assert page.status == 200
    assert internal.hits == [f"localhost:{internal.port} /x"]


class _RecordingStream(httpcore.AsyncNetworkStream):
    def __init__(self, log: list[tuple[str, object]]) -> None:
        self.log = log

    async def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # noqa: ASYNC109
        self.log.append(("sni", server_hostname))
        raise httpcore.ConnectError("test: stop after the TLS parameters are known")

    async def aclose(self) -> None:
        pass


class _RecordingBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.log: list[tuple[str, object]] = []

    async def connect_tcp(
        self,
        host,
        port,
        timeout=None,  # noqa: ASYNC109
        local_address=None,
        socket_options=None,
    ):
        self.log.append(("dial", f"{host}:{port}"))
        return _RecordingStream(self.log)

    async def sleep(self, seconds: float) -> None:
        pass


async def test_tls_is_for_the_name_while_the_socket_goes_to_the_vetted_address():
    inner = _RecordingBackend()
    settings = FetchSettings(per_host_delay=timedelta(0), respect_robots=False)

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    async with Fetcher(settings, resolver=resolver, network_backend=inner) as fetcher:
        with pytest.raises(ConnectError):
            await fetcher.fetch("https://news.example/a")
    assert inner.log[0] == ("dial", "93.184.216.34:443")
    assert ("sni", "news.example") in inner.log  # certificate checked for the name


async def test_an_unvetted_name_is_never_dialled():
    inner = _RecordingBackend()
    backend = PinnedBackend(inner, exempt=lambda host: False)
    with pytest.raises(httpcore.ConnectError, match="approved by the SSRF guard"):
        await backend.connect_tcp("elsewhere.example", 80)
    with pytest.raises(httpcore.ConnectError, match="approved by the SSRF guard"):
        await backend.connect_tcp("127.0.0.1", 80)
    assert inner.log == []
