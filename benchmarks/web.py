"""Time the web pages on a big SQLite database: article, diff, deep front page, search.

    python benchmarks/web.py [--articles 10000] [--versions 50000] [--db PATH] [--samples 200]

The database is filled through the Store API (one record_check per version, as the tracker
writes) and reused when --db names an existing file of the right size. Requests run in-process
through Starlette's TestClient, so times include routing, queries and template rendering but no
network. The search index is brought up to date once before timing (its cost is reported).
"""

from __future__ import annotations

import argparse
import html
import random
import re
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from copydesk.clock import FixedClock
from copydesk.publish import create_app
from copydesk.records import Article, Candidate, Check, CheckOutcome, CheckResult, Source
from copydesk.settings import Settings
from copydesk.store import Store, sync_search_index
from copydesk.store.web import record_checks

with warnings.catch_warnings():  # starlette warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

START = datetime(2025, 1, 1, tzinfo=UTC)
SOURCES = ("daily", "weekly", "gazette", "herald", "courier")
WORDS = [
    "council",
    "budget",
    "mayor",
    "bridge",
    "river",
    "school",
    "hospital",
    "police",
    "minister",
    "election",
    "vote",
    "plan",
    "report",
    "company",
    "market",
    "price",
    "energy",
    "water",
    "transport",
    "rail",
    "road",
    "court",
    "judge",
    "trial",
    "claim",
    "storm",
    "flood",
    "weather",
    "season",
    "team",
    "match",
    "coach",
    "player",
    "club",
    "league",
    "museum",
    "art",
    "festival",
    "music",
    "film",
    "book",
    "author",
    "study",
    "science",
    "research",
    "health",
    "doctor",
    "patient",
    "nurse",
    "farm",
    "harvest",
]
OLDER = re.compile(r'rel="next" href="(/\?[^"]*before=[0-9.]+)"')


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 30))
    return " ".join(words).capitalize() + f" {rng.randint(1, 999)}."


def _article(title: str, paragraphs: list[str]) -> Article:
    return Article(
        title=title,
        byline="By A Reporter",
        published_at="2025-01-01",
        paragraphs=tuple(paragraphs),
        extractor="bench 1",
    )


def _edit(rng: random.Random, paragraphs: list[str]) -> list[str]:
    edited = list(paragraphs)
    where = rng.randrange(len(edited))
    if rng.random() < 0.2:
        edited.insert(where, _sentence(rng))
    else:
        edited[where] = _sentence(rng)
    return edited


def _plan(rng: random.Random, articles: int, versions: int) -> list[int]:
    """Versions per article: at least one each, the rest spread unevenly (a few get many)."""
    counts = [1] * articles
    for _ in range(versions - articles):
        counts[min(int(rng.expovariate(1 / (articles / 4))), articles - 1)] += 1
    rng.shuffle(counts)
    return counts


