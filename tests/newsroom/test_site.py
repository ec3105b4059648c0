"""The site over real HTTP on 127.0.0.1, with the newsroom's clock under the test's control."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import lxml.etree
import lxml.html
from protego import Protego

from copydesk.clock import FixedClock
from copydesk.newsroom import Newsroom, NewsroomServer
from copydesk.urls import canonical_url
from tests.support.pagetext import move_to, page_text

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _xml(response):
    assert response.status_code == 200
    return lxml.etree.fromstring(response.content)


def _listed(http) -> dict[str, set[str]]:
    """Article paths named by each endpoint, tracking parameters dropped."""
    found = {
        "rss": _xml(http.get("/rss.xml")).xpath("//item/link/text()"),
        "atom": _xml(http.get("/atom.xml")).xpath("//atom:entry/atom:link/@href", namespaces=NS),
        "sitemap": _xml(http.get("/news-sitemap.xml")).xpath("//sm:loc/text()", namespaces=NS),
        "front": lxml.html.fromstring(http.get("/").text).xpath(
            "//ul[@class='top-stories']//a[h3]/@href"
        ),
    }
    return {name: {urlsplit(u).path for u in urls} for name, urls in found.items()}


def _article(newsroom: Newsroom, template: str, *, versions: int = 2):
    return next(
        a
        for a in newsroom.articles
        if a.template == template and len([v for v in a.versions if not v.trivial]) >= versions
    )


def test_feeds_sitemap_and_front_page_list_only_live_articles(newsroom, clock, http):
    starts = sorted(a.published_at for a in newsroom.articles)
    for offset in (starts[0], starts[2] + 0.001, starts[-1]):
        move_to(clock, newsroom, offset)
        live = {newsroom.path_of(a) for a in newsroom.articles if a.published_at <= offset}
        for name, paths in _listed(http).items():
            assert paths == live, name
    assert len(live) == len(newsroom.articles)


def test_feed_links_carry_tracking_params_and_pages_name_the_clean_url(newsroom, clock, http):
    move_to(clock, newsroom, newsroom.script_end)
    links = _xml(http.get("/rss.xml")).xpath("//item/link/text()")
    tracked = [link for link in links if "utm_source" in link]
    assert tracked
    assert len(tracked) < len(links)
    for link in tracked:
        assert parse_qs(urlsplit(link).query) == {"utm_source": ["rss"], "utm_medium": ["feed"]}
        page = http.get(link)
        assert page.status_code == 200
        canonical = page_text(page.text).canonical
        assert canonical == canonical_url(link) == link.split("?")[0]


def test_atom_updated_and_sitemap_lastmod_move_when_an_article_is_edited(newsroom, clock, http):
    article = _article(newsroom, "classic")
    first, second = article.versions[0], article.versions[1]

    def stamps():
        entry_id = f"tag:ledger.example,2026:article-{article.key}"
        atom = _xml(http.get("/atom.xml"))
        updated = atom.xpath(
            f"//atom:entry[atom:id='{entry_id}']/atom:updated/text()", namespaces=NS
        )
        loc = http.base_url.join(newsroom.path_of(article))
        sitemap = _xml(http.get("/news-sitemap.xml"))
        lastmod = sitemap.xpath(f"//sm:url[sm:loc='{loc}']/sm:lastmod/text()", namespaces=NS)
        published = sitemap.xpath(
            f"//sm:url[sm:loc='{loc}']//news:publication_date/text()", namespaces=NS
        )
        return updated[0], lastmod[0], published[0]

    move_to(clock, newsroom, first.at)
    before = stamps()
    move_to(clock, newsroom, second.at)
    after = stamps()
    assert after[0] > before[0]
    assert after[1] > before[1]
    assert after[2] == before[2]  # the publication date stays put


def test_article_text_changes_exactly_at_the_scripted_times(newsroom, clock, http):
    article = _article(newsroom, "magazine", versions=3)
    path = newsroom.path_of(article)
    for previous, version in zip(article.versions, article.versions[1:], strict=False):
        move_to(clock, newsroom, version.at - 0.001)
        served = page_text(http.get(path).text)
        assert (served.title, served.paragraphs) == (previous.title, previous.paragraphs)
        move_to(clock, newsroom, version.at)
        served = page_text(http.get(path).text)
        assert (served.title, served.paragraphs) == (version.title, version.paragraphs)


def test_boilerplate_changes_every_request_but_the_article_does_not(newsroom, clock, http):
    move_to(clock, newsroom, newsroom.script_end)
    for template in ("classic", "magazine", "wire"):
        path = newsroom.path_of(_article(newsroom, template, versions=1))
        one, two = http.get(path), http.get(path)
        assert one.content != two.content
        assert page_text(one.text) == page_text(two.text)
        ads = lxml.html.fromstring(one.text).xpath("//div[@class='ad']/@id")
        assert ads
        assert all(ad.startswith("ad-") for ad in ads)
        assert "Share on Facebook" in one.text
        assert "Most read" in one.text
        assert "application/ld+json" in one.text
        assert "Advertisement" in one.text
    assert http.get("/").content != http.get("/").content


def test_ground_truth_matches_the_pages_served(newsroom, clock, server, http):
    for offset in (1.0, newsroom.script_end / 2, newsroom.script_end):
        move_to(clock, newsroom, offset)
        latest = {}
        for truth in newsroom.ground_truth(base_url=server.base_url, until=clock.now()):
            latest[truth.article_url] = truth  # time order: the last one is live
        assert latest
        for url, truth in latest.items():
            served = page_text(http.get(url).text)
            assert served.canonical == url
            assert served.title == truth.title
            assert served.byline == truth.byline
            assert served.paragraphs == truth.paragraphs


def test_unpublished_and_unknown_articles_are_404(newsroom, clock, http):
    later = max(newsroom.articles, key=lambda a: a.published_at)
    path = newsroom.path_of(later)
    assert http.get(path).status_code == 404
    move_to(clock, newsroom, later.published_at)
    assert http.get(path).status_code == 200
    assert http.get(path + "-nope").status_code == 404
    assert http.get("/news/local/2020/01/01/no-such-story").status_code == 404
    assert http.get("/news/weather").status_code == 404
    assert http.get("/news/local").status_code == 200


def test_robots_allows_articles_and_disallows_private_pages(newsroom, clock, server, http):
    move_to(clock, newsroom, newsroom.script_end)
    text = http.get("/robots.txt").text
    robots = Protego.parse(text)
    article = server.base_url + newsroom.path_of(newsroom.articles[0])
    assert robots.can_fetch(article, "copydesk")
    assert not robots.can_fetch(server.base_url + "/private/staff", "copydesk")
    assert f"Sitemap: {server.sitemap_url}" in text
    assert http.get("/private/staff").status_code == 403


def test_classic_pages_answer_if_modified_since(newsroom, clock, http):
    article = _article(newsroom, "classic")
    path = newsroom.path_of(article)
    move_to(clock, newsroom, article.published_at)
    first = http.get(path)
    stamp = first.headers["last-modified"]
    again = http.get(path, headers={"If-Modified-Since": stamp})
    assert again.status_code == 304
    assert again.content == b""
    move_to(clock, newsroom, article.versions[1].at)
    edited = http.get(path, headers={"If-Modified-Since": stamp})
    assert edited.status_code == 200
    assert page_text(edited.text).paragraphs == article.versions[1].paragraphs
    live_at = newsroom.real_time(article.versions[1].at).replace(microsecond=0)
    assert edited.headers["last-modified"] == format_datetime(live_at, usegmt=True)


def test_other_templates_never_answer_304(newsroom, clock, http):
    move_to(clock, newsroom, newsroom.script_end)
    magazine = newsroom.path_of(_article(newsroom, "magazine", versions=1))
    one = http.get(magazine)
    assert "last-modified" in one.headers
    two = http.get(magazine, headers={"If-Modified-Since": one.headers["last-modified"]})
    assert two.status_code == 200
    assert two.headers["etag"] != one.headers["etag"]  # the bytes change every time
    wire = newsroom.path_of(_article(newsroom, "wire", versions=1))
    plain = http.get(wire, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert plain.status_code == 200
    assert "last-modified" not in plain.headers
    assert "etag" not in plain.headers


def test_no_304_when_two_versions_share_a_second(small_config):
    clock = FixedClock()
    newsroom = Newsroom(replace(small_config, articles=12, edit_gap=0.2), clock=clock)
    start = clock.now()
    pairs = [
        (article, version)
        for article in newsroom.articles
        if article.template == "classic"
        for previous, version in zip(article.versions, article.versions[1:], strict=False)
        if int(previous.at) == int(version.at)
    ]
    assert pairs
    pairs.sort(key=lambda pair: pair[1].at)
    with (
        NewsroomServer(newsroom) as server,
        httpx.Client(base_url=server.base_url, trust_env=False) as http,
    ):
        for article, version in pairs[:4]:
            move_to(clock, newsroom, version.at)
            path = newsroom.path_of(article)
            stamp = http.get(path).headers["last-modified"]
            assert http.get(path, headers={"If-Modified-Since": stamp}).status_code == 200
    assert clock.now() > start


def test_request_counts_by_path(newsroom, http):
    http.get("/robots.txt")
    http.get("/robots.txt")
    http.get("/rss.xml")
    http.get("/news/nothing/here")
    counts = newsroom.request_counts
    assert counts["/robots.txt"] == 2
    assert counts["/rss.xml"] == 1
    assert counts["/news/nothing/here"] == 1


def test_displayed_dates_run_fast_but_never_ahead_of_real_time(newsroom, clock, http):
    move_to(clock, newsroom, newsroom.script_end)
    sitemap = _xml(http.get("/news-sitemap.xml"))
    published = []
    for url in sitemap.xpath("//sm:url", namespaces=NS):
        loc = url.xpath("string(sm:loc)", namespaces=NS)
        when = datetime.fromisoformat(url.xpath("string(.//news:publication_date)", namespaces=NS))
        lastmod = datetime.fromisoformat(url.xpath("string(sm:lastmod)", namespaces=NS))
        assert f"/{when:%Y/%m/%d}/" in loc  # the URL carries the displayed publication day
        assert when <= lastmod <= clock.now()
        published.append(when)
    # `speed` virtual seconds per real second: two real seconds of publishing span most of an hour.
    starts = [a.published_at for a in newsroom.articles]
    spread = (max(starts) - min(starts)) * newsroom.config.speed
    assert abs((max(published) - min(published)).total_seconds() - spread) < 0.01
    assert spread > 600
