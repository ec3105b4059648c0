"""pywb, the archivists' replay server, reads what copydesk exports, and serves what it imports.

pywb runs as a subprocess from its own venv (see .ci/run): its CDX API and `id_` replay are the
protocol the Wayback Machine speaks, so `import --wayback` is tested against it, never the
internet.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.evidence import PywbServer, copydesk, exported, write_crawl
from tests.support.pages import URL, A, B, C

pytestmark = pytest.mark.slow

OTHER = "https://news.example.org/politics/2024/05/02/other-story"
MOMENTS = {
    "20240501090000": A,
    "20240501110000": B,
    "20240501130000": B,  # the same bytes again: no version
    "20240501150000": C,
}


def config(workdir: Path, cdx: str) -> None:
    (workdir / "copydesk.toml").write_text(
        '[fetch]\nallow_hosts = ["127.0.0.1"]\nper_host_delay = "10ms"\n'
        f'[archive]\nwayback_cdx = "{cdx}"\n',
        encoding="utf-8",
    )


def test_pywb_replays_a_version_copydesk_exported(pywb, tmp_path):
    crawl = write_crawl(
        tmp_path / "crawl.warc.gz",
        [(URL, "20240501090000", A), (URL, "20240501110000", B)],
    )
    assert copydesk(tmp_path, "db.db", "import", str(crawl)).returncode == 0
    archive = tmp_path / "replay"
    archive.mkdir()
    out = archive / "copydesk-export.warc.gz"
    done = copydesk(tmp_path, "db.db", "export", "--format", "warc", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with PywbServer(pywb, archive, [out]) as server:
        index = (archive / "index.cdxj").read_text(encoding="utf-8")
        assert index.count("org,example,news)/politics/2024/05/01/council-vote ") == 2
        listed = httpx.get(server.base + "cdx", params={"url": URL, "output": "json"}).text
        assert '"20240501090000"' in listed
        assert '"20240501110000"' in listed
        # Version 1's raw capture, byte for byte, through pywb's replay.
        raw = httpx.get(server.base + f"20240501090000id_/{URL}", follow_redirects=True)
        assert raw.status_code == 200
        assert raw.content == A
        assert raw.headers["memento-datetime"] == "Wed, 01 May 2024 09:00:00 GMT"
        # And as a reader sees it in the replay frame's content.
        shown = httpx.get(server.base + f"20240501110000mp_/{URL}", follow_redirects=True)
        assert shown.status_code == 200
        assert "Council approves £2bn transport plan" in shown.text


def test_wayback_import_from_local_pywb_backfills_versions(pywb, tmp_path):
    archive = tmp_path / "wayback"
    archive.mkdir()
    captures = [(URL, stamp, body) for stamp, body in MOMENTS.items()]
    captures.append((OTHER, "20240502090000", A))
    crawl = write_crawl(archive / "ia.warc.gz", captures)
    with PywbServer(pywb, archive, [crawl]) as server:
        config(tmp_path, server.base + "cdx")
        done = copydesk(tmp_path, "wb.db", "import", "--wayback", URL)
        assert done.returncode == 0, done.stderr
        rows = exported(tmp_path, "wb.db")
        assert [(r["version"], r["captured_at"]) for r in rows] == [
            (1, "2024-05-01T09:00:00Z"),
            (2, "2024-05-01T11:00:00Z"),
            (3, "2024-05-01T15:00:00Z"),
        ]
        assert {r["article_url"] for r in rows} == {URL}
        assert {r["origin"] for r in rows} == {"wayback"}
        assert rows[0]["memento_url"] == server.base + f"20240501090000/{URL}"
        assert rows[0]["origin_record"] == server.base + f"20240501090000id_/{URL}"
        assert rows[1]["title"] == "Council approves £2bn transport plan"
        # The capture at 13:00 had the same digest as 11:00: counted, not fetched, no version.
        assert "1 unchanged" in " ".join(done.stdout.split())
        again = copydesk(tmp_path, "wb.db", "import", "--wayback", URL)
        assert again.returncode == 0, again.stderr
        assert exported(tmp_path, "wb.db") == rows
        # A prefix and a time window: the other story, and only what lies inside the window.
        windowed = copydesk(
            tmp_path,
            "window.db",
            "import",
            "--wayback",
            "https://news.example.org/politics/",
            "--prefix",
            "--from",
            "2024-05-01T10:00:00Z",
            "--to",
            "20240502235959",
        )
        assert windowed.returncode == 0, windowed.stderr
        got = {(r["article_url"], r["captured_at"]) for r in exported(tmp_path, "window.db")}
        assert got == {
            (URL, "2024-05-01T11:00:00Z"),
            (URL, "2024-05-01T15:00:00Z"),
            (OTHER, "2024-05-02T09:00:00Z"),
        }


def test_wayback_import_refuses_a_private_cdx_server_not_allowed(tmp_path):
    """The CDX server is fetched like any page: the SSRF guard applies (no allow_hosts here)."""
    (tmp_path / "copydesk.toml").write_text(
        '[archive]\nwayback_cdx = "http://127.0.0.1:9/test/cdx"\n', encoding="utf-8"
    )
    done = copydesk(tmp_path, "x.db", "import", "--wayback", URL)
    assert done.returncode == 1
    assert "blocked" in done.stderr.lower() or "private" in done.stderr.lower()
