"""Bounded load test on loopback: N concurrent clients against uvicorn serving create_app.

    python benchmarks/load.py [--clients 50] [--seconds 30] [--articles 300]

A store with a few hundred articles (several versions each) is filled, uvicorn serves it in a
thread on 127.0.0.1, and httpx.AsyncClient workers request article, diff, search and feed pages
in a loop that stops at the deadline and after --max-requests in all. Prints requests/s,
p50/p99 latency and the error count (anything but a 200, or a transport error), which must be 0.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from benchmarks.web import START, WORDS
from copydesk.clock import FixedClock
from copydesk.publish import create_app, serve_in_thread
from copydesk.records import Article, Candidate, Check, CheckOutcome, CheckResult, Source
from copydesk.settings import Settings
from copydesk.store import Store


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0

    def summary(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0.0
        median = statistics.median(self.latencies) if self.latencies else 0.0
        return (
            f"requests {self.requests} in {self.seconds:.1f} s = {rate:.1f} req/s; "
            f"p50 {median * 1000:.1f} ms, p99 {self.percentile(0.99) * 1000:.1f} ms; "
            f"errors {self.errors} {self.failures or ''}"
        )


def fill(store: Store, articles: int, seed: int = 3) -> list[int]:
    """A few hundred articles in three sources, each with 2-5 versions."""
    rng = random.Random(seed)
    ids: list[int] = []
    for name in ("daily", "weekly", "herald"):
        store.add_source(Source(name=name), now=START)
        urls = [Candidate(url=f"https://{name}.example/news/{n}") for n in range(articles // 3)]
        ids += [a.id for a in store.add_articles(name, urls, now=START)]
    batch = []
    for article_id in ids:
        paragraphs = [" ".join(rng.choices(WORDS, k=20)) + "." for _ in range(8)]
        at = START + timedelta(minutes=rng.randint(0, 50_000))
        for number in range(rng.randint(2, 5)):
            paragraphs[rng.randrange(8)] = " ".join(rng.choices(WORDS, k=20)) + "."
            article = Article(
                title=f"Story {article_id} {rng.choice(WORDS)}",
                byline="By A Reporter",
                published_at="2025-01-01",
                paragraphs=tuple(paragraphs),
                extractor="load 1",
            )
            check = Check(
                article_id=article_id,
                checked_at=at + timedelta(minutes=10 * number),
                outcome=CheckOutcome.NEW_VERSION,
                status=200,
            )
            batch.append(
                CheckResult(
                    check=check,
                    article=article,
                    change_kind=None if number == 0 else "substantive",
                    next_check_at=check.checked_at + timedelta(hours=1),
                )
            )
    store.load_checks(batch)
    return ids


def paths(ids: list[int], rng: random.Random) -> str:
    """One request path: article, diff, search or a feed."""
    article = rng.choice(ids)
    return rng.choice(
        [
            f"/articles/{article}",
            f"/articles/{article}/diff/1/2",
            f"/search?q={rng.choice(WORDS)}",
            "/changes.atom",
            f"/articles/{article}/changes.rss",
            "/",
        ]
    )


async def _client(
    base: str, ids: list[int], deadline: float, budget: list[int], result: LoadResult, seed: int
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30.0, trust_env=False) as client:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            path = paths(ids, rng)
            started = time.perf_counter()
            try:
                response = await client.get(path)
                failure = None if response.status_code == 200 else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                failure = type(exc).__name__
            result.latencies.append(time.perf_counter() - started)
            result.requests += 1
            if failure:
                result.errors += 1
                result.failures[failure] = result.failures.get(failure, 0) + 1


async def load(
    base: str, ids: list[int], *, clients: int, seconds: float, max_requests: int
) -> LoadResult:
    """Run `clients` concurrent loops for `seconds` (and at most `max_requests` in all)."""
    result = LoadResult()
    started = time.perf_counter()
    budget = [max_requests]
    await asyncio.gather(
        *(_client(base, ids, started + seconds, budget, result, seed) for seed in range(clients))
    )
    result.seconds = time.perf_counter() - started
    return result


def run(
    db_path: Path, *, articles: int, clients: int, seconds: float, max_requests: int
) -> LoadResult:
    """Fill a store, serve it on 127.0.0.1 and load it; the server stops before returning."""
    with Store.open(f"sqlite:///{db_path}") as store:
        ids = fill(store, articles)
        app = create_app(
            Settings(db=store.url), store=store, clock=FixedClock(START + timedelta(days=60))
        )
        base, stop = serve_in_thread(app, "127.0.0.1", 0)
        try:
            return asyncio.run(
                load(base, ids, clients=clients, seconds=seconds, max_requests=max_requests)
            )
        finally:
            stop()


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="copydesk-load-") as tmp:
        result = run(
            Path(tmp) / "load.db",
            articles=args.articles,
            clients=args.clients,
            seconds=args.seconds,
            max_requests=args.max_requests,
        )
    print(f"{args.clients} clients, {args.seconds:.0f} s, {args.articles} articles")
    print(result.summary())
    raise SystemExit(1 if result.errors else 0)


if __name__ == "__main__":
    main()
