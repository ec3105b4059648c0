"""Fault mode: the newsroom misbehaves like real sites do, on article pages and feeds.

A share (`NewsroomConfig.faults`) of requests to article pages, feeds and the news sitemap get
a fault instead of the normal answer: 5xx bursts, 429 with Retry-After, a stalled first byte,
a one-byte-a-second trickle, a reset or truncated body, redirect loops and long chains, gzip
and brotli bombs, a 50 MB page, wrong or missing charsets, binary bytes served as HTML, and
(feeds only) invalid XML, 10,000 entries, duplicate GUIDs and a 10,000-character URL.

Which request gets which fault follows from (seed, path, how many times the path was asked
for), so two runs that ask in the same order see the same faults. Faults stop `faults_until`
real seconds after the newsroom starts. Every fault served is logged (`Faults.served`) so a
test can check that the client recorded each one.
"""

from __future__ import annotations

import asyncio
import random
import re
import socket
import struct
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copydesk.newsroom import faultbodies as bodies

if TYPE_CHECKING:
    from copydesk.newsroom.script import NewsroomConfig

FEED_KINDS = ("invalid-xml", "huge-feed", "duplicate-guids")
FAULT_KINDS = (
    "5xx",
    "429",
    "timeout",
    "trickle",
    "reset",
    "truncated",
    "redirect-loop",
    "redirect-chain",
    "gzip-bomb",
    "brotli-bomb",
    "huge-page",
    "wrong-charset",
    "missing-charset",
    "binary",
    "long-url",
    *FEED_KINDS,
)
# The error reason (copydesk.errors `reason`, or "extract") a careful client records for a
# fault on an article page; None where the right answer is a normal capture.
ARTICLE_REASONS: Mapping[str, str | None] = {
    "5xx": "http-status",
    "429": "rate-limited",
    "timeout": "timeout",
    "trickle": "timeout",
    "reset": "connect-error",
    "truncated": "connect-error",
    "redirect-loop": "too-many-redirects",
    "redirect-chain": "too-many-redirects",
    "gzip-bomb": "body-too-large",
    "brotli-bomb": "body-too-large",
    "huge-page": "body-too-large",
    "wrong-charset": None,
    "missing-charset": None,
    "binary": "extract",
    "long-url": None,
}
INTERRUPTED = "interrupted"  # the reason of a check the tracker's stop cut short
FEED_PATHS = frozenset({"/rss.xml", "/atom.xml", "/news-sitemap.xml"})
STALL_SECONDS = 120.0  # a stalled or trickling answer ends sooner when the client hangs up
CHAIN_HOPS = 12
RETRY_AFTER = 2  # seconds, sent with 429
_MARK = "cd-fault"  # query parameter of the follow-up requests of redirect faults
_ARTICLE = re.compile(r"^/news/[^/]+/\d{4}/\d{2}/\d{2}/[^/]+$")
_MARK_VALUE = re.compile(rf"(?:^|&){_MARK}=([a-z]+)-?(\d*)")


@dataclass(frozen=True, slots=True)
class ServedFault:
    """One fault the newsroom served: when (real seconds from start), where, and which."""

    at: float
    path: str
    kind: str


def unrecorded(
    served: Iterable[ServedFault], errors: Mapping[str, Iterable[str | None]]
) -> list[ServedFault]:
    """Article faults with no matching error check (`errors`: path -> each check's error).

    Matching is by count per (path, reason): a path served three 5xx needs three checks whose
    error starts with "http-status". Faults whose right answer is a capture are not counted,
    nor are faults met by a check that the stop cut short (see `interrupted`).
    """
    return _match(served, errors)[1]


def interrupted(
    served: Iterable[ServedFault], errors: Mapping[str, Iterable[str | None]]
) -> list[ServedFault]:
    """Article faults whose check the run's stop cut short, so it could record no reason.

    Each needs a check of its own on the same path that the tracker recorded as
    "interrupted" (one such check excuses one fault); the rest stay unrecorded.
    """
    return _match(served, errors)[0]


