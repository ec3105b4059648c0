from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from copydesk.discover import discover, sitemaps
from copydesk.discover.sitemaps import gunzip_capped, parse_w3c_datetime
from copydesk.errors import DiscoverError
from copydesk.records import EndpointKind, Source
from tests.support.pages import HERALD as SITE

SITEMAP = EndpointKind.SITEMAP


def sitemap(body, herald):
    return discover(SITEMAP, body, base_url=f"{SITE}/sitemap.xml", source=herald)


def test_urlset_candidates_with_lastmod(source_bytes, herald):
    found = sitemap(source_bytes("sitemap.xml"), herald)
    assert [(c.url, c.updated_at) for c in found.candidates] == [
        (
            f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay",
            datetime(2024, 3, 12, 11, 0, tzinfo=UTC),
        ),
        (
            f"{SITE}/health/2024/03/12/hospital-trust-apologises-after-cancer-test-delays",
            datetime(2024, 3, 12, 9, 15, tzinfo=UTC),  # +01:00 converted, <loc> whitespace stripped
        ),
        (
            f"{SITE}/local/2024/03/11/cafe-owner-wins-fight-over-outdoor-seating",
            datetime(2024, 3, 11, tzinfo=UTC),  # a date alone is midnight UTC
        ),
        (
            f"{SITE}/sport/football/2024/03/11/northbridge-town-castleford-report",
            datetime(2024, 3, 11, 22, 10, tzinfo=UTC),
        ),
        # relative <loc> resolved; its unreadable lastmod is None; the upper-case, tracked
        # duplicate of the first URL and the <url> without <loc> are gone
        (f"{SITE}/business/shipyard-order-book-fills-up-for-2025", None),
    ]
    assert found.sitemaps == ()


def test_sitemap_index_lists_child_sitemaps(source_bytes, herald):
    found = sitemap(source_bytes("sitemap_index.xml"), herald)
    assert found.candidates == ()
    assert found.sitemaps == (
        f"{SITE}/sitemaps/news.xml",
        f"{SITE}/sitemaps/2024-03.xml.gz",
        f"{SITE}/sitemaps/2024-02.xml.gz",
    )


def test_news_sitemap_title_and_publication_date(source_bytes, herald):
    flood, mayor, teen = sitemap(source_bytes("news_sitemap.xml"), herald).candidates
    assert flood.title == "Flood defences breached at Saltmarsh Quay as storm hits"
    assert flood.published_at == datetime(2024, 3, 12, 10, 47, tzinfo=UTC)
    assert flood.updated_at is None
    assert mayor.title == "Mayor sets out budget priorities & council tax rise"
    assert mayor.published_at == datetime(2024, 3, 12, tzinfo=UTC)
    assert mayor.updated_at == datetime(2024, 3, 12, 9, 20, tzinfo=UTC)
    assert teen.published_at is None  # "12/03/2024 07:55" is not a W3C datetime


def test_source_rules_apply_to_sitemaps(source_bytes):
    source = Source(name="herald", include=(r"/20\d\d/\d\d/\d\d/",), exclude=(r"/sport/",))
    found = sitemap(source_bytes("sitemap.xml"), source)
    assert [c.url.split("/")[3] for c in found.candidates] == ["news", "health", "local"]


def test_gzipped_sitemap(source_bytes, herald):
    plain = sitemap(source_bytes("sitemap.xml"), herald)
    assert sitemap(gzip.compress(source_bytes("sitemap.xml")), herald) == plain


def test_gzip_bomb_is_refused(herald, monkeypatch):
    assert sitemaps.MAX_DECOMPRESSED == 50 * 1024 * 1024
    monkeypatch.setattr(sitemaps, "MAX_DECOMPRESSED", 1024 * 1024)
    bomb = gzip.compress(b"<urlset>" + b" " * (2 * 1024 * 1024))
    assert len(bomb) < 10_000
    with pytest.raises(DiscoverError, match="grows past"):
        sitemap(bomb, herald)


def test_gunzip_cap_is_exact():
    body = gzip.compress(b"x" * 1000)
    assert gunzip_capped(body, limit=1000) == b"x" * 1000
    with pytest.raises(DiscoverError):
        gunzip_capped(body, limit=999)


def test_broken_gzip_raises(herald):
    with pytest.raises(DiscoverError, match="gzip"):
        sitemap(b"\x1f\x8b\x08\x00garbage-not-deflate", herald)


def test_truncated_sitemap_keeps_what_was_read(herald):
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://www.northbridgeherald.com/news/a-whole-story</loc></url>"
        b"<url><loc>https://www.northbridgeherald.com/news/cut-off"
    )
    urls = [c.url for c in sitemap(body, herald).candidates]
    assert urls[0] == f"{SITE}/news/a-whole-story"


def test_sitemap_without_namespace(herald):
    body = b"<urlset><url><loc>https://www.northbridgeherald.com/a/b-c-d</loc></url></urlset>"
    assert [c.url for c in sitemap(body, herald).candidates] == [f"{SITE}/a/b-c-d"]


def test_entities_are_not_expanded(tmp_path, herald):
    secret = tmp_path / "secret.txt"
    secret.write_text("https://evil.example/leaked")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<urlset><url><loc>&x;</loc></url>"
        "<url><loc>https://www.northbridgeherald.com/a/b-c-d</loc></url></urlset>"
    ).encode()
    assert [c.url for c in sitemap(body, herald).candidates] == [f"{SITE}/a/b-c-d"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\x00\x00",
        b"not xml at all",
        b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
        b"<html><body>Sitemap</body></html>",
    ],
)
def test_not_a_sitemap_raises(body, herald):
    with pytest.raises(DiscoverError):
        sitemap(body, herald)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-12", datetime(2024, 3, 12, tzinfo=UTC)),
        ("2024-03-12T10:20Z", datetime(2024, 3, 12, 10, 20, tzinfo=UTC)),
        ("2024-03-12T10:20:30.45+02:00", datetime(2024, 3, 12, 8, 20, 30, 450000, tzinfo=UTC)),
        ("2024-03-12T10:20:30", datetime(2024, 3, 12, 10, 20, 30, tzinfo=UTC)),
        ("Tue, 12 Mar 2024 10:47:00 GMT", datetime(2024, 3, 12, 10, 47, tzinfo=UTC)),
        ("0001-01-01T00:00:00+01:00", None),
        ("2024-13-45", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_w3c_datetimes(text, expected):
    parsed = parse_w3c_datetime(text)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is UTC
