#!/usr/bin/env python3
"""How long `copydesk` takes before it does anything, and `extract --jsonl` as a whole process.

Every figure is a whole process, as a user runs it (the console script of the running
interpreter's environment), timed by wall clock; commands take turns so load from other
programs on the machine hits them alike, and the median of `--runs` is printed.

1. `copydesk --help`, `copydesk sources`, `copydesk history URL`, `copydesk stats` on a small
   database the demo fills (and `python -c pass`, the interpreter's own floor).
2. `copydesk extract --jsonl` over the 181 pages of the article-extraction-benchmark against a
   plain trafilatura loop (`trafilatura.extract` on each line, one JSON line out), both reading
   the same JSONL file from standard input.
3. With `--importtime`: the slowest imports of `copydesk --help` (`python -X importtime`).

    python benchmarks/startup.py [--runs 10] [--extract-runs 3] [--importtime]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TRAFILATURA_LOOP = """
import json, sys
import trafilatura
for line in sys.stdin:
    item = json.loads(line)
    text = trafilatura.extract(item["html"], url=item["url"]) or ""
    sys.stdout.write(json.dumps({"url": item["url"], "text": text}, ensure_ascii=False) + "\\n")
"""


def copydesk() -> str:
    found = BIN / "copydesk"
    return str(found) if found.exists() else shutil.which("copydesk") or "copydesk"


def timed(cmd: list[str], *, stdin: Path | None = None, cwd: Path) -> float:
    """Wall seconds of one whole process; a failure stops the benchmark."""
    with open(stdin or os.devnull, "rb") as feed:
        start = time.perf_counter()
        done = subprocess.run(
            cmd, stdin=feed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd
        )
        spent = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode()[-2000:]}")
    return spent


def medians(commands: dict[str, list[str]], runs: int, *, cwd: Path, stdin: Path | None = None):
    spent: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for run in range(runs):
        for name in names if run % 2 == 0 else names[::-1]:
            spent[name].append(timed(commands[name], stdin=stdin, cwd=cwd))
    return {name: statistics.median(values) for name, values in spent.items()}


def demo_database(work: Path) -> tuple[str, str]:
    """A small database the demo fills: (its path, one tracked article URL)."""
    db = work / "bench.db"
    cmd = [copydesk(), "--db", str(db), "demo", "--for", "20s", "--articles", "4"]
    cmd += ["--port", "0", "--no-keep-serving"]
    subprocess.run(cmd, check=True, cwd=work, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    with sqlite3.connect(db) as conn:
        (url,) = conn.execute("SELECT url FROM articles ORDER BY id LIMIT 1").fetchone()
    return str(db), url


def corpus_jsonl(work: Path) -> Path | None:
    env = os.environ.get("COPYDESK_CORPUS")
    root = Path(env) if env else REPO.parent / "shared" / "corpus"
    corpus = root / "article-extraction-benchmark"
    if not (corpus / "ground-truth.json").is_file():
        return None
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    out = work / "pages.jsonl"
    with out.open("w", encoding="utf-8") as stream:
        for page_id in sorted(truth):
            raw = gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes())
            html = raw.decode("utf-8", "replace")
            stream.write(json.dumps({"url": truth[page_id]["url"], "html": html}) + "\n")
    return out


def import_times(top: int, cwd: Path) -> None:
    """Total import time of `copydesk --help` and its slowest packages (cumulative)."""
    cmd = [sys.executable, "-X", "importtime", "-c", "from copydesk.cli import main; main()"]
    done = subprocess.run(
        [*cmd, "--help"], capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL
    )
    total, packages = 0, {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        _, cumulative, name = line.split(":", 1)[1].split("|")
        if not cumulative.strip().isdigit():
            continue
        us, module = int(cumulative), name.strip()
        if not name.startswith("   "):  # one space after the bar, two more per nesting level
            total += us
        if "." not in module and module != "copydesk":
            packages[module] = max(us, packages.get(module, 0))
    print(f"\npython -X importtime, `copydesk --help`: {total / 1e6:.2f} s of imports; slowest:")
    for name, us in sorted(packages.items(), key=lambda item: -item[1])[:top]:
        print(f"  {us / 1e6:6.3f} s  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per command (median shown)")
    parser.add_argument("--extract-runs", type=int, default=3, help="0 skips the extract race")
    parser.add_argument("--importtime", action="store_true", help="list the slowest imports")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="copydesk-startup-") as tmp:
        work = Path(tmp)
        db, url = demo_database(work)
        cd = copydesk()
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "copydesk --help": [cd, "--help"],
            "copydesk sources": [cd, "--db", db, "sources"],
            "copydesk history URL": [cd, "--db", db, "history", url],
            "copydesk stats": [cd, "--db", db, "stats"],
        }
        print(f"startup: median wall seconds of {args.runs} runs, whole processes")
        for name, seconds in medians(commands, args.runs, cwd=work).items():
            print(f"  {name:<24} {seconds:6.3f} s")
        pages = corpus_jsonl(work) if args.extract_runs else None
        if args.extract_runs and pages is None:
            print("\nextract: corpus not found (set COPYDESK_CORPUS); skipped")
        elif pages is not None:
            count = sum(1 for _ in pages.open(encoding="utf-8"))
            race = {
                "copydesk extract --jsonl": [cd, "extract", "--jsonl"],
                "plain trafilatura loop": [sys.executable, "-c", TRAFILATURA_LOOP],
            }
            result = medians(race, args.extract_runs, cwd=work, stdin=pages)
            print(f"\nextract: {count} pages, median wall seconds of {args.extract_runs} runs")
            for name, seconds in result.items():
                print(f"  {name:<26} {seconds:6.2f} s  {count / seconds:6.1f} pages/s")
            ratio = result["plain trafilatura loop"] / result["copydesk extract --jsonl"]
            print(f"  copydesk speed relative to trafilatura: {ratio:.2f}x")
        if args.importtime:
            import_times(12, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
