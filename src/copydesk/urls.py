"""Canonical article URLs, so one story is one article whatever link led to it."""

from __future__ import annotations

import contextlib
import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from copydesk.errors import InvalidURL

__all__ = ["InvalidURL", "canonical_url", "host_of", "same_site"]

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid", "cmp", "ncid", "ito", "ref_src",
        "ref_url", "smid", "smtyp", "taid", "share", "shared", "s_cid", "icid", "sr_share",
        "__twitter_impression", "mbid", "spm", "guccounter", "guce_referrer",
        "guce_referrer_sig", "CMP", "xtor", "at_medium", "at_campaign", "emc",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "vero_", "oly_")
_HOST_ALIASES = ("amp.", "mobile.", "m.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def _normalise_host(host: str) -> str:
    host = host.strip(".").lower()
    with contextlib.suppress(UnicodeError):  # not IDNA-encodable: keep it as it is
        host = host.encode("idna").decode("ascii")
    return host


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    # Decode before removing dot segments, so that /a/%2E%2E/b and /a/../b are one URL.
    path = unquote(path)
    trailing = path.endswith("/")
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if trailing and cleaned != "/":
        cleaned += "/"
    # Re-encode so that %7E and ~ are one URL, and spaces are %20.
    return quote(cleaned, safe="/:@!$&'()*+,;=-._~")


def canonical_url(url: str, *, base: str | None = None) -> str:
    """Normalise scheme/host case, default port, dot segments, fragment and tracking parameters.

    Host aliases (m., amp.) are left alone here because they may not serve the same page;
    the page's rel=canonical link resolves them once it is fetched.

    Raises:
        InvalidURL: when the result is not an absolute http or https URL with a host.
    """
    url = url.strip()
    try:
        if base is not None:
            url = urljoin(base, url)
        url.encode("utf-8")  # lone surrogates cannot be percent-encoded
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # UnicodeEncodeError is a ValueError too
        raise InvalidURL(f"not a valid URL: {url[:200]!r}") from exc
    scheme = parts.scheme.lower()
    host = _normalise_host(parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host:
        raise InvalidURL(f"not an absolute http(s) URL: {url[:200]!r}")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query = urlencode(sorted(query_pairs))
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), query, ""))


def host_of(url: str) -> str:
    """The host name of a URL, lower-cased, or '' when there is none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _registrable(host: str) -> str:
    host = host.lower().removeprefix("www.")
    for alias in _HOST_ALIASES:
        rest = host.removeprefix(alias)
        if rest != host and "." in rest:
            return rest
    return host


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on one site (www., m., amp. and mobile. prefixes ignored)."""
    a, b = host_of(url), host_of(other)
    return bool(a) and _registrable(a) == _registrable(b)
