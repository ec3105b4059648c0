"""Archive stage: WARC/ARC files in and out (warcio stays inside this package).

It reads and writes bytes on disk and imports only the kernel: the pipeline hands it pages and
captures, and gets back file names, record ids and captures.
"""

from __future__ import annotations

from copydesk.archive.cdx import CdxCapture, cdx_query_url, memento_of_save, parse_cdx
from copydesk.archive.reader import iter_captures, looks_like_html
from copydesk.archive.verify import FileCheck, verify_warc_file
from copydesk.archive.writer import (
    CaptureRecord,
    WarcArchive,
    WarcExporter,
    WarcRef,
    recover_open_files,
)

__all__ = [
    "CaptureRecord",
    "CdxCapture",
    "FileCheck",
    "WarcArchive",
    "WarcExporter",
    "WarcRef",
    "cdx_query_url",
    "iter_captures",
    "looks_like_html",
    "memento_of_save",
    "parse_cdx",
    "recover_open_files",
    "verify_warc_file",
]
