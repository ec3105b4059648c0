from __future__ import annotations

import pytest

from copydesk.discover import discover
from copydesk.errors import DiscoverError
from copydesk.records import EndpointKind, Source
from tests.support.pages import HERALD as SITE

FRONTPAGE = EndpointKind.FRONTPAGE


def frontpage(body, source, base=f"{SITE}/"):
    return discover(FRONTPAGE, body, base_url=base, source=source)


def test_frontpage_keeps_article_links_in_page_order(source_bytes, herald):
    found = frontpage(source_bytes("frontpage.html"), herald)
    assert [c.url for c in found.candidates] == [
        f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay",
        f"{SITE}/health/2024/03/12/hospital-trust-apologises-after-cancer-test-delays",
        "https://m.northbridgeherald.com/news/crime-88231",  # m. is the same site
        f"{SITE}/sport/live/2024/mar/12/northbridge-town-v-castleford-live",
        f"{SITE}/video/2024/03/12/storm-footage-from-the-quay",
        f"{SITE}/local/cafe-owner-wins-fight-over-outdoor-seating",  # relative href
        f"{SITE}/business/shipyard-order-book-fills-up-for-2025",  # ito= tracking dropped
        f"{SITE}/opinion/2024/03/11/the-library-vote-shows-councillors-can-listen",
    ]


def test_frontpage_titles_from_link_text(source_bytes, herald):
    found = frontpage(source_bytes("frontpage.html"), herald)
    # The lead story is linked first from a picture (no text), then from its headline, whose
    # line breaks are collapsed; the later "most read" link does not override it.
    assert found.candidates[0].title == "Flood defences breached at Saltmarsh Quay as storm hits"
    assert found.candidates[5].title == "Café owner wins fight over outdoor seating"
    assert all(c.published_at is None and c.guid is None for c in found.candidates)


def test_frontpage_drops_non_articles(source_bytes, herald):
    urls = " ".join(c.url for c in frontpage(source_bytes("frontpage.html"), herald).candidates)
    for unwanted in (
        "/tag/",
        "/author/",
        "/login",
        "/subscribe",
        "/search",
        "bbc.co.uk",
        "twitter.com",
        "cdn.northbridgeherald.com",
        ".jpg",
        "/page/2",
        "/feeds/",
        "/newsletters/",
        "mailto:",
        "javascript:",
        "tel:",
        "/privacy-policy",
        "/arts-and-culture/",
    ):
        assert unwanted not in urls


def test_include_pattern_replaces_the_heuristic(source_bytes):
    # With an include rule the generic guess is off: /puzzles/crossword now counts.
    source = Source(name="herald", include=(r"/puzzles/", r"/news/2024/"))
    found = frontpage(source_bytes("frontpage.html"), source)
    assert [c.url for c in found.candidates] == [
        f"{SITE}/puzzles/crossword",  # in the navigation bar, before the stories
        f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay",
    ]


def test_exclude_pattern(source_bytes):
    source = Source(name="herald", exclude=(r"/live/", r"/video/", r"m\.northbridge"))
    found = frontpage(source_bytes("frontpage.html"), source)
    assert len(found.candidates) == 5
    assert not any("/live/" in c.url or "/video/" in c.url for c in found.candidates)


def test_base_href_is_honoured(herald):
    body = b"""<html><head><base href="https://www.northbridgeherald.com/news/"></head>
    <body><a href="2024/03/12/storm-closes-the-harbour-bridge">Storm closes bridge</a>
    <a href="https://elsewhere.example/2024/03/12/some-other-story">Elsewhere</a></body></html>"""
    found = frontpage(body, herald, base=f"{SITE}/index.html")
    assert [c.url for c in found.candidates] == [
        f"{SITE}/news/2024/03/12/storm-closes-the-harbour-bridge"
    ]


def test_invalid_base_href_falls_back_to_page_url(herald):
    body = b"""<html><head><base href="javascript:alert(1)"></head>
    <body><a href="/news/2024/03/12/storm-closes-the-harbour-bridge">x</a></body></html>"""
    found = frontpage(body, herald)
    assert [c.url for c in found.candidates] == [
        f"{SITE}/news/2024/03/12/storm-closes-the-harbour-bridge"
    ]


def test_page_without_links_is_empty(herald):
    assert frontpage(b"<html><body><p>Maintenance</p></body></html>", herald).candidates == ()


def test_legacy_charset_is_read(herald):
    body = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=iso-8859-1">'
        '</head><body><a href="/news/2024/03/12/caf\xe9-fire">Caf\xe9 fire on the pier</a>'
        "</body></html>"
    ).encode("iso-8859-1")
    (only,) = frontpage(body, herald).candidates
    assert only.title == "Café fire on the pier"
    assert only.url == f"{SITE}/news/2024/03/12/caf%C3%A9-fire"


@pytest.mark.parametrize(
    "body",
    [b"", b"  \n\t ", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"just some words, no markup"],
)
def test_not_html_raises(body, herald):
    with pytest.raises(DiscoverError):
        frontpage(body, herald)
