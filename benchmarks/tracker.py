"""`copydesk run` and a naive loop side by side on one newsroom: CPU per check and fidelity.

    python benchmarks/tracker.py [--articles 20] [--edits 3] [--seconds 120]
                                 [--profile plain|noisy|both]

Both trackers run at once against the same simulated newsroom for the same time, each in its own
process, pinned to its own core when two are available. The naive loop is
benchmarks/baselines/naive.py (httpx + trafilatura + sha256, one thread). CPU is each process's
own user+system time over the measured window (from /proc, so start-up imports are left out),
divided by the checks it made in that window. Fidelity: true versions captured and spurious
versions (versions recorded when the article had not changed since the version before), scored
against the newsroom's ground truth.
Profiles: "plain" keeps per-request noise in the page around the article; "noisy" also puts it
inside the article text (rotating inline links, comment counts).
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from benchmarks.harness import Project, config_toml, cpu_seconds
from copydesk.clock import HeldClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture
from copydesk.newsroom.script import TruthVersion

HERE = Path(__file__).resolve().parent
CONFIG = config_toml(
    fetch={"per_host_concurrency": 8, "per_host_delay": "0s"},
    schedule={"after_change": "200ms", "max_interval": "500ms"},
)
WARM_UP = 3.0  # seconds after the script starts before the measured window opens


@dataclass(frozen=True, slots=True)
class Figures:
    checks: int
    cpu: float  # seconds
    versions: int
    captured: int
    true_versions: int
    spurious: int

    @property
    def per_check_ms(self) -> float:
        return self.cpu / max(self.checks, 1) * 1000


def pin(processes: list[subprocess.Popen[str]] | list[subprocess.Popen[bytes]]) -> str:
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < len(processes):
        return "not pinned (fewer cores than trackers)"
    for process, core in zip(processes, cores, strict=False):
        os.sched_setaffinity(process.pid, {core})
    return ", ".join(
        f"{name} on cpu {core}" for name, core in zip(("copydesk", "naive"), cores, strict=False)
    )


def timeline_spurious(
    truth: list[TruthVersion], recorded: dict[str, list[float]]
) -> tuple[int, set[tuple[str, int]]]:
    """Versions recorded although the page's true state had not changed since the one before.

    Each recorded version is mapped to the true state live when its request started; the
    second of two versions mapped to one state is spurious. Returns (spurious, numbers seen).
    """
    states: dict[str, list[tuple[float, int, int]]] = {}
    for index, version in enumerate(truth):
        states.setdefault(version.article_url, []).append(
            (version.live_at.timestamp(), index, version.version)
        )
    spurious = 0
    seen: set[tuple[str, int]] = set()
    for url, times in recorded.items():
        timeline = states.get(url, [])
        starts = [t for t, _, _ in timeline]
        previous = None
        for at in sorted(times):
            slot = bisect.bisect_right(starts, at) - 1
            state = timeline[slot][1] if slot >= 0 else None
            if state is not None and state == previous:
                spurious += 1
            if slot >= 0:
                seen.add((url, timeline[slot][2]))
            previous = state
    return spurious, seen


def copydesk_figures(
    project: Project, truth: list[TruthVersion], window: tuple[datetime, datetime], cpu: float
) -> Figures:
    start, end = (moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ") for moment in window)
    with sqlite3.connect(project.db_file) as conn:
        checks = conn.execute(
            "SELECT count(*) FROM checks WHERE checked_at >= ? AND checked_at < ?", (start, end)
        ).fetchone()[0]
    rows = project.export()
    score = score_capture(truth, rows)
    return Figures(
        checks=checks,
        cpu=cpu,
        versions=len(rows),
        captured=score.captured,
        true_versions=score.true_versions,
        spurious=score.extra,
    )


def naive_figures(
    out: Path,
    truth: list[TruthVersion],
    window: tuple[datetime, datetime],
    cpu: float,
    shift: float,
) -> Figures:
    data = json.loads(out.read_text())
    start, end = (moment.timestamp() for moment in window)
    checks = sum(1 for at in data["checks"] if start <= at < end)
    recorded: dict[str, list[float]] = {}
    for version in data["versions"]:
        recorded.setdefault(version["url"], []).append(version["at"] + shift)
    spurious, seen = timeline_spurious(truth, recorded)
    expected = {(v.article_url, v.version) for v in truth}
    return Figures(
        checks=checks,
        cpu=cpu,
        versions=len(data["versions"]),
        captured=len(seen & expected),
        true_versions=len(expected),
        spurious=spurious,
    )


def run_profile(profile: str, args: argparse.Namespace) -> tuple[Figures, Figures]:
    workdir = Path(tempfile.mkdtemp(prefix=f"copydesk-bench-{profile}-"))
    project = Project(workdir, db="bench.db", config=CONFIG)
    config = NewsroomConfig(
        articles=args.articles,
        min_edits=args.edits,
        max_edits=args.edits,
        publish_window=args.seconds / 3,
        edit_gap=3.0,
        profile=profile,
    )
    clock = HeldClock()
    newsroom = Newsroom(config, clock=clock)
    naive_out = workdir / "naive.json"
    with NewsroomServer(newsroom) as server:
        if project.run("add", server.rss_url).returncode != 0:
            raise SystemExit("copydesk add failed")
        tracker = project.popen("run")
        naive = subprocess.Popen(
            [sys.executable, str(HERE / "baselines" / "naive.py"), server.rss_url, str(naive_out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pinning = pin([tracker, naive])
        added = len(newsroom.access_log)  # `copydesk add` read the feed once
        while True:  # both trackers are up and polling (told apart by their User-Agent)
            agents = {e.user_agent.split("/")[0] for e in newsroom.access_log[added:]}
            if {"copydesk", "python-httpx"} <= agents:
                break
            time.sleep(0.05)
        clock.start()  # the script begins now, so no version goes live unseen
        # The newsroom's times stood still until start(): wall time + shift = newsroom time.
        shift = clock.now().timestamp() - time.time()
        time.sleep(WARM_UP)
        opened = datetime.now(UTC)
        cpu0 = cpu_seconds(tracker.pid), cpu_seconds(naive.pid)
        time.sleep(args.seconds)
        cpu1 = cpu_seconds(tracker.pid), cpu_seconds(naive.pid)
        closed = datetime.now(UTC)
        stopped = clock.now()
        for process in (tracker, naive):
            process.send_signal(signal.SIGTERM)
        tracker.wait()
        naive.wait()
        # Versions that went live in the last second before the stop had no check due yet.
        truth = newsroom.ground_truth(
            base_url=server.base_url, until=stopped - timedelta(seconds=1)
        )
    window = (opened, closed)
    ours = copydesk_figures(project, truth, window, cpu1[0] - cpu0[0])
    theirs = naive_figures(naive_out, truth, window, cpu1[1] - cpu0[1], shift)
    print(
        f"profile {profile}: {args.articles} articles, {args.edits} edits each, "
        f"{args.seconds:.0f} s measured; {pinning}"
    )
    print(
        f"  {'':10} {'checks':>7} {'checks/s':>9} {'CPU s':>7} {'CPU/check':>10} "
        f"{'versions':>9} {'captured':>9} {'spurious':>9}"
    )
    for name, fig in (("copydesk", ours), ("naive", theirs)):
        print(
            f"  {name:10} {fig.checks:7d} {fig.checks / args.seconds:9.1f} {fig.cpu:7.2f} "
            f"{fig.per_check_ms:7.2f} ms {fig.versions:9d} "
            f"{fig.captured:4d}/{fig.true_versions:<4d} {fig.spurious:9d}"
        )
    ratio = ours.per_check_ms / max(theirs.per_check_ms, 1e-9)
    print(f"  CPU per check, copydesk / naive: {ratio:.2f}  (target <= 0.50)")
    print(f"  database {project.db}")
    return ours, theirs


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--profile", choices=("plain", "noisy", "both"), default="both")
    args = parser.parse_args()
    profiles = ("plain", "noisy") if args.profile == "both" else (args.profile,)
    for profile in profiles:
        run_profile(profile, args)


if __name__ == "__main__":
    main()
