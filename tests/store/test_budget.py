"""Claims under per-source hourly budgets: checks of the last hour and leased ones count."""

from __future__ import annotations

import threading
from datetime import timedelta

from copydesk.records import Source
from copydesk.store import Store

from .factories import result

LEASE = timedelta(minutes=5)


def budget_of(limits: dict[str, int]):
    return lambda name: limits.get(name, 0)


def newest_first(due):
    return sorted(due, key=lambda a: a.id, reverse=True)


def test_budget_counts_recent_checks_and_leases_and_ranks_the_rest(store, source, now):
    store.add_source(Source(name="free"), now=now)
    daily = [store.add_article(source.name, f"https://d.test/news/{i}", now=now) for i in range(6)]
    free = [store.add_article("free", f"https://f.test/news/{i}", now=now) for i in range(4)]
    # one check of daily 20 minutes ago (its article is not due again) spends one of four
    store.record_check(
        result(daily[0].id, now - timedelta(minutes=20), next_check_at=now + timedelta(hours=1))
    )
    budget = budget_of({source.name: 4})
    first = store.claim_due_articles(now, limit=3, lease=LEASE, budget=budget, rank=newest_first)
    assert len(first) == 3
    # the three leased ones count too: one check of daily is left, and the ranking picks it
    second = store.claim_due_articles(now, limit=20, lease=LEASE, budget=budget, rank=newest_first)
    picked = {a.id for a in [*first, *second] if a.source == source.name}
    assert len(picked) == 3
    assert daily[5].id in picked
    assert {a.id for a in [*first, *second] if a.source == "free"} == {a.id for a in free}
    assert store.checks_last_hour(source.name, now=now) == 4
    # once the leases run out only the check counts, until it is an hour old
    assert store.checks_last_hour(source.name, now=now + timedelta(minutes=39)) == 1
    assert store.checks_last_hour(source.name, now=now + timedelta(minutes=41)) == 0


def test_concurrent_claims_never_overspend_a_budget(db_url, store, source, now):
    for i in range(12):
        store.add_article(source.name, f"https://d.test/news/{i}", now=now)
    claimed: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work() -> None:
        try:
            with Store.open(db_url, migrate=False) as mine:
                start.wait()
                for _ in range(3):
                    got = mine.claim_due_articles(
                        now, limit=2, lease=LEASE, budget=budget_of({source.name: 5}), rank=list
                    )
                    claimed.extend(a.id for a in got)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(claimed) == 5
    assert len(set(claimed)) == 5
