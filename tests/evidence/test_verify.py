"""`copydesk verify` re-hashes stored captures and WARC records and finds what was tampered."""

from __future__ import annotations

import gzip
import sqlite3
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from copydesk.archive import WarcArchive
from copydesk.clock import FixedClock
from copydesk.fetch import Fetcher
from copydesk.pipeline import Tracker
from copydesk.records import Source
from copydesk.settings import ArchiveSettings, FetchSettings, Settings
from copydesk.store import Store
from copydesk.store.blobs import compress
from tests.support.evidence import copydesk
from tests.support.mocksite import StandIn, resolve
from tests.support.pages import URL, B


def members(data: bytes) -> list[bytes]:
    """The decompressed gzip members of a WARC.gz file (one record each)."""
    found = []
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        found.append(inflater.decompress(data))
        data = inflater.unused_data
    return found


async def tracked_with_warc(workdir: Path) -> tuple[Path, str]:
    """Two versions fetched with WARC capture on; returns the database and v1's capture hash."""
    (workdir / "copydesk.toml").write_text('[archive]\nwarc_dir = "warc"\n', encoding="utf-8")
    clock = FixedClock(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    site = StandIn()
    settings = Settings(
        fetch=FetchSettings(per_host_delay=timedelta(0), respect_robots=False),
        archive=ArchiveSettings(warc_dir=str(workdir / "warc")),
    )
    archive = WarcArchive(workdir / "warc", max_bytes=10**9)
    fetcher = Fetcher(
        settings.fetch, clock=clock, transport=httpx.MockTransport(site), resolver=resolve
    )
    db = workdir / "verify.db"
    with Store.open(f"sqlite:///{db}") as store:
        tracker = Tracker(
            store=store, fetcher=fetcher, settings=settings, clock=clock, archive=archive
        )
        store.add_source(Source(name="daily"), now=clock.now())
        article = store.add_article("daily", URL, now=clock.now())
        await tracker.check_article(article)
        clock.advance(timedelta(hours=1))
        site.page = B
        await tracker.check_article(store.get_article(article.id) or article)
        first = store.get_version(article.id, 1)
        assert first is not None
        assert first.provenance.record_id is not None
        assert first.html_hash is not None
    archive.close()
    await fetcher.aclose()
    return db, first.html_hash


async def test_verify_passes_then_finds_a_corrupted_blob(tmp_path):
    db, digest = await tracked_with_warc(tmp_path)
    clean = copydesk(tmp_path, "verify.db", "verify")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "2 versions citing a WARC record" in " ".join(clean.stdout.split())
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE blobs SET data = ? WHERE hash = ?", (compress(b"<p>tampered</p>"), digest)
        )
    found = copydesk(tmp_path, "verify.db", "verify")
    assert found.returncode == 1
    assert f"blob {digest}" in " ".join(found.stderr.split())
    assert "FAILED" in found.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE blobs SET data = ? WHERE hash = ?", (b"not zstd at all", digest))
    broken = copydesk(tmp_path, "verify.db", "verify")
    assert broken.returncode == 1
    assert "corrupt blob" in broken.stderr


async def test_verify_finds_a_damaged_or_missing_warc_record(tmp_path):
    await tracked_with_warc(tmp_path)
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    # Re-write the file with words of one payload changed, each record still its own valid
    # gzip member: only that record's digests no longer match.
    records = members(warc.read_bytes())
    tampered = [r.replace(b"Council approves", b"Council rejected", 1) for r in records]
    assert tampered != records
    warc.write_bytes(b"".join(gzip.compress(r) for r in tampered))
    found = copydesk(tmp_path, "verify.db", "verify")
    assert found.returncode == 1
    assert "digest" in found.stderr.lower()
    warc.unlink()
    gone = copydesk(tmp_path, "verify.db", "verify")
    assert gone.returncode == 1
    assert "not found in" in " ".join(gone.stderr.split())
