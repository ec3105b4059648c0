from __future__ import annotations

import feedparser
import pytest
from lxml import etree

from copydesk.records import ArticleStatus

ATOM = "{http://www.w3.org/2005/Atom}"


def _paths(newsroom):
    return [
        "/changes",
        "/sources/daily/changes",
        f"/articles/{newsroom.calm}/changes",
        "/search",
    ]


@pytest.mark.parametrize("suffix", [".atom", ".rss"])
def test_every_feed_is_valid_xml_and_parses_cleanly(client, newsroom, suffix):
    for path in _paths(newsroom):
        url = path + suffix + ("?q=zebra" if path == "/search" else "")
        response = client.get(url)
        assert response.status_code == 200, url
        etree.fromstring(response.content)  # raises on invalid XML
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert parsed.entries, url


def test_atom_entries_link_to_diffs_and_summarise_the_change(client, newsroom):
    root = etree.fromstring(client.get(f"/articles/{newsroom.calm}/changes.atom").content)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href").endswith(f"/articles/{newsroom.calm}/diff/2/3")
    assert "substantive change: numbers" in first.find(f"{ATOM}summary").text
    assert entries[-1].find(f"{ATOM}link").get("href").endswith("/versions/1")


def test_rss_items(client, newsroom):
    root = etree.fromstring(client.get("/changes.rss").content)
    items = root.findall("channel/item")
    assert len(items) == 3
    assert all(i.find("guid").get("isPermaLink") == "false" for i in items)
    assert items[0].find("link").text.endswith(f"/articles/{newsroom.calm}/diff/2/3")


def test_hostile_titles_are_escaped_in_feeds(client, newsroom):
    raw = client.get(f"/articles/{newsroom.hostile}/changes.atom").content
    assert b"<script>" not in raw
    parsed = feedparser.parse(raw)
    assert not parsed.bozo
    assert '<script>alert("t")</script>' in parsed.entries[-1].title


def test_source_feed_of_an_unknown_source_is_404(client):
    assert client.get("/sources/nope/changes.atom").status_code == 404


def test_hidden_article_feed_is_gone(client, newsroom):
    newsroom.store.set_article_status(newsroom.calm, ArticleStatus.HIDDEN, reason="court order")
    assert client.get(f"/articles/{newsroom.calm}/changes.atom").status_code == 410
    assert "Mayor" not in client.get("/changes.atom").text


@pytest.mark.parametrize("suffix", [".atom", ".rss"])
def test_each_feed_has_exactly_the_right_entries(client, newsroom, suffix):
    def links(path: str) -> list[str]:
        parsed = feedparser.parse(client.get(path + suffix).content)
        assert not parsed.bozo, path
        return [entry.link.split("/articles/", 1)[1] for entry in parsed.entries]

    calm, hostile, other = newsroom.calm, newsroom.hostile, newsroom.other
    assert links("/changes") == [f"{calm}/diff/2/3", f"{calm}/diff/1/2", f"{hostile}/diff/1/2"]
    assert links("/sources/daily/changes") == links("/changes")
    assert links("/sources/weekly/changes") == []
    assert links(f"/articles/{calm}/changes") == [
        f"{calm}/diff/2/3",
        f"{calm}/diff/1/2",
        f"{calm}/versions/1",
    ]
    found = feedparser.parse(client.get(f"/search{suffix}?q=zebra").content)
    assert sorted(e.link.split("/articles/", 1)[1] for e in found.entries) == sorted(
        [f"{other}/versions/1", f"{hostile}/versions/2", f"{hostile}/versions/1"]
    )
