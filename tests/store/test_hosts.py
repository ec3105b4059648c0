"""Each host's turns in the store: starts a delay apart, places in flight, fleet-wide pauses."""

from __future__ import annotations

import itertools
import threading
import time

from copydesk.store import Store


def test_turns_start_a_delay_apart_and_places_are_counted(store):
    first = store.take_turn("a.test", delay=0.5, slots=2, hold=30)
    first_start = time.monotonic() + first.wait
    second = store.take_turn("a.test", delay=0.5, slots=2, hold=30)
    second_start = time.monotonic() + second.wait
    assert (first.slot, second.slot) == (0, 1)
    assert first.wait < 0.1
    # Reserved one delay after the first (the upper bound allows for a slow, loaded machine).
    assert 0.45 < second_start - first_start < 0.7
    full = store.take_turn("a.test", delay=0.5, slots=2, hold=30)
    assert full.slot is None  # both places are taken: look again soon
    assert 0 < full.wait <= 1.0
    other = store.take_turn("b.test", delay=0.5, slots=2, hold=30)
    assert other.slot == 0  # another host has its own turns
    assert other.wait < 0.1
    store.end_turn("a.test", 0)
    again = store.take_turn("a.test", delay=0.5, slots=2, hold=30)
    assert again.slot == 0
    assert 0.95 < time.monotonic() + again.wait - first_start < 1.3  # after the two before


def test_a_place_not_given_back_frees_itself_after_its_hold(store):
    store.take_turn("a.test", delay=0, slots=1, hold=0.05)  # a worker that died holding it
    threading.Event().wait(0.1)
    assert store.take_turn("a.test", delay=0, slots=1, hold=30).slot == 0


def test_a_pause_holds_every_store_on_the_database(db_url, store):
    store.pause_host("a.test", 30)
    with Store.open(db_url, migrate=False) as other:
        turn = other.take_turn("a.test", delay=0, slots=2, hold=30)
        assert turn.slot is None
        assert 29 < (turn.paused or 0) <= 30
        other.pause_host("a.test", 5)  # a shorter pause never shortens a longer one
        assert (other.take_turn("a.test", delay=0, slots=2, hold=30).paused or 0) > 29
        assert other.take_turn("b.test", delay=0, slots=2, hold=30).slot == 0


def test_concurrent_turns_never_share_a_start(db_url, store):
    starts: list[float] = []
    start = threading.Barrier(4)

    def take() -> None:
        with Store.open(db_url, migrate=False) as mine:
            start.wait()
            for _ in range(3):
                turn = mine.take_turn("a.test", delay=0.2, slots=20, hold=30)
                starts.append(time.monotonic() + turn.wait)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Twelve turns, each reserved 0.2 s after the one before, whoever took it.
    assert len(starts) == 12
    ordered = sorted(starts)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) > 0.15, gaps


def test_a_send_waits_for_the_delay_after_the_fleets_last_answer(db_url, store):
    store.take_turn("a.test", delay=0.3, slots=2, hold=30)
    assert store.confirm_send("a.test", delay=0.3, hold=30).slot == 0  # the first send goes
    with Store.open(db_url, migrate=False) as other:
        # While the first request is in flight the host may not have seen it yet: no worker
        # sends, however long ago the first one was allowed.
        time.sleep(0.35)
        flying = other.confirm_send("a.test", delay=0.3, hold=30)
        assert flying.slot is None
        assert 0 < flying.wait <= 0.3
        store.end_turn("a.test", 0, sent=True)  # its answer came: the delay runs from now
        late = other.confirm_send("a.test", delay=0.3, hold=30)
        assert late.slot is None
        assert 0.2 < late.wait <= 0.3
        time.sleep(late.wait + 0.02)
        assert other.confirm_send("a.test", delay=0.3, hold=30).slot == 0
        other.end_turn("a.test", 0, sent=True)
        other.pause_host("a.test", 30)
        assert (other.confirm_send("a.test", delay=0, hold=30).paused or 0) > 29


def test_a_send_never_answered_frees_the_host_after_its_hold(store):
    store.take_turn("a.test", delay=0.1, slots=1, hold=30)
    assert store.confirm_send("a.test", delay=0.1, hold=0.2).slot == 0  # its worker dies
    assert store.confirm_send("a.test", delay=0.1, hold=0.2).slot is None
    time.sleep(0.35)
    assert store.confirm_send("a.test", delay=0.1, hold=0.2).slot == 0