def fill(store: Store, articles: int, versions: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for name in SOURCES:
        store.add_source(Source(name=name), now=START)
    ids: list[int] = []
    per_source = articles // len(SOURCES)
    for index, name in enumerate(SOURCES):
        count = per_source if index < len(SOURCES) - 1 else articles - len(ids)
        urls = [Candidate(url=f"https://{name}.example/news/{n}") for n in range(count)]
        ids += [a.id for a in store.add_articles(name, urls, now=START)]
    counts = _plan(rng, articles, versions)
    span = timedelta(days=60).total_seconds()
    batch: list[CheckResult] = []
    for article_id, count in zip(ids, counts, strict=True):
        at = START + timedelta(seconds=rng.uniform(0, span))
        title = " ".join(rng.choices(WORDS, k=6)).capitalize()
        paragraphs = [_sentence(rng) for _ in range(rng.randint(6, 12))]
        for number in range(count):
            if number:
                paragraphs = _edit(rng, paragraphs)
                at += timedelta(minutes=rng.uniform(5, 600))
                if rng.random() < 0.3:
                    title = title + " " + rng.choice(WORDS)
            kind = None if number == 0 else rng.choice(("substantive", "substantive", "minor"))
            batch.append(_result(article_id, at, _article(title, paragraphs), kind))
        if len(batch) >= 1000:
            record_checks(store, batch)
            batch = []
    record_checks(store, batch)


def _result(article_id: int, at: datetime, article: Article, kind: str | None) -> CheckResult:
    return CheckResult(
        check=Check(
            article_id=article_id, checked_at=at, outcome=CheckOutcome.NEW_VERSION, status=200
        ),
        article=article,
        change_kind=kind,
        next_check_at=at + timedelta(hours=1),
    )


def _time(call: Callable[[], object], samples: int) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) per call; CPU time counts every thread of this process only."""
    times = []
    for _ in range(samples):
        times.append(_timed(call))
    return times


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _report(name: str, times: list[tuple[float, float]]) -> None:
    wall, cpu = [w for w, _ in times], [c for _, c in times]
    print(
        f"{name:<30} n={len(times):<5} wall median {statistics.median(wall):6.1f} ms"
        f"  p95 {_p95(wall):6.1f} ms | cpu median {statistics.median(cpu):6.1f}"
        f"  p95 {_p95(cpu):6.1f} ms"
    )


def _get(client: TestClient, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response.text


def _front_walk(
    client: TestClient, depth: int, start: str
) -> tuple[list[tuple[float, float]], int]:
    """Follow "older" links from `start` for `depth` pages, timing each request."""
    times: list[tuple[float, float]] = []
    url, pages, body = start, 0, ""

    def load() -> None:
        nonlocal body
        body = _get(client, url)

    while url and pages < depth:
        times.append(_timed(load))
        pages += 1
        found = OLDER.search(body)
        url = html.unescape(found.group(1)) if found else ""
    return times, pages


def run(store: Store, samples: int, depth: int) -> None:
    rng = random.Random(11)
    started = time.perf_counter()
    indexed = sync_search_index(store)
    took = time.perf_counter() - started
    print(f"search index sync (once)         {indexed} versions in {took:.1f} s")
    articles = [a.id for a in store.list_articles(limit=1_000_000)]
    changed = [a.id for a in store.list_articles(limit=1_000_000) if a.version_count > 1]
    now = START + timedelta(days=61)
    app = create_app(Settings(db=store.url), store=store, clock=FixedClock(now))
    with TestClient(app) as client:
        _get(client, "/")  # warm templates and caches
        _report(
            "article page",
            _time(lambda: _get(client, f"/articles/{rng.choice(articles)}"), samples),
        )
        _report("diff page", _time(lambda: _get(client, _diff_url(store, rng, changed)), samples))
        for start in ("/", "/?kind=all"):  # changes only; all versions (50 pages per 2,500)
            times, pages = _front_walk(client, depth, start)
            _report(f"{start} pages 1..{pages}", times)
            _report(f"{start} pages {max(1, pages - 99)}..{pages}", times[-100:])
        _report(
            "search (one word)",
            _time(lambda: _get(client, f"/search?q={rng.choice(WORDS)}"), samples),
        )
        _report(
            "search (two words)",
            _time(
                lambda: _get(client, f"/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}"), samples
            ),
        )
        _report(
            "search (word, source)",
            _time(lambda: _get(client, f"/search?q={rng.choice(WORDS)}&source=herald"), samples),
        )


def _diff_url(store: Store, rng: random.Random, changed: list[int]) -> str:
    article = store.get_article(rng.choice(changed))
    assert article is not None
    b = rng.randint(2, article.version_count)
    return f"/articles/{article.id}/diff/{b - 1}/{b}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--depth", type=int, default=1_000, help="front pages to walk")
    parser.add_argument("--db", type=Path, help="reuse (or create) this SQLite file")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="copydesk-web-")) / "web.db"
    fresh = not path.exists()
    with Store.open(f"sqlite:///{path}") as store:
        if fresh:
            started = time.perf_counter()
            fill(store, args.articles, args.versions)
            took = time.perf_counter() - started
            print(f"filled {args.articles} articles, {args.versions} versions in {took:.0f} s")
        print(f"database {path} ({path.stat().st_size / 1e6:.0f} MB)")
        run(store, args.samples, args.depth)


if __name__ == "__main__":
    main()
