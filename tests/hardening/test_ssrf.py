"""SSRF: every non-public address class, in every spelling, is refused before any connection.

The guard is checked as a pure function (tests/fetch/test_guard.py holds the first table; this
one is the full class x spelling matrix), then through the Tracker with httpx.MockTransport and
stub resolvers (feeds, redirects and article links), then end to end against local servers on
127.0.0.1 and ::1 that count requests. No test here opens a connection anywhere else.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from copydesk.clock import SystemClock
from copydesk.errors import BlockedURLError
from copydesk.fetch import Fetcher, check_url_allowed, is_public_address
from copydesk.pipeline import Tracker
from copydesk.records import Candidate, CheckOutcome, Endpoint, EndpointKind, Source
from copydesk.settings import FetchSettings, ScheduleSettings, Settings
from copydesk.store import Store
from copydesk.worker import Worker

# One representative per class; each is checked in every spelling below.
CLASSES = {
    "loopback": "127.0.0.1",
    "loopback-high": "127.255.255.254",
    "private-10": "10.0.0.1",
    "private-172": "172.16.0.1",
    "private-172-top": "172.31.255.255",
    "private-192": "192.168.1.1",
    "link-local": "169.254.1.1",
    "cloud-metadata": "169.254.169.254",
    "multicast": "224.0.0.1",
    "multicast-top": "239.255.255.250",
    "unspecified": "0.0.0.0",
    "this-network": "0.1.2.3",
    "carrier-nat": "100.64.0.1",
    "reserved": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "documentation": "192.0.2.1",
    "benchmarking": "198.18.0.1",
}
V6_CLASSES = {
    "v6-loopback": "::1",
    "v6-unspecified": "::",
    "v6-unique-local": "fc00::1",
    "v6-unique-local-fd": "fd12:3456:789a::1",
    "v6-link-local": "fe80::1",
    "v6-multicast": "ff02::1",
    "v6-site-local": "fec0::1",
    "v6-documentation": "2001:db8::1",
    "v4-mapped-loopback": "::ffff:127.0.0.1",
    "v4-mapped-metadata": "::ffff:169.254.169.254",
    "v4-mapped-private": "::ffff:10.0.0.1",
    "v4-compatible": "::127.0.0.1",
    "nat64-metadata": "64:ff9b::a9fe:a9fe",
    "6to4-private": "2002:c0a8:101::1",
}


def spellings(dotted: str) -> dict[str, str]:
    """The host spellings browsers and URL parsers accept for one IPv4 address."""
    value = int(ipaddress.IPv4Address(dotted))
    octets = [int(o) for o in dotted.split(".")]
    return {
        "dotted": dotted,
        "decimal": str(value),
        "hex": hex(value),
        "hex-upper": "0X" + format(value, "X"),
        "octal": "0" + format(value, "o"),
        "octal-dotted": ".".join("0" + format(o, "o") for o in octets),
        "hex-dotted": ".".join(hex(o) for o in octets),
        "mixed": f"{hex(octets[0])}.{'0' + format(octets[1], 'o')}.{octets[2]}.{octets[3]}",
        "short-2": f"{octets[0]}.{value & 0xFFFFFF}",
        "short-3": f"{octets[0]}.{octets[1]}.{value & 0xFFFF}",
        "trailing-dot": dotted + ".",
        "percent": "".join(f"%{ord(c):02x}" if c.isdigit() else c for c in dotted),
        "mapped-v6": f"[::ffff:{dotted}]",
    }


MATRIX = [
    pytest.param(f"http://{host}/latest/", id=f"{name}-{style}")
    for name, dotted in CLASSES.items()
    for style, host in spellings(dotted).items()
] + [pytest.param(f"http://[{address}]:8080/", id=name) for name, address in V6_CLASSES.items()]


async def _no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"an IP literal must not be resolved: {host}")


@pytest.mark.parametrize("address", [*CLASSES.values(), *V6_CLASSES.values()])
def test_every_class_is_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("url", MATRIX)
async def test_every_spelling_of_every_class_is_refused_without_dns(url):
    with pytest.raises(BlockedURLError):
        await check_url_allowed(url, allow_hosts=(), resolver=_no_dns)


@pytest.mark.parametrize(
    "style", ["decimal", "hex", "octal", "octal-dotted", "short-2", "short-3", "mixed"]
)
async def test_spellings_of_a_public_address_still_pass(style):
    """The table above refuses for the address, not for the odd spelling."""
    url = f"http://{spellings('93.184.216.34')[style]}/"
    await check_url_allowed(url, allow_hosts=(), resolver=_no_dns)


NAMES = {
    "loopback.example": ["127.0.0.1"],
    "private.example": ["10.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "multicast.example": ["239.1.1.1"],
    "v6loopback.example": ["::1"],
    "ula.example": ["fd00::1"],
    "mapped.example": ["::ffff:192.168.0.1"],
    "mixed.example": ["93.184.216.34", "10.0.0.1"],  # one bad answer is enough
    "zero.example": ["0.0.0.0"],
}


def stub_resolver(extra: dict[str, list[str]] | None = None):
    table = {
        **NAMES,
        "feeds.example": ["93.184.216.34"],
        "news.example": ["93.184.216.35"],
        **(extra or {}),
    }

    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(table[host])

    return resolve


@pytest.mark.parametrize("host", sorted(NAMES))
async def test_names_that_resolve_to_non_public_addresses_are_refused(host):
    with pytest.raises(BlockedURLError, match="resolves to non-public"):
        await check_url_allowed(f"https://{host}/x", allow_hosts=(), resolver=stub_resolver())


# ── through the Tracker, over httpx.MockTransport ────────────────────────────────────────

HOSTILE_LINKS = [
    "http://2130706433/a",
    "http://0x7f.1/b",
    "http://0177.0.0.1/c",
    "http://[::1]/d",
    "http://[fd00::1]/e",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.example/f",
    "http://ula.example/g",
    "http://10.1.2.3/h",
    "http://224.0.0.1/i",
]
REDIRECTS = {
    "/to-metadata": "http://169.254.169.254/latest/meta-data/iam",
    "/to-octal": "http://0177.0.0.1:8080/admin",
    "/to-name": "http://private.example/x",
    "/to-v6": "http://[::ffff:7f00:1]/y",
}
ARTICLE = (
    "<html><head><title>Fine</title></head><body><article><h1>Fine</h1>"
    "<p>The council voted on Tuesday to close the Harbour Road library after a review.</p>"
    "<p>Officials said twelve jobs would be affected by the change this year.</p>"
    "</article></body></html>"
)


def _rss(urls: list[str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in urls)
    return f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


class PublicWeb:
    """The only web a test may see: two public hosts served by a MockTransport."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        host, path = request.url.host, request.url.path
        if host not in ("feeds.example", "news.example"):
            raise AssertionError(f"a request escaped the guard: {request.url}")
        if path == "/robots.txt":
            return httpx.Response(404)
        if path == "/rss":
            links = [*HOSTILE_LINKS, *(f"http://news.example{p}" for p in REDIRECTS)]
            return httpx.Response(
                200, content=_rss(links), headers={"Content-Type": "application/rss+xml"}
            )
        if path in REDIRECTS:
            return httpx.Response(302, headers={"Location": REDIRECTS[path]})
        return httpx.Response(200, content=ARTICLE.encode(), headers={"Content-Type": "text/html"})


