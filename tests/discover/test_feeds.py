from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copydesk.discover import discover
from copydesk.errors import DiscoverError
from copydesk.records import EndpointKind, Source
from tests.support.pages import HERALD as SITE

FEED = EndpointKind.FEED


def feed(source_bytes, name, herald, base=f"{SITE}/feeds/top.rss"):
    return discover(FEED, source_bytes(name), base_url=base, source=herald)


def test_rss2_items_become_canonical_candidates(source_bytes, herald):
    found = feed(source_bytes, "rss2.xml", herald)
    assert [c.url for c in found.candidates] == [
        f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay",
        f"{SITE}/health/2024/03/12/hospital-trust-apologises-after-cancer-test-delays",
        f"{SITE}/news/2024/03/12/teenager-charged-over-crown-street-assault",
        f"{SITE}/sport/football/2024/03/11/northbridge-town-castleford-report",
        f"{SITE}/news/2024/03/10/ferry-timetable-changes-from-april",
    ]


def test_rss2_fields(source_bytes, herald):
    first, second, third, *_ = feed(source_bytes, "rss2.xml", herald).candidates
    # CDATA title with runs of spaces is collapsed; the duplicate GUID later on is dropped.
    assert first.title == "Flood defences breached at Saltmarsh Quay as storm hits"
    assert first.published_at == datetime(2024, 3, 12, 10, 47, tzinfo=UTC)
    assert first.updated_at is None  # pubDate alone says nothing about later updates
    assert first.guid == f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay"
    assert second.guid == "nbh-health-88213"
    # +0100 in pubDate is converted to UTC
    assert third.published_at == datetime(2024, 3, 12, 6, 55, tzinfo=UTC)


def test_permalink_guid_is_used_when_link_missing(source_bytes, herald):
    urls = {c.url: c for c in feed(source_bytes, "rss2.xml", herald).candidates}
    teen = urls[f"{SITE}/news/2024/03/12/teenager-charged-over-crown-street-assault"]
    assert teen.title == "Teenager charged over Crown Street assault"


def test_item_without_link_or_permalink_is_skipped(source_bytes, herald):
    titles = {c.title for c in feed(source_bytes, "rss2.xml", herald).candidates}
    assert "An item the CMS published without a link" not in titles


def test_unparseable_date_is_none(source_bytes, herald):
    ferry = feed(source_bytes, "rss2.xml", herald).candidates[-1]
    assert ferry.title == "Ferry timetable changes from April"
    assert ferry.published_at is None


def test_duplicate_guid_yields_one_candidate(source_bytes, herald):
    found = feed(source_bytes, "rss2.xml", herald)
    guids = [c.guid for c in found.candidates]
    assert len(guids) == len(set(guids))
    assert not any("(updated)" in (c.title or "") for c in found.candidates)


def test_source_exclude_drops_sport(source_bytes):
    source = Source(name="herald", exclude=(r"/sport/",))
    found = feed(source_bytes, "rss2.xml", source)
    assert len(found.candidates) == 4
    assert all("/sport/" not in c.url for c in found.candidates)


def test_rss091_with_netscape_doctype(source_bytes, herald):
    found = feed(source_bytes, "rss091.xml", herald, base=f"{SITE}/local/rss")
    assert [c.title for c in found.candidates] == [
        "Council votes to keep Harbour Street library open",
        "Café owner wins fight over outdoor seating",  # ISO-8859-1 character reference
        "Roadworks on the A614 to last until June",
    ]
    assert found.candidates[2].url.endswith("/roadworks-on-the-a614-to-last-until-june")
    assert all(c.published_at is None for c in found.candidates)


def test_rss092(source_bytes, herald):
    found = feed(source_bytes, "rss092.xml", herald)
    assert [c.url for c in found.candidates] == [
        f"{SITE}/business/shipyard-order-book-fills-up-for-2025",
        f"{SITE}/business/brewery-to-open-second-taproom",
    ]


