"""The one place that knows the order: fetch -> discover/extract -> diff -> schedule -> store.

Every method handles exactly one endpoint or one article and turns every failure of that item
into a recorded outcome, so the daemon around it never dies because of one bad page.

A check costs one store read (the lease that handed it the article, with the newest version's
text hash and the located text's fingerprint on the row) and one store write (the outcome, with
its events and outbox entries, in one transaction); the version itself is read only when the
text seems to have changed. Fetching runs on the event loop; everything after it (fingerprint,
extraction, comparison, the store) runs in a worker thread, one hand-off per step, so a slow
database or a big page never stalls the fetches in flight.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from copydesk import announce
from copydesk.archive import CaptureRecord, WarcArchive, WarcRef
from copydesk.clock import Clock
from copydesk.diff import ChangeKind, classify, excerpt
from copydesk.discover import discover_parts
from copydesk.errors import (
    ArchiveError,
    CopydeskError,
    DiscoverError,
    ExtractError,
    FetchError,
    HTTPStatusError,
)
from copydesk.extract import extract_article
from copydesk.fetch import Fetcher
from copydesk.pipeline.fastpath import FastOutcome, FastPath
from copydesk.pipeline.lifecycle import GONE_STATUSES, Events, Lifecycle
from copydesk.records import (
    Article,
    Change,
    Check,
    CheckOutcome,
    CheckResult,
    Discovery,
    Endpoint,
    EndpointKind,
    ExtractRules,
    Page,
    Provenance,
    Source,
    TrackedArticle,
    Version,
)
from copydesk.scheduler import Scheduler
from copydesk.settings import Settings
from copydesk.store import Store
from copydesk.urls import InvalidURL, canonical_url, same_site

logger = logging.getLogger(__name__)

_WRITE_CHUNK = 500  # candidates per write transaction when a poll registers its listing
_NEXT_PART = timedelta(minutes=1)  # a listing taken in part is polled again this soon
_OUTCOMES = {ChangeKind.IDENTICAL: CheckOutcome.UNCHANGED, ChangeKind.TRIVIAL: CheckOutcome.TRIVIAL}


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    """What one article check did, for the CLI and the notifiers."""

    article: TrackedArticle
    outcome: CheckOutcome
    version: Version | None = None
    change: Change | None = None
    error: str | None = None


class InternalError(CopydeskError):
    """An exception no stage turned into its own error: recorded, never fatal to the daemon."""

    reason = "internal-error"

    @classmethod
    def of(cls, exc: BaseException) -> InternalError:
        return cls(f"{type(exc).__name__}: {exc}")


def describe_error(exc: CopydeskError) -> str:
    """A one-line reason stored on the check: `reason: message`."""
    reason = getattr(exc, "reason", type(exc).__name__)
    if isinstance(exc, ExtractError):
        reason = "extract"
    elif isinstance(exc, DiscoverError):
        reason = "discover"
    return f"{reason}: {exc}"[:1000]


@dataclass(frozen=True, slots=True)
class _Read:
    """A page the full extractor read, with what the check has found out so far."""

    article: TrackedArticle
    extracted: Article
    rules: ExtractRules
    events: Events
    fast: FastOutcome


@dataclass(frozen=True, slots=True)
class _Arrival:
    """A new URL whose text `earlier` has: its old address is read before deciding."""

    read: _Read
    earlier: TrackedArticle


@dataclass(frozen=True, slots=True)
class _Unsettled:
    """A read whose text differs from the newest version: confirm it with another read."""

    read: _Read
    latest: Version | None
    baseline: Version | Article | None


_FAST_PATH = FastOutcome(fast_path=True)


class Tracker:
    """Runs single steps of the pipeline against one store and one fetcher."""

    def __init__(
        self,
        *,
        store: Store,
        fetcher: Fetcher,
        settings: Settings,
        clock: Clock,
        archive: WarcArchive | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        self.archive = archive  # WARC capture ([archive] warc_dir), None when off
        self.scheduler = scheduler or Scheduler(store=store, settings=settings, clock=clock)
        self.fast = FastPath(store=store, settings=settings, clock=clock)
        self.lifecycle = Lifecycle(store=store, fetcher=fetcher, clock=clock)
        self._sources: dict[str, tuple[float, Source]] = {}  # name -> (read at, source)

    # ── discovery ────────────────────────────────────────────────────────────────────

    async def poll_endpoint(self, endpoint: Endpoint) -> list[TrackedArticle]:
        """Fetch one feed, sitemap or front page and register the articles it names.

        Any exception beyond the recorded failures (a bug, a database error) is recorded on
        the endpoint as `internal-error` with the error back-off, so it is never re-polled in
        a hot loop; only a failure to record that escapes.
        """
        try:
            return await self._poll_endpoint(endpoint)
        except Exception as exc:
            logger.exception("poll of %s crashed", endpoint.url)
            error = describe_error(InternalError.of(exc))
            await asyncio.to_thread(self._record_poll, endpoint, error=error)
            return []

    async def _poll_endpoint(self, endpoint: Endpoint) -> list[TrackedArticle]:
        assert endpoint.id is not None
        source = self._cached_source(endpoint.source)
        if source is None:
            source = await asyncio.to_thread(self._source, endpoint.source)
        try:
            page = await self.fetcher.fetch(
                endpoint.url,
                etag=endpoint.etag,
                last_modified=endpoint.last_modified,
                proxy=source.proxy,
            )
            if page.not_modified:
                await asyncio.to_thread(self._keep_listing, endpoint, page)
                return []
            parts = discover_parts(endpoint.kind, page.body, base_url=page.final_url, source=source)
            # Parsing is CPU-bound (a 10,000-entry feed takes seconds): keep the loop serving.
            first = await asyncio.to_thread(next, parts, None)
        except (FetchError, DiscoverError) as exc:
            logger.info("poll %s failed: %s", endpoint.url, exc)
            error = describe_error(exc)
            await asyncio.to_thread(
                self._record_poll, endpoint, error=error, wait=_retry_after(exc)
            )
            return []
        now = self.clock.now()
        new, whole = await self._register(endpoint, first, parts, now)
        # The same moment as listed_at, so the next poll tells "still listed" from "back".
        # A listing taken in part forgets its validators (a 304 would hide the rest) and is
        # polled again soon for the next part.
        await asyncio.to_thread(
            self._record_poll, endpoint, page=page if whole else None, at=now, whole=whole
        )
        return new

    def _keep_listing(self, endpoint: Endpoint, page: Page) -> None:
        """A 304: what the endpoint listed at its last good poll is still listed."""
        now = self.clock.now()
        if endpoint.last_ok_at is not None:
            self.store.keep_listed(endpoint.source, since=endpoint.last_ok_at, now=now)
        self._record_poll(endpoint, page=page, at=now)

    async def _register(
        self,
        endpoint: Endpoint,
        part: Discovery | None,
        parts: Iterator[Discovery],
        now: datetime,
    ) -> tuple[list[TrackedArticle], bool]:
        """Store what a poll listed in small transactions off the event loop.

        At most discover.max_new_per_poll new articles; returns them, and whether the whole
        listing was read (False when the poll stopped at the limit).
        """
        limit = self.settings.discover.max_new_per_poll
        new: list[TrackedArticle] = []
        rank = 0
        while part is not None:
            for child in part.sitemaps:
                await asyncio.to_thread(
                    self.store.add_endpoint,
                    Endpoint(url=child, kind=endpoint.kind, source=endpoint.source),
                    now=now,
                )
            for start in range(0, len(part.candidates), _WRITE_CHUNK):
                chunk = part.candidates[start : start + _WRITE_CHUNK]
                new += await asyncio.to_thread(
                    self.store.add_articles,
                    endpoint.source,
                    chunk,
                    now=now,
                    previous_poll=endpoint.last_ok_at,
                    ranked=endpoint.kind is EndpointKind.FRONTPAGE,
                    first_rank=rank,
                    max_new=limit - len(new),
                )
                rank += len(chunk)
                if len(new) >= limit:
                    return new, False
            try:
                part = await asyncio.to_thread(next, parts, None)
            except DiscoverError as exc:  # a later part of a long feed; what came is kept
                logger.info("poll %s: part of the listing unreadable: %s", endpoint.url, exc)
                return new, False
        return new, True

    def _record_poll(
        self,
        endpoint: Endpoint,
        *,
        page: Page | None = None,
        error: str | None = None,
        wait: timedelta | None = None,
        at: datetime | None = None,
        whole: bool = True,
    ) -> None:
        assert endpoint.id is not None
        now = at or self.clock.now()
        next_poll = self.scheduler.next_poll(endpoint, now, failed=error is not None, wait=wait)
        etag = page.etag if page else None
        last_modified = page.last_modified if page else None
        if not whole:  # "" clears the stored validators, so the next poll reads the listing
            next_poll, etag, last_modified = min(next_poll, now + _NEXT_PART), "", ""
        self.store.record_poll(
            endpoint.id,
            polled_at=now,
            next_poll_at=next_poll,
            etag=etag,
            last_modified=last_modified,
            error=error,
        )

    def _cached_source(self, name: str) -> Source | None:
        cached = self._sources.get(name)
        refresh = self.settings.schedule.stats_refresh.total_seconds()
        if cached is not None and self.clock.monotonic() - cached[0] < refresh:
            return cached[1]
        return None

    def _source(self, name: str) -> Source:
        """The source with config-file rules on top, read again every schedule.stats_refresh."""
        cached = self._cached_source(name)
        if cached is not None:
            return cached
        stored = self.store.get_source(name) or Source(name=name)
        configured = self.settings.source(name)
        if configured is not None:
            stored = replace(
                stored,
                include=configured.include or stored.include,
                exclude=configured.exclude or stored.exclude,
                extract_rules=configured.extract_rules,
                render=configured.render,
                proxy=configured.proxy,
            )
        self._sources[name] = (self.clock.monotonic(), stored)
        return stored

    # ── article checks ───────────────────────────────────────────────────────────────

    async def check_article(self, article: TrackedArticle) -> CheckReport:
        """Fetch, extract, compare with the last version, store, and schedule the next check.

        Any exception beyond the recorded failures (a bug, a database error) is recorded as an
        `internal-error` check with the error back-off; only a failure to record that escapes.
        """
        try:
            return await self._check_article(article)
        except Exception as exc:
            logger.exception("check of %s crashed", article.url)
            return await asyncio.to_thread(self._record_failure, article, InternalError.of(exc))

    async def _check_article(self, article: TrackedArticle) -> CheckReport:
        source = self._cached_source(article.source)
        if source is None:
            source = await asyncio.to_thread(self._source, article.source)
        try:
            page = await self.fetcher.fetch(
                article.url,
                etag=article.etag,
                last_modified=article.last_modified,
                render=source.render,
                proxy=source.proxy,
            )
        except FetchError as exc:
            events = await self.lifecycle.gone(article, exc, source)
            return await asyncio.to_thread(self._record_failure, article, exc, events=events)
        step = await asyncio.to_thread(self._read, article, page, source.extract_rules)
        if isinstance(step, _Arrival):
            rules = source.extract_rules
            found, moved = await self.lifecycle.arrived(
                step.read.article, step.earlier, rules, source
            )
            read = replace(step.read, article=found, events=step.read.events + moved)
            step = await asyncio.to_thread(self._compare, read, page)
        if isinstance(step, CheckReport):
            return step
        read = step.read
        page, extracted, note = await self._settle(
            read.article.url, page, read.extracted, read.rules, source=source, fast=read.fast
        )
        return await asyncio.to_thread(
            self._record_extracted, read, page, extracted, step.latest, step.baseline, note
        )

    def _read(
        self, article: TrackedArticle, page: Page, rules: ExtractRules
    ) -> CheckReport | _Arrival | _Unsettled:
        """Everything after the fetch, off the event loop.

        Returns the recorded report, an earlier address to read first, or a change to confirm
        with another read.
        """
        restored = self.lifecycle.restored(article)
        if page.not_modified:
            return self._record_quiet(article, page, CheckOutcome.NOT_MODIFIED, events=restored)
        # A redirect may be a move, which only the full extractor's canonical URL confirms.
        seen = None if page.redirects else self.fast.seen(article, page, rules)
        if seen is not None and article.fast_checks < self.settings.fetch.verify_every:
            # The located article text is as it was: no full extraction.
            return self._record_quiet(
                article, page, CheckOutcome.UNCHANGED, fast=_FAST_PATH, events=restored
            )
        try:
            extracted = extract_article(page.text, url=page.final_url, rules=rules)
        except ExtractError as exc:
            return self._record_failure(article, exc, page=page, events=restored)
        article = self._follow_canonical(article, extracted)
        article, moved = self.lifecycle.moved(article, page, extracted)
        if moved and self.lifecycle.elsewhere(article):
            # The story goes on under the other article; the store retires this one.
            return self._record_quiet(
                replace(article, url=moved[0].url), page, CheckOutcome.UNCHANGED, events=moved
            )
        fast = self.fast.learn(article, page, extracted, seen=seen)
        read = _Read(article, extracted, rules, restored + moved, fast)
        if not moved and article.version_count == 0:
            earlier = self.lifecycle.arrival_candidate(article, extracted)
            if earlier is not None:
                return _Arrival(read, earlier)
        return self._compare(read, page)

    def _compare(self, read: _Read, page: Page) -> CheckReport | _Unsettled:
        """Compare the read with the newest version: record it, or ask for a confirming read."""
        article, extracted = read.article, read.extracted
        if article.content_hash is not None and article.content_hash == extracted.content_hash:
            # The text of the newest version: nothing to read back from the store.
            return self._record_quiet(
                article,
                page,
                CheckOutcome.UNCHANGED,
                text=extracted,
                fast=read.fast,
                events=read.events,
            )
        latest = self.store.latest_version(article.id)
        baseline = (
            None
            if latest is None
            else self._baseline(latest, extracted, read.rules, page.final_url)
        )
        if self.settings.fetch.confirm_changes and (
            baseline is None or not _same_text(baseline, extracted)
        ):
            return _Unsettled(read, latest, baseline)
        return self._record_extracted(read, page, extracted, latest, baseline, None)

    async def _reread(
        self, url: str, rules: ExtractRules, *, source: Source
    ) -> tuple[Page, Article] | str:
        """A confirming read, or why it failed (kept on the check, like any failed fetch)."""
        try:
            page = await self.fetcher.fetch(url, render=source.render, proxy=source.proxy)
            return page, await asyncio.to_thread(
                extract_article, page.text, url=page.final_url, rules=rules
            )
        except (FetchError, ExtractError) as exc:
            return f"{describe_error(exc)} (on a confirming re-read; the first read was used)"

    async def _settle(
        self,
        url: str,
        page: Page,
        extracted: Article,
        rules: ExtractRules,
        *,
        source: Source,
        fast: FastOutcome,
    ) -> tuple[Page, Article, str | None]:
        """Read a page that seems to have changed again, so per-request noise is not an edit.

        Two reads that agree are the page's text. When they differ, a third read tells an edit
        made between the reads (the last two agree) from text that changes on every request
        (which is then left out: only paragraphs present in all three reads are kept). A second
        read whose located text has the first read's fingerprint agrees without an extraction.
        """
        second = await self._confirming_read(url, rules, source=source, fast=fast, first=extracted)
        if isinstance(second, str):
            return page, extracted, second
        if _same_text(second[1], extracted):
            return page, extracted, None
        third = await self._reread(url, rules, source=source)
        if isinstance(third, str):
            return page, extracted, third
        if _same_text(third[1], second[1]):
            return *third, None
        steady = [p for p in extracted.paragraphs if p in second[1].paragraphs]
        steady = [p for p in steady if p in third[1].paragraphs]
        if not steady:
            return page, extracted, None
        logger.info(
            "%s: %d paragraphs change on every read; left out",
            url,
            len(extracted.paragraphs) - len(steady),
        )
        return page, replace(extracted, paragraphs=tuple(steady)), None

    async def _confirming_read(
        self, url: str, rules: ExtractRules, *, source: Source, fast: FastOutcome, first: Article
    ) -> tuple[Page, Article] | str:
        """The second read: the fingerprint tells an unchanged page; else a full extraction."""
        if fast.fast_hash is None:
            return await self._reread(url, rules, source=source)
        try:
            page = await self.fetcher.fetch(url, render=source.render, proxy=source.proxy)
        except FetchError as exc:
            return f"{describe_error(exc)} (on a confirming re-read; the first read was used)"
        if not page.redirects and await asyncio.to_thread(fast.same_text, page):
            return page, first
        try:
            return page, await asyncio.to_thread(
                extract_article, page.text, url=page.final_url, rules=rules
            )
        except ExtractError as exc:
            return f"{describe_error(exc)} (on a confirming re-read; the first read was used)"

    def _follow_canonical(self, article: TrackedArticle, extracted: Article) -> TrackedArticle:
        """Adopt the page's rel=canonical URL when it names another address on the same site."""
        if not extracted.canonical_url or article.version_count > 0:
            return article
        try:
            canonical = canonical_url(extracted.canonical_url, base=article.url)
        except InvalidURL:
            return article
        if canonical == article.url or not same_site(canonical, article.url):
            return article
        if self.store.update_article_url(article.id, canonical):
            return replace(article, url=canonical)
        return article

    def baseline(
        self, latest: Version, extracted: Article, rules: ExtractRules, url: str
    ) -> Version | Article:
        """The stored version as `extracted`'s extractor sees it (re-extracted on upgrades)."""
        return self._baseline(latest, extracted, rules, url)

    def source_of(self, name: str) -> Source:
        """The stored source with its configured patterns and extraction rules on top."""
        return self._source(name)

    def _baseline(
        self, latest: Version, extracted: Article, rules: ExtractRules, url: str
    ) -> Version | Article:
        """The last version as today's extractor sees it, so upgrades never look like edits."""
        if latest.extractor == extracted.extractor:
            return latest
        html = self.store.raw_html(latest)
        if html is None:
            return latest
        try:
            return extract_article(html, url=url, rules=rules)
        except ExtractError:
            return latest

    # ── recording (one store write each) ─────────────────────────────────────────────

    def _record_extracted(
        self,
        read: _Read,
        page: Page,
        extracted: Article,
        latest: Version | None,
        baseline: Version | Article | None,
        note: str | None,
    ) -> CheckReport:
        article, events, fast = read.article, read.events, read.fast
        kind, flags, outcome = decide_change(baseline, extracted)
        if outcome is CheckOutcome.UNCHANGED:
            return self._record_quiet(
                article,
                page,
                outcome,
                note=note,
                text=extracted,
                fast=fast,
                events=events,
                latest=latest,
            )
        now = self.clock.now()
        capture_id = f"urn:uuid:{uuid.uuid4()}"
        try:
            # On disk (flushed, fsynced) before the version that cites it is committed.
            provenance = self._archive(article, page, now, capture_id, outcome)
        except ArchiveError as exc:
            return self._record_failure(article, exc, page=page)
        visible = outcome is CheckOutcome.NEW_VERSION
        plan = self.scheduler.plan(article, now, outcome, changed=visible)
        notices = announce.lifecycle_notices(self.settings, article, events)
        # The change log's excerpt: the notification rule, chosen once, kept with the version.
        passage = excerpt(baseline, extracted) if visible else None
        if visible:
            told = announce.change_notice(
                self.settings,
                article,
                kind=kind,
                flags=flags,
                old=baseline,
                new=extracted,
                at=now,
                passage=passage,
            )
            notices += (told,) if told else ()
        result = CheckResult(
            check=self._check(article, page, outcome, note=note, at=now, capture_id=capture_id),
            article=extracted,
            trivial=not visible,
            change_kind=kind,
            change_flags=flags,
            raw_html=page.body,
            content_type=page.content_type,
            provenance=provenance,
            next_check_at=plan.next_check_at,
            retired=plan.retired,
            events=events,
            notices=notices,
            excerpt=passage,
            wayback_save=self.settings.archive.wayback_save,
            fast_hash=fast.fast_hash,
            locator=fast.locator,
            locator_missed=fast.missed,
        )
        version = self.store.record_check(result)
        change = None
        if visible and version is not None:
            change = Change(
                article_id=article.id,
                article_url=article.url,
                source=article.source,
                old_version=latest.number if latest else None,
                new_version=version.number,
                captured_at=version.captured_at,
                title=version.title,
                kind=kind,
                flags=flags,
            )
        return CheckReport(article=article, outcome=outcome, version=version, change=change)

    def _archive(
        self,
        article: TrackedArticle,
        page: Page,
        now: datetime,
        capture_id: str,
        outcome: CheckOutcome,
        *,
        revisit_of: Version | None = None,
    ) -> Provenance:
        """Write the fetch to the WARC archive (when on); the version will cite the record."""
        if self.archive is None:
            return Provenance()
        item = CaptureRecord(
            page=page,
            captured_at=now,
            check_id=capture_id,
            article_url=article.url,
            source=article.source,
            outcome=outcome.value,
        )
        if revisit_of is not None and revisit_of.html_hash == _hash(page.body):
            cited = revisit_of.provenance
            ref = None if cited.record_id is None else WarcRef(cited.file or "", cited.record_id)
            ref = self.archive.write_revisit(item, refers_to=ref, refers_at=revisit_of.captured_at)
        else:
            ref = self.archive.write_capture(item)
        return Provenance(file=ref.file, record_id=ref.record_id)

    def _revisit(
        self,
        article: TrackedArticle,
        page: Page,
        outcome: CheckOutcome,
        now: datetime,
        latest: Version | None,
    ) -> str | None:
        """A WARC revisit record for a quiet check, when [archive] revisits is on."""
        if self.archive is None or not self.settings.archive.revisits:
            return None
        if latest is None:  # settled without reading the version: read it for the record
            latest = self.store.latest_version(article.id)
        if latest is None:
            return None
        capture_id = f"urn:uuid:{uuid.uuid4()}"
        try:
            self._archive(article, page, now, capture_id, outcome, revisit_of=latest)
        except ArchiveError as exc:  # a lost revisit record loses no version: log it
            logger.warning("%s: revisit record not written: %s", article.url, exc)
            return None
        return capture_id

    def _record_quiet(
        self,
        article: TrackedArticle,
        page: Page,
        outcome: CheckOutcome,
        *,
        note: str | None = None,
        text: Article | None = None,
        fast: FastOutcome | None = None,
        events: Events = (),
        latest: Version | None = None,
    ) -> CheckReport:
        """A check that found nothing new; `text` is what it read (None: a 304 or fast path)."""
        now = self.clock.now()
        fast = fast or FastOutcome()
        read_unchanged = latest is not None or text is not None or fast.fast_path
        capture_id = self._revisit(article, page, outcome, now, latest) if read_unchanged else None
        plan = self.scheduler.plan(article, now, outcome)
        self.store.record_check(
            CheckResult(
                check=self._check(article, page, outcome, note=note, at=now, capture_id=capture_id),
                next_check_at=plan.next_check_at,
                retired=plan.retired,
                events=events,
                notices=announce.lifecycle_notices(self.settings, article, events),
                text_hash=None if text is None else text.content_hash,
                extractor=None if text is None else text.extractor,
                fast_hash=fast.fast_hash,
                fast_path=fast.fast_path,
                locator=fast.locator,
                locator_missed=fast.missed,
            )
        )
        return CheckReport(article=article, outcome=outcome)

    def _record_failure(
        self,
        article: TrackedArticle,
        exc: CopydeskError,
        *,
        page: Page | None = None,
        events: Events = (),
    ) -> CheckReport:
        now = self.clock.now()
        status = exc.status if isinstance(exc, HTTPStatusError) else (page.status if page else None)
        outcome = CheckOutcome.GONE if status in GONE_STATUSES else CheckOutcome.ERROR
        reason = describe_error(exc)
        wait = _retry_after(exc)
        retry_at = None if wait is None else now + wait
        plan = self.scheduler.plan(article, now, outcome, retry_at=retry_at)
        check = Check(
            article_id=article.id,
            checked_at=now,
            outcome=outcome,
            status=status,
            error=reason,
            html_hash=_hash(page.body) if page else None,
            elapsed=page.elapsed if page else 0.0,
        )
        self.store.record_check(
            CheckResult(
                check=check,
                next_check_at=plan.next_check_at,
                retired=plan.retired,
                events=events,
                notices=announce.lifecycle_notices(self.settings, article, events),
            )
        )
        return CheckReport(article=article, outcome=outcome, error=reason)

    def record_interrupted(self, article: TrackedArticle) -> None:
        """Note a check that the stop cut short; the article is due again at once."""
        now = self.clock.now()
        check = Check(
            article_id=article.id,
            checked_at=now,
            outcome=CheckOutcome.INTERRUPTED,
            error="interrupted: the run stopped before this check finished",
        )
        self.store.record_check(CheckResult(check=check, next_check_at=now))

    def _check(
        self,
        article: TrackedArticle,
        page: Page,
        outcome: CheckOutcome,
        *,
        note: str | None = None,
        at: datetime | None = None,
        capture_id: str | None = None,
    ) -> Check:
        return Check(
            article_id=article.id,
            checked_at=at or self.clock.now(),
            capture_id=capture_id,
            outcome=outcome,
            error=note,
            status=page.status,
            etag=page.etag,
            last_modified=page.last_modified,
            html_hash=_hash(page.body) if page.body else None,
            elapsed=page.elapsed,
        )

    def flush_stats(self) -> None:
        """Add what this tracker learned to the shared statistics (at a stop, or periodically)."""
        self.scheduler.flush()