def _settings(tmp_path: Path, **fetch: object) -> Settings:
    return Settings(
        db=f"sqlite:///{tmp_path / 'ssrf.db'}",
        fetch=FetchSettings(per_host_delay=timedelta(0), **fetch),  # type: ignore[arg-type]
        schedule=ScheduleSettings(after_change=timedelta(seconds=30)),
    )


async def _run(settings: Settings, store: Store, fetcher: Fetcher) -> None:
    clock = SystemClock()
    tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
    worker = Worker(tracker, clock=clock, concurrency=4)
    await worker.run(once=True)
    await fetcher.aclose()
    assert worker.stats.crashes == 0


async def test_tracker_refuses_feed_links_and_redirects_to_internal_addresses(tmp_path):
    web = PublicWeb()
    settings = _settings(tmp_path)
    fetcher = Fetcher(
        settings.fetch,
        clock=SystemClock(),
        transport=httpx.MockTransport(web.handler),
        resolver=stub_resolver(),
    )
    with Store.open(settings.db) as store:
        now = SystemClock().now()
        store.add_source(Source(name="pub"), now=now)
        store.add_endpoint(
            Endpoint(url="http://feeds.example/rss", kind=EndpointKind.FEED, source="pub"), now=now
        )
        await _run(settings, store, fetcher)
        errors = {}
        for article in store.list_articles(limit=100):
            checks = store.checks(article.id)
            assert len(checks) == 1, article.url
            errors[article.url] = (checks[0].outcome, checks[0].error or "")
    assert len(errors) == len(HOSTILE_LINKS) + len(REDIRECTS)
    for url, (outcome, error) in errors.items():
        assert outcome is CheckOutcome.ERROR, url
        assert error.startswith("blocked"), (url, error)
        if url.endswith("/to-octal"):  # the guard read the octal spelling itself
            assert "non-public address 127.0.0.1 for '0177.0.0.1'" in error, error
    hops = [u for u in web.requests if not u.endswith("/robots.txt")]
    assert sorted(hops) == sorted(
        ["http://feeds.example/rss", *(f"http://news.example{p}" for p in REDIRECTS)]
    )


