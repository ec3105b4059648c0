from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from copydesk.errors import UsageError
from copydesk.records import ArticleStatus, Candidate, Endpoint, EndpointKind, Source
from copydesk.store import Store
from tests.support.factories import result

LEASE = timedelta(minutes=10)


def urls(articles):
    return [a.url for a in articles]


def test_add_articles_returns_only_new_ones(store, source, now):
    first = store.add_articles(
        "daily",
        [
            Candidate(url="https://d.test/news/1", title="One"),
            Candidate(url="https://d.test/news/2"),
            Candidate(url="https://d.test/news/1"),  # duplicates in one call are fine
        ],
        now=now,
    )
    assert urls(first) == ["https://d.test/news/1", "https://d.test/news/2"]
    assert first[0].title == "One"
    assert all(a.status is ArticleStatus.ACTIVE and a.next_check_at == now for a in first)
    assert all(a.source == "daily" and a.first_seen_at == now for a in first)
    later = now + timedelta(hours=1)
    second = store.add_articles(
        "daily",
        [Candidate(url="https://d.test/news/2"), Candidate(url="https://d.test/news/3")],
        now=later,
    )
    assert urls(second) == ["https://d.test/news/3"]
    assert store.find_article("https://d.test/news/2").first_seen_at == now


def test_add_articles_for_unknown_source_is_a_usage_error(store, now):
    with pytest.raises(UsageError):
        store.add_articles("nope", [Candidate(url="https://d.test/news/1")], now=now)


def test_newer_hint_pulls_the_next_check_forward(store, source, now):
    url = "https://d.test/news/1"
    [tracked] = store.add_articles("daily", [Candidate(url=url, updated_at=now)], now=now)
    checked = now + timedelta(minutes=1)
    store.record_check(result(tracked.id, checked, next_check_at=now + timedelta(hours=6)))
    poll = now + timedelta(hours=1)
    # The same hint again changes nothing.
    store.add_articles("daily", [Candidate(url=url, updated_at=now)], now=poll)
    assert store.get_article(tracked.id).next_check_at == now + timedelta(hours=6)
    # A newer one (the largest of duplicates counts) makes it due at once.
    hints = [Candidate(url=url, updated_at=poll - timedelta(minutes=9)), Candidate(url=url)]
    hints.append(Candidate(url=url, updated_at=poll - timedelta(minutes=5)))
    assert store.add_articles("daily", hints, now=poll) == []
    assert store.get_article(tracked.id).next_check_at == poll
    assert urls(store.claim_due_articles(poll, limit=5, lease=LEASE)) == [url]


def test_hint_does_not_break_a_lease(store, source, now):
    url = "https://d.test/news/1"
    store.add_articles("daily", [Candidate(url=url)], now=now)
    [claimed] = store.claim_due_articles(now, limit=5, lease=LEASE)
    later = now + timedelta(minutes=1)
    store.add_articles("daily", [Candidate(url=url, updated_at=later)], now=later)
    assert store.get_article(claimed.id).next_check_at == now + LEASE


def test_add_article_returns_existing_when_known(store, source, now):
    first = store.add_article("daily", "https://d.test/news/1", now=now)
    again = store.add_article("daily", "https://d.test/news/1", now=now + timedelta(days=1))
    assert again == first
    assert first.next_check_at == now
    assert store.get_article(first.id) == first
    assert store.find_article("https://d.test/news/1") == first
    assert store.find_article("https://d.test/news/2") is None
    assert store.get_article(999) is None


def test_claim_leases_oldest_due_first(store, source, now):
    for minutes, slug in ((2, "b"), (0, "a"), (5, "c"), (60, "later")):
        store.add_article(
            "daily", f"https://d.test/news/{slug}", now=now + timedelta(minutes=minutes)
        )
    at = now + timedelta(minutes=10)
    claimed = store.claim_due_articles(at, limit=2, lease=LEASE)
    assert urls(claimed) == ["https://d.test/news/a", "https://d.test/news/b"]
    assert all(a.next_check_at == at + LEASE for a in claimed)
    assert urls(store.claim_due_articles(at, limit=5, lease=LEASE)) == ["https://d.test/news/c"]
    assert store.claim_due_articles(at, limit=5, lease=LEASE) == []
    again = store.claim_due_articles(at + LEASE, limit=5, lease=LEASE)
    assert set(urls(again)) == {f"https://d.test/news/{slug}" for slug in "abc"}


