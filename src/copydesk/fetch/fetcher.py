"""Fetcher: one polite, guarded GET with redirects, robots.txt, conditional GET and a size cap.

httpx stays inside this module: callers get a records.Page or a copydesk.errors.FetchError.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from types import TracebackType
from urllib.parse import urldefrag, urljoin

import httpcore
import httpx

from copydesk.charset import decode_body
from copydesk.clock import Clock, SystemClock
from copydesk.errors import (
    BlockedURLError,
    BodyTooLargeError,
    ConnectError,
    FetchTimeoutError,
    HTTPStatusError,
    RateLimitedError,
    RobotsDisallowedError,
    TooManyRedirectsError,
)
from copydesk.fetch.content_encoding import ACCEPT_ENCODING, DecodingError, decoder_for
from copydesk.fetch.guard import Resolver, check_url_allowed, host_key, system_resolver
from copydesk.fetch.pinning import PinnedBackend, pinned_transport
from copydesk.fetch.politeness import Politeness, SharedTurns
from copydesk.fetch.proxies import ProxyRoutes
from copydesk.fetch.ratelimit import HostPauses, describe_wait, parse_retry_after, too_long
from copydesk.fetch.render import Renderer
from copydesk.fetch.robots import RobotsCache
from copydesk.records import Page
from copydesk.settings import FetchSettings
from copydesk.urls import host_of

logger = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class _Answer:
    """One HTTP exchange, before redirects are resolved (private to this module)."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    redirects: tuple[int, ...] = ()  # statuses of the redirect hops that led here
    request_headers: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    ip_address: str | None = None


class _Budget:
    """The time left for one fetch. Waiting for a politeness slot is not charged."""

    def __init__(self, seconds: float, clock: Clock) -> None:
        self._left = seconds
        self._clock = clock

    @asynccontextmanager
    async def spend(self) -> AsyncIterator[None]:
        started = self._clock.monotonic()
        try:
            async with asyncio.timeout(max(self._left, 0.0)):
                yield
        finally:
            self._left -= self._clock.monotonic() - started


def _absolute(url: str, *, base: str | None = None) -> str:
    """Resolve a (possibly relative) URL and drop its fragment, which is never sent."""
    try:
        joined = urljoin(base, url) if base else url
        return urldefrag(joined)[0]
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise BlockedURLError(f"not a valid URL: {url[:200]!r}") from exc


@contextmanager
def _mapped_errors(url: str) -> Iterator[None]:
    """Turn httpx's exceptions into copydesk's, as httpx maps httpcore's."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise FetchTimeoutError(f"timed out fetching {url}: {exc!r}") from exc
    except httpx.InvalidURL as exc:
        raise BlockedURLError(f"invalid URL {url[:200]!r}: {exc}") from exc
    except (httpx.HTTPError, httpx.StreamError) as exc:
        raise ConnectError(f"{type(exc).__name__} fetching {url}: {exc}") from exc
    except DecodingError as exc:
        raise ConnectError(f"undecodable body from {url}: {exc}") from exc


def _declared_length(response: httpx.Response) -> int | None:
    """The Content-Length of an uncompressed body (a compressed one may inflate to anything)."""
    if response.headers.get("content-encoding", "identity").strip().lower() != "identity":
        return None
    value = response.headers.get("content-length", "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    # int() of thousands of digits raises; a length that long is over any cap anyway
    return int(value) if len(value) <= 18 else 10**18


def _pairs(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


def _peer_address(response: httpx.Response) -> str | None:
    """The IP address that answered (for WARC-IP-Address); None on in-memory transports."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        peer = stream.get_extra_info("server_addr")
    except (AttributeError, OSError):
        return None
    return str(peer[0]) if isinstance(peer, tuple) and peer else None


