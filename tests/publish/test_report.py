"""The insight report over the small tracked newsroom of conftest.py, whose edits are known.

Every figure below is counted by hand from `fill`: three articles (calm: 3 versions, hostile:
2, other: 1), changes at 08:50, 09:00 and 11:00 UTC on Sunday 1 March 2026.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from copydesk.publish import insight
from copydesk.records import Source
from tests.support.web import HOSTILE_TITLE, START, record
from tests.support.web import article as page_article

SVG = "{http://www.w3.org/2000/svg}"


def test_figures_of_the_known_newsroom(newsroom):
    report = newsroom.store.report(
        source=None, since=START - timedelta(days=1), until=START + timedelta(hours=4)
    )
    assert (report.articles, report.changed, report.changes) == (3, 2, 3)
    assert [(c.name, c.count) for c in report.versions_per_changed][:2] == [("2", 1), ("3", 1)]
    assert (report.first_change.median, report.first_change.p90) == (3150.0, 3600.0)
    assert (report.last_change.median, report.last_change.p90) == (6750.0, 10800.0)
    assert (report.substantive, report.kind("minor")) == (2, 1)
    assert (report.flag("headline"), report.flag("numbers"), report.stealth) == (1, 1, 1)
    assert report.stealth_rate == 0.5
    low, high = report.stealth_interval
    assert round(low, 4) == 0.0945
    assert round(high, 4) == 0.9055
    sunday = report.hours[6]
    assert (sunday[8], sunday[9], sunday[11], sum(sunday)) == (1, 1, 1, 3)
    assert sum(map(sum, report.hours[:6])) == 0
    assert report.weekly == ((START.date() - timedelta(days=6), 3),)
    assert [(e.article_id, e.edits) for e in report.most_edited] == [
        (newsroom.calm, 2),
        (newsroom.hostile, 1),
    ]
    assert [(s.name, s.articles, s.changed, s.stealth) for s in report.sources] == [
        ("daily", 2, 2, 1),
        ("weekly", 1, 0, 0),
    ]


def test_a_period_counts_the_articles_first_captured_in_it(newsroom):
    # From 08:30 only `other` (first captured at 10:00) is new; calm and hostile started before.
    report = newsroom.store.report(
        source=None, since=START + timedelta(minutes=30), until=START + timedelta(hours=4)
    )
    assert (report.articles, report.changed, report.changes) == (1, 0, 0)
    daily = newsroom.store.report(source="daily", since=START, until=START + timedelta(minutes=55))
    # calm's and hostile's first versions are in; only hostile's change (08:50) is before 08:55
    assert (daily.articles, daily.changed, daily.changes, daily.kind("minor")) == (2, 1, 1, 1)


def test_headline_flipflops_are_counted(store):
    store.add_source(Source(name="ab"), now=START)
    article = store.add_article("ab", "https://ab.example/story", now=START).id
    for n, title in enumerate(["Red", "Blue", "Red", "Blue", "Green"]):
        flags = ("headline",) if n else ()
        record(
            store,
            article,
            START + timedelta(hours=n),
            page_article(title, f"Body {n}."),
            **({"change_kind": "minor", "change_flags": flags} if n else {}),
        )
    report = store.report(source="ab", since=START, until=START + timedelta(days=1))
    assert (report.headline_changes, report.headline_flipflops, report.flipflop_articles) == (
        4,
        2,
        1,
    )


def test_page_shows_figures_charts_and_tables(client):
    page = client.get("/report?since=2026-02-28&until=2026-03-01")
    assert page.status_code == 200
    text = page.text
    assert "What the sources edit" in text
    assert "50.0% (95% CI 9.5%–90.5%)" in text
    assert "<script>alert" not in text  # the hostile headline in most-edited is escaped
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in text or "&lt;script&gt;" in text
    for name in insight.CHARTS:
        assert f'id="{name}"' in text
        assert f"chart={name}" in text
    assert text.count('<table class="data">') == len(insight.CHARTS) - 1  # most-edited: a list
    source_page = client.get("/sources/daily/report?since=2026-02-28&until=2026-03-01")
    assert source_page.status_code == 200
    assert 'id="sources"' not in source_page.text
    assert f'href="/articles/{1}"' in source_page.text


def _svgs(html: str) -> list[ET.Element]:
    found = []
    start = 0
    while (begin := html.find("<svg", start)) != -1:
        end = html.index("</svg>", begin) + len("</svg>")
        found.append(ET.fromstring(html[begin:end]))
        start = end
    return found


def test_svgs_are_valid_xml_with_titles_and_descriptions(client):
    html = client.get("/report?since=2026-02-28&until=2026-03-01").text
    svgs = _svgs(html)
    assert len(svgs) == 9  # every chart but the most-edited list
    for svg in svgs:
        title = svg.find(f"{SVG}title")
        desc = svg.find(f"{SVG}desc")
        assert title is not None
        assert title.text
        assert desc is not None
        assert desc.text
        assert svg.get("role") == "img"
        labels = [t.text for t in svg.iter(f"{SVG}text")]
        assert title.text in labels  # the title is drawn too, not only in <title>
    heat = next(s for s in svgs if s.get("id") == "chart-hours")
    texts = [t.text for t in heat.iter(f"{SVG}text")]
    assert "hour of day (UTC)" in texts
    assert "Sun" in texts


def test_csv_and_json_agree_with_the_page(client):
    query = "since=2026-02-28&until=2026-03-01"
    data = client.get(f"/api/report?{query}").json()
    assert data["ok"] is True
    report = data["report"]
    assert (report["articles"], report["changed"], report["changes"]) == (3, 2, 3)
    assert report["stealth"] == {
        "substantive": 2,
        "stealth": 1,
        "rate": 0.5,
        "interval_95": [0.0945, 0.9055],
    }
    html = client.get(f"/report?{query}").text
    for chart in report["charts"]:
        response = client.get(f"/report.csv?chart={chart}&{query}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        for row in rows[1:]:
            if chart == "most-edited":
                assert f'href="{row[3]}"' in html
                continue
            # every CSV row is a row of the table beside the chart on the page
            cells = "".join(
                f'<th scope="row">{c}</th>' if i == 0 else f"<td>{c}</td>"
                for i, c in enumerate(row)
            )
            assert cells in html, (chart, row)
    flags = {r["name"]: r["count"] for r in report["flags"]}
    csv_flags = dict(
        (r[0], int(r[1]))
        for r in list(csv.reader(io.StringIO(client.get(f"/report.csv?chart=flags&{query}").text)))[
            1:
        ]
    )
    assert flags == csv_flags
    assert report["hours"][6][8] == 1
    one = client.get(f"/api/sources/daily/report?{query}").json()["report"]
    assert (one["source"], one["articles"], one["sources"]) == ("daily", 2, [])


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/report.csv?chart=nope", 400),
        ("/report.csv", 400),
        ("/sources/daily/report.csv?chart=sources", 400),
        ("/sources/nosuch/report", 404),
        ("/api/sources/nosuch/report", 404),
        ("/api/report?since=yesterday", 400),
    ],
)
def test_bad_report_requests(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.json() == {"ok": False, "error": response.json()["error"], "status": status}


def test_csv_cells_cannot_run_as_formulas(store, client):
    store.add_source(Source(name="evil"), now=START)
    article = store.add_article("evil", "https://evil.example/f", now=START).id
    record(store, article, START, page_article('=HYPERLINK("x")', "One."))
    record(
        store,
        article,
        START + timedelta(minutes=5),
        page_article('=HYPERLINK("x")', "Two."),
        change_kind="minor",
    )
    text = client.get("/sources/evil/report.csv?chart=most-edited&since=2026-02-28").text
    assert "'=HYPERLINK" in text


def test_empty_and_one_article_sources_render(store, client):
    store.add_source(Source(name="empty"), now=START)
    store.add_source(Source(name="single"), now=START)
    only = store.add_article("single", "https://single.example/a", now=START).id
    record(store, only, START, page_article(HOSTILE_TITLE, "Only version."))
    for name in ("empty", "single"):
        page = client.get(f"/sources/{name}/report?since=2026-02-28")
        assert page.status_code == 200, page.text
        for svg in _svgs(page.text):
            assert svg.find(f"{SVG}title") is not None
        for chart in insight.tables(
            store.report(source=name, since=START, until=START + timedelta(days=1))
        ):
            assert client.get(f"/sources/{name}/report.csv?chart={chart}").status_code == 200
        api = client.get(f"/api/sources/{name}/report?since=2026-02-28").json()["report"]
        assert api["changed"] == 0
        assert api["stealth"]["rate"] is None
    assert "No article changed in this period." in client.get("/sources/empty/report").text
    assert client.get("/report").status_code == 200  # the default period: the last 30 days
    backwards = client.get("/api/report?since=2026-03-02&until=2026-03-01").json()["report"]
    assert (backwards["articles"], backwards["weekly"]) == (0, [])  # an empty period


def test_a_report_is_computed_once_a_minute(store, client, web_clock):
    first = client.get("/api/report").json()["report"]["articles"]
    late = store.add_article("weekly", "https://weekly.example/late", now=START).id
    record(store, late, web_clock.now() - timedelta(minutes=5), page_article("Late", "News."))
    assert client.get("/api/report").json()["report"]["articles"] == first  # the same minute
    web_clock.advance(timedelta(minutes=2))
    assert client.get("/api/report").json()["report"]["articles"] == first + 1
