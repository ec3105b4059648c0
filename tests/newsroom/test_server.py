"""The server thread: loopback only, real-clock serving, clean start and stop; JSONL truth."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from copydesk.errors import ConfigError, UsageError
from copydesk.newsroom import NewsroomConfig, NewsroomServer, run_newsroom
from tests.support.pagetext import page_text


def _listening_hosts(port: int) -> set[str]:
    """Local addresses of sockets listening on `port`, from /proc/net/tcp{,6} (Linux)."""
    hosts = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                hosts.add(address)
    return hosts


def test_server_binds_loopback_only(server):
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.rss_url == server.base_url + "/rss.xml"
    assert server.atom_url == server.base_url + "/atom.xml"
    assert server.sitemap_url == server.base_url + "/news-sitemap.xml"
    assert server.frontpage_url == server.base_url + "/"
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to inspect listening sockets")
    assert _listening_hosts(server.port) == {"0100007F"}  # 127.0.0.1, little-endian hex


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::1", "localhost", "::"])
def test_other_hosts_are_refused(newsroom, host):
    with pytest.raises(ConfigError):
        NewsroomServer(newsroom, host=host)


def test_start_stop_lifecycle(newsroom):
    server = NewsroomServer(newsroom)
    with pytest.raises(UsageError):
        _ = server.base_url
    server.start()
    try:
        with pytest.raises(UsageError):
            server.start()
        assert httpx.get(server.base_url + "/robots.txt", trust_env=False).status_code == 200
    finally:
        server.stop()
    server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.base_url + "/robots.txt", trust_env=False)


def test_busy_port_is_a_usage_error(server, newsroom):
    with pytest.raises(UsageError):
        NewsroomServer(newsroom, port=server.port).start()


def test_run_newsroom_follows_the_real_clock():
    config = NewsroomConfig(
        seed=4,
        articles=2,
        publish_window=0.2,
        edit_gap=0.25,
        min_edits=1,
        max_edits=1,
        trivial_edits=False,
    )
    server = run_newsroom(config)
    try:
        newsroom = server.newsroom
        time.sleep(max(0.0, newsroom.script_end - newsroom.elapsed()) + 0.05)
        latest = {t.article_url: t for t in newsroom.ground_truth(base_url=server.base_url)}
        assert len(latest) == 2
        with httpx.Client(trust_env=False) as http:
            for url, truth in latest.items():
                assert truth.version == 2
                served = page_text(http.get(url).text)
                assert (served.title, served.paragraphs) == (truth.title, truth.paragraphs)
    finally:
        server.stop()


def test_write_ground_truth_as_jsonl(newsroom, tmp_path):
    path = tmp_path / "truth.jsonl"
    newsroom.write_ground_truth(path, base_url="http://127.0.0.1:8000")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    truth = newsroom.ground_truth(base_url="http://127.0.0.1:8000")
    assert len(rows) == len(truth)
    assert [r["article_url"] for r in rows] == [t.article_url for t in truth]
    first = rows[0]
    assert set(first) == {
        "article_url", "version", "live_at", "title", "byline", "paragraphs", "edit", "trivial",
    }  # fmt: skip
    assert first["edit"] == "published"
    assert datetime.fromisoformat(first["live_at"]) == truth[0].live_at
    assert any(r["trivial"] for r in rows) == any(t.trivial for t in truth)
    with pytest.raises(UsageError):
        newsroom.write_ground_truth(tmp_path, base_url="http://127.0.0.1:8000")
    newsroom.write_ground_truth(path, base_url="http://127.0.0.1:8000", until=truth[0].live_at)
    assert len(path.read_text(encoding="utf-8").splitlines()) < len(rows)


def test_ground_truth_until_cuts_the_script(newsroom, clock):
    everything = newsroom.ground_truth(base_url="http://127.0.0.1:1")
    now = newsroom.ground_truth(base_url="http://127.0.0.1:1", until=clock.now())
    assert 0 < len(now) < len(everything)
    assert all(t.live_at <= clock.now() for t in now)
    assert all(t.version == 1 for t in now)
