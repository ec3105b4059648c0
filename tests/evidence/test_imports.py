"""Imported captures go through the live change decision and take their place in time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copydesk.archive import WarcExporter
from copydesk.clock import FixedClock
from copydesk.evidence import Importer
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.records import (
    Article,
    Capture,
    Check,
    CheckOutcome,
    CheckResult,
    Origin,
    Provenance,
    Source,
)
from copydesk.settings import Settings
from copydesk.store import Store
from tests.support.pages import A_TRIVIAL, LEDE, SECOND, T0, THIRD, URL, A, B, C, page


def capture(body: bytes, at: datetime, *, url: str = URL, ctype: str = "text/html") -> Capture:
    return Capture(url=url, captured_at=at, status=200, body=body, content_type=ctype)


def provenance(name: str) -> Provenance:
    return Provenance(origin=Origin.WARC, file=f"/archive/{name}.warc.gz", record_id=f"<{name}>")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Imports write in place in time (renumbering): on SQLite and on PostgreSQL."""
    url = f"sqlite:///{tmp_path / 'imports.db'}"
    if request.param == "postgres":
        url = str(request.getfixturevalue("pg_schema"))
    with Store.open(url) as opened:
        yield opened


@pytest.fixture
async def importer(store: Store) -> Iterator[Importer]:
    settings = Settings()
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    fetcher = Fetcher(settings.fetch, clock=clock)
    tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock)
    yield Importer(tracker, clock=clock)
    await fetcher.aclose()


def history(store: Store) -> list[tuple[int, datetime, str, bool, str | None]]:
    article = store.find_article(URL)
    assert article is not None
    return [
        (v.number, v.captured_at, v.title, v.trivial, v.change_kind)
        for v in store.versions(article.id, include_trivial=True)
    ]


async def test_older_capture_goes_first_and_later_versions_move_up(importer, store):
    importer.import_capture(capture(B, T0 + timedelta(hours=2)), provenance("late"))
    assert history(store) == [
        (1, T0 + timedelta(hours=2), "Council approves £2bn transport plan", False, "new")
    ]
    importer.import_capture(capture(A, T0), provenance("early"))
    rows = history(store)
    assert [(n, at, title) for n, at, title, _, _ in rows] == [
        (1, T0, "Council approves transport plan"),
        (2, T0 + timedelta(hours=2), "Council approves £2bn transport plan"),
    ]
    # The later version is now a change from the earlier one, no longer a first version.
    assert rows[0][4] == "new"
    assert rows[1][4] in ("minor", "substantive")
    article = store.find_article(URL)
    assert article is not None
    assert article.version_count == 2
    assert article.first_seen_at == T0
    assert article.title == "Council approves £2bn transport plan"


async def test_capture_between_two_versions_is_inserted_there(importer, store):
    importer.import_capture(capture(A, T0), provenance("a"))
    importer.import_capture(capture(C, T0 + timedelta(hours=4)), provenance("c"))
    importer.import_capture(capture(B, T0 + timedelta(hours=2)), provenance("b"))
    assert [(n, title) for n, _, title, _, _ in history(store)] == [
        (1, "Council approves transport plan"),
        (2, "Council approves £2bn transport plan"),
        (3, "Council approves £2bn transport plan after long debate"),
    ]
    assert importer.stats.versions == 3


async def test_identical_text_makes_no_version(importer, store):
    importer.import_capture(capture(A, T0), provenance("a"))
    # Different bytes (the header changed), the same article text.
    same = page("Council approves transport plan", LEDE, SECOND, THIRD, noise="Tuesday")
    assert importer.import_capture(capture(same, T0 + timedelta(hours=1)), provenance("a2")) == (
        "unchanged"
    )
    assert len(history(store)) == 1
    assert importer.stats.unchanged == 1
    article = store.find_article(URL)
    assert article is not None
    assert [c.outcome for c in store.checks(article.id)] == [
        CheckOutcome.UNCHANGED,
        CheckOutcome.NEW_VERSION,
    ]


async def test_trivial_difference_is_a_hidden_version(importer, store):
    importer.import_capture(capture(A, T0), provenance("a"))
    importer.import_capture(capture(A_TRIVIAL, T0 + timedelta(hours=1)), provenance("dot"))
    rows = history(store)
    assert [(n, trivial, kind) for n, _, _, trivial, kind in rows] == [
        (1, False, "new"),
        (1, True, "trivial"),
    ]
    article = store.find_article(URL)
    assert article is not None
    assert len(store.versions(article.id)) == 1  # hidden by default
    assert importer.stats.hidden == 1


