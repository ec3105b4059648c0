"""The change log says what changed: excerpts on / and in feeds, and the article timeline (#18)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from copydesk.diff import excerpt
from copydesk.records import Check, CheckOutcome, CheckResult, EventKind, LifecycleEvent, Source
from tests.support.web import HOSTILE_TITLE, START, record
from tests.support.web import article as page_article

SVG = "{http://www.w3.org/2000/svg}"
OLD = page_article("Vote count", "The motion passed by a majority of 4,836 votes on Tuesday.")
NEW = page_article(
    "Vote count revised", "The motion passed by a majority of 4,863 votes on Tuesday."
)


def _votes(store):
    store.add_source(Source(name="votes"), now=START)
    article = store.add_article("votes", "https://votes.example/count", now=START).id
    record(store, article, START + timedelta(minutes=1), OLD, excerpt=excerpt(None, OLD))
    record(
        store,
        article,
        START + timedelta(minutes=2),
        NEW,
        change_kind="substantive",
        change_flags=("headline", "numbers", "stealth"),
        excerpt=excerpt(OLD, NEW),
    )
    return article


def test_front_page_row_shows_the_edit_marked_without_colour(store, client):
    _votes(store)
    html = client.get("/?source=votes").text
    assert '<div class="excerpt-line">' in html
    assert (
        '<span class="label">Headline:</span> <del><span class="sr-only">removed: </span>'
        'Vote count</del> → <ins><span class="sr-only">added: </span>Vote count revised</ins>'
    ) in html
    # the word diff keeps "4," and marks the digits that changed
    assert (
        'majority of 4,<del><span class="sr-only">removed: </span>836</del>'
        '<ins><span class="sr-only">added: </span>863</ins> votes on Tuesday.'
    ) in html
    css = client.get("/static/site.css").text
    assert ".excerpt-line del { text-decoration: line-through; }" in css  # not colour alone
    assert ".excerpt-line ins { font-weight: 700; text-decoration: underline; }" in css


def test_feed_entries_carry_the_excerpt_as_plain_text(store, client):
    _votes(store)
    for path in ("/changes.atom?source=votes", "/sources/votes/changes.rss"):
        body = client.get(path).text
        assert "Headline: “Vote count” → “Vote count revised”." in body
        assert "majority of 4,~~836~~**863** votes on Tuesday." in body


def test_hostile_excerpts_are_escaped(store, client):
    store.add_source(Source(name="evil"), now=START)
    article = store.add_article("evil", "https://evil.example/x", now=START).id
    old = page_article(HOSTILE_TITLE, "<b>bold</b> claim here")
    new = page_article(HOSTILE_TITLE + "!", "<script>alert(9)</script> claim here")
    record(store, article, START, old)
    record(
        store,
        article,
        START + timedelta(minutes=3),
        new,
        change_kind="substantive",
        excerpt=excerpt(old, new),
    )
    html = client.get("/?source=evil").text
    assert "<script>alert(9)" not in html
    assert "script&gt;alert(9)&lt;/script</ins>&gt; claim here" in html
    ET.fromstring(client.get("/changes.atom?source=evil").content)  # still well-formed XML


def test_rows_without_a_stored_excerpt_still_render(client, newsroom):
    html = client.get("/").text  # conftest's versions were stored without excerpts
    assert "Mayor opens new bridge" in html
    assert '<div class="excerpt-line">' not in html


def test_article_timeline_labels_sizes_events_and_links(store, client, newsroom):
    gone = LifecycleEvent(
        article_id=newsroom.calm,
        kind=EventKind.GONE,
        at=START + timedelta(hours=3, minutes=30),
        url="https://daily.example/news/mayor",
        status=404,
    )
    store.record_check(
        CheckResult(
            check=Check(
                article_id=newsroom.calm,
                checked_at=gone.at,
                outcome=CheckOutcome.GONE,
                status=404,
            ),
            events=(gone,),
        )
    )
    html = client.get(f"/articles/{newsroom.calm}").text
    begin = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"')
    svg = ET.fromstring(html[begin : html.index("</svg>", begin) + len("</svg>")])
    assert svg.find(f"{SVG}title").text.startswith("Edit timeline")
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert labels[1].startswith("v1 · first version · text ")
    assert any(t.startswith("v2 · substantive · text +") for t in labels), labels
    assert "headline, stealth" in labels  # the flags, on the row's second line
    assert any(t.startswith("v3 · substantive · text +") for t in labels), labels
    assert "gone (404)" in labels
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links[:3] == [
        f"/articles/{newsroom.calm}/versions/1",
        f"/articles/{newsroom.calm}/diff/1/2",
        f"/articles/{newsroom.calm}/diff/2/3",
    ]
    assert links[3].startswith(f"/articles/{newsroom.calm}#e")
    radii = [float(c.get("r")) for c in svg.iter(f"{SVG}circle")]
    assert len(radii) == 3
    assert svg.find(f".//{SVG}rect") is not None  # the event's hollow square
    assert "time (UTC)" in labels
