"""A loopback webhook receiver standing in for a json:// (or form://) Apprise target."""

from __future__ import annotations

import json
import threading
import time
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


def _multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """Form fields as text; files as {"name", "filename", "size", "data"} under "files"."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=default).parsebytes(head + raw)
    data: dict[str, Any] = {"files": []}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename:
            data["files"].append(
                {"name": name, "filename": filename, "size": len(payload), "data": payload}
            )
        else:
            data[str(name)] = payload.decode("utf-8")
    return data


class Receiver:
    """Collects every POST; `down` makes it answer 503 (a target that is unavailable)."""

    def __init__(self, port: int = 0) -> None:
        self.messages: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.refused = 0
        self.down = False
        self.delay = 0.0  # seconds each request takes (a slow target)
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                if receiver.down:
                    with receiver._lock:
                        receiver.refused += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                kind = self.headers.get("content-type", "")
                if "json" in kind:
                    data = json.loads(raw or b"{}")
                elif "multipart" in kind:
                    data = _multipart(kind, raw)
                else:
                    data = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                with receiver._lock:
                    receiver.messages.append(data)
                    receiver.headers.append(dict(self.headers.items()))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def ids(self) -> list[str]:
        """Message ids of everything received, in order (duplicates kept)."""
        return [str(m.get("message_id")) for m in self.received()]

    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.messages)