def _retry_after(exc: CopydeskError) -> timedelta | None:
    """The wait the server asked for with Retry-After (already capped by the fetch stage)."""
    return exc.retry_after if isinstance(exc, HTTPStatusError) else None


def decide_change(
    baseline: Version | Article | None, extracted: Version | Article
) -> tuple[str, tuple[str, ...], CheckOutcome]:
    """The change decision: kind, flags and outcome of `extracted` after `baseline`.

    Live checks and imports both decide here: identical texts make no version, trivial ones a
    hidden version, anything else (or a first state) a visible one.
    """
    if baseline is None:
        return "new", (), CheckOutcome.NEW_VERSION
    verdict = classify(baseline, extracted)
    return str(verdict.kind), verdict.flags, _OUTCOMES.get(verdict.kind, CheckOutcome.NEW_VERSION)


def same_text(a: Version | Article, b: Version | Article) -> bool:
    """Title, byline and paragraphs all equal."""
    return _same_text(a, b)


def _same_text(a: Version | Article, b: Version | Article) -> bool:
    return (a.title, a.byline, tuple(a.paragraphs)) == (b.title, b.byline, tuple(b.paragraphs))


def _hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


__all__ = [
    "CheckReport",
    "InternalError",
    "Tracker",
    "decide_change",
    "describe_error",
    "same_text",
]
