from __future__ import annotations

from copydesk.publish.metrics import label
from copydesk.records import ArticleStatus
from copydesk.store import search_index_behind, sync_search_index
from tests.publish.conftest import START, _article, record


def _samples(text: str) -> dict[str, float]:
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in lines}


def test_metrics_count_articles_versions_and_checks_per_source(client, newsroom):
    newsroom.store.set_article_status(newsroom.other, ArticleStatus.PAUSED)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = _samples(response.text)
    assert samples['copydesk_articles{source="daily",status="active"}'] == 2
    assert samples['copydesk_articles{source="weekly",status="paused"}'] == 1
    assert samples['copydesk_articles{source="weekly",status="active"}'] == 0
    assert samples['copydesk_versions{source="daily"}'] == 5
    assert samples['copydesk_versions{source="weekly"}'] == 1
    assert samples['copydesk_checks_total{source="daily",outcome="new-version"}'] == 5
    assert samples['copydesk_checks_total{source="daily",outcome="error"}'] == 0
    assert samples['copydesk_source_active{source="weekly"}'] == 1
    assert "# TYPE copydesk_checks_total counter" in response.text


def test_metric_labels_are_escaped():
    assert label('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


def test_search_index_catches_up_only_when_behind(newsroom):
    store = newsroom.store
    assert search_index_behind(store)
    assert sync_search_index(store) == 6
    assert not search_index_behind(store)
    assert sync_search_index(store) == 0
    later = START.replace(hour=20)
    record(store, newsroom.other, later, _article("Weekly okapi story", "An okapi escaped."))
    assert search_index_behind(store)
    from copydesk.store import search

    assert [h.title for h in search(store, "okapi")] == ["Weekly okapi story"]
    assert not search_index_behind(store)
