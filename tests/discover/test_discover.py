from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.discover import detect_kind, discover
from copydesk.errors import DiscoverError
from copydesk.records import Discovery, EndpointKind, Source
from tests.support.pages import HERALD as SITE

SOURCE = Source(name="herald")

# Bytes that get past the first sniffing: markup-ish fragments as well as noise.
_FRAGMENTS = st.sampled_from(
    [
        b"<?xml version='1.0'?>",
        b"<rss version='2.0'>",
        b"<channel>",
        b"<item>",
        b"<link>",
        b"</link>",
        b"<guid>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'>",
        b"<entry>",
        b"<link href='",
        b"'/>",
        b"<urlset>",
        b"<sitemapindex>",
        b"<url><loc>",
        b"</loc>",
        b"<lastmod>",
        b"<html>",
        b"<a href='",
        b"'>",
        b"</a>",
        b"<base href='",
        b"https://www.northbridgeherald.com/news/2024/03/12/a-b-c",
        b"//[::1",
        b"javascript:",
        b"&amp;",
        b"&#0;",
        b"\x1f\x8b",
        b"\x00",
        b"\xff\xfe",
        b"<!DOCTYPE x [<!ENTITY e 'x'>]>",
    ]
)
_BODIES = st.one_of(
    st.binary(max_size=400), st.lists(_FRAGMENTS | st.binary(max_size=8)).map(b"".join)
)


def test_dispatch_returns_discovery(source_bytes):
    for kind, name in [
        (EndpointKind.FEED, "rss2.xml"),
        (EndpointKind.SITEMAP, "sitemap.xml"),
        (EndpointKind.FRONTPAGE, "frontpage.html"),
    ]:
        found = discover(kind, source_bytes(name), base_url=f"{SITE}/", source=SOURCE)
        assert isinstance(found, Discovery)
        assert found.candidates


def test_wrong_kind_for_body_raises(source_bytes):
    with pytest.raises(DiscoverError):
        discover(EndpointKind.SITEMAP, source_bytes("rss2.xml"), base_url=SITE, source=SOURCE)
    with pytest.raises(DiscoverError):
        discover(EndpointKind.FEED, source_bytes("sitemap.xml"), base_url=SITE, source=SOURCE)


def test_unknown_kind_raises():
    with pytest.raises(DiscoverError):
        discover("podcast", b"<rss/>", base_url=SITE, source=SOURCE)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(EndpointKind))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_BODIES)
def test_arbitrary_bytes_raise_only_discover_error(kind, body):
    try:
        found = discover(kind, body, base_url=f"{SITE}/", source=SOURCE)
    except DiscoverError:
        return
    for candidate in found.candidates:
        assert candidate.url.startswith(("http://", "https://"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_BODIES, content_type=st.sampled_from([None, "text/html", "application/xml"]))
def test_detect_kind_raises_only_discover_error(body, content_type):
    try:
        kind = detect_kind(body, content_type=content_type, url=f"{SITE}/")
    except DiscoverError:
        return
    assert kind is None or isinstance(kind, EndpointKind)
