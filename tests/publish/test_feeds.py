from __future__ import annotations

import feedparser
import pytest
from lxml import etree

from copydesk.records import ArticleStatus, Source

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


def _atom_updated(client, url: str) -> str:
    return etree.fromstring(client.get(url).content).find(f"{ATOM}updated").text


def test_an_empty_feed_is_dated_by_what_it_mirrors_never_1970(client, newsroom, web_clock):
    from tests.support.web import START

    store = newsroom.store
    store.add_source(Source(name="quiet"), now=START)
    article = store.add_article("quiet", "https://quiet.example/a", now=START)
    assert _atom_updated(client, "/sources/quiet/changes.atom") == "2026-03-01T08:00:00Z"
    assert _atom_updated(client, f"/articles/{article.id}/changes.atom") == "2026-03-01T08:00:00Z"
    assert _atom_updated(client, "/search.atom?q=nothingmatches") == "2026-03-01T12:00:00Z"
    assert _atom_updated(client, "/changes.atom?source=quiet") == "2026-03-01T12:00:00Z"
    rss = client.get("/sources/quiet/changes.rss").text
    assert "lastBuildDate" not in rss  # RSS has no required date: omitted
    assert "1970" not in client.get("/changes.atom?source=quiet").text


def test_changes_feed_takes_the_front_pages_filters(client, newsroom):
    def titles(url):
        parsed = feedparser.parse(client.get(url).content)
        assert not parsed.bozo, url
        return [entry.title for entry in parsed.entries]

    everything = titles("/changes.atom")
    daily = titles("/changes.atom?source=daily")
    assert daily
    assert set(daily) <= set(everything)
    assert titles("/changes.atom?source=weekly") == []  # only a first version: not a change
    assert titles("/changes.atom?source=weekly&kind=new") == ["Weekly zebra story (version 1)"]
    minor = titles("/changes.atom?kind=minor")
    assert len(minor) == 1
    assert minor[0].endswith("v2 (version 2)")  # the hostile article's minor change only
    assert all("(version 1)" in t for t in titles("/changes.atom?kind=new"))
    assert client.get("/changes.atom?kind=bogus").status_code == 400
    # the page links to the feed with the same filters
    page = client.get("/?source=weekly&kind=new").text
    assert 'href="/changes.atom?source=weekly&amp;kind=new"' in page
    assert 'href="/changes.atom"' in client.get("/").text
    self_link = etree.fromstring(client.get("/changes.atom?source=weekly").content).find(
        f"{ATOM}link[@rel='self']"
    )
    assert self_link.get("href").endswith("/changes.atom?source=weekly")