@pytest.mark.parametrize(
    "feed", ["http://0x7f000001/rss", "http://metadata.example/rss", "http://[fc00::2]/rss"]
)
async def test_tracker_refuses_a_feed_on_an_internal_address(tmp_path, feed):
    web = PublicWeb()
    settings = _settings(tmp_path)
    fetcher = Fetcher(
        settings.fetch,
        clock=SystemClock(),
        transport=httpx.MockTransport(web.handler),
        resolver=stub_resolver(),
    )
    with Store.open(settings.db) as store:
        now = SystemClock().now()
        store.add_source(Source(name="pub"), now=now)
        store.add_endpoint(Endpoint(url=feed, kind=EndpointKind.FEED, source="pub"), now=now)
        await _run(settings, store, fetcher)
        [endpoint] = store.list_endpoints("pub")
    assert endpoint.last_error is not None
    assert endpoint.last_error.startswith("blocked")
    assert web.requests == []


# ── end to end over real sockets: only 127.0.0.1 and ::1 ─────────────────────────────────


class Counting(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits[self.path] += 1  # type: ignore[attr-defined]
        if self.path.startswith("/hop"):
            self.send_response(302)
            self.send_header("Location", self.server.next_hop)  # type: ignore[attr-defined]
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = _rss(["http://127.0.0.1/news/a"]) if self.path == "/feed.xml" else ARTICLE.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _serve(host: str) -> tuple[ThreadingHTTPServer, threading.Thread]:
    cls = _V6Server if ":" in host else ThreadingHTTPServer
    server = cls((host, 0), Counting)
    server.hits = Counter()  # type: ignore[attr-defined]
    server.next_hop = ""  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def v4() -> Iterator[ThreadingHTTPServer]:
    server, thread = _serve("127.0.0.1")
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def v6() -> Iterator[ThreadingHTTPServer]:
    try:
        server, thread = _serve("::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def _hits(server: ThreadingHTTPServer) -> int:
    return sum(server.hits.values())  # type: ignore[attr-defined]


async def test_default_settings_refuse_loopback_servers_in_every_spelling(v4, v6):
    port4, port6 = v4.server_address[1], v6.server_address[1]
    urls = [
        f"http://{host}:{port4}/story"
        for host in ("127.0.0.1", "localhost", "2130706433", "0x7f000001", "0177.0.0.1", "127.1")
    ] + [f"http://[::1]:{port6}/story", f"http://[0:0:0:0:0:0:0:1]:{port6}/story"]
    async with Fetcher(FetchSettings()) as fetcher:  # defaults, the system resolver
        for url in urls:
            with pytest.raises(BlockedURLError):
                await fetcher.fetch(url)
    assert _hits(v4) == 0
    assert _hits(v6) == 0


async def test_tracker_with_defaults_never_reaches_a_local_feed(tmp_path, v4, v6):
    settings = _settings(tmp_path, respect_robots=True)
    with Store.open(settings.db) as store:
        now = SystemClock().now()
        store.add_source(Source(name="local"), now=now)
        for url in (
            f"http://127.0.0.1:{v4.server_address[1]}/feed.xml",
            f"http://[::1]:{v6.server_address[1]}/feed.xml",
        ):
            store.add_endpoint(Endpoint(url=url, kind=EndpointKind.FEED, source="local"), now=now)
        await _run(settings, store, Fetcher(settings.fetch, clock=SystemClock()))
        endpoints = store.list_endpoints("local")
    assert all((e.last_error or "").startswith("blocked") for e in endpoints)
    assert _hits(v4) == 0
    assert _hits(v6) == 0


async def test_an_allowed_local_host_cannot_redirect_to_another_loopback_host(v4, v6):
    """allow_hosts exempts one host; a redirect from it to ::1 or 127.0.0.2 is still refused."""
    port4, port6 = v4.server_address[1], v6.server_address[1]
    settings = FetchSettings(
        allow_hosts=("127.0.0.1",), per_host_delay=timedelta(0), respect_robots=False
    )
    async with Fetcher(settings) as fetcher:
        for target in (f"http://[::1]:{port6}/secret", f"http://0x7f000002:{port4}/secret"):
            v4.next_hop = target
            with pytest.raises(BlockedURLError):
                await fetcher.fetch(f"http://127.0.0.1:{port4}/hop")
    assert v4.hits["/hop"] == 2
    assert v4.hits["/secret"] == 0
    assert _hits(v6) == 0


# Other spellings of the allowed 127.0.0.1: inet_aton (and so the system resolver) reads each as
# 127.0.0.1, and the guard must refuse it as "blocked" before any connection is made.
SNEAKY_LOOPBACK = ["0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.1", "017700000001"]


@pytest.mark.parametrize("spelling", SNEAKY_LOOPBACK)
async def test_a_redirect_to_the_allowed_loopback_in_another_spelling_is_refused(v4, spelling):
    port = v4.server_address[1]
    v4.next_hop = f"http://{spelling}:{port}/secret"
    settings = FetchSettings(
        allow_hosts=("127.0.0.1",), per_host_delay=timedelta(0), respect_robots=False
    )
    async with Fetcher(settings) as fetcher:  # the system resolver, real sockets
        with pytest.raises(BlockedURLError) as refused:
            await fetcher.fetch(f"http://127.0.0.1:{port}/hop")
    assert refused.value.reason == "blocked"
    assert "non-public address 127.0.0.1" in str(refused.value)
    assert v4.hits["/hop"] == 1
    assert v4.hits["/secret"] == 0
    assert _hits(v4) == 1


async def test_tracker_records_the_octal_redirect_as_blocked(tmp_path, v4):
    port = v4.server_address[1]
    v4.next_hop = f"http://0177.0.0.1:{port}/secret"
    settings = _settings(tmp_path, allow_hosts=("127.0.0.1",), respect_robots=False)
    with Store.open(settings.db) as store:
        now = SystemClock().now()
        store.add_source(Source(name="local"), now=now)
        store.add_articles("local", [Candidate(url=f"http://127.0.0.1:{port}/hop")], now=now)
        await _run(settings, store, Fetcher(settings.fetch, clock=SystemClock()))
        [article] = store.list_articles(limit=10)
        [check] = store.checks(article.id)
    assert check.outcome is CheckOutcome.ERROR
    assert (check.error or "").startswith("blocked: non-public address 127.0.0.1 for '0177.0.0.1'")
    assert v4.hits["/secret"] == 0
    assert _hits(v4) == 1
