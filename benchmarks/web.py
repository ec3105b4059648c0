"""Time every web page on a big database: p50 and p95 per page, against a target.

    python benchmarks/web.py --articles 100000 --versions 1000000 --db /tmp/web.db [--reuse]
    python benchmarks/web.py --backend postgresql --articles 1000000 --versions 10000000 \\
        --db 'postgresql+psycopg://root@127.0.0.1/test?options=-csearch_path%3Dbench_web' --reuse

The database is filled with Store.load_checks (benchmarks/webdata.py: unequal sources, skewed
versions per article, Zipf-distributed words, checks in time order) unless --reuse finds one
already filled. Requests run in-process through Starlette's TestClient, so a time includes
routing, queries and rendering but no network. Pages take turns, one request each per round,
so a burst of load on the shared machine spreads over all of them. PAGES is the list of what is
measured: add a Page (name, URL maker, target) to measure one more.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from benchmarks.webdata import SOURCES, START, WORDS, Plan, fill, repeat
from copydesk.clock import FixedClock
from copydesk.publish import create_app
from copydesk.publish.report import ReportCache
from copydesk.settings import Settings
from copydesk.store import Store

with warnings.catch_warnings():  # starlette warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

__all__ = ["PAGES", "START", "WORDS", "Page"]

PG_DEFAULT = "postgresql+psycopg://root@127.0.0.1:5432/test?options=-csearch_path%3Dbench_web"
OLDER = re.compile(r'rel="next" href="(/[^"]*before=[0-9.]+[^"]*)"')
BIG, SMALL = SOURCES[0][0], SOURCES[-1][0]
COMMON, MID, RARE = WORDS[5:60], WORDS[300:2_000], WORDS[8_000:20_000]


@dataclass
class Sample:
    """What URL makers draw from: the database's extent and a seeded random source."""

    rng: random.Random
    store: Store
    articles: int
    top_version: int
    days: int
    busiest: int  # the article with the most versions
    busiest_count: int
    first_days: int  # the days over which articles were first seen (--days)

    def article(self) -> int:
        return self.rng.randint(1, self.articles)

    def changed(self) -> tuple[int, int]:
        """An article with at least two versions, and its number of versions."""
        while True:
            found = self.store.get_article(self.article())
            if found is not None and found.version_count > 1:
                return found.id, found.version_count

    def pair(self) -> str:
        article_id, count = self.changed()
        b = self.rng.randint(2, count)
        return f"/articles/{article_id}/diff/{b - 1}/{b}"

    def cursor(self) -> str:
        """A `before=` cursor at a random moment of the span: a page at any depth."""
        moment = START + timedelta(seconds=self.rng.uniform(0, self.days * 86_400))
        return f"{round(moment.timestamp() * 1_000_000)}.{10**9}"

    def day(self) -> str:
        return (START + timedelta(days=self.rng.randrange(self.days))).date().isoformat()

    def week(self) -> str:
        """?since=&until= a week of the loaded days (where articles are first seen), so that
        later versions of its articles fall outside the period."""
        first = START + timedelta(days=self.rng.randrange(max(1, self.first_days - 6)))
        last = first + timedelta(days=6)
        return f"since={first.date().isoformat()}&until={last.date().isoformat()}"

    def word(self, words: list[str]) -> str:
        return self.rng.choice(words)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Sample], str]
    target_ms: float = 50.0


