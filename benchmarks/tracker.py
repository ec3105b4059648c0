"""Run the simulated newsroom and `copydesk run` side by side; print throughput and CPU cost.

    python benchmarks/tracker.py [--articles 40] [--seconds 40]

copydesk runs as a subprocess (so its CPU time is measured apart from the newsroom's) with check
intervals short enough to keep it busy; figures come from the checks it recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from copydesk.clock import HeldClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture

CONFIG = """
[fetch]
allow_hosts = ["127.0.0.1"]
per_host_concurrency = 8
per_host_delay = "0s"
[schedule]
feed_interval = "1s"
after_change = "200ms"
max_interval = "500ms"
retire_after = "1h"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="copydesk-bench-"))
    (workdir / "copydesk.toml").write_text(CONFIG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    base = [sys.executable, "-m", "copydesk", "--db", str(workdir / "bench.db")]
    config = NewsroomConfig(articles=args.articles, publish_window=args.seconds / 3, edit_gap=3.0)
    clock = HeldClock()
    newsroom = Newsroom(config, clock=clock)
    with NewsroomServer(newsroom) as server:
        subprocess.run(
            [*base, "add", server.rss_url], cwd=workdir, env=env, check=True, capture_output=True
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        tracker = subprocess.Popen(
            [*base, "run"],
            cwd=workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while newsroom.request_counts.get("/rss.xml", 0) < 2:  # the tracker is up
            time.sleep(0.05)
        clock.start()  # the newsroom's script begins now, so no version goes live unseen
        started = time.perf_counter()
        time.sleep(args.seconds)
        stopped = clock.now()
        tracker.send_signal(signal.SIGTERM)
        tracker.wait()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Versions that went live in the last second before the stop had no check due yet.
        truth = newsroom.ground_truth(
            base_url=server.base_url, until=stopped - timedelta(seconds=1)
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with sqlite3.connect(workdir / "bench.db") as db:
        checks = db.execute("SELECT count(*) FROM checks").fetchone()[0]
        errors = db.execute("SELECT count(*) FROM checks WHERE outcome='error'").fetchone()[0]
    exported = subprocess.run(
        [*base, "export", "--format", "jsonl"],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    score = score_capture(truth, [json.loads(line) for line in exported.splitlines() if line])
    print(f"articles            {args.articles}")
    print(f"wall seconds        {wall:.1f}")
    print(f"checks              {checks} ({errors} errors)")
    print(f"checks per second   {checks / wall:.1f}")
    print(
        f"CPU s per check     {cpu / max(checks, 1) * 1000:.1f} ms  (tracker process: {cpu:.1f} s)"
    )
    print(f"versions captured   {score.captured}/{score.true_versions}, extra {score.extra}")
    for url, number in score.missed[:10]:
        print(f"  missed version {number} of {url}")
    print(f"database            {workdir / 'bench.db'}")


if __name__ == "__main__":
    main()
