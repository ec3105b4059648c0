"""The Courier: retries with capped back-off on a held clock, give-up, removed targets."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from copydesk.clock import FixedClock
from copydesk.delivery import Courier, backoff
from copydesk.records import DeliveryCounts, Excerpt, Notice, NotifyTarget, Source
from copydesk.settings import DeliverySettings, NotifyRule, Settings
from copydesk.store import Store
from tests.support.factories import article, result
from tests.support.receiver import Receiver


@pytest.fixture
def receiver():
    found = Receiver().start()
    yield found
    found.stop()


def setup(tmp_path, clock, urls):
    settings = Settings(
        db=f"sqlite:///{tmp_path / 'd.db'}",
        notify=(NotifyRule(urls=tuple(urls), kinds=("new",)),),
        delivery=DeliverySettings(
            retry=timedelta(seconds=30),
            max_retry=timedelta(minutes=4),
            give_up_after=timedelta(hours=1),
            timeout=timedelta(seconds=3),
        ),
    )
    store = Store.open(settings.db)
    store.add_source(Source(name="daily"), now=clock.now())
    tracked = store.add_article("daily", "https://daily.example/1", now=clock.now())
    told = Notice(
        article_id=tracked.id,
        source="daily",
        kind="new",
        title="Minister resigns",
        article_url=tracked.url,
        at=clock.now(),
        excerpt=Excerpt(spans=(("insert", "The minister resigned."),)),
        targets=tuple(NotifyTarget(url=u) for u in urls),
    )
    store.record_check(replace(result(tracked.id, clock.now(), content=article()), notices=(told,)))
    return settings, store


def test_backoff_doubles_and_is_capped():
    settings = Settings(
        delivery=DeliverySettings(retry=timedelta(seconds=30), max_retry=timedelta(minutes=4))
    )
    assert [backoff(n, settings).total_seconds() for n in range(1, 7)] == [
        30,
        60,
        120,
        240,
        240,
        240,
    ]


async def test_a_target_down_for_a_while_gets_the_message_once_it_is_back(tmp_path, receiver):
    clock = FixedClock()
    settings, store = setup(tmp_path, clock, [receiver.url])
    courier = Courier(store=store, settings=settings, clock=clock)
    receiver.down = True
    assert await courier.deliver_due() == 1
    assert store.delivery_counts() == DeliveryCounts(sent=0, failed=0, pending=1, retrying=1)
    [failure] = store.delivery_failures()
    assert "503" in (failure.last_error or "")
    assert await courier.deliver_due() == 0  # not before its back-off
    waits = []
    for _ in range(4):
        [due] = [d for d in store.delivery_failures() if d.status == "pending"]
        waits.append((due.next_attempt_at - clock.now()).total_seconds())
        clock.advance(due.next_attempt_at - clock.now())
        assert await courier.deliver_due() == 1
    assert waits == [30, 60, 120, 240]
    receiver.down = False
    clock.advance(timedelta(minutes=4))
    assert await courier.deliver_due() == 1
    assert store.delivery_counts().sent == 1
    assert len(receiver.received()) == 1
    store.close()


async def test_give_up_is_counted_as_failed(tmp_path, receiver):
    clock = FixedClock()
    settings, store = setup(tmp_path, clock, [receiver.url])
    courier = Courier(store=store, settings=settings, clock=clock)
    receiver.down = True
    clock.advance(timedelta(hours=2))
    await courier.deliver_due()
    assert store.delivery_counts().failed == 1
    assert store.delivery_failures()[0].status == "failed"
    store.close()


async def test_each_target_is_marked_on_its_own(tmp_path, receiver):
    clock = FixedClock()
    dead = "json://127.0.0.1:1/nobody"
    settings, store = setup(tmp_path, clock, [receiver.url, dead])
    courier = Courier(store=store, settings=settings, clock=clock)
    assert await courier.deliver_due() == 2
    assert store.delivery_counts() == DeliveryCounts(sent=1, failed=0, pending=1, retrying=1)
    clock.advance(timedelta(minutes=1))
    await courier.deliver_due()
    assert len(receiver.received()) == 1  # the one that got it is not sent it again
    store.close()


async def test_a_target_removed_from_the_rules_is_marked_failed(tmp_path, receiver):
    clock = FixedClock()
    settings, store = setup(tmp_path, clock, [receiver.url])
    courier = Courier(store=store, settings=replace(settings, notify=()), clock=clock)
    await courier.deliver_due()
    [failure] = store.delivery_failures()
    assert failure.status == "failed"
    assert "no longer configured" in (failure.last_error or "")
    store.close()