def test_two_stores_claiming_at_once_never_share_an_article(db_url, source, now):
    with Store.open(db_url) as first:
        first.add_articles(
            "daily", [Candidate(url=f"https://d.test/news/{i}") for i in range(40)], now=now
        )
    claims: list[list[int]] = []

    def claim() -> None:
        with Store.open(db_url, migrate=False) as worker:
            for _ in range(4):
                claims.append([a.id for a in worker.claim_due_articles(now, limit=5, lease=LEASE)])

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [i for batch in claims for i in batch]
    assert len(ids) == len(set(ids)) == 40


def test_next_due_at_covers_articles_and_endpoints(store, source, now):
    assert store.next_due_at() is None
    feed = Endpoint(url="https://d.test/rss", kind=EndpointKind.FEED, source="daily")
    store.add_endpoint(feed, now=now + timedelta(minutes=3))
    assert store.next_due_at() == now + timedelta(minutes=3)
    article = store.add_article("daily", "https://d.test/news/1", now=now + timedelta(minutes=1))
    assert store.next_due_at() == now + timedelta(minutes=1)
    store.set_article_status(article.id, ArticleStatus.PAUSED)
    assert store.next_due_at() == now + timedelta(minutes=3)


def test_set_article_status_with_reason_and_schedule(store, source, now):
    article = store.add_article("daily", "https://d.test/news/1", now=now)
    store.set_article_status(article.id, ArticleStatus.HIDDEN, reason="legal request")
    hidden = store.get_article(article.id)
    assert (hidden.status, hidden.hidden_reason) == (ArticleStatus.HIDDEN, "legal request")
    assert store.claim_due_articles(now, limit=5, lease=LEASE) == []
    resume = now + timedelta(hours=2)
    store.set_article_status(article.id, ArticleStatus.ACTIVE, next_check_at=resume)
    active = store.get_article(article.id)
    assert (active.status, active.hidden_reason, active.next_check_at) == ("active", None, resume)
    with pytest.raises(UsageError):
        store.set_article_status(999, ArticleStatus.PAUSED)


def test_update_article_url(store, source, now):
    moved = store.add_article("daily", "https://m.d.test/news/1", now=now)
    other = store.add_article("daily", "https://d.test/news/2", now=now)
    assert store.update_article_url(moved.id, "https://d.test/news/1") is True
    assert store.find_article("https://d.test/news/1").id == moved.id
    assert store.find_article("https://m.d.test/news/1") is None
    assert store.update_article_url(moved.id, "https://d.test/news/2") is False
    assert store.get_article(other.id).url == "https://d.test/news/2"
    assert store.update_article_url(moved.id, "https://d.test/news/1") is True


def test_list_articles_newest_first_and_by_source(store, source, now):
    store.add_source(Source(name="other"), now=now)
    for i in range(3):
        store.add_article("daily", f"https://d.test/news/{i}", now=now)
    store.add_article("other", "https://o.test/news/x", now=now)
    assert urls(store.list_articles(source="daily", limit=2)) == [
        "https://d.test/news/2",
        "https://d.test/news/1",
    ]
    assert urls(store.list_articles())[0] == "https://o.test/news/x"
    assert len(store.list_articles()) == 4


def test_release_leases_makes_claimed_articles_due_again(store, source, now):
    article = store.add_article(source.name, "https://news.example/lease", now=now)
    claimed = store.claim_due_articles(now, limit=5, lease=timedelta(minutes=5))
    assert [a.id for a in claimed] == [article.id]
    assert store.claim_due_articles(now, limit=5, lease=timedelta(minutes=5)) == []
    assert store.release_leases(now) == 1
    again = store.claim_due_articles(now, limit=5, lease=timedelta(minutes=5))
    assert [a.id for a in again] == [article.id]
