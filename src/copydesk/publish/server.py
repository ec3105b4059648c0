"""Run the app with uvicorn: in the foreground (`copydesk serve`) or in a thread (demo, tests)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import h11
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol

from copydesk.publish.security import SECURITY_HEADERS

_START_TIMEOUT = 10.0
_START_POLLS = 500  # x 20 ms


class SecureH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with the security headers on its own 400 too.

    A malformed request never reaches the app, so SecurityHeaders cannot add them there.
    """

    def send_400_response(self, msg: str) -> None:
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"connection", b"close"),
            *((name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()),
        ]
        event = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
        self.transport.write(self.conn.send(event) or b"")
        self.transport.write(self.conn.send(h11.Data(data=msg.encode("ascii"))) or b"")
        self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        self.transport.close()


def serve(app: Starlette, host: str, port: int) -> None:
    """Serve until interrupted."""
    uvicorn.run(
        app, host=host, port=port, log_level="info", access_log=False, http=SecureH11Protocol
    )


def serve_in_thread(
    app: Starlette, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Start the app in a daemon thread; returns its base URL and a function that stops it.

    Port 0 picks a free port; the socket is bound here so the URL is known before serving.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", http=SecureH11Protocol
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(_START_POLLS):
        if server.started or not thread.is_alive():
            break
        time.sleep(0.02)
    if not server.started:
        server.should_exit = True
        sock.close()
        raise RuntimeError(f"the web server did not start on {host}:{bound_port}")

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()

    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{bound_port}", stop