PAGES = [
    Page("article", lambda s: f"/articles/{s.article()}"),
    Page("article, most versions", lambda s: f"/articles/{s.busiest}"),
    Page("version", lambda s: f"/articles/{s.changed()[0]}/versions/1"),
    Page("diff", lambda s: s.pair()),
    Page("diff, inline", lambda s: s.pair() + "?view=inline"),
    Page("diff, most versions", lambda s: f"/articles/{s.busiest}/diff/1/{s.busiest_count}"),
    Page("changes /", lambda s: "/"),
    Page("changes / deep", lambda s: f"/?before={s.cursor()}"),
    Page("changes kind=all deep", lambda s: f"/?kind=all&before={s.cursor()}"),
    Page("changes kind=minor deep", lambda s: f"/?kind=minor&before={s.cursor()}"),
    Page("changes kind=new deep", lambda s: f"/?kind=new&before={s.cursor()}"),
    Page("changes source=big deep", lambda s: f"/?source={BIG}&before={s.cursor()}"),
    Page("changes source=small (1%)", lambda s: f"/?source={SMALL}"),
    Page("changes source=small deep", lambda s: f"/?source={SMALL}&before={s.cursor()}"),
    Page("sources", lambda s: "/sources"),
    Page("source page big", lambda s: f"/sources/{BIG}"),
    Page("source page small", lambda s: f"/sources/{SMALL}"),
    Page("source page big deep", lambda s: f"/sources/{BIG}?before={s.cursor()}"),
    Page("search common word", lambda s: f"/search?q={s.word(COMMON)}"),
    Page("search mid word", lambda s: f"/search?q={s.word(MID)}"),
    Page("search rare word", lambda s: f"/search?q={s.word(RARE)}"),
    Page("search two words", lambda s: f"/search?q={s.word(COMMON)}+{s.word(MID)}"),
    Page("search word, source", lambda s: f"/search?q={s.word(MID)}&source={BIG}"),
    Page("search word, small source", lambda s: f"/search?q={s.word(MID)}&source={SMALL}"),
    Page("search word, dates", lambda s: f"/search?q={s.word(MID)}&since={s.day()}"),
    Page(
        "search deep page",
        lambda s: f"/search?q={s.word(COMMON)}&before={s.rng.randint(1, s.top_version)}",
    ),
    Page("feed /changes.atom", lambda s: "/changes.atom"),
    Page("feed /changes.rss", lambda s: "/changes.rss"),
    Page("feed source atom", lambda s: f"/sources/{BIG}/changes.atom"),
    Page("feed article atom", lambda s: f"/articles/{s.article()}/changes.atom"),
    Page("feed article rss", lambda s: f"/articles/{s.article()}/changes.rss"),
    Page("feed search atom", lambda s: f"/search.atom?q={s.word(MID)}"),
    Page("api changes", lambda s: "/api/changes"),
    Page("api changes deep", lambda s: f"/api/changes?before={s.cursor()}"),
    Page("api changes source deep", lambda s: f"/api/changes?source={BIG}&before={s.cursor()}"),
    Page("api sources", lambda s: "/api/sources"),
    Page("api source", lambda s: f"/api/sources/{BIG}"),
    Page("api article", lambda s: f"/api/articles/{s.article()}"),
    Page("api version", lambda s: f"/api/articles/{s.changed()[0]}/versions/1"),
    Page("api diff", lambda s: "/api" + s.pair()),
    Page("api search", lambda s: f"/api/search?q={s.word(MID)}"),
    Page("healthz", lambda s: "/healthz"),
    # The insight report (#18): the last 30 days by default, target p95 < 200 ms. The web keeps
    # a report for a minute, so these are mostly warm (--cold turns that off); the "cold" pages
    # ask a new period each time.
    Page("report /report", lambda s: "/report", target_ms=200.0),
    Page("report source big", lambda s: f"/sources/{BIG}/report", target_ms=200.0),
    Page("report source small", lambda s: f"/sources/{SMALL}/report", target_ms=200.0),
    Page("report csv weekly", lambda s: "/report.csv?chart=weekly", target_ms=200.0),
    Page("api report", lambda s: "/api/report", target_ms=200.0),
    Page("api report source", lambda s: f"/api/sources/{BIG}/report", target_ms=200.0),
    Page("report cold /report", lambda s: f"/report?since={s.day()}", target_ms=200.0),
    Page("report cold source big", lambda s: f"/sources/{BIG}/report?since={s.day()}", 200.0),
    Page("report cold source small", lambda s: f"/sources/{SMALL}/report?since={s.day()}", 200.0),
    Page("report cold week", lambda s: f"/report?{s.week()}", target_ms=200.0),
    Page("report cold week big", lambda s: f"/sources/{BIG}/report?{s.week()}", 200.0),
]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _get(client: TestClient, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response.text


def _timed(client: TestClient, url: str) -> tuple[float, float, str]:
    """(wall ms, CPU ms of this process, body); CPU excludes PostgreSQL's server processes."""
    wall, cpu = time.perf_counter(), time.process_time()
    body = _get(client, url)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, body


def measure(client: TestClient, sample: Sample, pages: list[Page], rounds: int) -> None:
    """Every page once per round; print a p50/p95 table when done."""
    wall: dict[str, list[float]] = {p.name: [] for p in pages}
    cpu: dict[str, list[float]] = {p.name: [] for p in pages}
    for page in pages:  # warm templates, caches and plans
        _get(client, page.url(sample))
    for _ in range(rounds):
        for page in pages:
            url = page.url(sample)
            w, c, _ = _timed(client, url)
            wall[page.name].append(w)
            cpu[page.name].append(c)
    print(f"{'page':<28} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p95':>8}  target")
    for page in pages:
        w, c = wall[page.name], cpu[page.name]
        verdict = "ok" if _p95(w) < page.target_ms else "MISS"
        print(
            f"{page.name:<28} {len(w):>4} {statistics.median(w):>8.1f} {_p95(w):>8.1f}"
            f" {max(w):>8.1f} {_p95(c):>8.1f}  <{page.target_ms:.0f} {verdict}"
        )


def walk(client: TestClient, start: str, depth: int) -> None:
    """Follow "older" links from `start` for `depth` pages (what a reader paging back does)."""
    times: list[float] = []
    url = start
    while url and len(times) < depth:
        took, _, body = _timed(client, url)
        times.append(took)
        found = OLDER.search(body)
        url = html.unescape(found.group(1)) if found else ""
    last = times[-100:]
    print(
        f"walk {start:<22} pages 1..{len(times):<5} p50 {statistics.median(times):6.1f}"
        f"  p95 {_p95(times):6.1f} ms | last 100: p95 {_p95(last):6.1f} ms"
    )


def extent(store: Store, url: str) -> tuple[int, int, int, int]:
    """(articles, top version id, busiest article id, its versions) of a filled database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            articles = conn.execute(sa.text("SELECT max(id) FROM articles")).scalar() or 0
            top = conn.execute(sa.text("SELECT max(id) FROM versions")).scalar() or 0
            busiest = conn.execute(
                sa.text(
                    "SELECT id, version_count FROM articles ORDER BY version_count DESC LIMIT 1"
                )
            ).first()
    finally:
        engine.dispose()
    return (
        int(articles),
        int(top),
        int(busiest[0]) if busiest else 0,
        int(busiest[1]) if busiest else 0,
    )


def span(url: str) -> int:
    """Days from START to the last version: what cursors and dates are drawn from."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            last = conn.execute(
                sa.text("SELECT captured_at FROM versions ORDER BY id DESC LIMIT 1")
            ).scalar()
    finally:
        engine.dispose()
    if last is None:
        return 0
    if isinstance(last, str):  # SQLite keeps UTC text
        last = datetime.fromisoformat(last).replace(tzinfo=UTC)
    return max(1, (last - START).days)


