"""Discovery over real feeds and a real front page, read in place from the shared corpus."""

from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from copydesk.discover import detect_kind, discover, looks_like_article_url
from copydesk.discover.frontpages import parse_html
from copydesk.records import EndpointKind, Source
from copydesk.urls import host_of

pytestmark = pytest.mark.corpus

FEED = EndpointKind.FEED


def read_feed(path: Path, base_url: str, source: Source | None = None):
    body = path.read_bytes()
    return discover(FEED, body, base_url=base_url, source=source or Source(name="corpus"))


@pytest.mark.parametrize(("name", "items"), [("feed1.xml", 20), ("feed2.xml", 24)])
def test_diffengine_washington_post_feeds(corpus, name, items):
    path = corpus / "diffengine-feeds" / name
    assert detect_kind(path.read_bytes(), content_type="application/rss+xml", url="x") is FEED
    found = read_feed(path, "http://www.washingtonpost.com/pb/national/?resType=rss")
    assert len(found.candidates) == items  # one per <item>, none lost, none doubled
    for candidate in found.candidates:
        assert host_of(candidate.url) == "www.washingtonpost.com"
        assert candidate.url.startswith("https://")
        assert candidate.title  # CDATA titles read
        assert "/2017/01/" in candidate.url or "/2016/12/" in candidate.url


def test_newssniffer_bbc_feed(corpus):
    path = corpus / "newssniffer-fixtures" / "rss_feeds" / "bbc_uk_politics.xml"
    found = read_feed(
        path, "http://newsrss.bbc.co.uk/rss/newsonline_uk_edition/uk_politics/rss.xml"
    )
    assert len(found.candidates) == 57
    first = found.candidates[0]
    assert first.url == "http://news.bbc.co.uk/go/rss/-/1/hi/uk_politics/8064868.stm"
    assert first.title == "Expenses leak man defends actions"
    assert first.guid == "http://news.bbc.co.uk/1/hi/uk_politics/8064868.stm"  # isPermaLink=false
    assert first.published_at == datetime(2009, 5, 23, 9, 15, 34, tzinfo=UTC)
    assert all(c.published_at and c.published_at.tzinfo is UTC for c in found.candidates)
    # ISO-8859-1 feed: the pound sign and curly quotes survive decoding
    assert not any("\ufffd" in (c.title or "") for c in found.candidates)


def test_newssniffer_bbc_feed_with_source_rules(corpus):
    path = corpus / "newssniffer-fixtures" / "rss_feeds" / "bbc_uk_politics.xml"
    everything = read_feed(path, "http://news.bbc.co.uk/")
    politics = read_feed(
        path, "http://news.bbc.co.uk/", Source(name="bbc", include=(r"/uk_politics/",))
    )
    assert 0 < len(politics.candidates) < len(everything.candidates)
    assert all("/uk_politics/" in c.url for c in politics.candidates)


def test_newssniffer_nyt_feed(corpus):
    path = corpus / "newssniffer-fixtures" / "rss_feeds" / "nyt_global_home.xml"
    found = read_feed(path, "http://www.nytimes.com/services/xml/rss/nyt/GlobalHome.xml")
    assert len(found.candidates) == 25
    assert all(host_of(c.url).endswith("nytimes.com") for c in found.candidates)
    assert all(c.published_at is not None for c in found.candidates)
    assert len({c.url for c in found.candidates}) == 25


def _cdr_versions(corpus: Path, every: int) -> Iterator[dict[str, object]]:
    with gzip.open(corpus / "cdr-homepage-versions" / "versions.jsonl.gz", "rt") as lines:
        for line in itertools.islice(lines, 0, None, every):
            yield json.loads(line)


CDR = "https://www.christiandailyreporter.com/"


def test_cdr_aggregator_front_page_has_no_same_site_articles(corpus):
    # The page is a link aggregator: every story is on another site, and its own links are
    # the logo, a manifesto page and mailto: addresses. None of them is an article of its own.
    for version in _cdr_versions(corpus, every=50):
        body = str(version["text"]).encode()
        found = discover(EndpointKind.FRONTPAGE, body, base_url=CDR, source=Source(name="cdr"))
        assert found.candidates == ()
        assert detect_kind(body, content_type="text/html", url=CDR) is None


def test_cdr_include_rule_overrides_heuristic(corpus):
    version = next(_cdr_versions(corpus, every=1))
    source = Source(name="cdr", include=(r"/manifesto",))
    found = discover(
        EndpointKind.FRONTPAGE, str(version["text"]).encode(), base_url=CDR, source=source
    )
    assert [c.url for c in found.candidates] == [f"{CDR}manifesto.html"]


def test_cdr_outbound_news_links_look_like_articles(corpus):
    # ~25k links to stories on ~hundreds of news sites: a real test of the generic heuristic.
    total = hits = 0
    for version in _cdr_versions(corpus, every=10):
        document = parse_html(str(version["text"]).encode())
        for anchor in document.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href.startswith("http") or "christiandailyreporter" in href:
                continue
            total += 1
            hits += looks_like_article_url(href, site_url=href)
    assert total > 1000
    assert hits / total > 0.9


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("7984711-A.stm.html", "http://news.bbc.co.uk/1/hi/uk_politics/7984711.stm"),
        ("6072486-A.stm.html", "http://news.bbc.co.uk/1/hi/uk/6072486.stm"),
    ],
)
def test_bbc_2009_article_pages_are_articles(corpus, name, url):
    # No og: tags and no <article>, but dozens of related-story links: the URL and the text
    # say it is one story.
    body = (corpus / "newssniffer-fixtures" / "web_pages" / name).read_bytes()
    assert detect_kind(body, content_type="text/html", url=url) is None
    links = discover(EndpointKind.FRONTPAGE, body, base_url=url, source=Source(name="bbc"))
    assert len(links.candidates) > 10  # it does link to many stories