def test_rss1_rdf_dc_date(source_bytes, herald):
    found = feed(source_bytes, "rss1_rdf.xml", herald)
    assert [c.title for c in found.candidates] == [
        "MP calls for inquiry into ferry contract",
        "Mayor sets out budget priorities",
    ]
    assert found.candidates[1].updated_at == datetime(2024, 3, 12, 9, 5, tzinfo=UTC)


def test_atom10(source_bytes, herald):
    found = feed(source_bytes, "atom.xml", herald, base=f"{SITE}/environment/atom.xml")
    seals, beach, wind = found.candidates
    assert seals.url == (
        f"{SITE}/environment/2024/03/12/seal-pups-return-to-gull-point-in-record-numbers"
    )
    assert seals.title == "Seal pups return to Gull Point in record numbers"  # html title
    assert seals.published_at == datetime(2024, 3, 12, 8, 0, tzinfo=UTC)
    assert seals.updated_at == datetime(2024, 3, 12, 10, 30, tzinfo=UTC)
    assert seals.guid == "tag:northbridgeherald.com,2024:article/88220"
    # relative alternate link resolved against the feed URL
    assert beach.url == (
        f"{SITE}/environment/2024/03/11/beach-clean-volunteers-collect-two-tonnes-of-plastic"
    )
    assert wind.url == f"{SITE}/environment/2024/03/10/wind-farm-consultation-extended"
    assert wind.published_at is None


def test_atom03(source_bytes, herald):
    (letter,) = feed(source_bytes, "atom03.xml", herald).candidates
    assert letter.url.endswith("/letters/2024/03/12/keep-the-library-it-is-our-living-room")
    assert letter.published_at == datetime(2024, 3, 12, 7, 45, tzinfo=UTC)
    assert letter.updated_at == datetime(2024, 3, 12, 8, 0, tzinfo=UTC)


def test_broken_feed_still_yields_entries(source_bytes, herald):
    found = feed(source_bytes, "broken_feed.xml", herald)
    assert [c.url for c in found.candidates] == [
        f"{SITE}/arts/2024/03/09/review-the-tempest-at-the-lyric",
        f"{SITE}/arts/2024/03/08/folk-festival-line-up-announced",
    ]
    assert found.candidates[0].title == "Review: The Tempest at the Lyric & the Pier Theatre"


def test_empty_but_valid_feed_is_no_error(herald):
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert discover(FEED, body, base_url=SITE, source=herald).candidates == ()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"\x00\x01\x02\xff\xfe binary",
        b"<html><body><a href='/x'>x</a></body></html>",
        b'{"items": []}',
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>cut',
    ],
)
def test_not_a_feed_raises(body, herald):
    with pytest.raises(DiscoverError):
        discover(FEED, body, base_url=SITE, source=herald)


def test_body_is_never_opened_as_a_path_or_url(tmp_path, herald):
    # feedparser opens a str or bytes argument as a file name or URL; we must hand it a stream.
    secret = tmp_path / "feed.xml"
    secret.write_bytes(
        b'<rss version="2.0"><channel><item><link>https://a.example/x-y-z</link></item>'
        b"</channel></rss>"
    )
    with pytest.raises(DiscoverError):
        discover(FEED, str(secret).encode(), base_url=SITE, source=herald)


def test_external_entities_are_not_resolved(tmp_path, herald):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><item><title>&x;</title>'
        "<link>https://www.northbridgeherald.com/a-b-c</link></item></channel></rss>"
    ).encode()
    found = discover(FEED, body, base_url=SITE, source=herald)
    assert all("TOPSECRET" not in (c.title or "") for c in found.candidates)


def test_linkless_entry_does_not_hide_a_later_one_with_the_same_guid(herald):
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><title>Draft</title><guid isPermaLink="false">nbh-1</guid></item>
    <item><title>Published</title><guid isPermaLink="false">nbh-1</guid>
      <link>https://www.northbridgeherald.com/news/2024/03/12/published-story</link></item>
    </channel></rss>"""
    (only,) = discover(FEED, body, base_url=SITE, source=herald).candidates
    assert only.title == "Published"
    assert only.guid == "nbh-1"
