"""The tracker records checks from several threads at once: their WARC records never interleave."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from copydesk.archive import CaptureRecord, WarcArchive, WarcRef
from copydesk.records import Page


def capture(n: int) -> CaptureRecord:
    body = b"<html><body><p>" + os.urandom(20_000).hex().encode() + b"</p></body></html>"
    url = f"http://example.org/story-{n}"
    page = Page(
        url=url,
        final_url=url,
        status=200,
        fetched_at=datetime.now(UTC),
        body=body,
        content_type="text/html",
        request_headers=(("User-Agent", "t"),),
    )
    return CaptureRecord(
        page=page,
        captured_at=datetime.now(UTC),
        check_id=f"urn:uuid:{n}",
        article_url=url,
        source="example",
        outcome="new-version",
    )


def test_captures_written_from_many_threads_are_whole_and_cite_their_file(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    # Small files: rotation happens while other threads are writing.
    archive = WarcArchive(folder, max_bytes=300_000, host="newsdesk")
    with ThreadPoolExecutor(max_workers=8) as pool:
        refs: list[WarcRef] = list(
            pool.map(lambda n: archive.write_capture(capture(n)), range(160))
        )
    archive.close()
    responses: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                if record.rec_type == "response":
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    responses.setdefault(path.name, set()).add(record_id)
    assert len(responses) > 1, "the files rotated"
    assert sum(len(ids) for ids in responses.values()) == 160
    for ref in refs:
        assert ref.record_id in responses[ref.file], "each capture cites the file that holds it"
