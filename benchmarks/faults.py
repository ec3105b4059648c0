"""`copydesk run` against a newsroom in fault mode; prints peak RSS, checks, errors, capture.

    python benchmarks/faults.py [--articles 24] [--faults 0.3] [--fault-seconds 60] [--seed 5]

Faults (every kind, see copydesk.newsroom.faults) are mixed into article pages and feeds for
--fault-seconds after the first article goes live, then stop; the script goes on for a while
after, so every version that goes live once the faults stop must be captured.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from benchmarks.harness import Project, config_toml
from copydesk.clock import SystemClock
from copydesk.newsroom import (
    Newsroom,
    NewsroomConfig,
    NewsroomServer,
    TruthVersion,
    score_capture,
)
from copydesk.newsroom.faults import ServedFault, interrupted, unrecorded

STARTUP = 5.0
CONFIG = config_toml(
    fetch={"per_host_concurrency": 8, "per_host_delay": "0s", "total_timeout": "3s",
           "connect_timeout": "1s"},
    schedule={"error_backoff": "250ms", "max_error_backoff": "2s"},
)  # fmt: skip


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--faults", type=float, default=0.3)
    parser.add_argument("--fault-seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    project = Project(
        Path(tempfile.mkdtemp(prefix="copydesk-faults-")), db="faults.db", config=CONFIG
    )
    until = STARTUP + args.fault_seconds
    config = NewsroomConfig(
        seed=args.seed,
        articles=args.articles,
        min_edits=3,
        max_edits=5,
        publish_window=args.fault_seconds / 2,
        edit_gap=6.0,
        live_after=STARTUP,
        faults=args.faults,
        faults_until=until,
    )
    newsroom = Newsroom(config, clock=SystemClock())
    with NewsroomServer(newsroom) as server:
        # Registered directly: `copydesk add` would meet the faults.
        project.register(server.rss_url, server.atom_url, server.sitemap_url)
        seconds = max(newsroom.script_end, until) - newsroom.elapsed() + 15
        measured = project.run_measured("run", "--for", f"{seconds:.0f}s", timeout=60)
        truth = newsroom.ground_truth(base_url=server.base_url)
        served = newsroom.faults.served
        calm = newsroom.real_time(until)
    run = FaultRun(
        code=measured.code, peak=measured.peak_kb, wall=measured.wall, truth=truth,
        served=served, calm=calm,
    )  # fmt: skip
    report(project, run)


@dataclass(frozen=True)
class FaultRun:
    """What one tracker run under faults left behind, for the report."""

    code: int
    peak: int  # KB
    wall: float
    truth: list[TruthVersion]
    served: tuple[ServedFault, ...]
    calm: datetime  # when the faults stopped


def report(project: Project, run: FaultRun) -> None:
    with sqlite3.connect(project.db_file) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        checks = db.execute(
            "SELECT a.url, c.error FROM checks c JOIN articles a ON a.id = c.article_id"
        ).fetchall()
        retired = db.execute("SELECT count(*) FROM articles WHERE status='retired'").fetchone()[0]
        endpoint_errors = db.execute(
            "SELECT url, consecutive_errors, last_error FROM endpoints"
        ).fetchall()
    errors: dict[str, list[str | None]] = {}
    for url, error in checks:
        errors.setdefault(urlsplit(url).path, []).append(error)
    reasons = Counter((e or "").split(":", 1)[0] for _u, e in checks if e)
    rows = project.export()
    truth, served = run.truth, list(run.served)
    last = {t.article_url: t for t in truth if not t.trivial}
    after = [t for t in truth if t.live_at >= run.calm or last.get(t.article_url) is t]
    overall = score_capture(truth, rows)
    wanted = {(t.article_url, t.version) for t in after if not t.trivial}
    late = [m for m in overall.missed if m in wanted]
    print(f"tracker exit code      {run.code}   (wall {run.wall:.0f} s)")
    print(f"peak RSS (VmHWM)       {run.peak / 1024:.0f} MB")
    print(f"integrity_check        {integrity}")
    print(f"faults served          {len(served)}: {dict(Counter(f.kind for f in served))}")
    print(f"checks                 {len(checks)} ({sum(reasons.values())} with an error)")
    print(f"errors by reason       {dict(reasons.most_common())}")
    missing = unrecorded(served, errors)
    print(f"article faults without their error check  {len(missing)} {_listed(missing)}")
    cut = interrupted(served, errors)
    print(f"article faults on checks cut by the stop  {len(cut)} {_listed(cut)}")
    print(f"articles retired       {retired}")
    print(f"endpoints              {[(u.rsplit('/', 1)[-1], n, e) for u, n, e in endpoint_errors]}")
    print(f"capture after faults   {len(wanted) - len(late)}/{len(wanted)} missed {late}")
    print(
        f"capture overall        {overall.captured}/{overall.true_versions}, extra {overall.extra}"
    )


def _listed(faults: list[ServedFault]) -> list[str]:
    return [f"{f.kind} at {f.at:.1f}s on {f.path}" for f in faults]


if __name__ == "__main__":
    main()
