"""The one place that knows the order: fetch -> discover/extract -> diff -> schedule -> store.

Every method handles exactly one endpoint or one article and turns every failure of that item
into a recorded outcome, so the daemon around it never dies because of one bad page.
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
from copydesk.diff import ChangeKind, classify, compare
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
from copydesk.records import (
    Article,
    Change,
    Check,
    CheckOutcome,
    CheckResult,
    Discovery,
    Endpoint,
    EndpointKind,
    EventKind,
    ExtractRules,
    LifecycleEvent,
    Page,
    Provenance,
    ScheduleState,
    Source,
    TrackedArticle,
    Version,
)
from copydesk.schedule import CheckPlan, error_backoff, next_check
from copydesk.scheduling import SourceLearning
from copydesk.settings import Settings
from copydesk.store import Store
from copydesk.urls import InvalidURL, canonical_url, same_site

logger = logging.getLogger(__name__)

_GONE_STATUSES = announce.GONE_STATUSES
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
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        self.archive = archive  # WARC capture ([archive] warc_dir), None when off
        self.learning = SourceLearning(store=store, settings=settings, clock=clock)

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
            self._record_poll(endpoint, error=describe_error(InternalError.of(exc)))
            return []

    async def _poll_endpoint(self, endpoint: Endpoint) -> list[TrackedArticle]:
        assert endpoint.id is not None
        source = self._source(endpoint.source)
        try:
            page = await self.fetcher.fetch(
                endpoint.url,
                etag=endpoint.etag,
                last_modified=endpoint.last_modified,
                proxy=source.proxy,
            )
            if page.not_modified:
                now = self.clock.now()
                if endpoint.last_ok_at is not None:  # the listing is as it was then
                    self.store.keep_listed(endpoint.source, since=endpoint.last_ok_at, now=now)
                self._record_poll(endpoint, page=page, at=now)
                return []
            parts = discover_parts(endpoint.kind, page.body, base_url=page.final_url, source=source)
            # Parsing is CPU-bound (a 10,000-entry feed takes seconds): keep the loop serving.
            first = await asyncio.to_thread(next, parts, None)
        except (FetchError, DiscoverError) as exc:
            logger.info("poll %s failed: %s", endpoint.url, exc)
            self._record_poll(endpoint, error=describe_error(exc), wait=_retry_after(exc))
            return []
        now = self.clock.now()
        new, whole = await self._register(endpoint, first, parts, now)
        # The same moment as listed_at, so the next poll tells "still listed" from "back".
        # A listing taken in part forgets its validators (a 304 would hide the rest) and is
        # polled again soon for the next part.
        self._record_poll(endpoint, page=page if whole else None, at=now, whole=whole)
        return new

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
                self.store.add_endpoint(
                    Endpoint(url=child, kind=endpoint.kind, source=endpoint.source), now=now
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
        delay = self.settings.schedule.feed_interval
        etag = page.etag if page else None
        last_modified = page.last_modified if page else None
        if not whole:  # "" clears the stored validators, so the next poll reads the listing
            delay, etag, last_modified = min(delay, _NEXT_PART), "", ""
        if error is not None:
            delay = max(
                delay,
                error_backoff(endpoint.consecutive_errors + 1, self.settings.schedule),
                wait or timedelta(0),
            )
        self.store.record_poll(
            endpoint.id,
            polled_at=now,
            next_poll_at=now + delay,
            etag=etag,
            last_modified=last_modified,
            error=error,
        )

    def _source(self, name: str) -> Source:
        """The stored source, with extraction rules and patterns from the config file on top."""
        stored = self.store.get_source(name) or Source(name=name)
        configured = self.settings.source(name)
        if configured is None:
            return stored
        return replace(
            stored,
            include=configured.include or stored.include,
            exclude=configured.exclude or stored.exclude,
            extract_rules=configured.extract_rules,
            render=configured.render,
            proxy=configured.proxy,
        )

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
            return self._record_failure(article, InternalError.of(exc))

    async def _check_article(self, article: TrackedArticle) -> CheckReport:
        source = self._source(article.source)
        try:
            page = await self.fetcher.fetch(
                article.url,
                etag=article.etag,
                last_modified=article.last_modified,
                render=source.render,
                proxy=source.proxy,
            )
        except FetchError as exc:
            return self._record_failure(article, exc, events=await self._gone(article, exc))
        restored = self._restored(article)
        if page.not_modified:
            return self._record_quiet(article, page, CheckOutcome.NOT_MODIFIED, events=restored)
        rules = source.extract_rules
        try:
            extracted = await asyncio.to_thread(
                extract_article, page.text, url=page.final_url, rules=rules
            )
        except ExtractError as exc:
            return self._record_failure(article, exc, page=page, events=restored)
        article = self._follow_canonical(article, extracted)
        article, moved = self._moved(article, page, extracted)
        if moved and self._elsewhere(article):
            # The story goes on under the other article; the store retires this one.
            return self._record_quiet(
                replace(article, url=moved[0].url), page, CheckOutcome.UNCHANGED, events=moved
            )
        if not moved and article.version_count == 0:
            article, moved = await self._arrived(article, extracted, rules)
        events = restored + moved
        latest = self.store.latest_version(article.id)
        baseline = (
            None if latest is None else self._baseline(latest, extracted, rules, page.final_url)
        )
        note = None
        if self.settings.fetch.confirm_changes and (
            baseline is None or not _same_text(baseline, extracted)
        ):
            page, extracted, note = await self._settle(
                article.url, page, extracted, rules, source=source
            )
        return self._record_extracted(
            article, page, extracted, latest, baseline, note=note, events=events
        )

    async def _arrived(
        self, article: TrackedArticle, extracted: Article, rules: ExtractRules
    ) -> tuple[TrackedArticle, tuple[LifecycleEvent, ...]]:
        """A new URL whose text an article of the same source has: did that one move here?

        Discovery often lists a moved article's new address before the old one is checked
        again. When the old address now redirects here permanently (or names this one as
        canonical), this check becomes the old article's, with a moved event, so the history
        stays one article; otherwise it is a new article like any other.
        """
        earlier = self.store.find_same_text(article.source, extracted, exclude=article.id)
        if earlier is None:
            return article, ()
        try:
            source = self._source(article.source)
            page = await self.fetcher.fetch(earlier.url, render=source.render, proxy=source.proxy)
            seen = await asyncio.to_thread(
                extract_article, page.text, url=page.final_url, rules=rules
            )
        except (FetchError, ExtractError):
            return article, ()
        if announce.moved_to(earlier, page, seen) != article.url:
            return article, ()
        event = LifecycleEvent(
            article_id=earlier.id,
            kind=EventKind.MOVED,
            at=self.clock.now(),
            url=earlier.url,
            new_url=article.url,
            status=page.redirects[0] if page.moved_permanently else None,
        )
        return replace(earlier, url=article.url), (event,)

    async def _gone(self, article: TrackedArticle, exc: FetchError) -> tuple[LifecycleEvent, ...]:
        """A gone event when a published article answers 404/410/451 twice in a row."""
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        if status not in _GONE_STATUSES or article.version_count == 0 or article.gone_at:
            return ()
        try:
            await self.fetcher.fetch(article.url, proxy=self._source(article.source).proxy)
        except HTTPStatusError as again:
            if again.status in _GONE_STATUSES:
                event = LifecycleEvent(
                    article_id=article.id,
                    kind=EventKind.GONE,
                    at=self.clock.now(),
                    url=article.url,
                    status=status,
                )
                return (event,)
        except FetchError:
            pass
        return ()  # the second read did not confirm it: an error like any other

    def _restored(self, article: TrackedArticle) -> tuple[LifecycleEvent, ...]:
        if article.gone_at is None:
            return ()
        now = self.clock.now()
        return (
            LifecycleEvent(article_id=article.id, kind=EventKind.RESTORED, at=now, url=article.url),
        )

    def _moved(
        self, article: TrackedArticle, page: Page, extracted: Article
    ) -> tuple[TrackedArticle, tuple[LifecycleEvent, ...]]:
        """A moved event when the page now lives at another address on the same site."""
        new_url = announce.moved_to(article, page, extracted)
        if new_url is None:
            return article, ()
        event = LifecycleEvent(
            article_id=article.id,
            kind=EventKind.MOVED,
            at=self.clock.now(),
            url=article.url,
            new_url=new_url,
            status=page.redirects[0] if page.moved_permanently else None,
        )
        return replace(article, url=new_url), (event,)

    def _elsewhere(self, article: TrackedArticle) -> bool:
        """Whether another article with a history of its own already has this address."""
        owner = self.store.find_article(article.url)
        return owner is not None and owner.id != article.id and owner.version_count > 0

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
        self, url: str, page: Page, extracted: Article, rules: ExtractRules, *, source: Source
    ) -> tuple[Page, Article, str | None]:
        """Read a page that seems to have changed again, so per-request noise is not an edit.

        Two reads that agree are the page's text. When they differ, a third read tells an edit
        made between the reads (the last two agree) from text that changes on every request
        (which is then left out: only paragraphs present in all three reads are kept).
        """
        second = await self._reread(url, rules, source=source)
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

    def _record_extracted(
        self,
        article: TrackedArticle,
        page: Page,
        extracted: Article,
        latest: Version | None,
        baseline: Version | Article | None,
        *,
        note: str | None = None,
        events: tuple[LifecycleEvent, ...] = (),
    ) -> CheckReport:
        kind, flags, outcome = decide_change(baseline, extracted)
        if outcome is CheckOutcome.UNCHANGED:
            return self._record_quiet(
                article, page, outcome, note=note, events=events, latest=latest
            )
        now = self.clock.now()
        capture_id = f"urn:uuid:{uuid.uuid4()}"
        try:
            # On disk (flushed, fsynced) before the version that cites it is committed.
            provenance = self._archive(article, page, now, capture_id, outcome)
        except ArchiveError as exc:
            return self._record_failure(article, exc, page=page)
        visible = outcome is CheckOutcome.NEW_VERSION
        plan = self._plan(article, now, outcome, changed=visible)
        notices = announce.lifecycle_notices(self.settings, article, events)
        if visible:
            told = announce.change_notice(
                self.settings, article, kind=kind, flags=flags, old=baseline, new=extracted, at=now
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
            wayback_save=self.settings.archive.wayback_save,
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

    def _record_quiet(
        self,
        article: TrackedArticle,
        page: Page,
        outcome: CheckOutcome,
        *,
        note: str | None = None,
        events: tuple[LifecycleEvent, ...] = (),
        latest: Version | None = None,
    ) -> CheckReport:
        now = self.clock.now()
        capture_id = None
        if self.archive is not None and self.settings.archive.revisits and latest is not None:
            capture_id = f"urn:uuid:{uuid.uuid4()}"
            try:
                self._archive(article, page, now, capture_id, outcome, revisit_of=latest)
            except ArchiveError as exc:  # a lost revisit record loses no version: log it
                logger.warning("%s: revisit record not written: %s", article.url, exc)
                capture_id = None
        plan = self._plan(article, now, outcome)
        self.store.record_check(
            CheckResult(
                check=self._check(article, page, outcome, note=note, at=now, capture_id=capture_id),
                next_check_at=plan.next_check_at,
                retired=plan.retired,
                events=events,
                notices=announce.lifecycle_notices(self.settings, article, events),
            )
        )
        return CheckReport(article=article, outcome=outcome)

    def _record_failure(
        self,
        article: TrackedArticle,
        exc: CopydeskError,
        *,
        page: Page | None = None,
        events: tuple[LifecycleEvent, ...] = (),
    ) -> CheckReport:
        now = self.clock.now()
        status = exc.status if isinstance(exc, HTTPStatusError) else (page.status if page else None)
        outcome = CheckOutcome.GONE if status in _GONE_STATUSES else CheckOutcome.ERROR
        reason = describe_error(exc)
        wait = _retry_after(exc)
        state = self._state(article, now, outcome)
        if wait is not None:
            state = replace(state, retry_at=now + wait)
        plan = next_check(state, now, self.settings.schedule)
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

    def _plan(
        self,
        article: TrackedArticle,
        now: datetime,
        outcome: CheckOutcome,
        *,
        changed: bool = False,
    ) -> CheckPlan:
        """Teach the source's statistics what this quiet or changed check saw, then plan."""
        self.learning.observe(article, now, changed=changed)
        state = self._state(article, now, outcome, changed=changed)
        stats = self.learning.stats(article.source)
        return next_check(state, now, self.settings.schedule, source_stats=stats)

    def _state(
        self,
        article: TrackedArticle,
        now: datetime,
        outcome: CheckOutcome,
        *,
        changed: bool = False,
    ) -> ScheduleState:
        failed = outcome in (CheckOutcome.ERROR, CheckOutcome.GONE)
        first = article.version_count == 0  # the first version is not a change
        return replace(
            self.learning.state(article, now),
            last_change_at=now if changed else article.last_change_at,
            last_checked_at=now,
            last_outcome=outcome,
            consecutive_errors=article.consecutive_errors + 1 if failed else 0,
            change_count=article.change_count + (1 if changed and not first else 0),
        )

    # ── budget ───────────────────────────────────────────────────────────────────────

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> list[TrackedArticle]:
        """Lease due checks; within a source's fetch budget the likeliest changes go first."""
        if not self.learning.budgeted:
            return self.store.claim_due_articles(now, limit=limit, lease=lease)
        self.learning.preload()
        return self.store.claim_due_articles(
            now,
            limit=limit,
            lease=lease,
            budget=self.learning.budget,
            rank=lambda due: self.learning.rank(due, now),
        )

    def flush_stats(self) -> None:
        """Add what this tracker learned to the shared statistics (at a stop, or periodically)."""
        self.learning.flush()


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


def compare_pages(
    old_html: str | bytes, new_html: str | bytes, *, url: str | None = None
) -> dict[str, object]:
    """Whether and how the article changed between two saved pages (`copydesk compare`)."""
    address = url or "http://unknown.invalid/"
    old = extract_article(old_html, url=address)
    new = extract_article(new_html, url=address)
    verdict = classify(old, new)
    rows = compare(old, new).paragraphs
    # "changed" means a visible version would be recorded; trivial differences do not count.
    return {
        "changed": verdict.kind in (ChangeKind.MINOR, ChangeKind.SUBSTANTIVE),
        "trivial": verdict.kind is ChangeKind.TRIVIAL,
        "kind": str(verdict.kind),
        "flags": list(verdict.flags),
        "title_changed": old.title != new.title and verdict.kind is not ChangeKind.TRIVIAL,
        "paragraphs_added": sum(1 for row in rows if row.op == "insert"),
        "paragraphs_removed": sum(1 for row in rows if row.op == "delete"),
        "paragraphs_changed": sum(1 for row in rows if row.op == "replace"),
    }


__all__ = [
    "CheckReport",
    "Tracker",
    "compare_pages",
    "decide_change",
    "describe_error",
    "same_text",
]
