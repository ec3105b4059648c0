from __future__ import annotations

import gzip

import pytest

from copydesk.discover import detect_kind
from copydesk.errors import DiscoverError
from copydesk.records import EndpointKind
from tests.support.pages import HERALD as SITE

ARTICLE_URL = f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("rss091.xml", EndpointKind.FEED),
        ("rss092.xml", EndpointKind.FEED),
        ("rss1_rdf.xml", EndpointKind.FEED),
        ("rss2.xml", EndpointKind.FEED),
        ("atom.xml", EndpointKind.FEED),
        ("atom03.xml", EndpointKind.FEED),
        ("broken_feed.xml", EndpointKind.FEED),
        ("sitemap.xml", EndpointKind.SITEMAP),
        ("sitemap_index.xml", EndpointKind.SITEMAP),
        ("news_sitemap.xml", EndpointKind.SITEMAP),
        ("frontpage.html", EndpointKind.FRONTPAGE),
    ],
)
def test_fixture_kinds(source_bytes, name, kind):
    assert detect_kind(source_bytes(name), content_type=None, url=f"{SITE}/") is kind


def test_content_type_does_not_override_content(source_bytes):
    # Servers label feeds text/html and front pages text/xml; the bytes decide.
    assert detect_kind(source_bytes("rss2.xml"), content_type="text/html", url=SITE) is (
        EndpointKind.FEED
    )


def test_rss090(source_bytes):
    body = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
             xmlns="http://my.netscape.com/rdf/simple/0.9/">
      <channel><title>Herald</title><link>https://www.northbridgeherald.com/</link></channel>
      <item><title>Story</title><link>https://www.northbridgeherald.com/a-b-c</link></item>
    </rdf:RDF>"""
    assert detect_kind(body, content_type="application/rdf+xml", url=SITE) is EndpointKind.FEED


def test_gzipped_sitemap(source_bytes):
    body = gzip.compress(source_bytes("sitemap.xml"))
    assert detect_kind(body, content_type="application/x-gzip", url=f"{SITE}/s.xml.gz") is (
        EndpointKind.SITEMAP
    )


def test_article_page_with_og_type_is_none(source_bytes):
    assert (
        detect_kind(source_bytes("article.html"), content_type="text/html", url=ARTICLE_URL) is None
    )


def test_article_without_markup_but_long_text_is_none():
    paragraphs = "".join(
        f"<p>{'The harbour board met again on Tuesday. ' * 8}</p>" for _ in range(6)
    )
    related = "".join(
        f'<li><a href="/news/2024/03/{day:02d}/harbour-board-story-{day}">Story {day}</a></li>'
        for day in range(1, 9)
    )
    body = f"<html><body><div>{paragraphs}</div><ul>{related}</ul></body></html>".encode()
    assert detect_kind(body, content_type="text/html", url=ARTICLE_URL) is None
    # the same page at a section URL with little text is a front page
    short = f"<html><body><p>Harbour news.</p><ul>{related}</ul></body></html>".encode()
    assert detect_kind(short, content_type="text/html", url=f"{SITE}/harbour/") is (
        EndpointKind.FRONTPAGE
    )


def test_single_article_element_is_none():
    links = "".join(
        f'<a href="/news/2024/03/{d:02d}/more-from-the-quay-{d}">More {d}</a>' for d in range(1, 12)
    )
    body = f"<html><body><article><h1>Quay</h1><p>Short.</p></article>{links}</body></html>"
    assert detect_kind(body.encode(), content_type="text/html", url=f"{SITE}/quay") is None


def test_page_with_few_links_is_none():
    body = b'<html><body><p>Hello</p><a href="/news/2024/03/12/a-b-c">x</a></body></html>'
    assert detect_kind(body, content_type="text/html", url=SITE) is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "image/png"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b'<?xml version="1.0"?><note><to>Tove</to></note>', "application/xml"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "application/json"),
    ],
)
def test_unknown_bodies_raise(body, content_type):
    with pytest.raises(DiscoverError):
        detect_kind(body, content_type=content_type, url=SITE)
