"""Tell what a URL given to `copydesk add` serves: a feed, a sitemap, a front page or an article."""

from __future__ import annotations

from lxml import etree

from copydesk.errors import DiscoverError
from copydesk.records import EndpointKind, Source
from copydesk.urls import InvalidURL, canonical_url

from .filters import looks_like_article_url
from .frontpages import article_links, parse_html
from .sitemaps import local_name, maybe_gunzip, parse_xml

_FEED_ROOTS = frozenset({"rss", "feed", "channel"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_RDF_FEED_CHILDREN = frozenset({"channel", "item"})
_MIN_FRONTPAGE_LINKS = 6
_MIN_ARTICLE_PROSE = 500
# A front page carries little prose per story link (a teaser at most); an article page with a
# "related stories" box carries far more.
_MAX_PROSE_PER_LINK = 250


def detect_kind(body: bytes, *, content_type: str | None, url: str) -> EndpointKind | None:
    """FEED, SITEMAP or FRONTPAGE for an endpoint; None for a single article page.

    Raises:
        DiscoverError: when the body is none of these (empty, binary, an unknown XML document).
    """
    body = maybe_gunzip(body)
    media_type = (content_type or "").split(";")[0].strip().lower()
    kind = _xml_kind(body)
    if kind is not None:
        return kind
    if "xml" in media_type and "html" not in media_type:
        raise DiscoverError(f"{url}: an XML document that is neither a feed nor a sitemap")
    return _html_kind(body, url=url)


def _xml_kind(body: bytes) -> EndpointKind | None:
    try:
        root = parse_xml(body)
    except DiscoverError:
        return None
    name = local_name(root)
    if name in _FEED_ROOTS:
        return EndpointKind.FEED
    if name in _SITEMAP_ROOTS:
        return EndpointKind.SITEMAP
    if name == "RDF" and any(local_name(child) in _RDF_FEED_CHILDREN for child in root):
        return EndpointKind.FEED  # RSS 0.90 and 1.0
    return None


def _html_kind(body: bytes, *, url: str) -> EndpointKind | None:
    document = parse_html(body)
    if _has_article_markup(document):
        return None
    prose = _prose_length(document)
    # Story URLs (a slug, a date, an id) with real text are articles, whatever they link to.
    if prose >= _MIN_ARTICLE_PROSE and looks_like_article_url(url, site_url=url):
        return None
    links = {c.url for c in article_links(document, base_url=url, source=Source(name="detect"))}
    links.discard(_canonical_or_none(url))
    if len(links) >= _MIN_FRONTPAGE_LINKS and prose < _MAX_PROSE_PER_LINK * len(links):
        return EndpointKind.FRONTPAGE
    return None


def _has_article_markup(document: etree._Element) -> bool:
    """og:type=article, article:published_time, or exactly one <article> (front pages have many)."""
    if _meta_property(document, "og:type") == "article":
        return True
    if _meta_property(document, "article:published_time"):
        return True
    return len(document.xpath("//article")) == 1


def _canonical_or_none(url: str) -> str | None:
    try:
        return canonical_url(url)
    except InvalidURL:
        return None


def _meta_property(document: etree._Element, name: str) -> str | None:
    for meta in document.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == name:
            return (meta.get("content") or "").strip().lower()
    return None


def _prose_length(document: etree._Element) -> int:
    """Characters of paragraph text outside links: the body of an article, not its teasers."""
    total = 0
    for paragraph in document.iter("p"):
        if any(ancestor.tag == "a" for ancestor in paragraph.iterancestors()):
            continue
        text = len(" ".join(paragraph.text_content().split()))
        linked = sum(len(" ".join(a.text_content().split())) for a in paragraph.iter("a"))
        total += max(text - linked, 0)
    return total
