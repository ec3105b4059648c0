"""Sitemap, sitemap index and Google News sitemap bytes -> candidates and child sitemaps."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from copydesk.errors import DiscoverError
from copydesk.records import Candidate, Discovery, Source

from .filters import canonical_links, finalise

MAX_DECOMPRESSED = 50 * 1024 * 1024  # the sitemap protocol's own limit is 50 MB uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1024 * 1024


def gunzip_capped(body: bytes, *, limit: int) -> bytes:
    """Decompress a gzip body, refusing to grow past `limit` bytes (a gzip bomb stops here)."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    data = body
    try:
        while data and not inflater.eof:
            out += inflater.decompress(data, _CHUNK)
            if len(out) > limit:
                raise DiscoverError(f"gzipped body grows past {limit} bytes")
            data = inflater.unconsumed_tail
        out += inflater.flush()
    except zlib.error as exc:
        raise DiscoverError(f"broken gzip body: {exc}") from exc
    if len(out) > limit:
        raise DiscoverError(f"gzipped body grows past {limit} bytes")
    return bytes(out)


def maybe_gunzip(body: bytes) -> bytes:
    """The body itself, or its decompressed content when it starts with the gzip magic bytes."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    return gunzip_capped(body, limit=MAX_DECOMPRESSED)


def parse_xml(body: bytes) -> etree._Element:
    """Parse XML with a parser that never fetches, never expands entities and tolerates damage.

    Raises:
        DiscoverError: when nothing element-like can be read from the bytes.
    """
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise DiscoverError(f"not XML: {exc}") from exc
    if root is None:
        raise DiscoverError("not XML: no root element")
    return root


def local_name(element: etree._Element) -> str:
    """An element's tag without its namespace ('' for comments and other non-elements)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, *, base_url: str, source: Source) -> Discovery:
    """Read a <urlset> (with optional Google News entries) or a <sitemapindex>.

    Raises:
        DiscoverError: for bodies that are not a sitemap, or gzip past the size cap.
    """
    root = parse_xml(maybe_gunzip(body))
    kind = local_name(root)
    if kind == "sitemapindex":
        locs = (_child_text(entry, "loc") for entry in _children(root, "sitemap"))
        return Discovery(sitemaps=canonical_links(filter(None, locs), base_url=base_url))
    if kind != "urlset":
        raise DiscoverError(f"not a sitemap: root element is <{kind or '?'}>")
    candidates = (_url_candidate(entry) for entry in _children(root, "url"))
    return Discovery(
        candidates=finalise(filter(None, candidates), base_url=base_url, source=source)
    )


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in _children(element, name):
        # string() skips unexpanded entity references, which itertext() would spell out.
        text = " ".join(str(child.xpath("string()")).split())
        if text:
            return text
    return None


def _url_candidate(entry: etree._Element) -> Candidate | None:
    loc = _child_text(entry, "loc")
    if loc is None:
        return None
    news = next(iter(_children(entry, "news")), None)
    return Candidate(
        url=loc,
        updated_at=parse_w3c_datetime(_child_text(entry, "lastmod")),
        title=_child_text(news, "title") if news is not None else None,
        published_at=(
            parse_w3c_datetime(_child_text(news, "publication_date")) if news is not None else None
        ),
    )


def parse_w3c_datetime(value: str | None) -> datetime | None:
    """A sitemap date (W3C datetime; RFC 822 seen in the wild) as UTC, or None when unreadable.

    A date without a time means midnight UTC; a time without a zone is taken as UTC.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
