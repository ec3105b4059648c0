"""Store.report on both backends: the same history gives the same figures (#18).

The history is conftest's known newsroom (tests/support/web.py: fill), whose figures are
counted by hand in tests/publish/test_report.py; here SQLite and PostgreSQL must agree with
them, to the microsecond for delays (computed in SQL on each dialect).
"""

from __future__ import annotations

from datetime import timedelta

from tests.support.web import START, fill


def test_report_figures_on_each_backend(store):
    newsroom = fill(store)
    report = store.report(
        source=None, since=START - timedelta(days=1), until=START + timedelta(hours=4)
    )
    assert (report.articles, report.changed, report.changes) == (3, 2, 3)
    assert (report.first_change.median, report.first_change.p90) == (3150.0, 3600.0)
    assert (report.last_change.median, report.last_change.p90) == (6750.0, 10800.0)
    assert (report.substantive, report.kind("minor"), report.stealth) == (2, 1, 1)
    assert report.flag("headline") == 1
    assert report.hours[6][8] == 1
    assert report.hours[6][9] == 1
    assert report.weekly == ((START.date() - timedelta(days=6), 3),)
    assert [e.article_id for e in report.most_edited] == [newsroom.calm, newsroom.hostile]
    daily = store.report(source="daily", since=START, until=START + timedelta(minutes=55))
    assert (daily.articles, daily.changed, daily.changes) == (2, 1, 1)
    assert daily.first_change.median == 2700.0
    sizes = store.text_sizes(newsroom.calm)
    assert [s.number for s in sizes] == [1, 2, 3]
    assert all(s.size > 0 for s in sizes)