def database(args: argparse.Namespace) -> tuple[str, Path | None]:
    """The database URL, and a temporary folder to delete afterwards (if one was made)."""
    if args.backend == "postgresql":
        url = args.db or PG_DEFAULT
        schema = sa.make_url(url).query.get("options", "").partition("search_path=")[2]
        if schema:
            engine = sa.create_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            engine.dispose()
        return url, None
    if args.db:
        return f"sqlite:///{args.db}", None
    folder = Path(tempfile.mkdtemp(prefix="copydesk-web-"))
    return f"sqlite:///{folder / 'web.db'}", folder


def size(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                pages = conn.exec_driver_sql("PRAGMA page_count").scalar() or 0
                page_size = conn.exec_driver_sql("PRAGMA page_size").scalar() or 0
                return f"{pages * page_size / 1e9:.2f} GB"
            total = conn.execute(
                sa.text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            ).scalar()
            return f"{float(total or 0) / 1e9:.2f} GB"
    finally:
        engine.dispose()


def prepare(url: str, args: argparse.Namespace) -> None:
    """Fill the database unless --reuse finds one already filled."""
    with Store.open(url) as store:
        articles, top, _, _ = extent(store, url)
        if args.reuse and top:
            print(f"reusing {articles:,} articles, {top:,} versions")
            if not args.copies:
                return
        elif top:
            raise SystemExit("the database is not empty: pass --reuse, or another --db")
        else:
            _fill(store, args)
    if args.copies:  # each copy starts the day after the one before ends
        took = repeat(url, args.copies, span(url) + 1, search=not args.copies_unindexed)
        print(f"repeated the history {args.copies} more times in SQL in {took:.0f} s")
    if sa.make_url(url).get_backend_name() == "postgresql":
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            started = time.perf_counter()
            conn.execute(sa.text("VACUUM ANALYZE"))
            print(f"vacuum analyze {time.perf_counter() - started:.0f} s (autovacuum would)")
        engine.dispose()


def _fill(store: Store, args: argparse.Namespace) -> None:
    low, high = (int(n) for n in args.paragraphs.split(","))
    plan = Plan(
        articles=args.articles, versions=args.versions, days=args.days, paragraphs=(low, high)
    )
    print(f"filling {plan.articles:,} articles, {plan.versions:,} versions over {plan.days} days")
    filled = fill(store, plan)
    print(
        f"filled in {filled.seconds:.0f} s: {plan.versions / filled.seconds:,.0f} versions/s;"
        f" Store.load_checks {filled.loading:.0f} s ({plan.versions / filled.loading:,.0f}"
        f" versions/s), making the history {filled.making:.0f} s;"
        f" CPU of this process {filled.cpu:.0f} s, of which making the history"
        f" {filled.making_cpu:.0f} s"
    )


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--db", help="SQLite file or PostgreSQL URL (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="use an already filled --db as is")
    parser.add_argument("--drop", action="store_true", help="delete the database afterwards")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60, help="span of the history")
    parser.add_argument(
        "--paragraphs",
        default="6,12",
        help="paragraphs of a first version, low,high (6,12 is about 3 kB of text by the end)",
    )
    parser.add_argument("--samples", type=int, default=100, help="requests per page")
    parser.add_argument("--depth", type=int, default=200, help="pages to walk back from /")
    parser.add_argument("--pages", default="", help="only pages whose name matches this regex")
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="keep no report between requests (the web's one-minute ReportCache is off):"
        " every report page is computed afresh",
    )
    parser.add_argument(
        "--copies-unindexed",
        action="store_true",
        help="PostgreSQL: leave the copies out of the search index (it covers the loaded"
        " history only)",
    )
    parser.add_argument("--no-sync", action="store_true", help="never catch up the search index")
    parser.add_argument(
        "--copies",
        type=int,
        default=0,
        help="repeat the loaded history this many more times in SQL, each one later than the"
        " last (sizes beyond what the loader fills in the time at hand)",
    )
    args = parser.parse_args()
    url, scratch = database(args)
    print(f"{os.cpu_count()} CPUs; load average before {os.getloadavg()}")
    try:
        prepare(url, args)
        print(f"database {size(url)}")
        if not args.fill_only:
            run(url, args)
    finally:
        print(f"load average after {os.getloadavg()}")
        if args.drop:
            drop(url, args)
        if scratch is not None:
            shutil.rmtree(scratch)


