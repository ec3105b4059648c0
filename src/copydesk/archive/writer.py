"""WARC 1.1 writing: the tracker's rotating capture archive and one-file exports.

Crash safety: a capture archive is written as `NAME.warc.gz.open` under an exclusive lock, one
gzip member per record, flushed and fsynced before the caller commits the version that cites
it; closing renames it to `NAME.warc.gz`. A file left `.open` by a killed process is cut back
to its last complete gzip member (so every record in it reads cleanly) and renamed by
`recover_open_files`, which the next archive run calls first.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import logging
import os
import socket
import threading
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from copydesk.errors import ArchiveError
from copydesk.records import Capture, Page

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
_WARC_VERSION = "1.1"
# The body is stored decoded (as copydesk extracted it), so these would describe bytes that
# are not in the record: they are dropped and Content-Length is set to the stored body.
_DROPPED = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_SOFTWARE = "copydesk (https://github.com/copydesk)"


@dataclass(frozen=True, slots=True)
class WarcRef:
    """Where a response record was written: the file's final name and the record's id."""

    file: str
    record_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureRecord:
    """One fetch to archive: the page, when it counts as captured, and what it was for."""

    page: Page
    captured_at: datetime  # the check's time: the version's captured_at
    check_id: str  # urn:uuid of the check, repeated in the metadata record
    article_url: str
    source: str
    outcome: str


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date with microseconds, so a re-import restores the exact capture time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes (sha1, base32)."""
    import base64

    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _http_headers(
    status: int, reason: str, headers: tuple[tuple[str, str], ...], body: bytes, ctype: str | None
) -> StatusAndHeaders:
    kept = [(k, v) for k, v in headers if k.lower() not in _DROPPED]
    if ctype and not any(k.lower() == "content-type" for k, _ in kept):
        kept.append(("Content-Type", ctype))
    kept.append(("Content-Length", str(len(body))))
    phrase = reason or _phrase(status)
    return StatusAndHeaders(f"{status} {phrase}", kept, protocol="HTTP/1.1")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _request_headers(url: str, headers: tuple[tuple[str, str], ...]) -> StatusAndHeaders:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = list(headers)
    if not any(k.lower() == "host" for k, _ in pairs):
        pairs.insert(0, ("Host", parts.netloc))
    return StatusAndHeaders(f"GET {target} HTTP/1.1", pairs, protocol="", is_http_request=True)


class _RecordWriter:
    """warcio's writer over one open binary file (gzip: one member per record)."""

    def __init__(self, stream: BinaryIO, *, gzip: bool) -> None:
        self.stream = stream
        self._writer = WARCWriter(stream, gzip=gzip, warc_version=_WARC_VERSION)

    def warcinfo(self, filename: str) -> None:
        info = {"software": _SOFTWARE, "format": "WARC File Format 1.1"}
        self._writer.write_record(self._writer.create_warcinfo_record(filename, info))

    def response(self, capture: Capture, extra: dict[str, str], *, reason: str = "") -> str:
        """Write a response record for `capture`; returns its WARC-Record-ID."""
        record_id = _record_id()
        headers = {"WARC-Record-ID": record_id, "WARC-Date": warc_date(capture.captured_at)}
        if capture.ip_address:
            headers["WARC-IP-Address"] = capture.ip_address
        headers.update(extra)
        http = _http_headers(
            capture.status, reason, capture.headers, capture.body, capture.content_type
        )
        record = self._writer.create_warc_record(
            capture.url,
            "response",
            payload=io.BytesIO(capture.body),
            length=len(capture.body),
            http_headers=http,
            warc_headers_dict=headers,
        )
        self._writer.write_record(record)
        return record_id

    def request(
        self, url: str, headers: tuple[tuple[str, str], ...], *, at: datetime, to: str
    ) -> None:
        warc = {
            "WARC-Record-ID": _record_id(),
            "WARC-Date": warc_date(at),
            "WARC-Concurrent-To": to,
        }
        record = self._writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=_request_headers(url, headers),
            warc_headers_dict=warc,
        )
        self._writer.write_record(record)

    def metadata(self, url: str, fields: dict[str, str], *, at: datetime, to: str) -> None:
        body = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
        warc = {
            "WARC-Record-ID": _record_id(),
            "WARC-Date": warc_date(at),
            "WARC-Concurrent-To": to,
            "Content-Type": "application/warc-fields",
        }
        record = self._writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(body), length=len(body), warc_headers_dict=warc
        )
        self._writer.write_record(record)

    def revisit(self, capture: Capture, *, refers_to: WarcRef | None, refers_at: datetime) -> str:
        record_id = _record_id()
        warc = {"WARC-Record-ID": record_id, "WARC-Date": warc_date(capture.captured_at)}
        if capture.ip_address:
            warc["WARC-IP-Address"] = capture.ip_address
        if refers_to is not None:
            warc["WARC-Refers-To"] = refers_to.record_id
        http = _http_headers(capture.status, "", capture.headers, b"", capture.content_type)
        record = self._writer.create_revisit_record(
            capture.url,
            payload_digest(capture.body),
            capture.url,
            warc_date(refers_at),
            http_headers=http,
            warc_headers_dict=warc,
        )
        self._writer.write_record(record)
        return record_id


def _capture_of(page: Page, at: datetime) -> Capture:
    return Capture(
        url=page.final_url,
        captured_at=at,
        status=page.status,
        body=page.body,
        headers=page.headers,
        content_type=page.content_type,
        ip_address=page.ip_address,
    )


