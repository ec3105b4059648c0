"""Kill `copydesk run` with SIGKILL again and again; compare with an uninterrupted run.

    python benchmarks/crash.py [--kills 20] [--seed 4]

Two identical newsrooms (same seed, started together) each get a tracker: one runs without
interruption, the other is killed with SIGKILL at random moments (0.5-4 s after each restart
has recorded its first poll or check, so it works between kills) and restarted at once.
Afterwards: PRAGMA integrity_check, no stored version lost (every version seen after one kill
is still there after the next) or duplicated, and the capture of both against ground truth.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from copydesk.clock import SystemClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture
from copydesk.records import Endpoint, EndpointKind, Source
from copydesk.store import Store

STARTUP = 8.0
CONFIG = """
[fetch]
allow_hosts = ["127.0.0.1"]
per_host_concurrency = 4
per_host_delay = "10ms"
[schedule]
feed_interval = "1s"
after_change = "500ms"
max_interval = "1s"
retire_after = "1h"
"""


def stored(db: Path) -> list[tuple[str, int, int, str]]:
    """(article URL, seq, number, content hash) of every stored version, trivial ones too."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.url, v.seq, v.number, v.content_hash FROM versions v "
            "JOIN articles a ON a.id = v.article_id"
        ).fetchall()
    return [(str(u), int(s), int(n), str(h)) for u, s, n, h in rows]


class Tracker:
    """One database in its own directory, and how to run copydesk on it."""

    def __init__(self, root: Path, name: str) -> None:
        self.dir = root / name
        self.dir.mkdir()
        (self.dir / "copydesk.toml").write_text(CONFIG, encoding="utf-8")
        self.db = self.dir / "t.db"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "copydesk", "--db", str(self.db), *args]

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.command(*args),
            cwd=self.dir,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def export(self) -> list[dict[str, object]]:
        out = subprocess.run(
            self.command("export", "--format", "jsonl", "--out", "-"),
            cwd=self.dir, env=self.env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def last_work(db: Path) -> tuple[object, object]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT (SELECT max(last_polled_at) FROM endpoints), (SELECT max(id) FROM checks)"
        ).fetchone()
    return row[0], row[1]


def wait_until_working(db: Path, proc: subprocess.Popen[bytes]) -> float:
    """Seconds until the new process records a poll or a check (start-up takes 1.5-5 s)."""
    started, before = time.monotonic(), last_work(db)
    while proc.poll() is None and time.monotonic() - started < 30:
        if last_work(db) != before:
            break
        time.sleep(0.1)
    return time.monotonic() - started


def kill_loop(tracker: Tracker, kills: int, rng: random.Random) -> tuple[float, list[str]]:
    """SIGKILL `kills` times, each 0.5-4 s into real work; (mean start-up, problems seen)."""
    problems: list[str] = []
    startup = 0.0
    seen: set[tuple[str, int, int, str]] = set()
    for number in range(kills):
        proc = tracker.popen("run")
        startup += wait_until_working(tracker.db, proc)
        time.sleep(rng.uniform(0.5, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = stored(tracker.db)
        if len(now) != len(set(now)):
            problems.append(f"kill {number + 1}: a version stored twice")
        if not seen <= set(now):
            problems.append(f"kill {number + 1}: {len(seen - set(now))} stored versions lost")
        seen = set(now)
    return startup / max(kills, 1), problems


def register(db: Path, url: str) -> None:
    """What `copydesk add URL` stores, without its start-up time eating into the script."""
    now = SystemClock().now()
    with Store.open(f"sqlite:///{db}") as store:
        store.add_source(Source(name="newsroom"), now=now)
        store.add_endpoint(Endpoint(url=url, kind=EndpointKind.FEED, source="newsroom"), now=now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="copydesk-crash-"))
    steady, killed = Tracker(root, "steady"), Tracker(root, "killed")
    # Long enough that the kill loop (about 4 s a kill) ends before the script does.
    config = NewsroomConfig(
        seed=args.seed,
        articles=16,
        min_edits=3,
        max_edits=5,
        publish_window=args.kills * 3.0,
        edit_gap=10.0,
        live_after=STARTUP,
    )
    clock = SystemClock()
    rooms = [Newsroom(config, clock=clock), Newsroom(config, clock=clock)]
    with NewsroomServer(rooms[0]) as one, NewsroomServer(rooms[1]) as two:
        for tracker, server in ((steady, one), (killed, two)):
            register(tracker.db, server.rss_url)
        total = rooms[0].script_end - rooms[0].elapsed() + 10
        uninterrupted = steady.popen("run", "--for", f"{total:.0f}s")
        started = time.monotonic()
        startup, problems = kill_loop(killed, args.kills, random.Random(args.seed))
        rest = max(5.0, total - (time.monotonic() - started))
        last = subprocess.run(killed.command("run", "--for", f"{rest:.0f}s"), cwd=killed.dir,
                              env=killed.env, capture_output=True, check=False)  # fmt: skip
        uninterrupted.wait()
        servers = (one, two)
        truths = [r.ground_truth(base_url=s.base_url) for r, s in zip(rooms, servers, strict=True)]
    print(f"mean start-up to first recorded work  {startup:.1f} s")
    print_report(steady, killed, truths, kills=args.kills, problems=problems, final=last.returncode)


def print_report(
    steady: Tracker,
    killed: Tracker,
    truths: list[list[object]],
    *,
    kills: int,
    problems: list[str],
    final: int,
) -> None:
    with sqlite3.connect(killed.db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    versions = stored(killed.db)
    keys = [(u, s) for u, s, _n, _h in versions]
    rows = {name: t.export() for name, t in (("steady", steady), ("killed", killed))}
    pairs = [(r["article_url"], r["version"]) for r in rows["killed"]]
    print(f"SIGKILLs               {kills} (then a final run, exit code {final})")
    print(f"integrity_check        {integrity}")
    print(f"stored versions        {len(versions)}, duplicates {len(keys) - len(set(keys))}")
    print(f"exported duplicates    {len(pairs) - len(set(pairs))}")
    print(f"problems between kills {problems or 'none'}")
    for (name, exported), truth in zip(rows.items(), truths, strict=True):
        score = score_capture(truth, exported)  # type: ignore[arg-type]
        print(f"capture {name:14} {score.captured}/{score.true_versions}, extra {score.extra}")


if __name__ == "__main__":
    main()