def run(url: str, args: argparse.Namespace) -> None:
    with Store.open(url) as store:
        # search_index_behind is a read: no write lock unless there is work
        if not args.no_sync and store.search_index_behind():
            started = time.perf_counter()
            indexed = store.sync_search_index()
            print(f"search index sync {indexed} versions in {time.perf_counter() - started:.1f} s")
        articles, top, busiest, count = extent(store, url)
        print(f"busiest article {busiest}: {count} versions")
        days = span(url) or args.days
        sample = Sample(random.Random(11), store, articles, top, days, busiest, count, args.days)
        now = START + timedelta(days=days + 1)
        app = create_app(Settings(db=store.url), store=store, clock=FixedClock(now))
        if args.cold:
            ReportCache.FRESH_SECONDS = 0.0  # nothing kept is ever fresh enough
        pages = [p for p in PAGES if re.search(args.pages, p.name)]
        with TestClient(app, base_url="http://localhost") as client:  # a trusted host (feeds)
            measure(client, sample, pages, args.samples)
            if not args.pages:
                for start in ("/", "/?kind=all"):
                    walk(client, start, args.depth)


def drop(url: str, args: argparse.Namespace) -> None:
    if args.backend == "postgresql":
        schema = sa.make_url(url).query.get("options", "").partition("search_path=")[2]
        engine = sa.create_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
        print(f"dropped schema {schema}")
    elif args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
        print(f"deleted {args.db}")


if __name__ == "__main__":
    main()