class Fetcher:
    """Fetches pages politely and safely; build one per process and share it."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        shared: SharedTurns | None = None,
    ) -> None:
        """`shared`: hosts' turns shared by a fleet of workers (see fetch.politeness)."""
        self._settings = settings
        self._clock = clock or SystemClock()
        self._resolver = resolver or system_resolver
        self._politeness = Politeness(
            concurrency=settings.concurrency,
            per_host_concurrency=settings.per_host_concurrency,
            per_host_delay=settings.per_host_delay.total_seconds(),
            clock=self._clock,
            shared=shared,
            # A place in flight frees itself after a whole fetch could have run, and then some.
            hold=2 * settings.total_timeout.total_seconds(),
        )
        self._robots = RobotsCache(clock=self._clock)
        self._pauses = HostPauses(clock=self._clock)
        self._renderer = Renderer(settings, clock=self._clock)
        total = settings.total_timeout.total_seconds()
        allowed = frozenset(host_key(h) for h in settings.allow_hosts)
        # Connections dial only what the SSRF guard approved (no second DNS lookup).
        self._pins = PinnedBackend(network_backend, exempt=allowed.__contains__)
        self._transport = transport or pinned_transport(self._pins, http2=True)
        self._proxies = ProxyRoutes(settings, network_backend=network_backend)
        # The client builds requests (headers, timeouts, cookies) and owns the transport; each
        # exchange goes straight to the transport (see _exchange).
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,  # each hop must pass the SSRF guard first
            timeout=httpx.Timeout(total, connect=settings.connect_timeout.total_seconds()),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,  # no proxies or .netrc credentials from the environment
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections, and the browser if a page was rendered."""
        await self._renderer.aclose()
        await self._proxies.aclose()
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        render: bool = False,
        proxy: str = "",
    ) -> Page:
        """GET `url`, following redirects, and return the page.

        Sends If-None-Match / If-Modified-Since when validators are given; a 304 comes back
        as Page(not_modified=True). settings.total_timeout covers DNS, every redirect hop
        and the body; waiting for a politeness slot is not charged (a queue of URLs for one
        host would otherwise time out), and robots.txt has a budget of its own.

        With `render`, the page is run in headless Chromium and the Page holds the rendered
        DOM; every request the page makes is one more guarded fetch (see fetch/render.py).
        Validators are not sent then: a script-built page changes while its shell does not.

        `proxy` is the source's own proxy setting ("" for fetch.proxy or the environment's,
        "direct" for none); see fetch/proxies.py.

        Raises:
            FetchError: one of its subclasses; nothing else escapes.
        """
        if render:
            page, log = await self._renderer.render(url, lambda u: self.fetch(u, proxy=proxy))
            logger.info(
                "rendered %s: %d requests fetched, %d refused",
                url,
                len(log.fetched),
                len(log.refused),
            )
            return page
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = self._clock.monotonic()
        answer = await self._follow(url, headers, robots=self._settings.respect_robots, proxy=proxy)
        return self._page(url, answer, started, etag=etag, last_modified=last_modified)

    def _page(
        self,
        url: str,
        answer: _Answer,
        started: float,
        *,
        etag: str | None,
        last_modified: str | None,
    ) -> Page:
        content_type = answer.headers.get("content-type")
        not_modified = answer.status == 304
        text, encoding = ("", None) if not_modified else decode_body(answer.body, content_type)
        return Page(
            url=url,
            final_url=answer.url,
            status=answer.status,
            fetched_at=self._clock.now(),
            body=answer.body,
            text=text,
            encoding=encoding,
            content_type=content_type,
            # a 304 need not repeat the validators; the ones we sent are still the right ones
            etag=answer.headers.get("etag") or (etag if not_modified else None),
            last_modified=answer.headers.get("last-modified")
            or (last_modified if not_modified else None),
            not_modified=not_modified,
            elapsed=self._clock.monotonic() - started,
            redirects=answer.redirects,
            request_headers=answer.request_headers,
            headers=_pairs(answer.headers.raw),
            reason=answer.reason,
            ip_address=answer.ip_address,
        )

    async def _follow(
        self, url: str, headers: dict[str, str], *, robots: bool, proxy: str = ""
    ) -> _Answer:
        """Run the redirect chain by hand, guarding and checking robots.txt at every hop."""
        budget = _Budget(self._settings.total_timeout.total_seconds(), self._clock)
        current = _absolute(url.strip())
        seen = {current}
        hops: list[int] = []
        for hop in range(self._settings.max_redirects + 1):
            answer = await self._hop(
                current, headers, budget, robots=robots, first=hop == 0, proxy=proxy
            )
            location = answer.headers.get("location")
            if answer.status not in _REDIRECTS or not location:
                return replace(answer, redirects=tuple(hops)) if hops else answer
            hops.append(answer.status)
            if hop == self._settings.max_redirects:
                break
            current = _absolute(location.strip(), base=current)
            logger.debug("redirect %s -> %s (%d)", answer.url, current, answer.status)
            if current in seen:
                raise TooManyRedirectsError(f"redirect loop at {current} (from {url})")
            seen.add(current)
        raise TooManyRedirectsError(
            f"more than {self._settings.max_redirects} redirects from {url}"
        )

    async def _hop(
        self,
        url: str,
        headers: dict[str, str],
        budget: _Budget,
        *,
        robots: bool,
        first: bool,
        proxy: str,
    ) -> _Answer:
        try:
            async with budget.spend():
                approval = await check_url_allowed(
                    url, allow_hosts=self._settings.allow_hosts, resolver=self._resolver
                )
            if approval.addresses:
                self._pins.pin(approval.host, approval.addresses)
            host = host_of(url)
            # A host's Retry-After holds back new fetches; a redirect chain already under
            # way is one request to the reader and runs to its end (or its own failure).
            if first:
                self._pauses.check(host, url)
            download = functools.partial(self._download_robots, proxy=proxy)
            if robots and not await self._robots.can_fetch(url, download):
                raise RobotsDisallowedError(f"robots.txt disallows {url}")
            async with self._politeness.acquire(host), budget.spend():
                if first:
                    self._pauses.check(host, url)  # a 429 may have come in while we waited
                return await self._exchange(url, headers, proxy)
        except TimeoutError as exc:
            raise FetchTimeoutError(f"no complete answer from {url} in time") from exc

    async def _download_robots(self, robots_url: str, *, proxy: str = "") -> str:
        answer = await self._follow(robots_url, {}, robots=False, proxy=proxy)
        return decode_body(answer.body, answer.headers.get("content-type"))[0]

    async def _exchange(self, url: str, headers: dict[str, str], proxy: str) -> _Answer:
        via = self._proxies.proxy_for(url, proxy)
        transport = self._transport if via is None else self._proxies.transport(via)
        with _mapped_errors(url):
            request = self._client.build_request("GET", url, headers=headers)
            # Straight to the transport, not client.send: the client parses a redirect's
            # Location with its own URL parser and raises on hosts it cannot read (such as
            # 0177.0.0.1) before the SSRF guard could refuse that hop as blocked.
            response = await transport.handle_async_request(request)
            response.request = request
            self._client.cookies.extract_cookies(response)
            try:
                status = response.status_code
                if status >= 400:
                    error = self._status_error(url, response)
                    if status == 429 and error.retry_after is not None:
                        await self._politeness.pause(host_of(url), error.retry_after)
                    raise error
                body = b""
                if status not in _REDIRECTS and status != 304:
                    body = await self._read_capped(response, url)
                return _Answer(
                    url=url,
                    status=status,
                    headers=response.headers,
                    body=body,
                    request_headers=_pairs(request.headers.raw),
                    reason=response.reason_phrase,
                    ip_address=_peer_address(response),
                )
            finally:
                await response.aclose()

    def _status_error(self, url: str, response: httpx.Response) -> HTTPStatusError:
        """The error for a 4xx/5xx answer; a 429's Retry-After also pauses its host."""
        status = response.status_code
        header = response.headers.get("retry-after")
        cap = self._settings.max_retry_after
        wait = parse_retry_after(header, now=self._clock.now(), cap=cap)
        asked = "no Retry-After" if wait is None else f"wait {describe_wait(wait)}"
        if too_long(header):
            asked = f"Retry-After too long, wait fetch.max_retry_after ({describe_wait(cap)})"
        if status == 429:
            if wait is not None:
                self._pauses.pause(host_of(url), wait)
            return RateLimitedError(f"HTTP 429 from {url}; {asked}", retry_after=wait)
        message = f"HTTP {status} from {url}"
        if status == 503 and wait is not None:
            # The server asked to be left alone for a while: recorded as rate-limited with
            # its wait; the host is not paused (a 503 is about this resource being down).
            return RateLimitedError(f"{message}; {asked}", retry_after=wait, status=status)
        return HTTPStatusError(message, status=status)

    async def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        """Decode the raw stream ourselves in small pieces, so the cap stops a gzip bomb."""
        cap = self._settings.max_body_bytes
        declared = _declared_length(response)
        if declared is not None and declared > cap:
            # Refused at the headers: a 50 MB page must not be read (and maybe time out)
            # just to find out that it is over the cap.
            raise BodyTooLargeError(f"body of {url} declares {declared} bytes, over {cap}")
        if response.is_stream_consumed:
            # An in-memory response (httpx.MockTransport given bytes) that httpx already
            # read and decoded; there is no raw stream left to decode.
            if len(response.content) > cap:
                raise BodyTooLargeError(f"body of {url} is over {cap} bytes")
            return response.content
        decoder = decoder_for(response.headers.get("content-encoding"))
        parts: list[bytes] = []
        size = 0
        async for raw in response.aiter_raw():
            for piece in decoder.feed(raw):
                size += len(piece)
                if size > cap:
                    raise BodyTooLargeError(f"body of {url} is over {cap} bytes")
                parts.append(piece)
        for piece in decoder.flush():
            size += len(piece)
            if size > cap:
                raise BodyTooLargeError(f"body of {url} is over {cap} bytes")
            parts.append(piece)
        return b"".join(parts)
