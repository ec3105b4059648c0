"""Front-page HTML -> links that look like articles on the same site."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
from lxml import etree

from copydesk.errors import DiscoverError
from copydesk.records import Candidate, Discovery, Source
from copydesk.urls import InvalidURL, canonical_url, same_site

from .filters import finalise, looks_like_article_url, matches_source

_SNIFF = 1024
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}


def parse_html(body: bytes) -> etree._Element:
    """Parse an HTML document, refusing bytes that are plainly not markup.

    Raises:
        DiscoverError: for empty or binary bodies, or text with no tags at all.
    """
    if _looks_binary(body) or b"<" not in body:
        raise DiscoverError("not an HTML document")
    try:
        document: etree._Element = lxml.html.document_fromstring(body)
    except (etree.LxmlError, ValueError) as exc:
        raise DiscoverError(f"not an HTML document: {exc}") from exc
    return document


def _looks_binary(body: bytes) -> bool:
    head = body[:_SNIFF]
    if not head.strip():
        return True
    if head.startswith(_UNICODE_BOMS):
        return False
    controls = sum(1 for byte in head if byte in _CONTROL)
    return b"\x00" in head or controls * 10 > len(head)


def document_base(document: etree._Element, base_url: str) -> str:
    """The URL relative links resolve against: <base href> when it is valid, else base_url."""
    for href in document.xpath("//base/@href")[:1]:
        try:
            return canonical_url(str(href), base=base_url)
        except InvalidURL:
            break
    return base_url


def parse_frontpage(body: bytes, *, base_url: str, source: Source) -> Discovery:
    """Harvest same-site article links from a front or section page.

    Raises:
        DiscoverError: when the body is not HTML.
    """
    document = parse_html(body)
    links = article_links(document, base_url=base_url, source=source)
    return Discovery(candidates=finalise(links, base_url=base_url, source=source))


def article_links(
    document: etree._Element, *, base_url: str, source: Source
) -> Iterator[Candidate]:
    """Same-site links kept by the source's rules, or by the generic heuristic when it has none."""
    base = document_base(document, base_url)
    for anchor in document.iter("a"):
        href = anchor.get("href")
        if not href or not href.strip():
            continue
        try:
            url = canonical_url(href, base=base)
        except InvalidURL:
            continue
        if not same_site(url, base_url) or not matches_source(url, source):
            continue
        if not source.include and not looks_like_article_url(url, site_url=base_url):
            continue
        text = " ".join(anchor.text_content().split())
        yield Candidate(url=url, title=text or None)
