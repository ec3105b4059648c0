"""Serve a Newsroom with uvicorn in a background thread, on a loopback address only."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn

from copydesk.clock import SystemClock
from copydesk.errors import ConfigError, UsageError
from copydesk.newsroom.script import NewsroomConfig
from copydesk.newsroom.site import Newsroom

logger = logging.getLogger(__name__)
_START_POLLS = 1000  # x 10 ms: how long start() waits for uvicorn before giving up
_STOP_TIMEOUT = 10.0


def _loopback(host: str) -> str:
    """The host if it is an IPv4 loopback address; the newsroom never listens elsewhere."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError as exc:
        raise ConfigError(f"newsroom host must be an IPv4 loopback address, not {host!r}") from exc
    if address.version != 4 or not address.is_loopback:
        raise ConfigError(f"newsroom host must be an IPv4 loopback address, not {host!r}")
    return host


class NewsroomServer:
    """The newsroom on http://127.0.0.1:PORT; port 0 lets the OS choose a free one.

    The newsroom's clock started when the Newsroom was built, not when the server starts.
    """

    def __init__(self, newsroom: Newsroom, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.newsroom = newsroom
        self.host = _loopback(host)
        self._port = port
        self._bound: int | None = None  # kept after stop(), so URLs stay valid for reports
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._bound is None:
            raise UsageError("the newsroom server has not been started")
        return self._bound

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def frontpage_url(self) -> str:
        return self.base_url + "/"

    @property
    def rss_url(self) -> str:
        return self.base_url + "/rss.xml"

    @property
    def atom_url(self) -> str:
        return self.base_url + "/atom.xml"

    @property
    def sitemap_url(self) -> str:
        return self.base_url + "/news-sitemap.xml"

    def _bind(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self._port))
            sock.listen(128)
        except OSError as exc:
            sock.close()
            raise UsageError(f"cannot listen on {self.host}:{self._port}: {exc}") from exc
        return sock

    def start(self) -> None:
        """Bind, then serve in a daemon thread; returns once uvicorn accepts connections."""
        if self._server is not None:
            raise UsageError("the newsroom server is already running")
        self._socket = self._bind()
        self._bound = int(self._socket.getsockname()[1])
        config = uvicorn.Config(
            self.newsroom.app(),
            lifespan="off",
            log_config=None,  # leave the process's logging set-up alone
            log_level="warning",
            access_log=False,
            ws="none",
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._socket]}, name="newsroom", daemon=True
        )
        self._thread.start()
        for _ in range(_START_POLLS):
            if server.started or not self._thread.is_alive():
                break
            time.sleep(0.01)
        if not server.started:
            self.stop()
            raise UsageError("the newsroom server did not start")
        logger.info("newsroom serving at %s", self.base_url)

    def stop(self) -> None:
        """Ask uvicorn to exit, wait for its thread, and release the socket. Idempotent."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(_STOP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> NewsroomServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def run_newsroom(config: NewsroomConfig, *, port: int = 0) -> NewsroomServer:
    """Build a newsroom on the system clock and start serving it; the caller must stop() it."""
    server = NewsroomServer(Newsroom(config, clock=SystemClock()), port=port)
    server.start()
    return server
