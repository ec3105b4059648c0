"""SIGKILL while WARC records are written: every record whose write returned stays readable, a
torn last record is cut at the next start, and no stored version lacks its WARC record."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from benchmarks.harness import WARC_CONFIG
from copydesk.archive import recover_open_files
from tests.support.evidence import copydesk, env, exported

pytestmark = pytest.mark.slow

# Writes `whole` complete captures, then starts one more and stops in the middle of it: half of
# one write of that record reaches the file (flushed to the OS, so SIGKILL keeps it), "torn" is
# printed and the process waits to be killed. The kill lands mid-record every time, by design.
WRITER = textwrap.dedent(
    """
    import os, sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from copydesk.archive import CaptureRecord, WarcArchive
    from copydesk.archive import writer as writer_module
    from copydesk.records import Page

    class Tearing:
        \"\"\"The WARC file; once armed, half of the next write and a wait for the kill.\"\"\"

        armed = False  # for every file, so a rotation before the torn record changes nothing

        def __init__(self, raw):
            self.raw = raw

        def write(self, data):
            if Tearing.armed and len(data) > 1:
                self.raw.write(bytes(data[: len(data) // 2]))
                self.raw.flush()
                print("torn", flush=True)
                time.sleep(3600)
            return self.raw.write(data)

        def __getattr__(self, name):
            return getattr(self.raw, name)

    def opening(path, mode="r", *args, **kwargs):
        stream = open(path, mode, *args, **kwargs)
        if mode != "xb":  # recovery of the last writer's torn file reads and cuts it as usual
            return stream
        return Tearing(stream)

    writer_module.open = opening
    archive = WarcArchive(Path(sys.argv[1]), max_bytes=int(sys.argv[2]))
    whole = int(sys.argv[3])
    body = b"<html><body>" + os.urandom(200_000) + b"</body></html>"  # incompressible
    for n in range(1, whole + 2):
        Tearing.armed = n == whole + 1
        page = Page(url="http://example.org/a", final_url="http://example.org/a", status=200,
                    fetched_at=datetime.now(UTC), body=body + str(n).encode(),
                    content_type="text/html", request_headers=(("User-Agent", "t"),))
        ref = archive.write_capture(CaptureRecord(
            page=page, captured_at=datetime.now(UTC), check_id=f"urn:uuid:{n}",
            article_url="http://example.org/a", source="example", outcome="new-version"))
        print(ref.file, ref.record_id, flush=True)
    """
)


def pair(line: str) -> tuple[str, str]:
    name, record_id = line.split()
    return name, record_id


def record_ids(path: Path) -> list[str]:
    """Every record id warcio reads from the file, reading every byte (raises if damaged)."""
    ids = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            body = record.content_stream()
            while body.read(1 << 16):
                pass
            assert record.digest_checker.passed is not False
            ids.append(record.rec_headers.get_header("WARC-Record-ID"))
    return ids


def test_sigkill_mid_record_leaves_every_written_record_readable(tmp_path):
    folder = tmp_path / "warc"
    rng = random.Random(14)
    written: list[tuple[str, str]] = []
    for _ in range(4):
        whole = rng.randint(1, 4)  # complete captures before the torn one (the file rotates)
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), "500000", str(whole)],
            stdout=subprocess.PIPE,
            text=True,
            env=env(),
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "torn":  # half a record is in the file: kill it now
                break
            written.append(pair(line))
        else:
            raise AssertionError(f"the writer ended before tearing a record: {proc.wait()}")
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert len(written) >= whole
    torn = {path.name.removesuffix(".open"): path.stat().st_size for path in folder.glob("*.open")}
    assert torn, "the killed writers left their files open"
    recovered = recover_open_files(folder)
    assert sorted(recovered) == sorted(torn)
    cut = [name for name in recovered if (folder / name).stat().st_size < torn[name]]
    assert sorted(cut) == sorted(torn), "the writer was killed with half a record in its file"
    assert not list(folder.glob("*.open"))
    found: dict[str, set[str]] = {}
    for path in folder.glob("*.warc.gz"):
        found[path.name] = set(record_ids(path))  # every record reads cleanly, to the end
    for name, record_id in written:
        assert record_id in found[name], f"{record_id} was written (fsynced) but is gone"


def test_killed_tracker_loses_no_warc_record_of_a_stored_version(tmp_path):
    from copydesk.clock import SystemClock
    from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer

    (tmp_path / "copydesk.toml").write_text(WARC_CONFIG, encoding="utf-8")
    config = NewsroomConfig(
        seed=5, articles=5, min_edits=2, max_edits=2, publish_window=3.0, edit_gap=4.0
    )
    newsroom = Newsroom(config, clock=SystemClock())
    rng = random.Random(3)
    with NewsroomServer(newsroom) as server:
        assert copydesk(tmp_path, "live.db", "add", server.rss_url).returncode == 0
        for _ in range(4):
            proc = subprocess.Popen(
                [sys.executable, "-m", "copydesk", "--db", str(tmp_path / "live.db"), "run"],
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env(),
            )
            time.sleep(rng.uniform(2.0, 4.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            # Before any recovery: what is on disk reads up to a possibly torn last record.
            for path in (tmp_path / "warc").glob("*.warc.gz*"):
                with open(path, "rb") as stream:
                    try:
                        for record in ArchiveIterator(stream):
                            record.content_stream().read()
                    except Exception:  # a torn tail; cut at the next start
                        assert path.name.endswith(".open")
        rest = max(3.0, newsroom.script_end - newsroom.elapsed() + 3)
        finished = copydesk(tmp_path, "live.db", "run", "--for", f"{rest:.0f}s", timeout=rest + 90)
        assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(tmp_path / "live.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = exported(tmp_path, "live.db")
    assert rows
    on_disk = {
        record_id
        for path in (tmp_path / "warc").glob("*.warc.gz")
        for record_id in record_ids(path)
    }
    assert not list((tmp_path / "warc").glob("*.open"))
    missing = [r for r in rows if r["origin_record"] not in on_disk]
    assert missing == [], "a stored version's WARC record is missing"
    verified = copydesk(tmp_path, "live.db", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
