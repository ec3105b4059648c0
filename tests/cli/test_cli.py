"""The command line as a user meets it: commands work, mistakes are one line, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk.clock import HeldClock, SystemClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer

CONFIG = """
[fetch]
allow_hosts = ["127.0.0.1"]
per_host_delay = "0s"
[schedule]
after_change = "1s"
max_interval = "2s"
"""


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(tmp_path / "cli.db"), *args],
        cwd=tmp_path,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
        | {"COLUMNS": "200"},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["remove", "nowhere"], "nowhere"),
        (["history", "https://news.example/unknown"], "not tracked"),
        (["add", "mailto:someone@example.org"], "http"),
        (["extract", "/no/such/file.html"], "no such file"),
        (["export", "--format", "xml"], "format"),
        (["--config", "missing.toml", "sources"], "not found"),
    ],
)
def test_user_mistakes_are_one_line_errors(tmp_path, args, message):
    result = run(tmp_path, *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert message in result.stderr.lower()
    assert len(result.stderr.strip().splitlines()) <= 3


def test_private_address_is_refused_without_allow_hosts(tmp_path):
    newsroom = Newsroom(NewsroomConfig(articles=2, publish_window=0.5), clock=SystemClock())
    with NewsroomServer(newsroom) as server:
        result = run(tmp_path, "add", server.rss_url)
        hits = sum(newsroom.request_counts.values())
    assert result.returncode == 1
    assert "allow_hosts" in result.stderr
    assert hits == 0


@pytest.mark.slow  # `copydesk run` in a subprocess while the newsroom's script plays out
def test_track_inspect_and_extract_through_the_cli(tmp_path):
    (tmp_path / "copydesk.toml").write_text(CONFIG, encoding="utf-8")
    config = NewsroomConfig(articles=2, min_edits=3, max_edits=3, publish_window=0.5, edit_gap=2.0)
    clock = HeldClock()
    newsroom = Newsroom(config, clock=clock)
    with NewsroomServer(newsroom) as server:
        added = run(tmp_path, "add", server.atom_url, "--source", "herald")
        assert added.returncode == 0, added.stderr
        tracker = subprocess.Popen(
            [sys.executable, "-m", "copydesk", "--db", str(tmp_path / "cli.db"), "run"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while newsroom.request_counts.get("/atom.xml", 0) < 2:  # the tracker is up
            assert time.monotonic() < deadline
            time.sleep(0.05)
        clock.start()
        time.sleep(newsroom.script_end + 3)
        tracker.send_signal(signal.SIGTERM)
        _, err = tracker.communicate(timeout=30)
        assert tracker.returncode == 0, err
        truth = newsroom.ground_truth(base_url=server.base_url)
        page = server.base_url + truth[0].article_url.split(server.base_url, 1)[1]
        import httpx

        html = httpx.get(page).text
    listed = run(tmp_path, "sources")
    assert "herald" in listed.stdout
    url = truth[0].article_url
    history = run(tmp_path, "history", url)
    assert history.returncode == 0, history.stderr
    visible = [v for v in truth if v.article_url == url and not v.trivial]
    assert len(visible) == 4  # published + 3 edits
    assert history.stdout.count("substantive") + history.stdout.count("minor") == 3
    exported = run(tmp_path, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [r["title"] for r in rows if r["article_url"] == url] == [v.title for v in visible]
    diff = run(tmp_path, "diff", url, "1", "4")
    assert diff.returncode == 0, diff.stderr
    assert "v1 → v4" in diff.stdout
    assert any(k in diff.stdout for k in ("minor", "substantive"))
    stats = run(tmp_path, "stats")
    assert "herald" in stats.stdout
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    extracted = run(tmp_path, "extract", "page.html", "--json")
    data = json.loads(extracted.stdout)
    assert data["title"]
    assert data["paragraphs"]
    assert data["text"] == "\n\n".join(data["paragraphs"])
    compared = run(tmp_path, "compare", "page.html", "page.html", "--json")
    assert json.loads(compared.stdout)["changed"] is False
