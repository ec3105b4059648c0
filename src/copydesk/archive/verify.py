"""Integrity of WARC files: every record's block and payload digests, re-computed."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from copydesk.errors import ArchiveError


@dataclass(slots=True)
class FileCheck:
    """What re-reading one WARC file found."""

    path: Path
    records: int = 0
    record_ids: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def verify_warc_file(path: Path) -> FileCheck:
    """Read every record, checking its digests; damage is reported, never raised."""
    result = FileCheck(path)
    try:
        stream = open(path, "rb")  # noqa: SIM115  (closed below)
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with stream:
        records = ArchiveIterator(stream, check_digests=True)
        try:
            for record in records:
                body = record.content_stream()
                while body.read(1 << 16):  # reading is what checks the digests
                    pass
                result.records += 1
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                if record_id:
                    result.record_ids.add(record_id)
                checker = record.digest_checker
                if checker.passed is False:
                    detail = "; ".join(str(p) for p in checker.problems)
                    result.problems.append(f"{path.name}: record {record_id}: {detail}")
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as exc:
            result.problems.append(f"{path.name}: unreadable after {result.records} records: {exc}")
    return result
