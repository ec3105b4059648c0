"""Per-source learned statistics: read back as stored, and added up by concurrent workers."""

from __future__ import annotations

import threading

from copydesk.records import SourceEditStats
from copydesk.store import Store

EDGES = (0.0, 300.0, 3600.0)


def stats(change: float, exposure: float) -> SourceEditStats:
    return SourceEditStats(
        edges=EDGES,
        changes=tuple((change, 0.0, change) for _ in range(6)),
        exposure=tuple((exposure, exposure / 2, 0.0) for _ in range(6)),
    )


def test_nothing_learned_reads_none(store, source):
    assert store.edit_stats(source.name) is None
    assert store.add_edit_stats("nobody", stats(1, 1), now=source.created_at) is False


def test_added_deltas_sum_element_wise(store, source, now):
    store.add_edit_stats(source.name, stats(1, 10), now=now)
    store.add_edit_stats(source.name, stats(2, 5.5), now=now)
    assert store.edit_stats(source.name) == stats(3, 15.5)


def test_stats_of_another_shape_start_afresh(store, source, now):
    store.add_edit_stats(source.name, stats(1, 10), now=now)
    other = SourceEditStats(edges=(0.0,), changes=((1.0,),) * 6, exposure=((2.0,),) * 6)
    store.add_edit_stats(source.name, other, now=now)
    assert store.edit_stats(source.name) == other


def test_concurrent_workers_never_lose_each_others_counts(db_url, source, now):
    """Four processes' worth of stores adding at once: every delta counts, exactly."""
    rounds, workers = 15, 4
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work() -> None:
        try:
            with Store.open(db_url, migrate=False) as mine:
                start.wait()
                for _ in range(rounds):
                    mine.add_edit_stats(source.name, stats(1, 2), now=now)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(db_url, migrate=False) as reader:
        assert reader.edit_stats(source.name) == stats(rounds * workers, 2.0 * rounds * workers)
