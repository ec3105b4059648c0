"""Evidence test support: the CLI as a subprocess, a tracked newsroom with WARC on, pywb."""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.warcwriter import WARCWriter

from benchmarks.harness import (
    VERSION_KEYS,
    Project,
    clean_env,
    pick,
    track_archived,
    write_response,
)
from tests.support.paths import REPO


def env() -> dict[str, str]:
    return clean_env()


def copydesk(
    workdir: Path, db: str, *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return Project(workdir, db=db).run(*args, timeout=timeout)


def exported(workdir: Path, db: str) -> list[dict[str, object]]:
    """Every version (trivial ones too) as `export --format jsonl --all` gives it."""
    result = copydesk(workdir, db, "export", "--format", "jsonl", "--all", "--out", "-")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return [row for row in rows if row.get("record", "version") == "version"]


def versions_of(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The versions, per article in time order (article ids differ between databases)."""
    return pick(rows, VERSION_KEYS)


@dataclass
class TrackedRun:
    workdir: Path
    db: str
    output: str


def track_newsroom(workdir: Path, *, articles: int = 6, edits: int = 2) -> TrackedRun:
    """Track a newsroom with WARC capture on until its script has played out."""
    run = track_archived(
        workdir, seed=11, articles=articles, edits=edits, window=4.0, gap=2.0, capture=True
    )
    assert run.code == 0, run.err
    return TrackedRun(workdir=workdir, db="live.db", output=run.out)


# ── pywb: the web archive's own indexer and replay server, run as subprocesses ─────────────


def pywb_bin() -> Path | None:
    """pywb's tools: COPYDESK_PYWB (a bin folder), else .venv-pywb/bin as .ci/run makes it."""
    configured = os.environ.get("COPYDESK_PYWB")
    folder = Path(configured) if configured else REPO / ".venv-pywb" / "bin"
    return folder if (folder / "wayback").is_file() else None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PywbServer:
    """A pywb collection `test` over some WARC files: CDX API at /test/cdx, replay at /test/."""

    def __init__(self, bin_dir: Path, workdir: Path, warcs: list[Path]) -> None:
        self.bin_dir = bin_dir
        self.workdir = workdir
        self.warcs = warcs
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/test/"

    def index(self) -> Path:
        """Index the files with pywb's cdx-indexer (sorted CDXJ), as an archivist would."""
        index = self.workdir / "index.cdxj"
        folder = self.warcs[0].parent
        subprocess.run(
            [str(self.bin_dir / "cdx-indexer"), "-s", "-j", "-d", str(folder)]
            + [str(w) for w in self.warcs]
            + ["-o", str(index)],
            check=True,
            cwd=self.workdir,
            capture_output=True,
            timeout=120,
        )
        return index

    def __enter__(self) -> PywbServer:
        index = self.index()
        folder = self.warcs[0].parent
        (self.workdir / "config.yaml").write_text(
            f"collections:\n  test:\n    index_paths: {index}\n    archive_paths: {folder}/\n",
            encoding="utf-8",
        )
        self.proc = subprocess.Popen(
            [str(self.bin_dir / "wayback"), "-p", str(self.port), "-b", "127.0.0.1"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import httpx

        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, "pywb exited at start-up"
            try:
                if httpx.get(self.base + "cdx?url=example.com", timeout=2).status_code < 500:
                    return self
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "pywb did not start in 60 s"
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def write_crawl(path: Path, captures: list[tuple[str, str, bytes]]) -> Path:
    """A crawler's WARC (written here with warcio, as any crawler would)."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        for url, stamp, body in captures:
            moment = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            write_response(writer, url, moment, body, "text/html; charset=utf-8")
    return path
