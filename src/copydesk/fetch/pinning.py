"""DNS pinning: a connection goes only to an address the SSRF guard approved for its host.

The guard resolves a name and vets every address. If the connection then resolved the name
again, a DNS-rebinding server could answer a public address to the guard and 127.0.0.1 to the
connection. PinnedBackend is httpcore's network backend for the Fetcher: it dials the vetted
addresses itself (the name is never looked up twice), while httpcore keeps the request's Host
header and does TLS (SNI and certificate checks) for the name, as it would anyway.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import httpcore
import httpx

from copydesk.fetch.guard import host_key, is_public_address

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def _readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once (data, or the end of a connection the peer closed)."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True  # gone: as readable as a closed connection, so it is not re-used
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    """A dialled connection that answers httpcore's questions about it cheaply.

    httpcore asks every pooled connection whether it is readable before every request, and
    anyio answers any such question by building all of the socket's attributes (a getpeername
    and a getsockname each time): that was a tenth of the fetcher's CPU. The socket and the
    peer's address are read once here; reading and writing go straight through.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")
        self._server: Any = inner.get_extra_info("server_addr")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109  (httpcore's interface)
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self._socket)
        if info == "socket":
            return self._socket
        if info == "server_addr":
            return self._server
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Dials the addresses `pin` recorded for a host; refuses any host it has none for.

    Hosts in fetch.allow_hosts (`exempt`) are not resolved by the guard and connect by name,
    as before. An IP literal is dialled as it is only when it is public or exempt.
    """

    def __init__(
        self, inner: httpcore.AsyncNetworkBackend | None = None, *, exempt: Callable[[str], bool]
    ) -> None:
        self._inner = inner or httpcore.AnyIOBackend()
        self._exempt = exempt
        self._vetted: dict[str, tuple[str, ...]] = {}

    def pin(self, host: str, addresses: Sequence[str]) -> None:
        """The guard approved `addresses` for `host`: later dials to it go there."""
        self._vetted[host_key(host)] = tuple(addresses)

    def _targets(self, host: str) -> tuple[str, ...]:
        key = host_key(host)
        vetted = self._vetted.get(key)
        if vetted:
            return vetted
        if self._exempt(key):
            return (host,)
        try:
            ipaddress.ip_address(key)
        except ValueError:
            raise httpcore.ConnectError(
                f"{host}: no address was approved by the SSRF guard"
            ) from None
        if is_public_address(key):
            return (key,)
        raise httpcore.ConnectError(f"{host}: this address was not approved by the SSRF guard")

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109  (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Dial the first vetted address that answers (the name itself is never resolved)."""
        error: Exception | None = None
        for address in self._targets(host):
            try:
                stream = await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _Stream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109  (httpcore's interface)
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the fetcher")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def pinned_transport(backend: PinnedBackend, *, http2: bool = True) -> httpx.AsyncHTTPTransport:
    """The httpx transport (its request and error mapping) over a pool dialling via `backend`.

    httpx takes no network backend, so its pool is replaced by one with httpx's defaults.
    """
    transport = httpx.AsyncHTTPTransport(http2=http2)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True,
        http2=http2,
        network_backend=backend,
    )
    return transport
