"""Kill `copydesk run` with SIGKILL again and again; compare with an uninterrupted run.

    python benchmarks/crash.py [--kills 20] [--seed 4]

Two identical newsrooms (same seed, started together) each get a tracker: one runs without
interruption, the other is killed with SIGKILL at random moments (0.5-4 s after each restart
has recorded its first poll or check, so it works between kills) and restarted at once.
Afterwards: PRAGMA integrity_check, no stored version lost (every version seen after one kill
is still there after the next) or duplicated, and the capture of both against ground truth.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from benchmarks.harness import Project, config_toml
from copydesk.clock import SystemClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture

STARTUP = 8.0
CONFIG = config_toml()


def stored(db: Path) -> list[tuple[str, int, int, str]]:
    """(article URL, seq, number, content hash) of every stored version, trivial ones too."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.url, v.seq, v.number, v.content_hash FROM versions v "
            "JOIN articles a ON a.id = v.article_id"
        ).fetchall()
    return [(str(u), int(s), int(n), str(h)) for u, s, n, h in rows]


def kill_loop(tracker: Project, kills: int, rng: random.Random) -> tuple[float, list[str]]:
    """SIGKILL `kills` times, each 0.5-4 s into real work; (mean start-up, problems seen)."""
    problems: list[str] = []
    startup = 0.0
    seen: set[tuple[str, int, int, str]] = set()
    for number in range(kills):
        proc = tracker.popen("run")
        startup += tracker.wait_until_working(proc)
        time.sleep(rng.uniform(0.5, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = stored(tracker.db_file)
        if len(now) != len(set(now)):
            problems.append(f"kill {number + 1}: a version stored twice")
        if not seen <= set(now):
            problems.append(f"kill {number + 1}: {len(seen - set(now))} stored versions lost")
        seen = set(now)
    return startup / max(kills, 1), problems


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="copydesk-crash-"))
    steady, killed = (
        Project(root / name, db="t.db", config=CONFIG) for name in ("steady", "killed")
    )
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
            tracker.register(server.rss_url)
        total = rooms[0].script_end - rooms[0].elapsed() + 10
        uninterrupted = steady.popen("run", "--for", f"{total:.0f}s")
        started = time.monotonic()
        startup, problems = kill_loop(killed, args.kills, random.Random(args.seed))
        rest = max(5.0, total - (time.monotonic() - started))
        last = killed.run("run", "--for", f"{rest:.0f}s", timeout=rest + 120)
        uninterrupted.wait()
        servers = (one, two)
        truths = [r.ground_truth(base_url=s.base_url) for r, s in zip(rooms, servers, strict=True)]
    print(f"mean start-up to first recorded work  {startup:.1f} s")
    print_report(steady, killed, truths, kills=args.kills, problems=problems, final=last.returncode)


def print_report(
    steady: Project,
    killed: Project,
    truths: list[list[object]],
    *,
    kills: int,
    problems: list[str],
    final: int,
) -> None:
    with sqlite3.connect(killed.db_file) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    versions = stored(killed.db_file)
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
