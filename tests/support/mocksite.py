"""The MockTransport site: the council story's news site and the Wayback Machine in one handler.

Nothing reaches the network: `resolve` answers the two public names with a public address, and
`StandIn` answers every request (Save Page Now's redirect-to-memento included).
"""

from __future__ import annotations

import socket

import httpx

from tests.support.pages import URL, A

SAVE = "https://web.archive.org/save/"


async def resolve(host: str, port: int) -> list[str]:
    if host in ("news.example.org", "web.archive.org"):
        return ["93.184.216.34"]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


class StandIn:
    """The news site and the Wayback Machine, as one MockTransport handler."""

    def __init__(self) -> None:
        self.page = A
        self.save_failures = 1  # the first Save Page Now request answers 503
        self.saves: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == URL:
            return httpx.Response(200, content=self.page, headers={"Content-Type": "text/html"})
        if url.startswith(SAVE):
            self.saves.append(url.removeprefix(SAVE))
            if self.save_failures > 0:
                self.save_failures -= 1
                return httpx.Response(503)
            memento = f"https://web.archive.org/web/20240501090000/{url.removeprefix(SAVE)}"
            return httpx.Response(302, headers={"Location": memento})
        if url.startswith("https://web.archive.org/web/"):
            return httpx.Response(200, content=b"<html>archived</html>")
        return httpx.Response(404)
