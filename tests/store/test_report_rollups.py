"""The report's rollups (store/rollups.py) on both backends: kept in step by every writer (#18).

A random history with flip-flops, trivial versions and long-lived articles is written through
the bulk loader, then record_check, then an archive import that renumbers one history. The
rollup tables must then equal a rebuild from scratch, and every figure of the report, for
periods cut at midnights, whole hours and odd minutes (so that the parts read from the versions
are exercised too), must equal a plain-Python recount of the stored versions, whether the
report reads its spreads by rank from the indexes or every delay of the period.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from copydesk.records import Article, Check, CheckOutcome, CheckResult, Reclassified, Source
from copydesk.store import reports, rollups
from tests.e2e.test_insight import figures, recompute

START = datetime(2026, 3, 2, 5, 17, 23, 123456, tzinfo=UTC)  # a Monday, at an odd moment
TITLES = ("Storm nears", "Storm hits", "Storm passes")
FLAGS = ("numbers", "quote", "paragraphs-added", "correction-note", "stealth")


def _result(article_id: int, at: datetime, title: str, n: int, rng: random.Random) -> CheckResult:
    kind = rng.choice(("substantive", "minor", None))
    flags = tuple(rng.sample(FLAGS, rng.randint(0, 2)))
    return CheckResult(
        check=Check(
            article_id=article_id, checked_at=at, outcome=CheckOutcome.NEW_VERSION, status=200
        ),
        article=Article(
            title=title,
            byline="By A Reporter",
            published_at="2026-03-02",
            paragraphs=(f"text {article_id} {n}",),
            extractor="test 1",
        ),
        trivial=n > 0 and rng.random() < 0.1,
        change_kind=kind if n else None,
        change_flags=flags,
        next_check_at=at + timedelta(hours=1),
    )


def _histories(store, rng: random.Random) -> list[list[CheckResult]]:
    """Per article, its checks in time order: headlines that change and come back."""
    histories = []
    for index in range(36):
        source = "daily" if index % 3 else "weekly"
        article_id = store.add_article(source, f"https://{source}.test/news/{index}", now=START).id
        at = START + timedelta(minutes=rng.uniform(0, 4 * 24 * 60))
        title = rng.choice(TITLES)
        results = []
        for n in range(rng.choice((1, 2, 3, 5, 8, 13))):
            if n:
                at += timedelta(minutes=rng.expovariate(1 / 240) + rng.choice((0, 0, 0, 2880)))
                if rng.random() < 0.4:
                    title = rng.choice([t for t in TITLES if t != title])
            result = _result(article_id, at, title, n, rng)
            if n and title != results[-1].article.title:
                result = replace(result, change_flags=(*result.change_flags, "headline"))
            results.append(result)
        histories.append(results)
    return histories


def _snapshot(raw: sa.Engine) -> tuple[list[tuple], list[tuple]]:
    with raw.connect() as conn:
        articles = conn.execute(
            sa.text(
                "SELECT article_id, source_id, first_at, second_at, last_at, versions,"
                " first_delay, last_delay, flipflop_at FROM report_articles ORDER BY article_id"
            )
        ).all()
        days = conn.execute(sa.text("SELECT * FROM report_days ORDER BY 1, 2, 3 DESC")).all()
    return [tuple(r) for r in articles], _own_counts(days)


def _own_counts(rows) -> list[tuple]:
    """report_days' suffix sums back to each first hour's own counts (rows of zeros left out)."""
    own, later, group = [], None, None
    for source_id, day, first_hour, *sums in rows:
        if (source_id, day) != group:
            group, later = (source_id, day), [0] * len(sums)
        counts = [a - b for a, b in zip(sums, later, strict=True)]
        later = sums
        if any(counts):
            own.append((source_id, day, first_hour, *counts))
    return sorted(own)


def _export_rows(raw: sa.Engine) -> list[dict]:
    """What `export --format jsonl` gives of each version (the fields recompute reads)."""
    query = sa.text(
        "SELECT s.name, a.url, v.number, v.captured_at, v.title, v.trivial, v.change_kind,"
        " v.change_flags FROM versions v JOIN articles a ON a.id = v.article_id"
        " JOIN sources s ON s.id = a.source_id"
    )
    rows = []
    with raw.connect() as conn:
        for name, url, number, captured, title, trivial, kind, flags in conn.execute(query):
            if isinstance(captured, str):  # SQLite keeps UTC text
                captured = datetime.fromisoformat(captured).replace(tzinfo=UTC)
            if isinstance(flags, str):
                flags = json.loads(flags)
            rows.append(
                {
                    "record": "version",
                    "source": name,
                    "article_url": url,
                    "version": number,
                    "captured_at": captured.astimezone(UTC).isoformat(),
                    "title": title,
                    "trivial": bool(trivial),
                    "change": kind,
                    "flags": list(flags),
                }
            )
    return rows


def _periods() -> list[tuple[datetime, datetime]]:
    midnight = START.replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        (START - timedelta(days=1), START + timedelta(days=30)),  # everything
        (midnight + timedelta(days=1), midnight + timedelta(days=3)),  # whole days
        (midnight + timedelta(days=1, hours=5), midnight + timedelta(days=2, hours=7)),  # hours
        (START + timedelta(hours=13, minutes=7), START + timedelta(days=2, minutes=41)),  # minutes
        (START + timedelta(hours=2, minutes=3), START + timedelta(hours=9, minutes=58)),  # a day
        (START + timedelta(minutes=30), START + timedelta(days=30, minutes=11)),
        (midnight + timedelta(days=2), START + timedelta(days=3, hours=1, minutes=1)),
    ]


def test_rollups_stay_in_step_and_give_the_report_exactly(store, raw, monkeypatch):
    rng = random.Random(18)
    for name in ("daily", "weekly"):
        store.add_source(Source(name=name), now=START)
    histories = _histories(store, rng)
    split = [rng.randint(0, len(h)) for h in histories]
    store.load_checks((r for h, k in zip(histories, split, strict=True) for r in h[:k]), batch=7)
    for history, k in zip(histories, split, strict=True):
        for result in history[k:]:
            store.record_check(result)
    target = next(h[0].check.article_id for h in histories if len(h) >= 3)
    first = store.versions(target)[0]
    store.record_import(
        _result(target, first.captured_at - timedelta(hours=30), TITLES[1], 0, rng),
        key="warc:1",
        now=START,
        successor=Reclassified(
            version_id=first.id, change_kind="minor", change_flags=("headline",), trivial=False
        ),
    )
    kept = _snapshot(raw)
    assert kept[0]
    assert kept[1]
    with raw.begin() as conn:
        rollups.rebuild(conn)
    assert _snapshot(raw) == kept
    rows = _export_rows(raw)
    changes = sorted(r["captured_at"] for r in rows if r["version"] > 1 and not r["trivial"])
    midnight = START.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    # Periods that end a second after a change: the last partial hour is read from versions.
    ends = [datetime.fromisoformat(c) + timedelta(seconds=1) for c in changes[-12::3]]
    flipping = 0
    # Spreads read by rank from the indexes, then from every delay read and sorted.
    for share in (0.0, float("inf")):
        monkeypatch.setattr(reports, "LISTED_SHARE", share)
        for since, until in _periods() + [(midnight, end) for end in ends]:
            for source in ("daily", None, "weekly"):
                report = store.report(source=source, since=since, until=until)
                expected = recompute(rows, since, until, source)
                assert figures(report) == expected, (share, source, since, until)
                flipping += report.headline_flipflops
    assert flipping > 0  # the history really has flip-flops to count
