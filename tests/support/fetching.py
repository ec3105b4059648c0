"""Fetch test support: a stub resolver (no DNS), quick fetch settings, raw response bodies."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import timedelta
from typing import Any

import httpx

from copydesk.fetch.guard import Resolver
from copydesk.settings import FetchSettings

PUBLIC_IP = "93.184.216.34"
HOSTS: dict[str, list[str]] = {
    "news.example": [PUBLIC_IP],
    "other.example": ["93.184.216.35"],
    "third.example": ["93.184.216.36"],
    "intranet.example": ["10.1.2.3"],
    "mixed.example": [PUBLIC_IP, "127.0.0.1"],
    "metadata.example": ["169.254.169.254"],
}

Handler = Callable[[httpx.Request], Any]


def stub_resolver(mapping: Mapping[str, list[str]] = HOSTS) -> Resolver:
    """Resolve from a table; unknown names fail like a real NXDOMAIN."""

    async def resolve(host: str, port: int) -> list[str]:
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(mapping[host])

    return resolve


def quick_settings(**changes: Any) -> FetchSettings:
    """Settings for tests: no politeness delay, robots off unless a test turns it on."""
    values: dict[str, Any] = {"per_host_delay": timedelta(0), "respect_robots": False}
    values.update(changes)
    return FetchSettings(**values)


class RawStream(httpx.AsyncByteStream):
    """A response body httpx has not read yet, so the Fetcher sees the raw (encoded) bytes.

    httpx.Response(content=bytes) is read and decoded by httpx itself at construction.
    """

    def __init__(self, *chunks: bytes) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk
