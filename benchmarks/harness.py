"""Run `copydesk` as a user does, as a subprocess, configure it and measure it.

One harness for the benchmarks and the tests that drive the real command line (the tests import
it as `benchmarks.harness`), so a change in how copydesk is started or read back is made once.
It also answers where the shared corpus is, for every benchmark and test that reads it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warcio.statusandheaders import StatusAndHeaders

from copydesk.clock import HeldClock, SystemClock
from copydesk.publish.exports import VERSION_FIELDS
from copydesk.records import Endpoint, EndpointKind, Source

if TYPE_CHECKING:  # the store and the newsroom load only where a run needs them
    from copydesk.newsroom import Newsroom

REPO = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")

# What a fast local tracker runs with: the newsroom on loopback, checks every second or sooner.
TRACKER_FETCH: Mapping[str, object] = {
    "allow_hosts": ["127.0.0.1"],
    "per_host_concurrency": 4,
    "per_host_delay": "10ms",
}
TRACKER_SCHEDULE: Mapping[str, object] = {
    "feed_interval": "1s",
    "after_change": "500ms",
    "max_interval": "1s",
    "retire_after": "1h",
}

# What a version is, for comparing two databases (a WARC round trip, an import): the exported
# columns less those derived from it or its page, and where the capture came from.
_DERIVED = ("text", "flags", "html_sha256")
_PROVENANCE = ("origin", "origin_file", "origin_record", "memento_url")
VERSION_KEYS = tuple(key for key in VERSION_FIELDS if key not in (*_DERIVED, *_PROVENANCE))


def corpus_root() -> Path:
    """The shared corpus: COPYDESK_CORPUS, else ../shared/corpus beside the project."""
    configured = os.environ.get("COPYDESK_CORPUS")
    return Path(configured) if configured else REPO.parent / "shared" / "corpus"


def find_corpus() -> Path | None:
    """The shared corpus when this machine has it, else None (tests skip on None)."""
    root = corpus_root()
    return root if root.is_dir() else None


def parser(doc: str | None, *, corpus: bool = False) -> argparse.ArgumentParser:
    """The command line every benchmark shares: --help from the docstring, --corpus ROOT."""
    text = doc or ""
    made = argparse.ArgumentParser(
        description=text.strip().splitlines()[0] if text.strip() else None,
        epilog=None,
    )
    if corpus:
        made.add_argument(
            "--corpus",
            type=Path,
            default=corpus_root(),
            metavar="ROOT",
            help="the shared corpus root (default: COPYDESK_CORPUS, else ../shared/corpus)",
        )
    return made


def config_toml(
    fetch: Mapping[str, object] | None = None,
    schedule: Mapping[str, object] | None = None,
    **tables: Mapping[str, object],
) -> str:
    """copydesk.toml for a local tracker: the fast defaults above, with what the caller changes."""
    sections = {
        "fetch": {**TRACKER_FETCH, **(fetch or {})},
        "schedule": {**TRACKER_SCHEDULE, **(schedule or {})},
        **tables,
    }
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
    return "\n".join(lines) + "\n"


WARC_CONFIG = config_toml(archive={"warc_dir": "warc"})  # WARC capture on, into ./warc


def clean_env() -> dict[str, str]:
    """This process's environment without COPYDESK_* settings, which would override the toml."""
    return {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}


def cpu_seconds(pid: int) -> float:
    """User + system time of a running process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss_kb(pid: int) -> int:
    """A running process's peak resident set (VmHWM) in KB, or 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@dataclass(frozen=True)
class Measured:
    """One `copydesk` process run to its end while its peak memory was watched."""

    code: int
    peak_kb: int
    wall: float  # seconds
    stderr: str


class Project:
    """A directory holding copydesk.toml and a database, and copydesk run on them."""

    def __init__(self, path: Path, *, db: str = "copydesk.db", config: str | None = None) -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        self.db = db if "://" in db else str(path / db)
        self.env = clean_env()
        if config is not None:
            (path / "copydesk.toml").write_text(config, encoding="utf-8")

    @property
    def db_file(self) -> Path:
        return Path(self.db)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "copydesk", "--db", self.db, *args]

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run one command to its end; the caller checks the exit code."""
        return subprocess.run(
            self.command(*args),
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def popen(self, *args: str, capture: bool = False) -> subprocess.Popen[str]:
        """Start a long-running command; its output is kept only when `capture` is set."""
        out = subprocess.PIPE if capture else subprocess.DEVNULL
        return subprocess.Popen(
            self.command(*args),
            cwd=self.path,
            env=self.env,
            stdout=out,
            stderr=out,
            text=True,
        )

    def export(self, *extra: str) -> list[dict[str, object]]:
        """`copydesk export --format jsonl` as rows; a failing export raises."""
        result = self.run("export", "--format", "jsonl", "--out", "-", *extra)
        if result.returncode != 0:
            raise RuntimeError(f"copydesk export failed: {result.stderr}")
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def register(self, *urls: str, source: str = "newsroom") -> None:
        """Store what `copydesk add URL` would, without its start-up time or its fetch."""
        from copydesk.store import Store

        now = SystemClock().now()
        with Store.open(self.db_url) as store:
            store.add_source(Source(name=source), now=now)
            for url in urls:
                kind = EndpointKind.SITEMAP if "sitemap" in url else EndpointKind.FEED
                store.add_endpoint(Endpoint(url=url, kind=kind, source=source), now=now)

    def last_work(self) -> tuple[object, object]:
        """The latest poll time and check id: they move whenever the tracker works."""
        with sqlite3.connect(self.db_file) as conn:
            row = conn.execute(
                "SELECT (SELECT max(last_polled_at) FROM endpoints), (SELECT max(id) FROM checks)"
            ).fetchone()
        return row[0], row[1]

    def wait_until_working(self, proc: subprocess.Popen[str], timeout: float = 30) -> float:
        """Seconds until `proc` records a poll or a check (or it dies, or `timeout` passes)."""
        started, before = time.monotonic(), self.last_work()
        while proc.poll() is None and time.monotonic() - started < timeout:
            if self.last_work() != before:
                break
            time.sleep(0.1)
        return time.monotonic() - started

    def run_measured(self, *args: str, timeout: float) -> Measured:
        """Run to the end while reading its peak RSS from /proc every quarter second."""
        started = time.perf_counter()
        proc = subprocess.Popen(
            self.command(*args),
            cwd=self.path,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, peak_rss_kb(proc.pid))
            time.sleep(0.25)
        _out, err = proc.communicate(timeout=timeout)
        return Measured(proc.returncode, peak, time.perf_counter() - started, err)

    def track_script(
        self,
        newsroom: Newsroom,
        clock: HeldClock,
        *,
        base_url: str,
        capture: bool = False,
        after: float = 4.0,
    ) -> tuple[int, str, str]:
        """`copydesk run` through a newsroom's whole script on a held clock; (code, out, err).

        The clock starts once the tracker has polled the feed (`copydesk add` read it once
        before), so no version goes live before the tracker is up, and an AudiencePacer holds
        it whenever the tracker falls behind (a loaded machine); SIGTERM ends the run `after`
        script seconds past the last edit.
        """
        from benchmarks.pacing import AudiencePacer

        proc = self.popen("run", capture=capture)
        wait_for_feed_reads(newsroom, proc, reads=2)
        clock.start()
        with AudiencePacer(newsroom, clock, base_url, self.db_url):
            while newsroom.elapsed() < newsroom.script_end + after and proc.poll() is None:
                time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        return proc.returncode, out or "", err or ""

    @property
    def db_url(self) -> str:
        return self.db if "://" in self.db else f"sqlite:///{self.db}"


def feed_reads(newsroom: Newsroom) -> int:
    """How many times the newsroom's feeds and sitemaps were read so far."""
    return sum(n for path, n in newsroom.request_counts.items() if path.endswith(".xml"))


def wait_for_feed_reads(
    newsroom: Newsroom, proc: subprocess.Popen[str] | None, *, reads: int, timeout: float = 60
) -> None:
    """Wait until the newsroom's feeds were read `reads` times in all: the tracker is up."""
    deadline = time.monotonic() + timeout
    while feed_reads(newsroom) < reads:
        if time.monotonic() > deadline or (proc is not None and proc.poll() is not None):
            if proc is not None:
                proc.kill()
            raise RuntimeError("the tracker never read the feed")
        time.sleep(0.05)


@dataclass(frozen=True)
class ScriptRun:
    """`copydesk run` through a newsroom's script: exit code, output, and how long it ran."""

    code: int
    out: str
    err: str
    seconds: float


def track_archived(
    workdir: Path,
    *,
    seed: int,
    articles: int,
    edits: int,
    window: float,
    gap: float,
    capture: bool = False,
) -> ScriptRun:
    """Track a newsroom (each article edited `edits` times) with WARC on, into workdir/live.db.

    `copydesk add` reads the feed, then `copydesk run` follows the whole script on a held clock
    (`seconds` times that run alone); the WARC files land in workdir/warc. The archive
    benchmark and the evidence tests start their round trips from it.
    """
    from copydesk.newsroom import Newsroom, NewsroomConfig, NewsroomServer

    project = Project(workdir, db="live.db", config=WARC_CONFIG)
    clock = HeldClock()
    config = NewsroomConfig(
        seed=seed,
        articles=articles,
        min_edits=edits,
        max_edits=edits,
        publish_window=window,
        edit_gap=gap,
    )
    newsroom = Newsroom(config, clock=clock)
    with NewsroomServer(newsroom) as server:
        added = project.run("add", server.rss_url)
        if added.returncode != 0:
            raise RuntimeError(f"copydesk add failed: {added.stderr}")
        started = time.monotonic()
        code, out, err = project.track_script(
            newsroom, clock, base_url=server.base_url, capture=capture
        )
    return ScriptRun(code, out, err, time.monotonic() - started)


def pick(rows: Sequence[dict[str, object]], keys: Sequence[str]) -> list[dict[str, object]]:
    """The versions among exported rows, cut to `keys`, per article in time order."""
    versions = [row for row in rows if row.get("record", "version") == "version"]
    picked = [{k: row[k] for k in keys} for row in versions]
    return sorted(picked, key=lambda v: (str(v["article_url"]), str(v["captured_at"])))


def write_response(writer: Any, url: str, at: datetime, body: bytes, content_type: str) -> None:
    """One HTTP response record dated `at`, as a crawler writes it (warcio's WARCWriter)."""
    http = StatusAndHeaders(
        "200 OK",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)
