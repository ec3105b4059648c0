"""SSRF guard: refuse URLs that lead to loopback, private, link-local or reserved addresses.

Runs before every connection (first URL and each redirect hop), so a public page cannot
steer copydesk into the host's own network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from copydesk.errors import BlockedURLError, ConnectError

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HEX_PART = re.compile(r"0[xX][0-9a-fA-F]+")
_NUMERIC_LAST = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")

# Explicit lists so the answer does not depend on the Python version's idea of "private".
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", includes the unspecified 0.0.0.0
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast 255.255.255.255
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_V4_COMPAT = ipaddress.IPv6Network("::/96")


def _ipv4_is_public(addr: ipaddress.IPv4Address) -> bool:
    if any(addr in net for net in _BLOCKED_V4):
        return False
    return addr.is_global and not (addr.is_multicast or addr.is_reserved)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...] | None:
    """IPv4 addresses an IPv6 address wraps (mapped, compatible, NAT64, 6to4, Teredo)."""
    if addr.ipv4_mapped is not None:
        return (addr.ipv4_mapped,)
    if addr.sixtofour is not None:
        return (addr.sixtofour,)
    if addr.teredo is not None:
        return addr.teredo  # (server, client): both must be public
    if addr in _NAT64 or (addr in _V4_COMPAT and int(addr) > 1):
        return (ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF),)
    return None


def is_public_address(ip: str) -> bool:
    """Whether an IP address string is one copydesk may connect to (a globally routed unicast).

    Anything that does not parse as an IP address counts as not public.
    """
    try:
        addr = ipaddress.ip_address(ip.strip().strip("[]"))
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv4Address):
        return _ipv4_is_public(addr)
    embedded = _embedded_ipv4(addr)
    if embedded is not None:
        return all(_ipv4_is_public(v4) for v4 in embedded)
    if any(addr in net for net in _BLOCKED_V6):
        return False
    return addr.is_global and not (addr.is_multicast or addr.is_reserved)


def _parse_ipv4_part(part: str) -> int | None:
    if _HEX_PART.fullmatch(part):
        return int(part[2:], 16)
    if not part.isascii() or not part.isdigit() or len(part.lstrip("0")) > 12:
        return None  # too long for any IPv4 part (and int() raises past 4,300 digits)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if set(part) <= set("01234567") else None
    return int(part)


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Parse hosts like 2130706433, 0x7f000001, 0177.0.0.1 or 127.1 as inet_aton does.

    These are the spellings the system resolver (getaddrinfo) connects to as addresses, so
    the guard must judge the same address. Returns None for ordinary names. A host that
    ends in a number but is not a valid IPv4 spelling is refused, as the WHATWG URL parser
    refuses it; so is a numeric host with a trailing dot, which browsers read as an address
    but resolvers send to DNS as a name.
    """
    parts = host.split(".")
    trailing_dot = len(parts) > 1 and parts[-1] == ""
    if trailing_dot:
        parts.pop()
    if not _NUMERIC_LAST.fullmatch(parts[-1]):
        return None
    if trailing_dot:
        raise BlockedURLError(f"numeric host with a trailing dot: {host!r}")
    numbers = [_parse_ipv4_part(part) for part in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise BlockedURLError(f"invalid numeric host: {host!r}")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise BlockedURLError(f"invalid numeric host: {host!r}")
    total = values[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(values[:-1]))
    return ipaddress.IPv4Address(total)


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return _numeric_ipv4(host)


def _normalise_host(host: str) -> str:
    """Lower-case, percent-decoded, IDNA-encoded host, so full-width digits cannot hide an IP.

    A trailing dot is kept (one, for the numeric check); _host_key drops it.
    """
    host = unquote(host).strip().strip("[]").lower()
    host = host.rstrip(".") + "." if host.endswith(".") else host
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise BlockedURLError(f"invalid host name: {host!r}") from exc
    return host


def host_key(host: str) -> str:
    """The form an allow_hosts entry is compared in: lower-case name or canonical IP text."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def _split(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BlockedURLError(f"not a valid URL: {url[:200]!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BlockedURLError(f"scheme not allowed: {scheme or '(none)'!r}")
    if not parts.hostname:
        raise BlockedURLError(f"URL has no host: {url[:200]!r}")
    return parts.hostname, port or _DEFAULT_PORTS[scheme]


async def _resolve(resolver: Resolver, host: str, port: int) -> list[str]:
    try:
        addresses = await resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise ConnectError(f"DNS lookup failed for {host}: {exc}") from exc
    if not addresses:
        raise ConnectError(f"DNS lookup for {host} returned no addresses")
    return addresses


class Approval(NamedTuple):
    """What the guard approved: a host and the addresses a connection to it may go to.

    The addresses are those the guard vetted; none for a host exempted by allow_hosts.
    """

    host: str
    addresses: tuple[str, ...] = ()


async def check_url_allowed(
    url: str, *, allow_hosts: Sequence[str], resolver: Resolver
) -> Approval:
    """Refuse a URL whose host is, spells or resolves to a non-public address.

    Hosts in allow_hosts skip the check when written the same way: a name compared
    lower-case, an address in its standard form (127.0.0.1, ::1). Other spellings of an
    allowed address (0177.0.0.1, 2130706433, 127.1) are judged like any other host, so
    they are refused: nobody lists a host that way, and it is how redirects sneak past.
    The connection must then go to the approved addresses only (fetch/pinning.py), or a
    DNS-rebinding name could answer differently the second time.

    Raises:
        BlockedURLError: bad scheme, missing or invalid host, or a non-public address.
        ConnectError: the host name could not be resolved.
    """
    raw_host, port = _split(url)
    host = _normalise_host(raw_host)
    allowed = {host_key(h) for h in allow_hosts}
    literal = _ip_literal(host)
    if host_key(host) in allowed:
        return Approval(host_key(host))
    if literal is not None:
        if not is_public_address(str(literal)):
            raise BlockedURLError(f"non-public address {literal} for {raw_host!r}")
        return Approval(host_key(host), (str(literal),))
    addresses = await _resolve(resolver, host.rstrip("."), port)
    refused = [a for a in addresses if not is_public_address(a)]
    if refused:
        raise BlockedURLError(f"{host} resolves to non-public address {refused[0]}")
    return Approval(host_key(host), tuple(addresses))


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the event loop's getaddrinfo; the default Fetcher resolver."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))