async def test_same_text_as_the_next_version_moves_it_back(importer, store):
    importer.import_capture(capture(B, T0 + timedelta(hours=3)), provenance("late"))
    importer.import_capture(capture(B, T0 + timedelta(hours=1)), provenance("earlier"))
    rows = history(store)
    assert len(rows) == 1
    assert rows[0][1] == T0 + timedelta(hours=1)
    article = store.find_article(URL)
    assert article is not None
    version = store.versions(article.id)[0]
    assert version.provenance.file == "/archive/earlier.warc.gz"
    assert version.provenance.record_id == "<earlier>"
    assert importer.stats.moved_back == 1


async def test_a_backfilled_version_goes_before_a_live_one(importer, store):
    """A live version (the tracker's) and an older archived capture interleave by time."""
    source = store.add_source(Source(name="daily"), now=T0)
    article = store.add_article(source.name, URL, now=T0 + timedelta(days=1))
    extracted = Article(
        title="Council approves £2bn transport plan",
        byline="By Jane Reporter",
        published_at=None,
        paragraphs=(LEDE, SECOND, THIRD),
        extractor="test",
    )
    live_at = T0 + timedelta(days=1)
    live = store.record_check(
        CheckResult(
            check=Check(
                article_id=article.id, checked_at=live_at, outcome=CheckOutcome.NEW_VERSION
            ),
            article=extracted,
            change_kind="new",
            raw_html=B,
        )
    )
    assert live is not None
    assert live.number == 1
    importer.import_capture(capture(A, T0), provenance("archive"))
    versions = store.versions(article.id)
    assert [(v.number, v.captured_at, v.provenance.origin) for v in versions] == [
        (1, T0, Origin.WARC),
        (2, live_at, Origin.FETCH),
    ]
    assert versions[1].id == live.id  # the live version kept its row, now number 2


async def test_second_import_of_the_same_capture_adds_nothing(importer, store):
    importer.import_capture(capture(A, T0), provenance("a"))
    importer.import_capture(capture(B, T0 + timedelta(hours=1)), provenance("b"))
    before = history(store)
    assert importer.import_capture(capture(A, T0), provenance("a-again")) == "already"
    assert importer.import_capture(capture(B, T0 + timedelta(hours=1)), provenance("b")) == (
        "already"
    )
    assert history(store) == before
    assert importer.stats.already == 2


async def test_pages_that_are_not_articles_are_skipped_with_a_count(importer, store):
    importer.import_capture(capture(b"\x89PNG....", T0, ctype="image/png"), provenance("png"))
    importer.import_capture(
        Capture(url=URL, captured_at=T0, status=404, body=b"", content_type="text/html"),
        provenance("404"),
    )
    importer.import_capture(capture(b"<html><body></body></html>", T0), provenance("empty"))
    importer.import_capture(capture(A, T0, url="dns:news.example.org"), provenance("dns"))
    assert importer.stats.skipped == {"not HTML": 1, "not status 200": 1, "not an article": 2}
    assert store.find_article(URL) is None
    assert "skipped: 1 not HTML, 2 not an article, 1 not status 200" in importer.stats.summary()


async def test_import_file_streams_records_and_keeps_provenance(importer, store, tmp_path):
    path = tmp_path / "crawl.warc.gz"
    with WarcExporter(path) as out:
        first = out.write(capture(A, T0), {})
        out.write(capture(b"GIF89a", T0, url=URL + "/logo.gif", ctype="image/gif"), {})
        second = out.write(capture(B, T0 + timedelta(hours=1)), {})
    seen: list[tuple[int, int]] = []
    importer.import_file(path, progress=lambda done, total: seen.append((done, total)))
    article = store.find_article(URL)
    assert article is not None
    versions = store.versions(article.id)
    assert [v.provenance.record_id for v in versions] == [first, second]
    assert {v.provenance.file for v in versions} == {str(path.resolve())}
    assert {v.provenance.origin for v in versions} == {Origin.WARC}
    assert importer.stats.records == 4  # warcinfo + three responses
    assert importer.stats.skipped == {"not HTML": 1}
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    # Imported articles are history only unless asked to track them.
    assert article.status.value == "retired"
