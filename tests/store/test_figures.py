"""The stored per-source figures (trigger-kept, migration 0005) equal a full recount.

Whatever writes: record_check, the bulk loader, status changes, hiding, retiring, removing a
source. The recount is plain Python over what the Store returns, article by article.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from statistics import median

import pytest

from copydesk.records import ArticleStatus, Candidate, CheckOutcome, Reclassified, Source
from tests.support.factories import article, result


def story(rng, article_id, start):
    """A random check log: first version, then edits, trivial touches, errors, maybe retired."""
    at = start + timedelta(minutes=rng.randint(0, 3000), microseconds=rng.randint(0, 999_999))
    checks = [result(article_id, at, content=article("T0", "p0"))]
    for n in range(1, rng.randint(1, 7)):
        at += timedelta(minutes=rng.randint(5, 900), microseconds=rng.randint(0, 999_999))
        roll = rng.random()
        if roll < 0.15:
            checks.append(result(article_id, at, outcome=CheckOutcome.ERROR, error="timeout: x"))
        elif roll < 0.3:
            checks.append(result(article_id, at, content=article(f"T{n}", f"p{n} "), trivial=True))
        else:
            flags = ("stealth",) if rng.random() < 0.5 else ("correction-note",)
            checks.append(
                replace(
                    result(article_id, at, content=article(f"T{n}", f"p{n}")),
                    change_kind="substantive",
                    change_flags=flags,
                )
            )
    if rng.random() < 0.2:
        checks[-1] = replace(checks[-1], retired=True)
    return checks


@pytest.fixture
def history(store, now):
    """Three sources, 60 articles, written half by record_check and half by the bulk loader."""
    rng = random.Random(5)
    for name in ("daily", "weekly", "empty"):
        store.add_source(Source(name=name), now=now)
    tracked = []
    for name in ("daily", "weekly"):
        urls = [Candidate(url=f"https://{name}.test/news/{n}") for n in range(30)]
        tracked += store.add_articles(name, urls, now=now)
    logs = [story(rng, a.id, now) for a in tracked]
    for log in logs[::2]:
        for checked in log:
            store.record_check(checked)
    store.load_checks([c for log in logs[1::2] for c in log], batch=17)
    store.set_article_status(tracked[3].id, ArticleStatus.HIDDEN, reason="legal")
    store.set_article_status(tracked[40].id, ArticleStatus.PAUSED)
    return tracked


def recount(store, name, now, days=30):
    """Figures and statistics from the articles and versions themselves."""
    mine = [a for a in store.list_articles(limit=1000) if a.source == name]
    versions = {a.id: store.versions(a.id) for a in mine}
    first_day = (now - timedelta(days=days - 1)).date()
    edits = [v for vs in versions.values() for v in vs if v.number > 1]
    recent = [v for v in edits if v.captured_at.date() >= first_day]
    delays = [
        (vs[1].captured_at - vs[0].captured_at).total_seconds()
        for a in sorted(mine, key=lambda a: a.id, reverse=True)
        if len(vs := versions[a.id]) > 1
    ][:5000]
    return {
        "articles": len(mine),
        "active": sum(a.status is ArticleStatus.ACTIVE for a in mine),
        "versions": sum(len(vs) for vs in versions.values()),
        "changed_articles": sum(len(vs) > 1 for vs in versions.values()),
        "edits": len(edits),
        "failing": sum(a.consecutive_errors > 0 for a in mine),
        "last_check_at": max((a.last_checked_at for a in mine if a.last_checked_at), default=None),
        "last_change_at": max((a.last_change_at for a in mine if a.last_change_at), default=None),
        "recent_edits": len(recent),
        "stealth": sum("stealth" in v.change_flags for v in recent),
        "median": timedelta(seconds=median(delays)) if delays else None,
    }


def stored(store, name, now):
    [figures] = store.source_figures(name=name)
    stats = store.source_statistics(name, now=now)
    return {
        "articles": figures.articles,
        "active": figures.active,
        "versions": figures.versions,
        "changed_articles": figures.changed_articles,
        "edits": figures.edits,
        "failing": figures.failing,
        "last_check_at": figures.last_check_at,
        "last_change_at": figures.last_change_at,
        "recent_edits": stats.edits,
        "stealth": stats.stealth_edits,
        "median": stats.median_first_edit,
    }


def test_stored_figures_equal_a_recount(store, history, now):
    later = now + timedelta(days=20)
    for name in ("daily", "weekly", "empty"):
        assert stored(store, name, later) == recount(store, name, later)
    daily = recount(store, "daily", later)
    assert daily["edits"] > 20
    assert daily["failing"] > 0
    assert daily["active"] < daily["articles"]
    assert (
        sum(n for _, n in store.source_statistics("daily", now=later).edits_per_day)
        == (daily["recent_edits"])
    )
    assert [f.name for f in store.source_figures()] == ["daily", "empty", "weekly"]


def test_figures_follow_later_checks_and_a_removed_source(store, history, now):
    first = history[0]
    count = store.get_article(first.id).version_count
    at = now + timedelta(days=30)
    store.record_check(
        replace(result(first.id, at, content=article("New", "new")), change_kind="minor")
    )
    after = {f.name: f for f in store.source_figures()}["daily"]
    assert after.last_change_at == at
    assert store.get_article(first.id).version_count == count + 1
    assert stored(store, "daily", at) == recount(store, "daily", at)
    store.remove_source("weekly")
    assert [f.name for f in store.source_figures()] == ["daily", "empty"]


def test_snake_case_and_punctuation_in_a_query(store, source, now):
    tracked = store.add_article("daily", "https://d.test/news/x", now=now)
    store.record_check(result(tracked.id, now, content=article("Stale after seconds", "x")))
    assert [h.article_id for h in store.search("stale_after_seconds")] == [tracked.id]
    assert [h.article_id for h in store.search("stale-after, seconds!")] == [tracked.id]
    assert store.search('"stale" NEAR(after) * ^x') == []  # syntax is only words here


def test_figures_follow_an_import_that_renumbers_a_history(store, history, now):
    """An archive capture older than an article's first version goes in first (versions renumbered
    in place); another moves a version back in time. Figures still equal a recount."""
    target = next(a for a in history[1:] if store.get_article(a.id).version_count >= 2)
    first = store.versions(target.id)[0]
    earlier = first.captured_at - timedelta(days=2, seconds=7)
    inserted = store.record_import(
        replace(result(target.id, earlier, content=article("Before", "older text")), trivial=False),
        key="warc:1",
        now=now,
        successor=Reclassified(
            version_id=first.id, change_kind="substantive", change_flags=("stealth",), trivial=False
        ),
    )
    assert inserted is not None
    assert [v.number for v in store.versions(target.id)][:2] == [1, 2]
    assert store.versions(target.id)[1].id == first.id
    second = store.versions(target.id)[2] if len(store.versions(target.id)) > 2 else None
    if second is not None:
        store.record_import(
            result(target.id, second.captured_at - timedelta(minutes=1), content=article("x")),
            key="warc:2",
            now=now,
            merge_into=second.id,
        )
    later = now + timedelta(days=20)
    for name in ("daily", "weekly"):
        assert stored(store, name, later) == recount(store, name, later)
