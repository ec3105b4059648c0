"""Store.load_checks stores what record_check stores, one check at a time, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from copydesk.errors import UsageError
from copydesk.records import ArticleStatus, Candidate, CheckOutcome, Source
from tests.support.factories import article, result

HTML = b"<html><body><h1>Minister resigns</h1><p>The minister resigned.</p></body></html>"


def history(article_id, start):
    """A check log with every branch record_check has: versions, trivial, errors, retirement."""
    at = [start + timedelta(minutes=10 * n) for n in range(9)]
    first = article("Minister resigns", "The minister resigned on Tuesday.", "More follows.")
    edited = article("Minister resigns", "The minister resigned on Monday.", "More follows.")
    touched = article("Minister resigns", "The minister resigned on Monday .", "More follows.")
    headline = article("Minister quits", "The minister resigned on Monday.", "Zebra crossing.")
    return [
        result(article_id, at[0], content=first, html=HTML, etag='"a"', next_check_at=at[1]),
        result(article_id, at[1], outcome=CheckOutcome.NOT_MODIFIED, next_check_at=at[2]),
        result(article_id, at[2], outcome=CheckOutcome.ERROR, error="timeout: slow"),
        result(article_id, at[3], outcome=CheckOutcome.ERROR, error="timeout: slow"),
        replace(result(article_id, at[4], content=edited, etag='"b"'), change_kind="minor"),
        result(article_id, at[5], content=touched, trivial=True),
        result(article_id, at[6], outcome=CheckOutcome.INTERRUPTED, next_check_at=at[6]),
        replace(
            result(article_id, at[7], content=headline, next_check_at=at[8], retired=True),
            change_kind="substantive",
            change_flags=("headline", "stealth"),
        ),
    ]


def state(store, article_id):
    """Everything the store says about one article, minus its id and URL."""
    tracked = store.get_article(article_id)
    versions = store.versions(article_id, include_trivial=True)
    return (
        replace(tracked, id=0, url=""),
        [replace(v, id=None, article_id=0) for v in versions],
        [replace(c, article_id=0) for c in store.checks(article_id)],
    )


@pytest.fixture
def pair(store, source, now):
    one, two = (
        store.add_article("daily", f"https://d.test/news/{name}", now=now).id
        for name in ("one", "two")
    )
    return one, two


@pytest.mark.parametrize("batch", [1, 3, 1000])
def test_bulk_load_stores_what_record_check_stores(store, pair, now, batch):
    one, two = pair
    for checked in history(one, now):
        store.record_check(checked)
    assert store.load_checks(history(two, now), batch=batch) == 4
    assert state(store, two) == state(store, one)
    after = store.get_article(two)
    assert (after.status, after.version_count, after.title) == (
        ArticleStatus.RETIRED,
        3,
        "Minister quits",
    )
    assert store.raw_html(store.get_version(two, 1)) == HTML


def test_bulk_load_continues_an_article_already_stored(store, pair, now):
    one, two = pair
    checks = history(one, now)
    for checked in checks:
        store.record_check(checked)
    again = history(two, now)
    for checked in again[:5]:
        store.record_check(checked)
    store.load_checks(again[5:])
    assert state(store, two) == state(store, one)


def test_bulk_load_shares_blobs_and_indexes_visible_versions(store, pair, now, raw):
    one, two = pair
    store.load_checks([*history(one, now), *history(two, now)], batch=5)
    with raw.connect() as conn:
        blobs = conn.execute(sa.text("SELECT count(*) FROM blobs")).scalar()
    assert blobs == 5  # one HTML capture and four texts, shared by both articles
    assert store.sync_search_index() == 0  # already indexed, trivial versions left out
    hits = store.search("zebra")
    assert sorted(h.article_id for h in hits) == [one, two]
    assert {h.number for h in hits} == {3}
    assert "Zebra crossing." in hits[0].excerpt
    assert {h.article_id for h in store.search("minister monday")} == {one, two}
    assert len(store.search("minister monday")) == 4


def test_unknown_article_fails_its_batch_only(store, pair, now):
    one, _ = pair
    good = history(one, now)[:2]
    bad = result(10**6, now, content=article())
    with pytest.raises(UsageError, match="unknown article"):
        store.load_checks([*good, bad], batch=2)
    assert len(store.checks(one)) == 2
    assert store.latest_version(10**6) is None


def test_version_ids_follow_the_ones_record_check_took(store, pair, now):
    one, two = pair
    first = store.record_check(result(one, now, content=article()))
    store.load_checks(history(two, now)[:1])
    later = store.record_check(result(one, now + timedelta(hours=1), content=article("B")))
    [bulk] = store.versions(two)
    assert first.id < bulk.id < later.id


def test_bulk_load_into_a_removed_source_keeps_history(store, now):
    store.add_source(Source(name="weekly"), now=now)
    tracked = store.add_article("weekly", "https://w.test/news/a", now=now)
    store.remove_source("weekly")
    assert store.load_checks(history(tracked.id, now)) == 4
    assert store.get_article(tracked.id).version_count == 3


def test_a_big_batch_takes_the_copy_path_and_stays_searchable(store, source, now):
    tracked = store.add_articles(
        "daily", [Candidate(url=f"https://d.test/news/{n}") for n in range(150)], now=now
    )
    checks = [
        result(a.id, now + timedelta(minutes=n), content=article(f"Story {a.id}", f"Zebra {n}."))
        for n, a in enumerate(tracked)
    ]
    assert store.load_checks(checks) == 150
    assert store.sync_search_index() == 0
    hits = store.search("zebra", limit=200)
    assert len(hits) == 150
    assert [h.version_id for h in hits] == sorted((h.version_id for h in hits), reverse=True)
