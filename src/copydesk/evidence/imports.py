"""Backfill from archives: each archived HTML response becomes a check of its article.

It is checked at its capture time, through the live check's extraction and change decision.
Where it lands in an article's history (store.evidence keeps versions in time order):
- the text in force then (the version before it) is identical: no version, a check only;
- the next version has the same text: that version was first seen earlier, so it moves back
  to this capture (its raw capture and provenance become this one's);
- otherwise a version is inserted there (hidden when trivial), and the next version is
  classified again against it. Versions after it are renumbered.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from copydesk.archive import iter_captures, looks_like_html
from copydesk.charset import decode_body
from copydesk.clock import Clock
from copydesk.errors import ExtractError
from copydesk.extract import extract_article
from copydesk.pipeline import Tracker, decide_change, same_text
from copydesk.records import (
    Article,
    Capture,
    Check,
    CheckOutcome,
    CheckResult,
    Origin,
    Provenance,
    Reclassified,
    Source,
    TrackedArticle,
    Version,
)
from copydesk.urls import InvalidURL, canonical_url, host_of

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (bytes read, file size)


@dataclass(slots=True)
class ImportStats:
    """What an import did, for the summary line."""

    files: int = 0
    records: int = 0
    responses: int = 0
    versions: int = 0  # visible versions added
    hidden: int = 0  # trivial versions added (stored, hidden)
    moved_back: int = 0  # versions now known to be first seen earlier
    unchanged: int = 0  # captures identical to the version in force then
    already: int = 0  # imported before (or copydesk's own check)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count

    def skip(self, reason: str) -> str:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        return reason

    def summary(self) -> str:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())) or "none"
        return (
            f"{self.files} files, {self.records} records, {self.responses} responses: "
            f"{self.versions} versions added, {self.hidden} hidden as trivial, "
            f"{self.moved_back} moved earlier, {self.unchanged} unchanged, "
            f"{self.already} already imported; skipped: {skipped}"
        )


def capture_key(url: str, capture: Capture) -> str:
    """What a capture is, wherever it was found: article URL, capture time, payload hash."""
    body = hashlib.sha256(capture.body).hexdigest()
    moment = capture.captured_at.isoformat()
    return hashlib.sha256(f"{url}\n{moment}\n{body}".encode()).hexdigest()


def default_source(url: str) -> str:
    """The source an imported URL is filed under: its host without `www.`."""
    return host_of(url).removeprefix("www.") or "imported"


def _matches(source: Source, url: str) -> bool:
    if source.include and not any(re.search(p, url) for p in source.include):
        return False
    return not any(re.search(p, url) for p in source.exclude)


class Importer:
    """Takes archived captures into the record, one at a time, in constant memory."""

    def __init__(
        self,
        tracker: Tracker,
        *,
        clock: Clock,
        source: str | None = None,
        track: bool = False,
    ) -> None:
        self.tracker = tracker
        self.store = tracker.store
        self.clock = clock
        self.source = source
        self.track = track
        self.stats = ImportStats()

    def import_file(self, path: Path, *, progress: Progress | None = None) -> None:
        """Import every response record of one WARC/ARC file."""
        size = path.stat().st_size if path.exists() else 0
        max_body = self.tracker.settings.fetch.max_body_bytes

        def heard(kind: str, position: int) -> None:
            self.stats.records += 1
            if progress is not None:
                progress(position, size)

        for capture in iter_captures(path, max_body=max_body, on_record=heard):
            provenance = Provenance(
                origin=Origin.WARC, file=str(path.resolve()), record_id=capture.record_id
            )
            self.import_capture(capture, provenance)
        self.stats.files += 1
        if progress is not None:
            progress(size, size)

    def import_capture(self, capture: Capture, provenance: Provenance) -> str:
        """Take one capture in; returns what became of it (a stats key or skip reason)."""
        self.stats.responses += 1
        if capture.status != 200:
            return self.stats.skip("not status 200")
        if not looks_like_html(capture.content_type):
            return self.stats.skip("not HTML")
        try:
            url = canonical_url(capture.article_url or capture.url)
        except InvalidURL:
            return self.stats.skip("not an article")
        source_name = self.source or capture.source or default_source(url)
        source = self.tracker.source_of(source_name)
        if not _matches(source, url):
            return self.stats.skip("not an article")
        # Known before it is extracted: a second import of a big crawl costs a read, no more.
        key = capture_key(url, capture)
        digest = hashlib.sha256(capture.body).hexdigest()
        known = self.store.find_article(url)
        if self.store.capture_known(
            key, article_id=known.id if known else None, at=capture.captured_at, digest=digest
        ):
            self.stats.already += 1
            return "already"
        text, _ = decode_body(capture.body, capture.content_type)
        try:
            extracted = extract_article(text, url=capture.url, rules=source.extract_rules)
        except ExtractError:
            return self.stats.skip("not an article")
        article = known or self.store.import_article(
            source_name, url, at=capture.captured_at, track=self.track
        )
        return self._place(article, capture, extracted, key, provenance, source)

    def _place(
        self,
        article: TrackedArticle,
        capture: Capture,
        extracted: Article,
        key: str,
        provenance: Provenance,
        source: Source,
    ) -> str:
        before, after = self.store.version_neighbours(article.id, capture.captured_at)
        rules = source.extract_rules
        baseline = None
        if before is not None:
            baseline = self.tracker.baseline(before, extracted, rules, capture.url)
        kind, flags, outcome = decide_change(baseline, extracted)
        check = Check(
            article_id=article.id,
            checked_at=capture.captured_at,
            outcome=outcome,
            status=capture.status,
            html_hash=hashlib.sha256(capture.body).hexdigest(),
            error=f"imported from {provenance.file} {provenance.record_id}"[:1000],
        )
        now = self.clock.now()
        if outcome is CheckOutcome.UNCHANGED:
            self.store.record_import(CheckResult(check=check), key=key, now=now)
            self.stats.unchanged += 1
            return "unchanged"
        result = CheckResult(
            check=check,
            article=extracted,
            trivial=outcome is CheckOutcome.TRIVIAL,
            change_kind=kind,
            change_flags=flags,
            raw_html=capture.body,
            content_type=capture.content_type,
            provenance=provenance,
        )
        later = None
        if after is not None:
            later = self.tracker.baseline(after, extracted, rules, capture.url)
        if after is not None and later is not None and same_text(later, extracted):
            self.store.record_import(result, key=key, now=now, merge_into=after.id)
            self.stats.moved_back += 1
            return "moved back"
        successor = None if after is None else _reclassified(after, extracted, later)
        self.store.record_import(result, key=key, now=now, successor=successor)
        if outcome is CheckOutcome.TRIVIAL:
            self.stats.hidden += 1
            return "hidden"
        self.stats.versions += 1
        return "version"


def _reclassified(
    after: Version, inserted: Article, later: Version | Article | None
) -> Reclassified:
    """The next version, classified again against the inserted one."""
    assert after.id is not None
    kind, flags, outcome = decide_change(inserted, later or after)
    return Reclassified(
        version_id=after.id,
        change_kind=kind,
        change_flags=flags,
        trivial=outcome is CheckOutcome.TRIVIAL,
    )