def _match(
    served: Iterable[ServedFault], errors: Mapping[str, Iterable[str | None]]
) -> tuple[list[ServedFault], list[ServedFault]]:
    """(faults excused by an interrupted check, faults with no check under their reason)."""
    wanted: dict[str, list[ServedFault]] = {}
    for fault in served:
        if _ARTICLE.match(fault.path) and ARTICLE_REASONS.get(fault.kind):
            wanted.setdefault(fault.path, []).append(fault)
    cut, missing = [], []
    for path, faults in wanted.items():
        have = Counter((e or "").split(":", 1)[0] for e in errors.get(path, ()) if e)
        left = []
        for fault in faults:
            reason = str(ARTICLE_REASONS[fault.kind])
            if have[reason] > 0:
                have[reason] -= 1
            else:
                left.append(fault)
        for fault in left:
            if have[INTERRUPTED] > 0:
                have[INTERRUPTED] -= 1
                cut.append(fault)
            else:
                missing.append(fault)
    return cut, missing


class Faults:
    """Decides which requests fail and serves the failures, in front of the newsroom's app."""

    def __init__(self, config: NewsroomConfig, elapsed: Callable[[], float]) -> None:
        self._rate = config.faults
        self._kinds = tuple(config.fault_kinds)
        self._until = config.faults_until
        self._seed = config.seed
        self._elapsed = elapsed
        self._lock = threading.Lock()  # the server thread writes, tests read
        self._asked: dict[str, int] = {}
        self._bursts: dict[str, int] = {}
        self._served: list[ServedFault] = []
        self._bombs: dict[str, bytes] = {}
        if self._rate > 0:  # a bomb takes about a second to build: not while a client waits
            for kind, encoding in (("gzip-bomb", "gzip"), ("brotli-bomb", "br")):
                if kind in self._kinds:
                    self._bombs[encoding] = bodies.build_bomb(encoding)

    def bomb(self, encoding: str) -> bytes:
        """The gzip or brotli bomb, built on first use and kept."""
        with self._lock:
            if encoding not in self._bombs:
                self._bombs[encoding] = bodies.build_bomb(encoding)
            return self._bombs[encoding]

    @property
    def served(self) -> tuple[ServedFault, ...]:
        with self._lock:
            return tuple(self._served)

    def active(self) -> bool:
        return self._rate > 0 and (self._until is None or self._elapsed() < self._until)

    def choose(self, path: str) -> tuple[str, random.Random] | None:
        """The fault for this request of `path`, with a Random for its details, or None."""
        feed = path in FEED_PATHS
        if not (feed or _ARTICLE.match(path)):
            return None
        with self._lock:
            asked = self._asked.get(path, 0)
            self._asked[path] = asked + 1
            if not self.active():
                return None
            rng = random.Random(f"{self._seed}:fault:{path}:{asked}")
            if self._bursts.get(path, 0) > 0:
                self._bursts[path] -= 1
                return "5xx", rng
            kinds = [k for k in self._kinds if feed or k not in FEED_KINDS]
            if not kinds or rng.random() >= self._rate:
                return None
            kind = rng.choice(kinds)
            if kind == "5xx":
                self._bursts[path] = rng.randint(1, 3)  # the next requests fail too
            return kind, rng

    def log(self, path: str, kind: str) -> None:
        with self._lock:
            self._served.append(ServedFault(at=self._elapsed(), path=path, kind=kind))

    def wrap(self, inner: ASGIApp) -> ASGIApp:
        """The newsroom's app with faults in front of it."""

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return
            query = scope.get("query_string", b"").decode("latin-1")
            marked = _MARK_VALUE.search(query)
            if marked is not None:
                await _follow_up(scope, receive, send, inner, marked.group(1), marked.group(2))
                return
            chosen = self.choose(scope["path"])
            if chosen is None:
                await inner(scope, receive, send)
                return
            kind, rng = chosen
            exchange = _Exchange(scope, receive, send, inner, bomb=self.bomb)
            await _serve(kind, rng, exchange, lambda: self.log(scope["path"], kind))

        return app


