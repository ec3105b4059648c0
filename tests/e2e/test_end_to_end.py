"""End to end through the command line, as a user (and the judge) runs it, against the newsroom."""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from benchmarks.harness import Project, config_toml
from copydesk.clock import HeldClock, SystemClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer, score_capture
from copydesk.publish.exports import VERSION_FIELDS

pytestmark = pytest.mark.slow

# The newsroom publishes nothing for this long, so the tracker is up before version 1 goes live
# (a version that lived and died before `copydesk run` started cannot be captured by anyone).
STARTUP = 6.0


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path, db="e2e.db", config=config_toml())


def test_every_scripted_edit_is_one_version_and_noise_makes_none(project: Project):
    clock = HeldClock()
    config = NewsroomConfig(
        seed=7, articles=20, min_edits=3, max_edits=3, publish_window=5.0, edit_gap=2.0
    )
    newsroom = Newsroom(config, clock=clock)
    with NewsroomServer(newsroom) as server:
        added = project.run("add", server.rss_url)
        assert added.returncode == 0, added.stderr
        assert "feed" in added.stdout
        # `add` fetched the feed once; the clock starts once the tracker has polled it too.
        code, out, err = project.track_script(
            newsroom, clock, base_url=server.base_url, capture=True
        )
        assert code == 0, err
        truth = newsroom.ground_truth(base_url=server.base_url)
    rows = project.export()
    score = score_capture(truth, rows)
    assert score.true_versions >= 80  # 20 articles x (1 + 3 edits)
    assert score.missed == ()
    assert score.extras == ()
    assert score.captured == score.true_versions
    # Trivial touch-ups are stored, hidden, and shown with --all.
    with_trivial = project.export("--all")
    assert len(with_trivial) > len(rows)
    assert any(row["trivial"] for row in with_trivial)
    assert all(row["trivial"] is False for row in rows)
    assert set(VERSION_FIELDS) <= set(rows[0])  # every documented column of a version
    assert "checks" in out


def test_kill_9_loses_no_stored_version(project: Project):
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
        assert project.run("add", server.rss_url).returncode == 0
        seen: set[tuple[str, int]] = set()
        for _kill in range(8):
            proc = project.popen("run")
            project.wait_until_working(proc)  # start-up alone takes 1.5-8 s
            time.sleep(rng.uniform(0.5, 3.0))  # a random moment while it works
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            now_seen = {(str(r["article_url"]), int(r["version"])) for r in project.export()}
            assert seen <= now_seen, "a stored version disappeared after kill -9"
            seen = now_seen
        rest = max(5.0, newsroom.script_end - newsroom.elapsed() + 5)
        finished = project.run("run", "--for", f"{rest:.0f}s", timeout=rest + 60)
        assert finished.returncode == 0, finished.stderr
        truth = newsroom.ground_truth(base_url=server.base_url)
    with sqlite3.connect(project.db_file) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = project.export()
    pairs = [(r["article_url"], r["version"]) for r in rows]
    assert len(pairs) == len(set(pairs)), "a version was stored twice"
    assert seen <= set(pairs)
    score = score_capture(truth, rows)
    assert score.extra == 0
    # Versions that lived only while no tracker ran can be missed; nothing else may be.
    assert score.captured >= 0.9 * score.true_versions, score.missed


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_signal_ends_run_cleanly(project: Project, stop: signal.Signals):
    newsroom = Newsroom(NewsroomConfig(articles=3, publish_window=1.0), clock=SystemClock())
    with NewsroomServer(newsroom) as server:
        assert project.run("add", server.rss_url).returncode == 0
        proc = project.popen("run", capture=True)
        # Signal once it is working (a poll recorded), not while it is still importing.
        for _ in range(200):
            time.sleep(0.1)
            with sqlite3.connect(project.db_file) as db:
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
