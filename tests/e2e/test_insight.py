"""The insight report on a newsroom run whose edits are known (#18).

The tracker follows the simulated newsroom for its whole script; then the report must match the
newsroom's ground truth, every figure must be recomputed exactly from `copydesk export --format
jsonl` by plain Python, `stats --json` and `report --out` must give the same numbers, and the
report page must render in Chromium.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median

import pytest

from copydesk.clock import HeldClock, SystemClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture
from copydesk.newsroom.script import TruthVersion
from copydesk.publish import create_app, insight, serve_in_thread
from copydesk.records import Endpoint, EndpointKind, Report, Source
from copydesk.settings import Settings
from copydesk.store import Store
from copydesk.store.reports import DELAY_BINS, VERSION_BINS
from tests.support.newsroom_run import quick_settings, track
from tests.support.web import ARGS, CHROMIUM

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
FLAGS = (
    "headline",
    "byline",
    "numbers",
    "quote",
    "paragraphs-added",
    "paragraphs-removed",
    "correction-note",
    "stealth",
)


@dataclass
class Run:
    db: Path
    truth: list[TruthVersion]
    since: datetime
    until: datetime


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    folder = tmp_path_factory.mktemp("insight")
    db = folder / "insight.db"
    url = f"sqlite:///{db}"
    settings = quick_settings(url)
    # Edits far enough apart that the tracker sees each one (asserted below: nothing missed).
    config = NewsroomConfig(
        seed=18,
        articles=6,
        min_edits=2,
        max_edits=4,
        publish_window=2.0,
        edit_gap=4.0,
        live_after=1.0,
    )
    script = HeldClock()
    newsroom = Newsroom(config, clock=script)
    started = SystemClock().now()
    with NewsroomServer(newsroom) as server, Store.open(url) as store:
        store.add_source(Source(name="newsroom"), now=started)
        store.add_source(Source(name="quiet"), now=started)  # an empty source in the comparison
        for endpoint, kind in ((server.rss_url, EndpointKind.FEED),):
            store.add_endpoint(Endpoint(url=endpoint, kind=kind, source="newsroom"), now=started)
        asyncio.run(track(settings, store, newsroom, script, server.base_url))
        truth = newsroom.ground_truth(base_url=server.base_url)
    return Run(
        db=db,
        truth=truth,
        since=started - timedelta(days=1),
        until=SystemClock().now() + timedelta(days=1),
    )


def cli(run: Run, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(run.db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
    )


def report_of(run: Run, source: str | None = "newsroom", **period) -> Report:
    with Store.open(f"sqlite:///{run.db}", migrate=False) as store:
        return store.report(
            source=source,
            since=period.get("since", run.since),
            until=period.get("until", run.until),
        )


def test_report_matches_the_newsroom_ground_truth(run):
    exported = cli(run, "export", "--format", "jsonl", "--out", "-")
    score = score_capture(run.truth, [json.loads(line) for line in exported.stdout.splitlines()])
    assert (score.missed, score.extras) == ((), ())  # every true version, and only those
    report = report_of(run)
    visible = [t for t in run.truth if not t.trivial]
    by_article: dict[str, list[TruthVersion]] = defaultdict(list)
    for version in visible:
        by_article[version.article_url].append(version)
    assert report.articles == len(by_article)
    assert report.changed == sum(1 for vs in by_article.values() if len(vs) > 1)
    assert report.changes == len(visible) - len(by_article)
    edits = [t.edit for t in visible]
    assert report.headline_changes == edits.count("headline")
    assert report.flag("correction-note") == edits.count("correction-note")
    assert report.substantive + report.kind("minor") == report.changes
    # Delays run from our first capture, which lags publication by the discovery poll (a few
    # seconds at most on a loaded machine); later captures lag by one check interval.
    first = [(vs[1].live_at - vs[0].live_at).total_seconds() for vs in by_article.values()]
    last = [(vs[-1].live_at - vs[0].live_at).total_seconds() for vs in by_article.values()]
    assert abs(report.first_change.median - median(first)) < 5.0
    assert abs(report.last_change.median - median(last)) < 5.0
    assert report.first_change.bins[0].count == report.changed  # all under 5 minutes
    shares = {c.name: c.count / report.changes for c in report.flags}
    assert shares["headline"] == edits.count("headline") / report.changes
    top = max(len(vs) - 1 for vs in by_article.values())
    assert report.most_edited[0].edits == top


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _nearest_p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _delay_bins(values: list[float]) -> list[int]:
    counts = [0] * len(DELAY_BINS)
    for value in values:
        counts[next(i for i, (_, top) in enumerate(DELAY_BINS) if top is None or value < top)] += 1
    return counts


def recompute(rows: list[dict], since: datetime, until: datetime, source: str | None) -> dict:
    """Every figure of the report, from export rows, by the rules store/reports.py states."""
    versions = [
        r
        for r in rows
        if r["record"] == "version"
        and not r["trivial"]
        and (source is None or r["source"] == source)
        and since <= _when(r["captured_at"]) < until
    ]
    by_article: dict[str, list[dict]] = defaultdict(list)
    for row in versions:
        by_article[row["article_url"]].append(row)
    cohort = {
        url: sorted(vs, key=lambda r: r["version"])
        for url, vs in by_article.items()
        if any(r["version"] == 1 for r in vs)
    }
    changed = {url: vs for url, vs in cohort.items() if len(vs) > 1}
    changes = [r for vs in changed.values() for r in vs[1:]]
    first = [
        (_when(vs[1]["captured_at"]) - _when(vs[0]["captured_at"])).total_seconds()
        for vs in changed.values()
    ]
    last = [
        (_when(vs[-1]["captured_at"]) - _when(vs[0]["captured_at"])).total_seconds()
        for vs in changed.values()
    ]
    hours = [[0] * 24 for _ in range(7)]
    weeks: dict[date, int] = defaultdict(int)
    for row in changes:
        moment = _when(row["captured_at"])
        hours[moment.weekday()][moment.hour] += 1
        weeks[moment.date() - timedelta(days=moment.weekday())] += 1
    week = since.date() - timedelta(days=since.weekday())
    weekly = []
    while week <= (until - timedelta(microseconds=1)).date():
        weekly.append((week, weeks.get(week, 0)))
        week += timedelta(days=7)
    returns = [
        r
        for vs in changed.values()
        for i, r in enumerate(vs)
        if i and "headline" in r["flags"] and any(e["title"] == r["title"] for e in vs[:i])
    ]
    events = [
        r
        for r in rows
        if r["record"] == "event"
        and (source is None or r["source"] == source)
        and since <= _when(r["at"]) < until
    ]
    sizes = [len(vs) for vs in changed.values()]
    return {
        "articles": len(cohort),
        "changed": len(changed),
        "changes": len(changes),
        "versions": [
            sum(1 for n in sizes if n >= low and (high is None or n <= high))
            for _, low, high in VERSION_BINS
        ],
        "first": (
            median(first) if first else None,
            _nearest_p90(first) if first else None,
            _delay_bins(first),
        ),
        "last": (
            median(last) if last else None,
            _nearest_p90(last) if last else None,
            _delay_bins(last),
        ),
        "kinds": [sum(1 for r in changes if r["change"] == k) for k in ("substantive", "minor")],
        "flags": [sum(1 for r in changes if f in r["flags"]) for f in FLAGS],
        "flipflops": (len(returns), len({r["article_url"] for r in returns})),
        "events": [
            sum(1 for e in events if e["event"] == k) for k in ("gone", "restored", "moved")
        ],
        "hours": hours,
        "weekly": weekly,
        "most_edited": sorted((len(vs) - 1 for vs in changed.values()), reverse=True)[:10],
    }


def figures(report: Report) -> dict:
    return {
        "articles": report.articles,
        "changed": report.changed,
        "changes": report.changes,
        "versions": [c.count for c in report.versions_per_changed],
        "first": (
            report.first_change.median,
            report.first_change.p90,
            [c.count for c in report.first_change.bins],
        ),
        "last": (
            report.last_change.median,
            report.last_change.p90,
            [c.count for c in report.last_change.bins],
        ),
        "kinds": [report.kind("substantive"), report.kind("minor")],
        "flags": [report.flag(f) for f in FLAGS],
        "flipflops": (report.headline_flipflops, report.flipflop_articles),
        "events": [c.count for c in report.events],
        "hours": [list(row) for row in report.hours],
        "weekly": list(report.weekly),
        "most_edited": [e.edits for e in report.most_edited],
    }


def test_every_figure_is_recomputed_from_the_jsonl_export(run):
    exported = cli(run, "export", "--format", "jsonl", "--out", "-")
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines() if line.strip()]
    captures = sorted(_when(r["captured_at"]) for r in rows if r["record"] == "version")
    middle = captures[len(captures) // 2]
    periods = [(run.since, run.until), (middle, run.until), (run.since, middle)]
    for since, until in periods:
        for source in ("newsroom", None, "quiet"):
            report = report_of(run, source, since=since, until=until)
            assert figures(report) == recompute(rows, since, until, source), (source, since)
    assert report_of(run).changes > 0  # the run really had edits to count


def test_stats_and_report_out_give_the_same_numbers(run, tmp_path):
    day = (run.since + timedelta(days=1)).date().isoformat()
    stats = cli(run, "stats", "--json", "--source", "newsroom", "--since", day)
    assert stats.returncode == 0, stats.stderr
    from_stats = json.loads(stats.stdout)["report"]
    out = tmp_path / "site"
    written = cli(run, "report", "--out", str(out), "--since", day)
    assert written.returncode == 0, written.stderr
    from_files = json.loads((out / "sources" / "newsroom" / "report.json").read_text("utf-8"))
    for key in (
        "articles",
        "changed",
        "changes",
        "first_change",
        "last_change",
        "classes",
        "flags",
        "stealth",
        "headlines",
        "hours",
        "weekly",
        "most_edited",
    ):
        assert from_stats[key] == from_files[key], key
    assert from_stats["articles"] == report_of(run).articles
    page = (out / "sources" / "newsroom" / "index.html").read_text("utf-8")
    assert f'<th scope="row">articles tracked</th><td>{from_stats["articles"]}</td>' in page
    for name in ("weekly", "hours", "flags"):
        ET.parse(out / "sources" / "newsroom" / f"{name}.svg")
        assert (
            (out / "sources" / "newsroom" / f"{name}.csv")
            .read_text("utf-8")
            .startswith(insight.tables(report_of(run))[name].headers[0])
        )
    assert (out / "index.html").exists()
    assert (out / "sources" / "quiet" / "index.html").exists()  # the empty source too
    plain = cli(run, "stats", "--source", "newsroom", "--since", day)  # piped: plain text
    assert plain.returncode == 0, plain.stderr
    assert f"articles tracked\t{from_stats['articles']}" in plain.stdout
    assert f"changes\t{from_stats['changes']}" in plain.stdout
    assert "\x1b[" not in plain.stdout


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_report_page_renders_in_chromium(run, tmp_path):
    from playwright.sync_api import sync_playwright

    settings = Settings(db=f"sqlite:///{run.db}")
    with Store.open(settings.db, migrate=False) as store:
        url, stop = serve_in_thread(create_app(settings, store=store), "127.0.0.1", 0)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto(url + "/sources/newsroom/report")
                assert page.locator("svg.report-chart").count() == 8
                box = page.locator("#chart-weekly").bounding_box()
                assert box is not None
                assert box["width"] > 300
                assert box["height"] > 100
                assert page.locator("#chart-hours text", has_text="hour of day (UTC)").count() == 1
                shot = tmp_path / "report.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.read_bytes().startswith(b"\x89PNG")
                assert shot.stat().st_size > 20_000
                page.click("ol.most-edited a >> nth=0")
                assert "/articles/" in page.url
                browser.close()
        finally:
            stop()


def test_the_tracker_keeps_each_changes_excerpt(run):
    """Every change the tracker stored has its change-log excerpt, as the notifications' rule."""
    with Store.open(f"sqlite:///{run.db}", migrate=False) as store:
        changes = 0
        for article in store.list_articles(source="newsroom"):
            versions = store.versions(article.id)
            stored = store.excerpts([v.id for v in versions])
            for version in versions[1:]:
                passage = stored[version.id]
                assert passage.spans or passage.headline_changed, version.number
                changes += 1
    assert changes == report_of(run).changes