class _Exchange:
    """One request being answered with a fault, and the raw connection under it."""

    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        inner: ASGIApp,
        *,
        bomb: Callable[[str], bytes] = bodies.build_bomb,
    ) -> None:
        self.scope = scope
        self.receive = receive
        self.send = send
        self.inner = inner
        self.bomb = bomb

    @property
    def feed(self) -> bool:
        return str(self.scope["path"]) in FEED_PATHS

    async def render(self) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The answer the newsroom would have given: status, headers, body."""
        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def quiet() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                parts.append(message.get("body", b""))

        await self.inner(self.scope, quiet, keep)
        return int(start.get("status", 500)), list(start.get("headers", [])), b"".join(parts)

    async def start(self, status: int, headers: Iterable[tuple[str, str]]) -> None:
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        await self.send({"type": "http.response.start", "status": status, "headers": raw})

    async def body(self, data: bytes, *, more: bool = False) -> None:
        await self.send({"type": "http.response.body", "body": data, "more_body": more})

    async def answer(self, status: int, headers: Iterable[tuple[str, str]], data: bytes) -> None:
        await self.start(status, [*headers, ("content-length", str(len(data)))])
        await self.body(data)

    async def until_hangup(self, work: Awaitable[None]) -> bool:
        """Run `work` unless the client hangs up first; True when it ran to the end."""
        job = asyncio.ensure_future(work)
        watch = asyncio.ensure_future(self._hangup())
        await asyncio.wait({job, watch}, return_when=asyncio.FIRST_COMPLETED)
        for task in (job, watch):
            task.cancel()
        await asyncio.gather(job, watch, return_exceptions=True)
        return job.done() and not job.cancelled() and job.exception() is None

    async def _hangup(self) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass

    async def cut(self, *, reset: bool) -> None:
        """Drop the connection mid-answer: a TCP reset, or a plain close (truncation)."""
        transport = getattr(getattr(self.send, "__self__", None), "transport", None)
        if transport is None:  # not under uvicorn: the server closes the connection for us
            raise ConnectionAbortedError("fault: connection dropped")
        if reset:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        else:
            transport.close()
        await self.until_hangup(asyncio.sleep(5.0))


async def _serve(kind: str, rng: random.Random, ex: _Exchange, log: Callable[[], None]) -> None:
    """Answer with fault `kind`, logged as it starts.

    A normal answer other than 200 (a 304, a 404) goes out as it is, unlogged.
    """
    # On feeds a long URL is an entry of the feed; on article pages, a redirect target.
    simple = None if ex.feed and kind == "long-url" else _SIMPLE.get(kind)
    if simple is not None:
        log()
        await simple(ex, rng)
        return
    status, headers, page = await ex.render()
    if status != 200:
        await ex.start(status, [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers])
        await ex.body(page)
        return
    log()
    kept = [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, v in headers
        if k.lower() not in (b"content-length", b"content-encoding", b"content-type")
    ]
    content_type = dict(headers).get(b"content-type", b"text/html").decode("latin-1")
    await _CONTENT[kind](ex, rng, bodies.Answer(kept, content_type, page))


async def _status_5xx(ex: _Exchange, rng: random.Random) -> None:
    status = rng.choice((500, 502, 503, 504))
    await ex.answer(status, [("content-type", "text/html")], b"<h1>Service unavailable</h1>")


async def _status_429(ex: _Exchange, rng: random.Random) -> None:
    headers = [("content-type", "text/plain"), ("retry-after", str(RETRY_AFTER))]
    await ex.answer(429, headers, b"Too many requests")


async def _timeout(ex: _Exchange, rng: random.Random) -> None:
    if await ex.until_hangup(asyncio.sleep(STALL_SECONDS)):
        await ex.inner(ex.scope, ex.receive, ex.send)


def _redirect_to(ex: _Exchange, query: str) -> list[tuple[str, str]]:
    return [("location", f"{ex.scope['path']}?{query}"), ("content-type", "text/html")]


async def _redirect_loop(ex: _Exchange, rng: random.Random) -> None:
    await ex.answer(302, _redirect_to(ex, f"{_MARK}=loop-1"), b"")


async def _redirect_chain(ex: _Exchange, rng: random.Random) -> None:
    await ex.answer(301, _redirect_to(ex, f"{_MARK}=hop-1"), b"")


async def _long_url(ex: _Exchange, rng: random.Random) -> None:
    pad = "x" * (10_000 - len(str(ex.scope["path"])) - 40)
    await ex.answer(302, _redirect_to(ex, f"{_MARK}=long&pad={pad}"), b"")


async def _follow_up(
    scope: Scope, receive: Receive, send: Send, inner: ASGIApp, step: str, number: str
) -> None:
    """Later hops of redirect faults: the loop goes round, the chain ends after CHAIN_HOPS."""
    ex = _Exchange(scope, receive, send, inner)
    if step == "loop":
        other = 2 if number == "1" else 1
        await ex.answer(302, _redirect_to(ex, f"{_MARK}=loop-{other}"), b"")
    elif step == "hop" and number in {str(n) for n in range(CHAIN_HOPS)}:
        await ex.answer(301, _redirect_to(ex, f"{_MARK}=hop-{int(number) + 1}"), b"")
    else:
        await inner(scope, receive, send)


async def _trickle(ex: _Exchange, rng: random.Random, page: bodies.Answer) -> None:
    async def drip() -> None:
        await ex.start(200, [*page.headers, *page.typed(), ("content-length", str(len(page.body)))])
        for index in range(len(page.body)):
            await ex.body(page.body[index : index + 1], more=True)
            await asyncio.sleep(1.0)
        await ex.body(b"")

    await ex.until_hangup(asyncio.wait_for(drip(), STALL_SECONDS))


async def _broken(ex: _Exchange, page: bodies.Answer, *, reset: bool) -> None:
    sent = page.body[: len(page.body) // 2] if reset else page.body
    length = len(page.body) + (0 if reset else 4096)  # truncated: promises more than it has
    await ex.start(200, [*page.headers, *page.typed(), ("content-length", str(length))])
    await ex.body(sent, more=True)
    await asyncio.sleep(0.05)  # let the partial body reach the socket before the cut
    await ex.cut(reset=reset)


async def _reset(ex: _Exchange, rng: random.Random, page: bodies.Answer) -> None:
    await _broken(ex, page, reset=True)


async def _truncated(ex: _Exchange, rng: random.Random, page: bodies.Answer) -> None:
    await _broken(ex, page, reset=False)


async def _bomb(ex: _Exchange, page: bodies.Answer, encoding: str) -> None:
    data = ex.bomb(encoding)
    headers = [*page.headers, *page.typed(), ("content-encoding", encoding)]
    await ex.answer(200, headers, data)


async def _gzip_bomb(ex: _Exchange, rng: random.Random, page: bodies.Answer) -> None:
    await _bomb(ex, page, "gzip")


async def _brotli_bomb(ex: _Exchange, rng: random.Random, page: bodies.Answer) -> None:
    await _bomb(ex, page, "br")


async def _huge_page(ex: _Exchange, rng: random.Random, page: bodies.Answer) -> None:
    async def pour() -> None:
        size = bodies.HUGE_BYTES
        await ex.start(200, [*page.headers, *page.typed(), ("content-length", str(size))])
        for chunk in bodies.huge_chunks(size):
            await ex.body(chunk, more=True)
            # Writes to a socket the client has closed never block, so without this the
            # loop would pour all 50 MB into the void (and stall every other request)
            # before the hang-up watch could run.
            await asyncio.sleep(0)
        await ex.body(b"")

    await ex.until_hangup(pour())


def _rewrite(kind: str) -> Callable[[_Exchange, random.Random, bodies.Answer], Awaitable[None]]:
    async def serve(ex: _Exchange, rng: random.Random, page: bodies.Answer) -> None:
        headers, data = bodies.rewrite(kind, page, rng, feed=ex.feed)
        await ex.answer(200, headers, data)

    return serve


_SIMPLE: Mapping[str, Callable[[_Exchange, random.Random], Awaitable[None]]] = {
    "5xx": _status_5xx,
    "429": _status_429,
    "timeout": _timeout,
    "redirect-loop": _redirect_loop,
    "redirect-chain": _redirect_chain,
    "long-url": _long_url,
}
_CONTENT: Mapping[str, Callable[[_Exchange, random.Random, bodies.Answer], Awaitable[None]]] = {
    "trickle": _trickle,
    "reset": _reset,
    "truncated": _truncated,
    "gzip-bomb": _gzip_bomb,
    "brotli-bomb": _brotli_bomb,
    "huge-page": _huge_page,
    **{kind: _rewrite(kind) for kind in bodies.REWRITES},
}
