"""1, 2 and 4 `copydesk worker` processes on PostgreSQL against many slow newsroom hosts.

    python benchmarks/workers.py [--hosts 40] [--articles 5] [--seconds 40] [--workers 1,2,4]
                                 [--delay 0.2] [--latency 0.05,0.2] [--pg URL]
                                 [--feed-interval 5]

Each host is a simulated newsroom of its own on its own loopback address (127.0.0.2, .3, ...),
answering after a random 50-200 ms, so the work is I/O-bound. Every run gets a fresh schema.
Figures: checks per second in the measured window (from the check log), the speed-up over one
worker, duplicate checks (two checks of one article whose fetches overlap in time: a lease
broken), and politeness from the newsroom's own access log: the smallest gap between two
requests to one host, and how many gaps were shorter than `fetch.per_host_delay`.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from benchmarks.harness import clean_env, cpu_seconds
from copydesk.clock import HeldClock
from copydesk.newsroom import Newsroom, NewsroomConfig
from copydesk.records import Endpoint, EndpointKind, Source
from copydesk.store import Store

TOLERANCE = 0.005  # seconds: gaps this much under the delay count as hits too soon
WARM_UP = 4.0


@dataclass(frozen=True, slots=True)
class Run:
    workers: int
    checks: int
    seconds: float
    duplicates: int
    min_gap: float
    short_gaps: int
    requests: int
    cpu: float

    @property
    def rate(self) -> float:
        return self.checks / self.seconds


def config_toml(hosts: list[str], args: argparse.Namespace) -> str:
    allowed = ", ".join(f'"{h}"' for h in hosts)
    return f"""
[fetch]
allow_hosts = [{allowed}]
per_host_delay = "{int(args.delay * 1000)}ms"
per_host_concurrency = 2
concurrency = {args.concurrency}
[schedule]
feed_interval = "{args.feed_interval:g}s"
after_change = "500ms"
max_interval = "1s"
retire_after = "1h"
"""


def schema_url(pg: str, schema: str) -> str:
    url = sa.make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


class Hosts:
    """Many newsrooms, one per loopback address, served by one uvicorn loop on one port.

    One server thread for all of them keeps the arrival times in the access logs honest: forty
    server threads fighting over the GIL would log requests tens of milliseconds late.
    """

    def __init__(self, newsrooms: list[Newsroom]) -> None:
        self.newsrooms = newsrooms
        self.hosts = [f"127.0.0.{index + 2}" for index in range(len(newsrooms))]
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def _bind(self) -> None:
        for _ in range(20):  # the port the first address got may be taken on another one
            sockets: list[socket.socket] = []
            try:
                for host in self.hosts:
                    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    sockets.append(sock)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    sock.bind((host, self.port if sockets[:-1] else 0))
                    self.port = sock.getsockname()[1]
                    sock.listen(512)
            except OSError:
                for sock in sockets:
                    sock.close()
                self.port = 0
                continue
            self._sockets = sockets
            return
        raise RuntimeError("no free port on every loopback address")

    def start(self) -> None:
        self._bind()
        apps = {
            host: newsroom.app() for host, newsroom in zip(self.hosts, self.newsrooms, strict=True)
        }

        async def dispatch(scope: Any, receive: Any, send: Any) -> None:
            server = scope.get("server") or ("", 0)
            await apps[server[0]](scope, receive, send)

        config = uvicorn.Config(
            dispatch, lifespan="off", log_config=None, log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": self._sockets}, daemon=True
        )
        self._thread.start()
        while not self._server.started:
            time.sleep(0.01)

    def rss_url(self, index: int) -> str:
        return f"http://{self.hosts[index]}:{self.port}/rss.xml"

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        for sock in self._sockets:
            sock.close()


def start_newsrooms(args: argparse.Namespace, clock: HeldClock) -> Hosts:
    low, high = (float(x) for x in args.latency.split(","))
    newsrooms = [
        Newsroom(
            NewsroomConfig(
                seed=100 + index,
                articles=args.articles,
                min_edits=2,
                max_edits=2,
                publish_window=2.0,
                edit_gap=6.0,
                latency=(low, high),
                profile="plain",
            ),
            clock=clock,
        )
        for index in range(args.hosts)
    ]
    hosts = Hosts(newsrooms)
    hosts.start()
    return hosts


def duplicates(engine: sa.Engine, window: tuple[datetime, datetime]) -> int:
    """Checks of one article whose fetch spans overlap: two workers held it at once."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT article_id, checked_at, elapsed FROM checks "
                "WHERE checked_at >= :start AND checked_at < :end ORDER BY article_id, checked_at"
            ),
            {"start": window[0], "end": window[1]},
        ).all()
    found = 0
    for _, group in itertools.groupby(rows, key=lambda row: row.article_id):
        previous_end = None
        for row in group:
            began = row.checked_at - timedelta(seconds=float(row.elapsed or 0))
            if previous_end is not None and began < previous_end:
                found += 1
            previous_end = row.checked_at
    return found


