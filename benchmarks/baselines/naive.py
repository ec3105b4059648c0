"""The naive loop benchmarks/tracker.py measures copydesk against: httpx + trafilatura + sha256.

    python benchmarks/baselines/naive.py FEED_URL OUT.json [--feed-interval 1]

One thread, no database, no politeness: poll the feed every `--feed-interval` seconds (feedparser,
as copydesk does), and in between fetch every known article in turn, extract its text with
trafilatura's defaults and record a version whenever the text's sha256 differs from the last one.
On SIGTERM it writes every check time and every version (with the wall time its request started)
to OUT.json and exits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
import time
from pathlib import Path

import feedparser
import httpx
import trafilatura


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feed")
    parser.add_argument("out", type=Path)
    parser.add_argument("--feed-interval", type=float, default=1.0)
    args = parser.parse_args()
    stop = False

    def on_term(_signum: int, _frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    hashes: dict[str, str] = {}
    checks: list[float] = []
    versions: list[dict[str, object]] = []
    errors = 0
    next_poll = 0.0
    with httpx.Client(timeout=30.0) as client:
        while not stop:
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + args.feed_interval
                try:
                    feed = feedparser.parse(client.get(args.feed).content)
                except httpx.HTTPError:
                    errors += 1
                    feed = None
                for entry in feed.entries if feed else ():
                    hashes.setdefault(entry.link.split("?")[0], "")
            if not hashes:
                time.sleep(0.05)
                continue
            for url in list(hashes):
                if stop or time.monotonic() >= next_poll:
                    break
                started = time.time()
                try:
                    html = client.get(url).text
                except httpx.HTTPError:
                    errors += 1
                    continue
                text = trafilatura.extract(html) or ""
                digest = hashlib.sha256(text.encode()).hexdigest()
                checks.append(started)
                if digest != hashes[url]:
                    hashes[url] = digest
                    versions.append({"url": url, "at": started, "hash": digest})
    args.out.write_text(
        json.dumps({"checks": checks, "versions": versions, "errors": errors}), encoding="utf-8"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
