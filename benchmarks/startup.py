#!/usr/bin/env python3
"""How long `copydesk` takes before it does anything, and `extract --jsonl` as a whole process.

Every figure is a whole process, as a user runs it (the console script of the running
interpreter's environment), timed by wall clock; commands take turns so load from other
programs on the machine hits them alike, and the median of `--runs` is printed.

1. `copydesk --help`, `copydesk sources`, `copydesk history URL`, `copydesk stats` on a small
   database the demo fills (and `python -c pass`, the interpreter's own floor).
2. `copydesk extract --jsonl` over the 181 pages of the article-extraction-benchmark against a
   plain trafilatura loop (`trafilatura.extract` on each line, one JSON line out), both reading
   the same JSONL file from standard input; copydesk as it runs by default (one extraction
   process per CPU) and with `--jobs 1` (one process, as the loop).
3. With `--importtime`: the slowest imports of `copydesk --help` (`python -X importtime`).

    python benchmarks/startup.py [--runs 10] [--extract-runs 3] [--importtime]
        [--baseline OTHER_VENV/bin/python]

With --baseline, the same commands of another installation (an older checkout's venv) take
turns with this one's in the same run, and the ratios are printed: the machine is shared and
noisy, so only figures from one run compare.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness

BIN = Path(sys.executable).parent
TRAFILATURA_LOOP = """
import json, sys
import trafilatura
for line in sys.stdin:
    item = json.loads(line)
    text = trafilatura.extract(item["html"], url=item["url"]) or ""
    sys.stdout.write(json.dumps({"url": item["url"], "text": text}, ensure_ascii=False) + "\\n")
"""


def copydesk(python: str | None = None) -> str:
    found = (Path(python).parent if python else BIN) / "copydesk"
    return str(found) if found.exists() else shutil.which("copydesk") or "copydesk"


def environment(work: Path) -> dict[str, str]:
    """This environment, with compiled bytecode kept (in `work`) as an installed program has.

    With PYTHONDONTWRITEBYTECODE set (as in some CI and sandbox shells) every run would compile
    copydesk's modules again, while the libraries' bytecode was written when they were
    installed: an unfair extra cost, and not what a user sees from the second run on.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(work / "pycache")}


def timed(cmd: list[str], *, stdin: Path | None = None, cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one whole process; a failure stops."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(stdin or os.devnull, "rb") as feed:
        start = time.perf_counter()
        done = subprocess.run(
            cmd,
            stdin=feed,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=environment(cwd),
        )
        spent = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return spent, cpu


def medians(commands: dict[str, list[str]], runs: int, *, cwd: Path, stdin: Path | None = None):
    """Median (wall, CPU) seconds per command; the commands take turns, in alternating order.

    Each command runs once untimed first, so its bytecode is compiled and cached.
    """
    spent: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    names = list(commands)
    for name in names:
        timed(commands[name], cwd=cwd)
    for run in range(runs):
        for name in names if run % 2 == 0 else names[::-1]:
            spent[name].append(timed(commands[name], stdin=stdin, cwd=cwd))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in spent.items()
    }


def demo_database(work: Path, python: str | None = None) -> tuple[str, str]:
    """A small database the demo fills: (its path, one tracked article URL)."""
    db = work / f"bench-{'baseline' if python else 'this'}.db"
    cmd = [copydesk(python), "--db", str(db), "demo", "--for", "20s", "--articles", "4"]
    cmd += ["--port", "0", "--no-keep-serving"]
    subprocess.run(cmd, check=True, cwd=work, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    with sqlite3.connect(db) as conn:
        (url,) = conn.execute("SELECT url FROM articles ORDER BY id LIMIT 1").fetchone()
    return str(db), url


def corpus_jsonl(root: Path, work: Path) -> Path | None:
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
        [*cmd, "--help"],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        env=environment(cwd),
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


def _commands(cd: str, db: str, url: str, label: str) -> dict[str, list[str]]:
    return {
        f"{label}copydesk --help": [cd, "--help"],
        f"{label}copydesk sources": [cd, "--db", db, "sources"],
        f"{label}copydesk history URL": [cd, "--db", db, "history", url],
        f"{label}copydesk stats": [cd, "--db", db, "stats"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser(__doc__, corpus=True)
    parser.add_argument("--runs", type=int, default=10, help="runs per command (median shown)")
    parser.add_argument("--extract-runs", type=int, default=3, help="0 skips the extract race")
    parser.add_argument("--importtime", action="store_true", help="list the slowest imports")
    parser.add_argument("--baseline", help="python of another installation to compare with")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="copydesk-startup-") as tmp:
        work = Path(tmp)
        db, url = demo_database(work)
        commands = {"python -c pass": [sys.executable, "-c", "pass"]}
        commands |= _commands(copydesk(), db, url, "")
        if args.baseline:
            old_db, old_url = demo_database(work, args.baseline)
            commands |= _commands(copydesk(args.baseline), old_db, old_url, "baseline: ")
        print(f"startup: medians of {args.runs} runs, whole processes (wall, and CPU user+sys)")
        found = medians(commands, args.runs, cwd=work)
        for name, (wall, cpu) in found.items():
            ratio = ""
            if args.baseline and not name.startswith(("baseline", "python")):
                old_wall, old_cpu = found["baseline: " + name]
                ratio = f"   baseline/this: wall {old_wall / wall:4.1f}x, CPU {old_cpu / cpu:4.1f}x"
            print(f"  {name:<34} wall {wall:6.3f} s  CPU {cpu:6.3f} s{ratio}")
        pages = corpus_jsonl(args.corpus, work) if args.extract_runs else None
        if args.extract_runs and pages is None:
            print("\nextract: corpus not found (set COPYDESK_CORPUS); skipped")
        elif pages is not None:
            extract_race(pages, args, work)
        if args.importtime:
            import_times(12, work)
    return 0


def extract_race(pages: Path, args: argparse.Namespace, work: Path) -> None:
    count = sum(1 for _ in pages.open(encoding="utf-8"))
    race = {
        "copydesk extract --jsonl": [copydesk(), "extract", "--jsonl"],
        "copydesk extract --jsonl --jobs 1": [copydesk(), "extract", "--jsonl", "--jobs", "1"],
        "plain trafilatura loop": [sys.executable, "-c", TRAFILATURA_LOOP],
    }
    if args.baseline:
        race["baseline: copydesk extract --jsonl"] = [copydesk(args.baseline), "extract", "--jsonl"]
    result = medians(race, args.extract_runs, cwd=work, stdin=pages)
    print(f"\nextract: {count} pages, medians of {args.extract_runs} runs (wall, CPU user+sys)")
    for name, (wall, cpu) in result.items():
        print(f"  {name:<36} wall {wall:6.2f} s  CPU {cpu:6.2f} s  {count / cpu:6.1f} pages/CPU s")
    loop, ours = result["plain trafilatura loop"], result["copydesk extract --jsonl"]
    alone = result["copydesk extract --jsonl --jobs 1"]
    print(
        f"  copydesk speed relative to trafilatura ({_cpus()} CPUs): "
        f"wall {loop[0] / ours[0]:.2f}x, CPU {loop[1] / ours[1]:.2f}x"
    )
    print(
        "  copydesk --jobs 1 relative to trafilatura: "
        f"wall {loop[0] / alone[0]:.2f}x, CPU {loop[1] / alone[1]:.2f}x"
    )
    if args.baseline:
        old = result["baseline: copydesk extract --jsonl"]
        print(
            "  baseline speed relative to trafilatura: "
            f"wall {loop[0] / old[0]:.2f}x, CPU {loop[1] / old[1]:.2f}x"
        )


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