def politeness(hosts: Hosts, delay: float) -> tuple[float, int, int]:
    """Smallest gap between two requests to one host, gaps under the delay, requests seen."""
    smallest, short, seen = float("inf"), 0, 0
    for newsroom in hosts.newsrooms:
        times = sorted(entry.at for entry in newsroom.access_log)
        seen += len(times)
        for a, b in itertools.pairwise(times):
            smallest = min(smallest, b - a)
            short += (b - a) < delay - TOLERANCE
    return smallest, short, seen


def run(workers: int, args: argparse.Namespace, admin: sa.Engine) -> Run:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(args.pg, schema)
    clock = HeldClock()
    hosts = start_newsrooms(args, clock)
    workdir = Path(tempfile.mkdtemp(prefix="copydesk-workers-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        (workdir / "copydesk.toml").write_text(config_toml(hosts.hosts, args), encoding="utf-8")
        with Store.open(url) as store:
            for index in range(len(hosts.hosts)):
                name = f"host{index}"
                store.add_source(Source(name=name), now=clock.now())
                feed = Endpoint(url=hosts.rss_url(index), kind=EndpointKind.FEED, source=name)
                store.add_endpoint(feed, now=clock.now())
        env = clean_env()
        for number in range(workers):
            mine = dict(env, COPYDESK_FETCH__USER_AGENT_CONTACT=f"https://bench.invalid/w{number}")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "copydesk", "--db", url, "worker"],
                    cwd=workdir,
                    env=mine,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # every worker is up and polling
            agents = {e.user_agent for n in hosts.newsrooms for e in n.access_log}
            if len(agents) >= workers:
                break
            time.sleep(0.1)
        clock.start()
        time.sleep(WARM_UP)
        opened = datetime.now(UTC)
        cpu0 = sum(cpu_seconds(p.pid) for p in processes)
        time.sleep(args.seconds)
        cpu1 = sum(cpu_seconds(p.pid) for p in processes)
        closed = datetime.now(UTC)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            checks = conn.execute(
                sa.text("SELECT count(*) FROM checks WHERE checked_at >= :a AND checked_at < :b"),
                {"a": opened, "b": closed},
            ).scalar_one()
        dupes = duplicates(engine, (opened, closed))
        engine.dispose()
        smallest, short, seen = politeness(hosts, args.delay)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        hosts.stop()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    return Run(
        workers=workers,
        checks=int(checks),
        seconds=(closed - opened).total_seconds(),
        duplicates=dupes,
        min_gap=smallest,
        short_gaps=short,
        requests=seen,
        cpu=cpu1 - cpu0,
    )


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--hosts", type=int, default=60)
    parser.add_argument("--articles", type=int, default=5, help="articles per host")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=8, help="fetches in flight per worker")
    parser.add_argument("--delay", type=float, default=0.5, help="fetch.per_host_delay, seconds")
    parser.add_argument(
        "--feed-interval", type=float, default=5.0, help="schedule.feed_interval, seconds"
    )
    parser.add_argument("--latency", default="0.05,0.2", help="newsroom answer time range, s")
    parser.add_argument("--pg", default="postgresql+psycopg://root@127.0.0.1:5432/test")
    args = parser.parse_args()
    admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
    print(
        f"{args.hosts} hosts x {args.articles} articles, answers in {args.latency} s, "
        f"per_host_delay {args.delay} s, feeds every {args.feed_interval:g} s, "
        f"{args.concurrency} fetches per worker, "
        f"{args.seconds:.0f} s measured"
    )
    print(
        f"{'workers':>7} {'checks':>7} {'checks/s':>9} {'speed-up':>9} {'CPU/check':>10} "
        f"{'duplicates':>10} {'min host gap':>13} {'gaps < delay':>13}"
    )
    runs: list[Run] = []
    for workers in (int(w) for w in args.workers.split(",")):
        result = run(workers, args, admin)
        runs.append(result)
        speed = result.rate / runs[0].rate if runs[0].rate else 0.0
        print(
            f"{result.workers:7d} {result.checks:7d} {result.rate:9.1f} {speed:8.2f}x "
            f"{result.cpu / max(result.checks, 1) * 1000:7.2f} ms {result.duplicates:10d} "
            f"{result.min_gap:12.3f}s {result.short_gaps:13d}"
        )
    if len(runs) > 1 and runs[0].rate:
        print(
            f"scaling 1 -> {runs[-1].workers} workers: {runs[-1].rate / runs[0].rate:.2f}x "
            f"(target >= 3.5x), requests logged {sum(r.requests for r in runs)}"
        )
    admin.dispose()


if __name__ == "__main__":
    main()
