from __future__ import annotations

import re
from datetime import timedelta

import pytest

from copydesk.publish.wording import changed_sentence, check_sentence, distance
from copydesk.records import ArticleStatus, TrackedArticle
from copydesk.settings import ScheduleSettings
from tests.support.web import HOSTILE_TITLE, START


def test_front_page_lists_changes_newest_first(client, newsroom):
    html = client.get("/").text
    assert html.index("v2 → v3") < html.index("v1 → v2")
    assert f"/articles/{newsroom.calm}/diff/2/3" in html


def test_front_page_filters_by_source_and_kind(client):
    assert "Mayor" not in client.get("/?source=weekly").text
    minor = client.get("/?kind=minor").text
    assert "Mayor" not in minor
    assert "v1 → v2" in minor
    assert "Weekly zebra story" in client.get("/?kind=new").text
    assert client.get("/?kind=bogus").status_code == 400


def test_keyset_pagination_walks_every_change_once(client, newsroom, monkeypatch):
    monkeypatch.setattr("copydesk.publish.pages.PAGE_SIZE", 1)
    seen, url = [], "/"
    while url:
        html = client.get(url).text
        seen += re.findall(
            r'/articles/(\d+)/diff/(\d+)/(\d+)"', html.split("<tbody>")[1].split("</tbody>")[0]
        )
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == len(set(seen)) == 3
    assert client.get("/?before=garbage").status_code == 400


def test_article_page_has_the_news_sniffer_sentences(client, newsroom):
    html = client.get(f"/articles/{newsroom.calm}").text
    assert (
        "This article is from the source &#39;daily&#39; and was first published or seen on "
        "1 March 2026 08:00 UTC." in html
    )
    assert "The next check for changes will be 1 March 2026 11:30 UTC." in html
    assert "You can find the current article at its original source at" in html
    assert "The article has changed 2 times." in html
    assert (
        f'There is an <a href="/articles/{newsroom.calm}/changes.rss">RSS feed of changes</a>'
        " available." in html
    )
    assert "about 1 hour later" in html
    assert "about 2 hours later" in html
    assert "<circle" in html  # the edit timeline


def test_retired_article_says_it_will_not_be_checked(client, newsroom, web_clock):
    newsroom.store.set_article_status(newsroom.calm, ArticleStatus.RETIRED)
    web_clock.advance(timedelta(days=45))
    html = client.get(f"/articles/{newsroom.calm}").text
    assert "It last changed over 45 days ago and won&#39;t be checked again for changes." in html


def test_check_sentence_never_promises_a_check_after_retirement():
    settings = ScheduleSettings()
    article = TrackedArticle(
        id=1,
        url="u",
        source="s",
        status=ArticleStatus.ACTIVE,
        first_seen_at=START,
        last_change_at=START,
        next_check_at=START + timedelta(days=90),
    )
    assert "10 April 2026" in check_sentence(article, START, settings)  # START + 40 days


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0.2, "less than a minute"),
        (5, "5 minutes"),
        (60, "about 1 hour"),
        (180, "about 3 hours"),
        (1500, "1 day"),
        (4320, "3 days"),
    ],
)
def test_distance_words(minutes, words):
    assert distance(timedelta(minutes=minutes)) == words


def test_change_count_is_versions_minus_one():
    assert changed_sentence(1) == "The article has changed 0 times."
    assert changed_sentence(2) == "The article has changed once."  # not "1 times"
    assert changed_sentence(4) == "The article has changed 3 times."


def test_version_page_shows_full_text(client, newsroom):
    html = client.get(f"/articles/{newsroom.calm}/versions/3").text
    assert "It cost 7 million pounds." in html
    assert "version 3 of 3" in html
    assert client.get(f"/articles/{newsroom.calm}/versions/9").status_code == 404


def test_diff_side_by_side_and_inline(client, newsroom):
    side = client.get(f"/articles/{newsroom.calm}/diff/1/2").text
    assert "<del>Monday</del>" in side
    assert "<ins>Tuesday</ins>" in side
    assert 'class="old"' in side
    assert 'id="p1"' in side
    assert 'href="#p1"' in side
    assert "<ins>new </ins>" in side or "<ins>new</ins>" in side  # headline diff
    assert f'href="/articles/{newsroom.calm}/diff/2/3"' in side  # next pair
    inline = client.get(f"/articles/{newsroom.calm}/diff/2/3?view=inline").text
    assert '<div class="diff inline">' in inline
    assert "<del>5</del><ins>7</ins>" in inline
    assert f'href="/articles/{newsroom.calm}/diff/1/2?view=inline"' in inline  # previous pair


def test_diff_picker_redirects_to_the_pair(client, newsroom):
    response = client.get(f"/articles/{newsroom.calm}/diff?a=1&b=3&view=inline")
    assert response.status_code == 303
    assert response.headers["location"] == f"/articles/{newsroom.calm}/diff/1/3?view=inline"
    assert client.get(f"/articles/{newsroom.calm}/diff?a=x").status_code == 400


