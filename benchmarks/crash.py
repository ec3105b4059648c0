"""Kill `copydesk run` with SIGKILL again and again; compare with an uninterrupted run.

    python benchmarks/crash.py [--kills 20] [--seed 4]

Two identical newsrooms (same seed, started together) each get a tracker: one runs without
interruption, the other is killed with SIGKILL at random moments (uniform 2-6 s after each
start, start-up included) and restarted at once. Afterwards: PRAGMA integrity_check, no stored
version lost (every version seen after one kill is still there after the next) or duplicated,
and the capture of both against the ground truth.
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

STARTUP = 5.0
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


def kill_loop(tracker: Tracker, kills: int, rng: random.Random) -> tuple[int, list[str]]:
    """SIGKILL `kills` times; returns (kills done, problems found between kills)."""
    problems: list[str] = []
    seen: set[tuple[str, int, int, str]] = set()
    for number in range(kills):
        proc = tracker.popen("run")
        time.sleep(rng.uniform(2.0, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = stored(tracker.db)
        if len(now) != len(set(now)):
            problems.append(f"kill {number + 1}: a version stored twice")
        if not seen <= set(now):
            problems.append(f"kill {number + 1}: {len(seen - set(now))} stored versions lost")
        seen = set(now)
    return kills, problems


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
        publish_window=args.kills * 2.0,
        edit_gap=10.0,
        live_after=STARTUP,
    )
    clock = SystemClock()
    rooms = [Newsroom(config, clock=clock), Newsroom(config, clock=clock)]
    with NewsroomServer(rooms[0]) as one, NewsroomServer(rooms[1]) as two:
        for tracker, server in ((steady, one), (killed, two)):
            subprocess.run(tracker.command("add", server.rss_url), cwd=tracker.dir,
                           env=tracker.env, check=True, capture_output=True)  # fmt: skip
        total = rooms[0].script_end - rooms[0].elapsed() + 10
        uninterrupted = steady.popen("run", "--for", f"{total:.0f}s")
        started = time.monotonic()
        kills, problems = kill_loop(killed, args.kills, random.Random(args.seed))
        rest = max(5.0, total - (time.monotonic() - started))
        last = subprocess.run(killed.command("run", "--for", f"{rest:.0f}s"), cwd=killed.dir,
                              env=killed.env, capture_output=True, check=False)  # fmt: skip
        uninterrupted.wait()
        servers = (one, two)
        truths = [r.ground_truth(base_url=s.base_url) for r, s in zip(rooms, servers, strict=True)]
    print_report(steady, killed, truths, kills=kills, problems=problems, final=last.returncode)


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
