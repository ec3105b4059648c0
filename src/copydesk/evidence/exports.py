"""`copydesk export --format warc`: every stored version's raw capture as a response record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from copydesk.archive import WarcExporter
from copydesk.records import Capture, TrackedArticle, Version
from copydesk.store import Store


def version_headers(article: TrackedArticle, version: Version) -> dict[str, str]:
    """Copydesk's extension fields on an exported record: what it is a version of, and whence."""
    fields = {
        "Copydesk-Article-URL": article.url,
        "Copydesk-Source": article.source,
        "Copydesk-Version": str(version.number) + (" (trivial)" if version.trivial else ""),
        "Copydesk-Origin": version.provenance.origin.value,
    }
    if version.provenance.file:
        fields["Copydesk-Origin-File"] = version.provenance.file
    if version.provenance.record_id:
        fields["Copydesk-Origin-Record-ID"] = version.provenance.record_id
    if version.provenance.memento_url:
        fields["Copydesk-Memento-URL"] = version.provenance.memento_url
    return fields


def export_warc(
    store: Store,
    path: Path,
    *,
    source: str | None = None,
    since: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    filename: str | None = None,
) -> tuple[int, int]:
    """Write the captures; returns (records written, versions without a kept capture)."""
    written = missing = 0
    with WarcExporter(path, filename=filename) as out:
        for article, version, raw in store.iter_captures(source=source, since=since):
            if raw is None:
                missing += 1
                continue
            capture = Capture(
                url=article.url,
                captured_at=version.captured_at,
                status=200,
                body=raw,
                content_type=version.content_type or "text/html",
            )
            out.write(capture, version_headers(article, version))
            written += 1
            if progress is not None:
                progress(written)
    return written, missing
