"""Leases under per-source hourly budgets: checks of the last hour and leased ones count.

The store's lease takes ids in the caller's order and re-checks the budget under its lock;
ranking is the scheduler's (tests/scheduler/test_scheduler.py).
"""

from __future__ import annotations

import threading
from datetime import timedelta

from copydesk.records import Source
from copydesk.store import Store
from tests.support.factories import result

LEASE = timedelta(minutes=5)


def test_lease_counts_recent_checks_and_leases_and_keeps_the_callers_order(store, source, now):
    store.add_source(Source(name="free"), now=now)
    daily = [store.add_article(source.name, f"https://d.test/news/{i}", now=now) for i in range(6)]
    free = [store.add_article("free", f"https://f.test/news/{i}", now=now) for i in range(4)]
    # one check of daily 20 minutes ago (its article is not due again) spends one of four
    store.record_check(
        result(daily[0].id, now - timedelta(minutes=20), next_check_at=now + timedelta(hours=1))
    )
    budgets = {source.name: 4}
    newest_first = [a.id for a in reversed(daily[1:])]
    first = store.lease(newest_first[:3], now=now, until=now + LEASE, limit=3, budgets=budgets)
    assert [a.id for a in first] == newest_first[:3]
    # the three leased ones count too: nothing of daily is left, free has no budget
    rest = [a.id for a in daily] + [a.id for a in free]
    second = store.lease(rest, now=now, until=now + LEASE, limit=20, budgets=budgets)
    assert [a.id for a in second] == [a.id for a in free]
    assert store.checks_last_hour(source.name, now=now) == 4
    assert store.checks_spent(now, [source.name, "free"]) == {source.name: 4, "free": 4}
    # once the leases run out only the check counts, until it is an hour old
    assert store.checks_last_hour(source.name, now=now + timedelta(minutes=39)) == 1
    assert store.checks_last_hour(source.name, now=now + timedelta(minutes=41)) == 0


def test_lease_takes_only_what_is_still_due(store, source, now):
    ids = [store.add_article(source.name, f"https://d.test/news/{i}", now=now).id for i in range(3)]
    store.record_check(result(ids[1], now, next_check_at=now + timedelta(hours=1)))
    leased = store.lease(list(reversed(ids)), now=now, until=now + LEASE, limit=5)
    assert [a.id for a in leased] == [ids[2], ids[0]]
    assert store.lease(ids, now=now, until=now + LEASE, limit=5) == []  # leased: not due
    assert [a.id for a in store.lease(ids, now=now + LEASE, until=now + 2 * LEASE, limit=1)] == [
        ids[0]
    ]


def test_concurrent_leases_never_overspend_a_budget(db_url, store, source, now):
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
                    ids = mine.due_ids(now, limit=20)
                    got = mine.lease(
                        ids, now=now, until=now + LEASE, limit=2, budgets={source.name: 5}
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
