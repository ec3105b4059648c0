"""Proxies: which one a request goes through, and one pooled transport per proxy.

Precedence: the source's `proxy`, then `fetch.proxy`, then (only with `fetch.trust_env = true`)
the environment's HTTP_PROXY / HTTPS_PROXY / ALL_PROXY minus NO_PROXY; otherwise direct. The
word `direct` as a source's proxy skips the others. HTTP, HTTPS and SOCKS5 proxies work
(`socks5://` and `socks5h://` both leave name resolution to the proxy).

The SSRF guard still vets every target URL and redirect hop before anything is sent; what it
cannot do through a proxy is pin the connection to the vetted address, because the proxy
resolves the name itself. The proxy's own address is the operator's choice and is exempt from
the guard, but a transport for a proxy dials that proxy and nothing else.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpcore
import httpx

from copydesk.errors import ConnectError
from copydesk.fetch.guard import host_key
from copydesk.fetch.pinning import PinnedBackend
from copydesk.settings import FetchSettings

DIRECT = "direct"
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


class ProxyRoutes:
    """Picks the proxy for each request and keeps a transport for each proxy in use."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._default = settings.proxy
        self._backend = network_backend
        self._http2 = True
        self._environment: dict[str, str] = {}
        if settings.trust_env:
            self._environment = (
                urllib.request.getproxies_environment()
                if environ is None
                else _proxies_from(environ)
            )
        self._transports: dict[str, httpx.AsyncBaseTransport] = {}

    def proxy_for(self, url: str, configured: str = "") -> str | None:
        """The proxy URL for `url` (None: direct), given the source's own `proxy` setting."""
        chosen = configured or self._default
        if chosen:
            return None if chosen == DIRECT else chosen
        if not self._environment:
            return None
        parts = urlsplit(url)
        if _bypassed(parts.hostname or "", self._environment.get("no", "")):
            return None
        return self._environment.get(parts.scheme) or self._environment.get("all")

    def transport(self, proxy: str) -> httpx.AsyncBaseTransport:
        """The pooled transport through `proxy`, made on first use."""
        if proxy not in self._transports:
            self._transports[proxy] = _proxy_transport(proxy, self._backend, http2=self._http2)
        return self._transports[proxy]

    async def aclose(self) -> None:
        for transport in self._transports.values():
            await transport.aclose()
        self._transports.clear()


def _bypassed(host: str, no_proxy: str) -> bool:
    """NO_PROXY as curl reads it: `*`, or names matching the host or a domain it is in."""
    host = host.lower().rstrip(".")
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        name = entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
        name = name.lstrip("*").lstrip(".")
        if entry == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


def _proxies_from(environ: Mapping[str, str]) -> dict[str, str]:
    """getproxies_environment() over a given mapping (tests pass their own environment)."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        key = name.lower()
        if value and key.endswith("_proxy"):
            found[key.removesuffix("_proxy")] = value
    return found


def _proxy_transport(
    proxy: str, backend: httpcore.AsyncNetworkBackend | None, *, http2: bool
) -> httpx.AsyncBaseTransport:
    """Httpx's transport over a proxy pool whose connections can reach the proxy only."""
    parts = urlsplit(proxy)
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        raise ConnectError(f"not a proxy URL: {proxy!r} (use http://, https:// or socks5://)")
    proxy_host = host_key(parts.hostname)
    pinned = PinnedBackend(backend, exempt=lambda host: host == proxy_host)
    transport = httpx.AsyncHTTPTransport(http2=http2)
    auth = (parts.username or "", parts.password or "") if parts.username else None
    address = f"{parts.scheme}://{parts.hostname}:{parts.port or _DEFAULT_PORTS[parts.scheme]}"
    pool: httpcore.AsyncConnectionPool
    if parts.scheme.startswith("socks5"):
        pool = httpcore.AsyncSOCKSProxy(
            proxy_url=address.replace("socks5h://", "socks5://"),
            proxy_auth=auth,
            ssl_context=httpx.create_ssl_context(),
            http2=http2,
            network_backend=pinned,
        )
    else:
        pool = httpcore.AsyncHTTPProxy(
            proxy_url=address,
            proxy_auth=auth,
            ssl_context=httpx.create_ssl_context(),
            http2=http2,
            network_backend=pinned,
        )
    transport._pool = pool
    return transport


_DEFAULT_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}
