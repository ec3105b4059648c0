"""Streaming WARC/ARC reading: response records out as kernel Captures, one at a time.

Only HTML bodies are read, and only up to a cap, so a multi-gigabyte crawl full of video
passes through in constant memory.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from copydesk.errors import ArchiveError
from copydesk.records import Capture

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16


def looks_like_html(content_type: str | None) -> bool:
    """HTML by its declared type; an undeclared type is given a chance (extraction decides)."""
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = iso_date_to_datetime(value, tz_aware=True)
    except ValueError:
        return None
    if not isinstance(moment, datetime):
        return None
    return moment.astimezone(UTC)


def _read_capped(stream: Any, cap: int) -> bytes | None:
    """The body, or None when it is longer than `cap` (the rest is left for warcio to skip)."""
    parts: list[bytes] = []
    size = 0
    while True:
        piece = stream.read(_CHUNK)
        if not piece:
            return b"".join(parts)
        size += len(piece)
        if size > cap:
            return None
        parts.append(piece)


def _arc_when(value: str | None) -> datetime | None:
    if not value or not value.isdigit():
        return None
    try:
        moment = datetime.strptime((value + "0" * 14)[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC)


def _capture(record: Any, path: Path, offset: int, cap: int) -> Capture | None:
    headers = record.rec_headers
    arc = record.format == "arc"
    if arc:  # ARC: no record id of its own; the file and offset name the record
        url = headers.get_header("uri")
        when = _arc_when(headers.get_header("archive-date"))
    else:
        url = headers.get_header("WARC-Target-URI")
        when = _when(headers.get_header("WARC-Date"))
    http = record.http_headers
    if not url or when is None or http is None:
        return None
    try:
        status = int(http.get_statuscode() or 0)
    except ValueError:
        status = 0
    content_type = http.get_header("Content-Type")
    body = b""
    if status == 200 and looks_like_html(content_type):
        read = _read_capped(record.content_stream(), cap)
        if read is None:
            logger.info("%s#%d: body over %d bytes, skipped", path.name, offset, cap)
            return None
        body = read
    record_id = None if arc else headers.get_header("WARC-Record-ID")
    return Capture(
        url=url.strip(),
        captured_at=when,
        status=status,
        body=body,
        headers=tuple((str(k), str(v)) for k, v in http.headers),
        content_type=content_type,
        ip_address=headers.get_header("ip-address" if arc else "WARC-IP-Address"),
        file=str(path),
        record_id=record_id or f"{path.name}#{offset}",
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        offset=offset,
        article_url=headers.get_header("Copydesk-Article-URL"),
        source=headers.get_header("Copydesk-Source"),
    )


def iter_captures(
    path: Path,
    *,
    max_body: int,
    on_record: Callable[[str, int], None] | None = None,
) -> Iterator[Capture]:
    """Yield the response records of a WARC or ARC file (gzipped or not) as Captures.

    `on_record(type, bytes_read)` hears about every record, responses or not (for counts and
    progress). Non-HTML and non-200 responses come with an empty body.

    Raises:
        ArchiveError: the file cannot be opened or is not a WARC/ARC file at all. A damaged
            record after good ones ends the file (logged) rather than losing what came before.
    """
    try:
        stream = open(path, "rb")  # noqa: SIM115  (closed below)
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with stream:
        records = ArchiveIterator(stream)
        seen = 0
        try:
            for record in records:
                seen += 1
                offset = int(records.offset)  # where this record starts (before it is read)
                kind = str(record.rec_type)
                if on_record is not None:
                    on_record(kind, stream.tell())
                if kind != "response":
                    continue
                capture = _capture(record, path, offset, max_body)
                if capture is not None:
                    yield capture
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as exc:
            if seen == 0:
                raise ArchiveError(f"{path}: not a readable WARC/ARC file ({exc})") from exc
            logger.warning("%s: stopped at a damaged record after %d records: %s", path, seen, exc)
