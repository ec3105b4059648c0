"""The loopback web site tests track: good and bad pages on 127.0.0.1, counted per path.

`serving` runs any request handler class on a free port; `Site` is the one scriptable site
(pages by path, a hanging path); `settings_for` and `run_once` drive a tracker over it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from copydesk.clock import SystemClock
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.records import Source
from copydesk.settings import FetchSettings, ScheduleSettings, Settings
from copydesk.store import Store
from copydesk.worker import Worker

PARAS = [
    "The council voted on Tuesday to close the Harbour Road library after a review of costs.",
    "Officials said 12 jobs would be affected and that services would move to the town hall.",
    "Campaigners said they would challenge the decision and called it short-sighted.",
    "A public meeting is planned for next month, the council's leader said in a statement.",
]


def article_html(title: str, paragraphs: list[str], *, charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>© Test Gazette</footer></body></html>"
    )


class QuietHandler(BaseHTTPRequestHandler):
    """A test site's request handler: no access log on stderr, and `reply` for a whole answer."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def reply(
        self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> None:
        """Send `status`, the headers, a Content-Length and the body."""
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Site:
    """A local site with good and bad pages; counts requests per path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.pages: dict[str, Any] = {}  # path -> (status, headers, body) or a function giving one
        self.hang = threading.Event()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                site.hits[path] += 1
                if path == "/hang":
                    site.hang.wait(10)
                    return
                answer = site.pages.get(path, (404, {}, b"not found"))
                status, headers, body = answer() if callable(answer) else answer
                self.reply(status, body, headers)

        return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many connects at once; the default 5 drops SYNs
    daemon_threads = True


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve a request handler class on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def loopback_site() -> Iterator[tuple[Site, str]]:
    """A fresh Site served on loopback: (site, base URL)."""
    state = Site()
    with serving(state.handler()) as base:
        try:
            yield state, base
        finally:
            state.hang.set()  # release hanging requests before the server shuts down


def settings_for(
    tmp_path: Path,
    *,
    allow: tuple[str, ...] = ("127.0.0.1",),
    sources: tuple[Source, ...] = (),
    fetch: FetchSettings | None = None,
) -> Settings:
    """Settings for a tracker on the loopback site: a file database, no politeness delay."""
    return Settings(
        db=f"sqlite:///{tmp_path / 't.db'}",
        sources=sources,
        fetch=fetch
        or FetchSettings(
            allow_hosts=allow,
            per_host_delay=timedelta(0),
            per_host_concurrency=8,
            total_timeout=timedelta(seconds=1.5),
            connect_timeout=timedelta(seconds=1),
            max_body_bytes=2_000_000,
        ),
        schedule=ScheduleSettings(
            after_change=timedelta(seconds=30), max_interval=timedelta(minutes=1)
        ),
    )


def rss(items: list[str]) -> bytes:
    entries = "".join(f"<item><title>t</title><link>{url}</link></item>" for url in items)
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<link>http://x/</link>{entries}</channel></rss>"
    ).encode()


async def run_once(settings: Settings, store: Store, fetcher: Fetcher | None = None) -> Worker:
    clock = SystemClock()
    fetcher = fetcher or Fetcher(settings.fetch, clock=clock)
    tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
    worker = Worker(tracker, clock=clock, concurrency=8)
    await worker.run(once=True)
    await fetcher.aclose()
    return worker
