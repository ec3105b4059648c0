"""The one entry point of discovery: endpoint bytes in, article candidates out."""

from __future__ import annotations

from collections.abc import Callable

from copydesk.errors import DiscoverError
from copydesk.records import Discovery, EndpointKind, Source

from .feeds import parse_feed
from .frontpages import parse_frontpage
from .sitemaps import parse_sitemap

_Parser = Callable[..., Discovery]


def discover(kind: EndpointKind, body: bytes, *, base_url: str, source: Source) -> Discovery:
    """Parse a fetched feed, sitemap or front page into canonical, filtered, unique candidates.

    Relative links resolve against `base_url` (the endpoint's final URL).

    Raises:
        DiscoverError: when the body cannot be parsed as that kind of endpoint at all.
    """
    parsers: dict[EndpointKind, _Parser] = {
        EndpointKind.FEED: parse_feed,
        EndpointKind.SITEMAP: parse_sitemap,
        EndpointKind.FRONTPAGE: parse_frontpage,
    }
    parser = parsers.get(kind)
    if parser is None:
        raise DiscoverError(f"unknown endpoint kind: {kind!r}")
    if not body.strip():
        raise DiscoverError("empty body")
    return parser(body, base_url=base_url, source=source)