def test_sources_pages(client):
    assert "daily" in client.get("/sources").text
    html = client.get("/sources/daily").text
    assert "Median time to first edit: about 1 hour" in html
    assert "<rect" in html
    assert client.get("/sources/nope").status_code == 404


def test_search_page_with_filters(client, newsroom):
    html = client.get("/search?q=zebra").text
    assert "Weekly zebra story" in html
    assert "v2" in html
    assert "Weekly zebra story" not in client.get("/search?q=zebra&source=daily").text
    assert "Weekly" not in client.get("/search?q=zebra&until=2026-02-28").text
    assert "No version contains" in client.get("/search?q=nonexistentword").text
    assert client.get("/search?q=zebra&since=yesterday").status_code == 400


def test_hostile_text_is_escaped_everywhere(client, newsroom):
    for path in (
        "/",
        f"/articles/{newsroom.hostile}",
        f"/articles/{newsroom.hostile}/versions/2",
        f"/articles/{newsroom.hostile}/diff/1/2",
        "/search?q=zebra",
    ):
        html = client.get(path).text
        assert "<script" not in html.lower()
        # the only image is copydesk's own diff card on the diff page
        assert html.lower().count("<img") == (1 if "/diff/" in path else 0)
        assert "<img src=x" not in html.lower()
        assert "<div onclick" not in html
        assert "<b>markup" not in html
        assert 'href="javascript:' not in html
    assert (
        "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;"
        in client.get(f"/articles/{newsroom.hostile}").text
    )


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'none'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_html_errors_are_plain_pages(client):
    response = client.get("/articles/999")
    assert response.status_code == 404
    assert "<h1>404</h1>" in response.text
    assert "Traceback" not in response.text
    assert client.get("/articles/abc").status_code == 404


def test_healthz_reports_stale_sources(client, newsroom, store, web_clock):
    from copydesk.records import Source

    store.add_source(Source(name="silent"), now=START)
    body = client.get("/healthz").json()
    names = {s["name"]: s for s in body["sources"]}
    assert names["silent"]["stale"] is True
    assert names["daily"]["stale"] is False
    assert body["stale_sources"] == ["silent"]
    web_clock.advance(timedelta(days=5))
    assert set(client.get("/healthz").json()["stale_sources"]) == {"daily", "weekly", "silent"}


def test_hostile_title_constant_is_really_hostile():
    assert "<script>" in HOSTILE_TITLE


def test_check_sentence_uses_the_scheduler_text_past_retirement_or_without_a_plan():
    from copydesk.records import ScheduleState
    from copydesk.schedule import check_text

    settings = ScheduleSettings()
    overdue = TrackedArticle(
        id=1,
        url="u",
        source="s",
        status=ArticleStatus.ACTIVE,
        first_seen_at=START,
        last_change_at=START,
        next_check_at=START + timedelta(days=39),
    )
    later = START + timedelta(days=50)
    sentence = check_sentence(overdue, later, settings)
    assert sentence == "It last changed over 50 days ago and won't be checked again for changes."
    unplanned = TrackedArticle(
        id=2,
        url="v",
        source="s",
        status=ArticleStatus.ACTIVE,
        first_seen_at=START,
        next_check_at=None,
    )
    state = ScheduleState(
        first_seen_at=START, last_change_at=None, last_checked_at=None, last_outcome=None
    )
    assert check_sentence(unplanned, START, settings) == check_text(state, START, settings)
    assert check_sentence(unplanned, START, settings).startswith("The next check for changes")


def test_headline_flip_flops_are_named_on_the_change_log(client, store):
    from datetime import timedelta

    from tests.support.web import START, record
    from tests.support.web import article as make_article

    article = store.add_article("daily", "https://daily.example/news/ab-test", now=START).id
    titles = [
        "Storm hits coast",
        "Coast battered by storm",
        "Storm hits coast",
        "Coast battered by storm",
    ]
    for n, title in enumerate(titles):
        body = ("The storm reached the coast overnight.", f"Update {n}: roads were closed.")
        record(
            store,
            article,
            START + timedelta(minutes=10 * n),
            make_article(title, *body),
            change_kind="minor" if n else "new",
        )
    html = client.get(f"/articles/{article}").text
    assert "The headline alternates between 2 variants" in html
    assert "“Storm hits coast” / “Coast battered by storm”" in html
    assert "The article has changed 3 times." in html


def test_an_unchanged_paragraph_is_printed_once_in_the_side_by_side_diff(client, newsroom):
    side = client.get(f"/articles/{newsroom.calm}/diff/2/3").text
    assert side.count("The mayor opened the bridge on Tuesday.") == 1
    inline = client.get(f"/articles/{newsroom.calm}/diff/2/3?view=inline").text
    assert inline.count("The mayor opened the bridge on Tuesday.") == 1
