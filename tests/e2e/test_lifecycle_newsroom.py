"""The newsroom deletes, restores and moves articles under `copydesk run`; the record shows it
on the page (in a real browser), in the feeds, the JSON API, `history` and `export`, and the
loopback receiver is told."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk.clock import HeldClock
from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer
from copydesk.publish import create_app, serve_in_thread
from copydesk.settings import Settings
from copydesk.store import Store
from tests.support.receiver import Receiver
from tests.support.web import ARGS, CHROMIUM

pytestmark = pytest.mark.slow


def config(receiver: Receiver) -> str:
    return f"""
[fetch]
allow_hosts = ["127.0.0.1"]
per_host_concurrency = 4
per_host_delay = "10ms"
[schedule]
feed_interval = "1s"
after_change = "500ms"
max_interval = "1s"
error_backoff = "500ms"
max_error_backoff = "1s"
retire_after = "1h"
[delivery]
retry = "300ms"
max_retry = "1s"

[[notify]]
urls = ["{receiver.url}"]
kinds = ["gone", "restored", "moved"]
"""


def cli(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(workdir / "l.db"), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
    )


def wait_for(predicate, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def events_of(db: Path) -> list[tuple[int, str]]:
    with Store.open(f"sqlite:///{db}", migrate=False) as store:
        return [
            (e.event.article_id, e.event.kind.value)
            for e in reversed(store.recent_events(limit=100))
        ]


def test_delete_restore_move_through_the_tracker(tmp_path):
    receiver = Receiver().start()
    (tmp_path / "copydesk.toml").write_text(config(receiver), encoding="utf-8")
    db = tmp_path / "l.db"
    clock = HeldClock()
    newsroom = Newsroom(
        NewsroomConfig(seed=11, articles=3, min_edits=0, max_edits=0, publish_window=0.5),
        clock=clock,
    )
    with NewsroomServer(newsroom) as server:
        assert cli(tmp_path, "add", server.rss_url).returncode == 0
        tracker = subprocess.Popen(
            [sys.executable, "-m", "copydesk", "--db", str(db), "run"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
        )
        clock.start()
        wait_for(lambda: len(cli(tmp_path, "export", "--format", "jsonl").stdout.splitlines()) >= 3)
        gone_path = newsroom.delete(0, status=410)
        moved_from = server.base_url + newsroom.path_of(newsroom.articles[1])
        moved_path = newsroom.move(1, "a-new-address")
        wait_for(lambda: {k for _, k in events_of(db)} >= {"gone", "moved"})
        newsroom.restore(0)
        wait_for(lambda: "restored" in {k for _, k in events_of(db)})
        wait_for(lambda: len(receiver.received()) >= 3)
        tracker.send_signal(signal.SIGTERM)
        _, err = tracker.communicate(timeout=30)
        assert tracker.returncode == 0, err
    receiver.stop()

    found = events_of(db)
    kinds = [k for _, k in found]
    assert kinds.count("gone") == 1
    assert kinds.count("restored") == 1
    assert kinds.count("moved") == 1
    gone_id = next(a for a, k in found if k == "gone")
    moved_id = next(a for a, k in found if k == "moved")
    new_url = server.base_url + moved_path
    # one history for the moved article, whichever address discovery saw first
    rows = [
        json.loads(line)
        for line in cli(tmp_path, "export", "--format", "jsonl").stdout.splitlines()
    ]
    versions = [r for r in rows if r["record"] == "version"]
    assert sorted(r["article_url"] for r in versions).count(new_url) == 1
    assert all(r["article_url"] != moved_from for r in versions)
    exported = {(r["event"], r["url"]) for r in rows if r["record"] == "event"}
    assert ("moved", moved_from) in exported
    assert ("gone", server.base_url + gone_path) in exported
    assert ("restored", server.base_url + gone_path) in exported
    # history lists events among versions
    history = cli(tmp_path, "history", moved_from).stdout
    assert "moved" in history
    assert "Earlier addresses:" in history
    assert moved_from in history.replace("\n", "")
    # notifications
    told = {m["message"].splitlines()[0].split(" in ")[0] for m in receiver.received()}
    assert told == {"Article moved", "Article removed", "Article restored"}
    assert len(receiver.received()) == 3

    settings = Settings(db=f"sqlite:///{db}")
    with Store.open(settings.db) as store:
        url, stop = serve_in_thread(create_app(settings, store=store), "127.0.0.1", 0)
        try:
            import httpx

            api = httpx.get(f"{url}/api/articles/{moved_id}").json()
            assert api["article"]["urls"] == [new_url, moved_from]
            assert [e["kind"] for e in api["events"]] == ["moved"]
            feed = httpx.get(f"{url}/changes.atom").text
            assert "This article was removed from its original address" in feed
            assert "This article moved from" in feed
            assert len(httpx.get(f"{url}/api/changes?kind=events").json()["events"]) == 3
            if CHROMIUM.exists():
                browse(url, gone_id, moved_id, moved_from, tmp_path)
        finally:
            stop()


def browse(url: str, gone_id: int, moved_id: int, moved_from: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(f"{url}/articles/{gone_id}")
        rows = page.locator("table.versions tr.event")
        assert rows.count() == 2
        assert "removed from its original address" in rows.nth(0).inner_text()
        assert "back at its original address" in rows.nth(1).inner_text()
        page.click("text=removals, returns and moves")
        assert page.locator("table.versions tr[id^=v]").count() == 0
        page.goto(f"{url}/articles/{moved_id}")
        assert moved_from in page.inner_text("p.old-urls")
        page.goto(f"{url}/?kind=events")
        assert page.locator("table.events tr.event").count() == 3
        page.screenshot(path=str(tmp_path / "events.png"), full_page=True)
        browser.close()