class WarcArchive:
    """The tracker's WARC capture folder: rotating, locked, fsynced files named by time and host.

    One per process; each process writes its own files, so workers sharing a folder never
    interleave records. Within a process the tracker records checks from several threads, so
    each group of records (and a rotation) is written under one lock.
    """

    def __init__(self, directory: Path, *, max_bytes: int, host: str | None = None) -> None:
        self.directory = directory
        self.max_bytes = max(1, max_bytes)
        self.host = (host or socket.gethostname()).replace("/", "_").replace("-", "_")
        self._serial = 0
        self._file: BinaryIO | None = None
        self._writer: _RecordWriter | None = None
        self._name = ""
        self._lock = threading.RLock()
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"cannot create WARC folder {directory}: {exc}") from exc
        recover_open_files(directory)

    def write_capture(self, item: CaptureRecord) -> WarcRef:
        """Write request, response and metadata records, then flush and fsync; returns the ref.

        The caller commits the version only after this returns: a version never cites a
        record that is not on disk.
        """
        page = item.page
        capture = _capture_of(page, item.captured_at)
        extra = {"Copydesk-Article-URL": item.article_url, "Copydesk-Source": item.source}
        with self._open() as (writer, name):
            record_id = writer.response(capture, extra, reason=page.reason)
            if page.request_headers:
                writer.request(
                    page.final_url, page.request_headers, at=item.captured_at, to=record_id
                )
            fields = {
                "copydesk-check": item.check_id,
                "copydesk-article-url": item.article_url,
                "copydesk-source": item.source,
                "copydesk-outcome": item.outcome,
            }
            writer.metadata(page.final_url, fields, at=item.captured_at, to=record_id)
        return WarcRef(name, record_id)

    def write_revisit(
        self, item: CaptureRecord, *, refers_to: WarcRef | None, refers_at: datetime
    ) -> WarcRef:
        """A revisit record (identical-payload-digest profile) for an unchanged capture."""
        capture = _capture_of(item.page, item.captured_at)
        with self._open() as (writer, name):
            record_id = writer.revisit(capture, refers_to=refers_to, refers_at=refers_at)
            fields = {"copydesk-check": item.check_id, "copydesk-outcome": item.outcome}
            writer.metadata(item.page.final_url, fields, at=item.captured_at, to=record_id)
        return WarcRef(name, record_id)

    @contextlib.contextmanager
    def _open(self) -> Iterator[tuple[_RecordWriter, str]]:
        """The current file's writer and name, held for one group of records."""
        with self._lock:
            try:
                if self._file is not None and self._file.tell() >= self.max_bytes:
                    self.close()
                if self._writer is None:
                    self._start()
                assert self._writer is not None
                assert self._file is not None
                yield self._writer, self._name
                self._file.flush()
                os.fsync(self._file.fileno())
            except OSError as exc:
                raise ArchiveError(f"cannot write WARC file {self._name}: {exc}") from exc

    def _start(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self._serial += 1
        self._name = f"copydesk-{stamp}-{self.host}-{os.getpid()}-{self._serial:05d}.warc.gz"
        path = self.directory / (self._name + OPEN_SUFFIX)
        stream = open(path, "xb")  # noqa: SIM115  (kept open across records; closed in close())
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file = stream
        self._writer = _RecordWriter(stream, gzip=True)
        self._writer.warcinfo(self._name)

    def close(self) -> None:
        """Close the current file and give it its final name."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._file is None:
            return
        stream, name = self._file, self._name
        self._file, self._writer = None, None
        try:
            stream.flush()
            os.fsync(stream.fileno())
            os.replace(self.directory / (name + OPEN_SUFFIX), self.directory / name)
        except OSError as exc:
            raise ArchiveError(f"cannot close WARC file {name}: {exc}") from exc
        finally:
            stream.close()


def _complete_prefix(stream: BinaryIO) -> int:
    """Bytes of `stream` that are whole gzip members (records); a torn last one is not."""
    end = 0
    position = 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            return end
        data = chunk
        while data:
            try:
                inflater.decompress(data)
            except zlib.error:
                return end
            if not inflater.eof:
                position += len(data)
                break
            used = len(data) - len(inflater.unused_data)
            position += used
            end = position
            data = inflater.unused_data
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)


def recover_open_files(directory: Path) -> list[str]:
    """Close WARC files a killed process left open: cut torn tails, give them final names.

    Files another live process still holds (its lock) are left alone. Returns the names done.
    """
    done = []
    for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        try:
            with open(path, "r+b") as stream:
                try:
                    fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a running writer owns it
                keep = _complete_prefix(stream)
                stream.truncate(keep)
                stream.flush()
                os.fsync(stream.fileno())
            final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
            os.replace(path, final)
            done.append(final.name)
            logger.warning("recovered WARC file %s (%d bytes kept)", final.name, keep)
        except OSError as exc:
            raise ArchiveError(f"cannot recover WARC file {path}: {exc}") from exc
    return done


class WarcExporter:
    """Writes stored versions' raw captures as response records into one WARC file."""

    def __init__(self, path: Path, *, filename: str | None = None) -> None:
        """Open `path`; `filename` is the name warcinfo gives (a file renamed once written)."""
        self.path = path
        try:
            self._stream: BinaryIO = open(path, "wb")  # noqa: SIM115  (closed in close())
        except OSError as exc:
            raise ArchiveError(f"cannot write {path}: {exc.strerror or exc}") from exc
        self._writer = _RecordWriter(self._stream, gzip=path.name.endswith(".gz"))
        self._writer.warcinfo(filename or path.name)

    def write(self, capture: Capture, extra: dict[str, str]) -> str:
        """One response record dated at the capture time; returns its record id."""
        try:
            return self._writer.response(capture, extra)
        except OSError as exc:
            raise ArchiveError(f"cannot write {self.path}: {exc}") from exc

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> WarcExporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
