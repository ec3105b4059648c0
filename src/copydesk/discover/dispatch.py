"""The one entry point of discovery: endpoint bytes in, article candidates out."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from copydesk.errors import DiscoverError
from copydesk.records import Discovery, EndpointKind, Source

from .feeds import feed_parts, parse_feed
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


def discover_parts(
    kind: EndpointKind, body: bytes, *, base_url: str, source: Source, entries: int = 500
) -> Iterator[Discovery]:
    """`discover`, a part at a time: a long feed is read `entries` entries per part.

    Sitemaps and front pages parse fast (lxml) and come as one part. A caller that stops
    early (it has all the new articles one poll may take) never pays for the rest.

    Raises:
        DiscoverError: when the body cannot be parsed as that kind of endpoint at all.
    """
    if kind is not EndpointKind.FEED or not body.strip():
        yield discover(kind, body, base_url=base_url, source=source)
        return
    for part in feed_parts(body, entries=entries):
        yield parse_feed(part, base_url=base_url, source=source)
