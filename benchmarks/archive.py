"""Round trip of the evidence record, and the memory an import takes.

    python benchmarks/archive.py [--articles 20] [--edits 3] [--big-mb 400]

1. A simulated newsroom is tracked by `copydesk run` with `[archive] warc_dir` on.
2. Its WARC files are imported into a fresh database with `copydesk import`, and the same is done
   with the original database's `copydesk export --format warc`.
3. The three `export --format jsonl --all` outputs are compared on what a version is: article,
   number, capture time (to the microsecond), title, byline, date, paragraphs, trivial, change.
4. Constant memory: peak RSS of `copydesk import` on a small crawl and on the same crawl with
   `--big-mb` of incompressible non-HTML records added (a crawl full of video).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from benchmarks.harness import VERSION_KEYS, Project, clean_env, pick


def cli(workdir: Path, db: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = Project(workdir, db=db).run(*args)
    if result.returncode != 0:
        raise SystemExit(f"copydesk {' '.join(args)} failed: {result.stderr}")
    return result


def versions(workdir: Path, db: str) -> list[dict[str, object]]:
    return pick(Project(workdir, db=db).export("--all"), VERSION_KEYS)


def track(workdir: Path, articles: int, edits: int) -> float:
    """Seconds `copydesk run` took to follow the newsroom's script, WARC capture on."""
    run = harness.track_archived(
        workdir, seed=14, articles=articles, edits=edits, window=8.0, gap=3.0
    )
    return run.seconds


def timed_import(workdir: Path, db: str, *files: str) -> tuple[float, str, int]:
    """Seconds, summary line, and peak RSS (kB) of one `copydesk import` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    out = cli(workdir, db, "import", *files).stdout
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, " ".join(out.split()), max(peak, before)


def crawl(path: Path, pages: int, big_mb: int) -> None:
    """A crawl: `pages` HTML captures of 20 articles, plus `big_mb` MB of 4 MB binary records."""
    lede = "The council voted on Tuesday night to approve the plan after a long debate. " * 3
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        for n in range(pages):
            url = f"https://news.example.org/2024/story-{n % 20}"
            body = (
                f"<html><head><title>Story {n % 20} update {n // 40}</title></head><body>"
                f"<article><h1>Story {n % 20} update {n // 40}</h1><p>{lede}</p>"
                f"<p>{lede} Paragraph {n // 40}.</p></article></body></html>"
            ).encode()
            harness.write_response(writer, url, moment + timedelta(minutes=n), body, "text/html")
        for n in range(big_mb // 4):
            harness.write_response(
                writer,
                f"https://news.example.org/video-{n}.mp4",
                moment + timedelta(hours=n),
                os.urandom(4 * 1024 * 1024),
                "video/mp4",
            )


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--big-mb", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        seconds = track(workdir, args.articles, args.edits)
        original = versions(workdir, "live.db")
        files = sorted((workdir / "warc").glob("*.warc.gz"))
        size = sum(f.stat().st_size for f in files)
        hidden = sum(1 for v in original if v["trivial"])
        print(f"tracked {args.articles} articles for {seconds:.0f} s with WARC on")
        print(f"  versions stored     {len(original)} ({hidden} hidden as trivial)")
        print(f"  WARC files          {len(files)}, {size / 1e6:.2f} MB")
        took, summary, _ = timed_import(workdir, "fresh.db", *map(str, files))
        again_took, again, _ = timed_import(workdir, "fresh.db", *map(str, files))
        fresh = versions(workdir, "fresh.db")
        print(f"import of the tracker's WARC into a fresh database: {took:.1f} s")
        print(f"  {summary}")
        print(f"  same versions (texts and capture times): {fresh == original}")
        print(f"second import: {again_took:.1f} s")
        print(f"  {again}")
        cli(workdir, "live.db", "export", "--format", "warc", "--out", "export.warc.gz")
        took, summary, _ = timed_import(workdir, "from-export.db", "export.warc.gz")
        exported = versions(workdir, "from-export.db")
        print(f"import of `export --format warc` into a fresh database: {took:.1f} s")
        print(f"  same versions (texts and capture times): {exported == original}")
        small, big = workdir / "small.warc.gz", workdir / "big.warc.gz"
        crawl(small, 400, 0)
        crawl(big, 400, args.big_mb)
        for path in (small, big):
            took, summary, peak = run_alone(workdir, path)
            print(
                f"import of {path.stat().st_size / 1e6:.1f} MB crawl: {took:.1f} s, "
                f"peak RSS {peak / 1024:.0f} MB"
            )
            print(f"  {summary}")


def run_alone(workdir: Path, path: Path) -> tuple[float, str, int]:
    """Import in a child of its own, so its peak RSS is measured alone."""
    code = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:], check=True, capture_output=True, text=True);"
        "print(' '.join(r.stdout.split()));"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    started = time.monotonic()
    db = workdir / f"{path.stem}.db"
    args = [sys.executable, "-m", "copydesk", "--db", str(db), "import", str(path)]
    summary, peak = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        check=True,
    ).stdout.splitlines()
    return time.monotonic() - started, summary, int(peak)


if __name__ == "__main__":
    main()
