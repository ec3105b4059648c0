"""The Wayback Machine both ways: backfill from a CDX server, and Save Page Now for new versions.

Every request goes through the Fetcher (SSRF guard, robots.txt, per-host politeness, body cap),
so the archive is asked as politely as any news site.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from copydesk.archive import cdx_query_url, memento_of_save, parse_cdx
from copydesk.archive.cdx import CdxCapture, memento_url, replay_url
from copydesk.clock import Clock
from copydesk.errors import ArchiveError, FetchError
from copydesk.evidence.imports import Importer
from copydesk.fetch import Fetcher
from copydesk.pipeline import describe_error
from copydesk.records import Capture, Origin, Provenance
from copydesk.settings import ArchiveSettings
from copydesk.store import Store

logger = logging.getLogger(__name__)

_PAGE = 500  # CDX rows asked for at once
_MAX_PAGES = 1000  # a bound on pagination, whatever a server answers
_HTML_MIMES = ("text/html", "application/xhtml+xml", "unk", "")
_SAVE_LEASE = timedelta(minutes=10)
_SAVE_BACKOFF = timedelta(minutes=5)
_SAVE_MAX_BACKOFF = timedelta(hours=12)
_SAVE_ATTEMPTS = 10

CaptureProgress = Callable[[int, int], None]  # (captures done, captures listed so far)


def _wanted(capture: CdxCapture) -> bool:
    return capture.status == "200" and capture.mime.split(";")[0].strip().lower() in _HTML_MIMES


class WaybackBackfill:
    """`copydesk import --wayback URL`: list captures on a CDX server, import their bytes."""

    def __init__(self, importer: Importer, fetcher: Fetcher, settings: ArchiveSettings) -> None:
        self.importer = importer
        self.fetcher = fetcher
        self.settings = settings

    async def captures(
        self, url: str, *, prefix: bool, since: datetime | None, until: datetime | None
    ) -> list[CdxCapture]:
        """Every HTML capture with status 200, page by page (resume key, or `from` for pywb)."""
        found: list[CdxCapture] = []
        resume: str | None = None
        start = since
        for _ in range(_MAX_PAGES):
            query = cdx_query_url(
                self.settings.wayback_cdx,
                url,
                prefix=prefix,
                since=start,
                until=until,
                limit=_PAGE,
                resume_key=resume,
            )
            try:
                page = await self.fetcher.fetch(query)
            except FetchError as exc:
                endpoint = self.settings.wayback_cdx
                raise ArchiveError(f"CDX server {endpoint}: {describe_error(exc)}") from exc
            listed = parse_cdx(page.text)
            found.extend(c for c in listed.captures if _wanted(c))
            if listed.resume_key:
                resume = listed.resume_key
            elif len(listed.captures) >= _PAGE and not prefix:
                # No resume key (pywb): ask again from just after the last capture listed.
                start = listed.captures[-1].captured_at + timedelta(seconds=1)
            else:
                break
        unique = {(c.url, c.timestamp): c for c in found}
        return sorted(unique.values(), key=lambda c: (c.timestamp, c.url))

    async def run(
        self,
        url: str,
        *,
        prefix: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
        progress: CaptureProgress | None = None,
    ) -> None:
        """Import the captures of `url`; a capture that cannot be fetched is counted, not fatal."""
        listed = await self.captures(url, prefix=prefix, since=since, until=until)
        stats = self.importer.stats
        last_digest: dict[str, str] = {}
        base = self.settings.replay_base
        for done, cdx in enumerate(listed, start=1):
            if progress is not None:
                progress(done - 1, len(listed))
            if cdx.digest and last_digest.get(cdx.url) == cdx.digest:
                # The same bytes as the capture before it: it could change nothing.
                stats.responses += 1
                stats.unchanged += 1
                continue
            last_digest[cdx.url] = cdx.digest
            try:
                page = await self.fetcher.fetch(replay_url(base, cdx))
            except FetchError as exc:
                logger.warning("capture %s %s: %s", cdx.timestamp, cdx.url, exc)
                stats.responses += 1
                stats.skip("capture not fetched")
                continue
            capture = Capture(
                url=cdx.url,
                captured_at=cdx.captured_at,
                status=page.status,
                body=page.body,
                headers=page.headers,
                content_type=page.content_type,
            )
            provenance = Provenance(
                origin=Origin.WAYBACK,
                file=self.settings.wayback_cdx,
                record_id=replay_url(base, cdx),
                memento_url=memento_url(base, cdx),
            )
            stats.records += 1
            self.importer.import_capture(capture, provenance)
        if progress is not None:
            progress(len(listed), len(listed))


class WaybackSaver:
    """Save Page Now for new versions, in the background: failures are retried, never block."""

    def __init__(
        self, store: Store, fetcher: Fetcher, settings: ArchiveSettings, *, clock: Clock
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock

    async def run_due(self, *, limit: int = 4) -> int:
        """Ask for the saves that are due; returns how many were attempted."""
        due = self.store.due_wayback_saves(self.clock.now(), limit=limit, lease=_SAVE_LEASE)
        for version_id, url, attempts in due:
            await self._save(version_id, url, attempts)
        return len(due)

    async def _save(self, version_id: int, url: str, attempts: int) -> None:
        error: str | None = None
        memento: str | None = None
        try:
            page = await self.fetcher.fetch(self.settings.wayback_save_url + url)
            memento = memento_of_save(page.final_url, page.headers, self.settings.wayback_save_url)
            if memento is None:
                error = f"no memento in the answer from {page.final_url}"
        except FetchError as exc:
            error = describe_error(exc)
        retry = None
        if memento is None and attempts + 1 < _SAVE_ATTEMPTS:
            retry = min(_SAVE_BACKOFF * (2**attempts), _SAVE_MAX_BACKOFF)
        if memento is None:
            logger.info("Save Page Now for %s failed (attempt %d): %s", url, attempts + 1, error)
        self.store.record_wayback_save(
            version_id, now=self.clock.now(), memento_url=memento, error=error, retry_in=retry
        )
