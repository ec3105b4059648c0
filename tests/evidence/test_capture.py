"""WARC capture on the live check path: revisits, rotation, and no version without its record."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from warcio.archiveiterator import ArchiveIterator

from copydesk.archive import WarcArchive
from copydesk.clock import FixedClock
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.records import CheckOutcome, Source, TrackedArticle
from copydesk.settings import ArchiveSettings, FetchSettings, Settings
from copydesk.store import Store
from tests.support.mocksite import StandIn, resolve
from tests.support.pages import LEDE, SECOND, THIRD, URL, B, page


@dataclass
class Rig:
    store: Store
    tracker: Tracker
    archive: WarcArchive
    site: StandIn
    clock: FixedClock
    folder: Path

    async def check(self) -> CheckOutcome:
        article = self.store.find_article(URL)
        assert article is not None
        self.clock.advance(timedelta(minutes=10))
        return (await self.tracker.check_article(article)).outcome

    def records(self) -> list[dict[str, str]]:
        found = []
        for path in sorted(self.folder.glob("*.warc.gz*")):
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream):
                    found.append(dict(record.rec_headers.headers))
        return found


async def rig_for(tmp_path: Path, *, revisits: bool = False, max_bytes: int = 10**9) -> Rig:
    clock = FixedClock(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    site = StandIn()
    settings = Settings(
        fetch=FetchSettings(per_host_delay=timedelta(0), respect_robots=False),
        archive=ArchiveSettings(warc_dir=str(tmp_path / "warc"), revisits=revisits),
    )
    archive = WarcArchive(tmp_path / "warc", max_bytes=max_bytes, host="newsdesk")
    fetcher = Fetcher(
        settings.fetch, clock=clock, transport=httpx.MockTransport(site), resolver=resolve
    )
    store = Store.open(f"sqlite:///{tmp_path / 'capture.db'}")
    tracker = Tracker(store=store, fetcher=fetcher, settings=settings, clock=clock, archive=archive)
    store.add_source(Source(name="daily"), now=clock.now())
    store.add_article("daily", URL, now=clock.now())
    return Rig(store, tracker, archive, site, clock, tmp_path / "warc")


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    made = await rig_for(tmp_path)
    yield made
    await made.tracker.fetcher.aclose()
    made.store.close()


async def test_unchanged_checks_write_nothing_by_default(rig):
    assert await rig.check() is CheckOutcome.NEW_VERSION
    before = rig.records()
    assert await rig.check() is CheckOutcome.UNCHANGED
    assert rig.records() == before
    assert [r["WARC-Type"] for r in before] == ["warcinfo", "response", "request", "metadata"]


async def test_revisits_on_write_identical_payload_revisit_records(tmp_path):
    rig = await rig_for(tmp_path, revisits=True)
    try:
        assert await rig.check() is CheckOutcome.NEW_VERSION
        assert await rig.check() is CheckOutcome.UNCHANGED
        records = rig.records()
        response = next(r for r in records if r["WARC-Type"] == "response")
        revisit = next(r for r in records if r["WARC-Type"] == "revisit")
        assert revisit["WARC-Profile"] == (
            "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
        )
        assert revisit["WARC-Refers-To"] == response["WARC-Record-ID"]
        assert revisit["WARC-Refers-To-Target-URI"] == URL
        assert revisit["WARC-Refers-To-Date"] == response["WARC-Date"]
        assert revisit["WARC-Payload-Digest"] == response["WARC-Payload-Digest"]
        # The same text in different bytes is no identical payload: it is kept whole.
        rig.site.page = page("Council approves transport plan", LEDE, SECOND, THIRD, noise="x")
        assert await rig.check() is CheckOutcome.UNCHANGED
        kinds = [r["WARC-Type"] for r in rig.records()]
        assert kinds.count("revisit") == 1
        assert kinds.count("response") == 2
        # Still one version, citing the first response record.
        versions = rig.store.versions(_article(rig).id)
        assert [v.provenance.record_id for v in versions] == [response["WARC-Record-ID"]]
    finally:
        await rig.tracker.fetcher.aclose()
        rig.store.close()


async def test_files_rotate_at_max_bytes_and_are_named_by_time_and_host(tmp_path):
    rig = await rig_for(tmp_path, max_bytes=1)
    try:
        await rig.check()
        rig.site.page = B
        await rig.check()
        rig.archive.close()
        names = sorted(p.name for p in rig.folder.glob("*.warc.gz"))
        assert len(names) == 2
        for name in names:
            prefix, stamp, host, _pid, serial = name.removesuffix(".warc.gz").split("-")
            assert prefix == "copydesk"
            assert len(stamp) == 20
            assert stamp.isdigit()
            assert host == "newsdesk"
            assert serial.isdigit()
        versions = rig.store.versions(_article(rig).id)
        assert sorted(Path(str(v.provenance.file)).name for v in versions) == names
    finally:
        await rig.tracker.fetcher.aclose()
        rig.store.close()


async def test_no_version_is_stored_when_its_warc_record_cannot_be_written(rig):
    shutil.rmtree(rig.folder)
    rig.folder.write_text("not a folder")  # the next file cannot be created
    assert await rig.check() is CheckOutcome.ERROR
    article = _article(rig)
    assert rig.store.versions(article.id) == []
    (latest,) = rig.store.checks(article.id, limit=1)
    assert "WARC" in str(latest.error)


def _article(rig: Rig) -> TrackedArticle:
    article = rig.store.find_article(URL)
    assert article is not None
    return article
