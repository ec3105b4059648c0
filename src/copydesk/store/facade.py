"""Store: the one object the rest of copydesk uses to read and write the database."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType

from copydesk.errors import StoreError, UsageError
from copydesk.records import (
    Article,
    ArticleStatus,
    Candidate,
    ChangeCursor,
    ChangePage,
    Check,
    CheckResult,
    Delivery,
    DeliveryCounts,
    Endpoint,
    EventRow,
    Excerpt,
    HostTurn,
    LifecycleEvent,
    Locator,
    QueueCounts,
    Reclassified,
    Report,
    SearchHit,
    Source,
    SourceCounts,
    SourceEditStats,
    SourceFigures,
    SourceHealth,
    SourceStatistics,
    TextSize,
    TrackedArticle,
    Version,
    VersionSummary,
    WaybackSave,
    source_name_problem,
)

# bulk, reports and retention are imported by the methods that use them: a command that reads
# a few rows (`copydesk sources`) starts without their statements and helpers.
from copydesk.store import (
    changes,
    evidence,
    excerpts,
    figures,
    hosts,
    learned,
    listings,
    locators,
    outbox,
    queue,
    reads,
    search,
    writes,
)
from copydesk.store.blobs import content_hash, get_blob
from copydesk.store.database import Database
from copydesk.store.listings import Listing

_CLAIM_WINDOW = 4  # ids read per place to fill, as other workers may lease the first ones
_CLAIM_TRIES = 3


class Store:
    """Sources, endpoints, articles, versions and checks over SQLite or PostgreSQL.

    Every method is one transaction. Datetimes go in and come out timezone-aware (UTC).
    Unknown names and ids raise UsageError; database failures raise StoreError.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Connect (creating a SQLite file) and, unless told not to, migrate to the head."""
        database = Database(url)
        try:
            if migrate:
                database.migrate()
        except BaseException:
            database.close()
            raise
        return cls(database)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self._db.url

    # ---- sources and endpoints ----------------------------------------------------------

    def add_source(self, source: Source, *, now: datetime) -> Source:
        """Create or update a source by name (re-activating a removed one); returns it with id.

        Raises:
            UsageError: the name cannot name a source (records.source_name_problem).
        """
        problem = source_name_problem(source.name)
        if problem:
            raise UsageError(f"invalid source name {source.name[:100]!r}: give a name of {problem}")
        with self._db.write() as conn:
            return writes.upsert_source(conn, source, now)

    def get_source(self, name: str) -> Source | None:
        with self._db.read() as conn:
            return reads.get_source(conn, name)

    def list_sources(self) -> list[Source]:
        with self._db.read() as conn:
            return reads.list_sources(conn)

    def remove_source(self, name: str) -> None:
        """Deactivate a source: its endpoints go, its active articles retire, history stays."""
        with self._db.write() as conn:
            writes.remove_source(conn, name)

    def add_endpoint(self, endpoint: Endpoint, *, now: datetime) -> Endpoint:
        """Register a feed, sitemap or front page once; a new one is due at `now`."""
        with self._db.write() as conn:
            return writes.add_endpoint(self._db, conn, endpoint, now)

    def list_endpoints(self, source: str | None = None) -> list[Endpoint]:
        with self._db.read() as conn:
            return reads.list_endpoints(conn, source)

    def due_endpoints(self, now: datetime, *, limit: int = 100) -> list[Endpoint]:
        with self._db.read() as conn:
            return reads.due_endpoints(conn, now, limit)

    def claim_due_endpoints(
        self,
        now: datetime,
        *,
        limit: int,
        lease: timedelta,
        skip: Collection[int] = (),
    ) -> list[Endpoint]:
        """Lease up to `limit` endpoints due for a poll, oldest due first, leaving out `skip`.

        A leased endpoint is not due for any worker until `now + lease` unless its poll is
        recorded first, so two workers never poll one endpoint at once.
        """
        if limit <= 0:
            return []
        with self._db.read() as conn:  # most looks find nothing due: no write transaction
            due = reads.due_endpoints(conn, now, limit + len(skip))
        due = [e for e in due if e.id not in skip][:limit]
        if not due:
            return []
        with self._db.write() as conn:
            ids = [e.id for e in due if e.id is not None]
            chosen = set(queue.lease_endpoints(self._db, conn, ids, now=now, until=now + lease))
        return [e for e in due if e.id in chosen]

    def release_endpoint(self, endpoint_id: int, now: datetime) -> None:
        """Give back a poll's lease unrecorded (the run stopped): the endpoint is due now."""
        with self._db.write() as conn:
            writes.release_endpoint(conn, endpoint_id, now)

    def record_poll(
        self,
        endpoint_id: int,
        *,
        polled_at: datetime,
        next_poll_at: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str | None = None,
    ) -> None:
        """Note a poll. A failure (error given) counts up and keeps the validators."""
        with self._db.write() as conn:
            writes.record_poll(
                conn,
                endpoint_id,
                polled_at=polled_at,
                next_poll_at=next_poll_at,
                etag=etag,
                last_modified=last_modified,
                error=error,
            )

    # ---- articles -----------------------------------------------------------------------

    def add_articles(
        self,
        source: str,
        candidates: Sequence[Candidate],
        *,
        now: datetime,
        previous_poll: datetime | None = None,
        ranked: bool = False,
        first_rank: int = 0,
        max_new: int | None = None,
    ) -> list[TrackedArticle]:
        """Track unknown URLs (due now) and return only those; hints pull known ones forward.

        The candidates are what one poll listed: all are marked listed at `now` (with their
        place when `ranked`, i.e. a front page). A known article that is back on the listing
        (listed before, but not at `previous_poll`, that endpoint's last good poll), or that
        moved up 3 or more places, is hinted and due now, like one whose feed entry was
        updated. URLs are stored as given: the caller passes canonical ones (copydesk.urls).
        At most `max_new` unknown URLs are tracked (the first listed); `first_rank` is the
        place of the first candidate when a long listing is stored in parts.
        """
        listing = Listing(previous=previous_poll, ranked=ranked)
        with self._db.write() as conn:
            source_id = writes.active_source_id(conn, source)
            new_ids = writes.add_articles(
                self._db,
                conn,
                source_id,
                candidates,
                now,
                listing,
                first_rank=first_rank,
                max_new=max_new,
            )
            return reads.articles_by_id(conn, new_ids)

    def keep_listed(self, source: str, *, since: datetime, now: datetime) -> int:
        """A poll answered 304: what the source listed at `since` or later is still listed."""
        with self._db.write() as conn:
            source_id = writes.active_source_id(conn, source)
            return listings.keep_listed(conn, source_id, since, now)

    def add_article(self, source: str, url: str, *, now: datetime) -> TrackedArticle:
        """Track one URL (due now); an already known URL returns the existing article."""
        with self._db.write() as conn:
            known = reads.find_article(conn, url)
            if known is not None:
                return known
            source_id = writes.active_source_id(conn, source)
            article_id = writes.add_article(self._db, conn, source_id, url, now)
            return _exists(reads.get_article(conn, article_id), article_id)

    def get_article(self, article_id: int) -> TrackedArticle | None:
        with self._db.read() as conn:
            return reads.get_article(conn, article_id)

    def find_article(self, url: str) -> TrackedArticle | None:
        with self._db.read() as conn:
            return reads.find_article(conn, url)

    # ---- the check queue (copydesk.scheduler ranks between the read and the lease) ----

    def due_ids(self, now: datetime, *, limit: int) -> list[int]:
        """Ids of due active articles, oldest due first."""
        with self._db.read() as conn:
            return queue.due_ids(conn, now, limit)

    def due_articles(
        self,
        now: datetime,
        *,
        limit: int,
        source: str | None = None,
        exclude: Sequence[str] = (),
    ) -> list[TrackedArticle]:
        """Due active articles, oldest due first: of one source, or of all but `exclude`."""
        with self._db.read() as conn:
            return queue.due_articles(conn, now, limit, source=source, exclude=exclude)

    def due_counts(self, now: datetime) -> dict[str, int]:
        """How many articles of each source are due at `now`."""
        with self._db.read() as conn:
            return queue.due_counts(conn, now)

    def checks_spent(self, now: datetime, sources: Sequence[str]) -> dict[str, int]:
        """Per source: article checks in the hour before `now`, plus those in flight."""
        with self._db.read() as conn:
            return queue.spent(conn, now, sources)

    def lease(
        self,
        ids: Sequence[int],
        *,
        now: datetime,
        until: datetime,
        limit: int,
        budgets: Mapping[str, int] | None = None,
    ) -> list[TrackedArticle]:
        """Lease up to `limit` of `ids`, in that order, that are still due and unclaimed.

        No other worker gets them before `until`. With `budgets` (source name -> checks per
        hour), each source's checks of the last hour and leases in flight are counted again
        under lock and its ids beyond what is left stay due. Returns the leased articles.
        """
        if not ids or limit <= 0:
            return []
        with self._db.write() as conn:
            chosen = queue.lease(
                self._db, conn, ids, now=now, until=until, limit=limit, budgets=budgets
            )
            return reads.articles_by_id(conn, chosen)

    def claim_due_articles(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[TrackedArticle]:
        """Lease the oldest due articles (no budgets, no ranking): due_ids, then lease.

        Another worker may lease some of the ids read first: a few more are read than wanted,
        and the read is tried again while the lease comes short.
        """
        leased: list[TrackedArticle] = []
        for _ in range(_CLAIM_TRIES):
            wanted = limit - len(leased)
            ids = self.due_ids(now, limit=wanted * _CLAIM_WINDOW)
            leased += self.lease(ids, now=now, until=now + lease, limit=wanted)
            if len(leased) >= limit or len(ids) < wanted * _CLAIM_WINDOW:
                break
        return leased

    def checks_last_hour(self, source: str, *, now: datetime) -> int:
        """Article checks of a source in the hour before `now`, plus those in flight."""
        with self._db.read() as conn:
            writes.active_source_id(conn, source)
            return queue.spent(conn, now, [source]).get(source, 0)

    def release_leases(self, now: datetime) -> int:
        """Return claimed checks to the queue (a lone tracker restarting after a crash)."""
        with self._db.write() as conn:
            return writes.release_leases(conn, now)

    def next_due_at(self) -> datetime | None:
        """When the next check or poll falls due, so a worker knows how long to sleep."""
        with self._db.read() as conn:
            return reads.next_due_at(conn)

    def set_article_status(
        self,
        article_id: int,
        status: ArticleStatus,
        *,
        reason: str | None = None,
        next_check_at: datetime | None = None,
    ) -> None:
        with self._db.write() as conn:
            writes.set_article_status(
                conn, article_id, status, reason=reason, next_check_at=next_check_at
            )

    def update_article_url(self, article_id: int, url: str) -> bool:
        """Move an article to the URL its page calls canonical; False when that URL is taken."""
        with self._db.write() as conn:
            return writes.update_article_url(conn, article_id, url)

    def list_articles(self, *, source: str | None = None, limit: int = 100) -> list[TrackedArticle]:
        """Most recently discovered first."""
        with self._db.read() as conn:
            return reads.list_articles(conn, source, limit)

    # ---- versions and checks ------------------------------------------------------------

    def record_check(self, result: CheckResult) -> Version | None:
        """Store a check, its new version if any, and the article's state, all or nothing."""
        with self._db.write() as conn:
            return writes.record_check(self._db, conn, result)

    def load_checks(self, results: Iterable[CheckResult], *, batch: int | None = None) -> int:
        """Bulk record_check: the same rows, `batch` checks per transaction; returns new versions.

        For filling big databases (benchmarks, backfills from archives): SQLite executemany,
        PostgreSQL COPY, one compressor reused, the search index written from the text in hand.
        An article's results must come in the order they happened. `batch` None: bulk.BATCH.
        """
        from copydesk.store import bulk

        return bulk.load_checks(self._db, results, batch=bulk.BATCH if batch is None else batch)

    def latest_version(self, article_id: int, *, include_trivial: bool = True) -> Version | None:
        with self._db.read() as conn:
            return reads.latest_version(conn, article_id, include_trivial)

    def versions(self, article_id: int, *, include_trivial: bool = False) -> list[Version]:
        """Oldest first."""
        with self._db.read() as conn:
            return reads.list_versions(conn, article_id, include_trivial)

    def version_summaries(self, article_id: int) -> list[VersionSummary]:
        """Visible versions oldest first, without their text: cheap for a change log."""
        with self._db.read() as conn:
            return reads.list_version_summaries(conn, article_id)

    def get_version(self, article_id: int, number: int) -> Version | None:
        """Visible version `number` (1-based) of an article."""
        with self._db.read() as conn:
            return reads.get_version(conn, article_id, number)

    def raw_html(self, version: Version) -> bytes | None:
        """The HTML capture a version was extracted from, if it was kept."""
        with self._db.read() as conn:
            digest = version.html_hash
            if digest is None and version.id is not None:
                digest = reads.html_blob_of(conn, version.id)
            return None if digest is None else get_blob(conn, digest)

    def checks(self, article_id: int, *, limit: int = 100) -> list[Check]:
        """Newest first."""
        with self._db.read() as conn:
            return reads.list_checks(conn, article_id, limit)

    def prune_checks(self, before: datetime, *, limit: int = 5000) -> int:
        """Drop up to `limit` quiet checks older than `before` (see store.retention)."""
        from copydesk.store import retention

        with self._db.write() as conn:
            return retention.prune_checks(self._db, conn, before, limit=limit)

    def iter_export(
        self, *, include_trivial: bool = False
    ) -> Iterator[tuple[TrackedArticle, Version]]:
        """Stream (article, version) pairs, oldest article first, versions in order."""
        with self._db.read() as conn:
            yield from reads.iter_export(conn, include_trivial)

    # ---- change lists, figures and search (the web, feeds, API, `stats`, /metrics) ------

    def changes(
        self,
        *,
        source: str | None = None,
        kind: str | None = None,
        article_id: int | None = None,
        before: ChangeCursor | None = None,
        limit: int = 50,
    ) -> ChangePage:
        """Visible versions newest first, paged by (captured_at, id): deep pages cost the same.

        `kind` None lists changes (versions after the first), "new" first versions, "all"
        both, and a change kind ("minor", ...) only those.
        """
        with self._db.read() as conn:
            return changes.recent_changes(
                conn, source=source, kind=kind, article_id=article_id, before=before, limit=limit
            )

    def text_sizes(self, article_id: int) -> list[TextSize]:
        """Each visible version's text size, oldest first (the article timeline's dot sizes)."""
        from copydesk.store import reports

        with self._db.read() as conn:
            return reports.text_sizes(conn, article_id)

    def excerpts(self, version_ids: Sequence[int]) -> dict[int, Excerpt]:
        """The change-log excerpts of these versions, by id (those stored with one)."""
        with self._db.read() as conn:
            return excerpts.read(conn, version_ids)

    def report(self, *, source: str | None, since: datetime, until: datetime) -> Report:
        """The insight report of one source (None: all) for [since, until) (store.reports).

        Raises:
            UsageError: no source has that name.
        """
        from copydesk.store import reports

        with self._db.read() as conn:
            if source is not None and reads.get_source(conn, source) is None:
                raise UsageError(f"no source named {source[:100]!r}")
            return reports.report(conn, source, since=since, until=until)

    def source_figures(self, *, name: str | None = None) -> list[SourceFigures]:
        """Totals for every active source (or the one named), by name; none yet: zeros."""
        with self._db.read() as conn:
            return figures.source_figures(conn, name=name)

    def source_statistics(self, name: str, *, now: datetime, days: int = 30) -> SourceStatistics:
        """Edits per UTC day over the last `days` (today included); median time to first edit."""
        with self._db.read() as conn:
            return figures.source_statistics(conn, name, now=now, days=days)

    def source_health(self) -> list[SourceHealth]:
        """Freshness of every active source, including those that have produced nothing."""
        with self._db.read() as conn:
            return figures.source_health(conn)

    def source_counts(self) -> list[SourceCounts]:
        """Every source (active or not) by name: articles by status, versions, checks by outcome.

        Counts the whole check log: for monitoring and `copydesk stats`, not for a page.
        """
        with self._db.read() as conn:
            return figures.source_counts(conn)

    def queue_counts(self, now: datetime) -> QueueCounts:
        """What is due, how late, what is leased and how many polls are due, in one read."""
        with self._db.read() as conn:
            return figures.queue_counts(conn, now)

    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> list[SearchHit]:
        """Visible versions containing every word of `query`, newest first (by version id).

        Never a write: the tracker indexes each version in its check's transaction, so a
        public GET never waits for (or takes) the write lock.
        """
        terms = search.search_terms(query)
        if not terms:
            return []
        with self._db.read() as conn:
            return search.search(
                self._db,
                conn,
                terms,
                source=source,
                since=since,
                until=until,
                before_id=before_id,
                limit=limit,
            )

    def sync_search_index(self) -> int:
        """Index visible versions not yet in the search table; returns how many were added."""
        return search.sync(self._db)

    def search_index_behind(self) -> bool:
        """True when a visible version is newer than the newest indexed one: one cheap read."""
        return search.behind(self._db)

    # ---- lifecycle events and the notification outbox -----------------------------------

    def events(self, article_id: int) -> list[LifecycleEvent]:
        """An article's lifecycle events (gone, restored, moved), oldest first."""
        with self._db.read() as conn:
            return outbox.list_events(conn, article_id)

    def recent_events(
        self,
        *,
        source: str | None = None,
        article_id: int | None = None,
        kinds: Sequence[str] | None = None,
        before: tuple[datetime, int] | None = None,
        limit: int = 50,
    ) -> list[EventRow]:
        """Lifecycle events newest first, paged by (at, id) of the last one seen."""
        with self._db.read() as conn:
            return outbox.recent_events(
                conn, source=source, article_id=article_id, kinds=kinds, before=before, limit=limit
            )

    def iter_events(self) -> Iterator[EventRow]:
        """Every lifecycle event, article by article, oldest first (for exports)."""
        with self._db.read() as conn:
            yield from outbox.iter_events(conn)

    def find_same_text(
        self, source: str, article: Article, *, exclude: int
    ) -> TrackedArticle | None:
        """An active article of `source` (not `exclude`) that has a version with this text."""
        digest = content_hash(article.title, article.byline, article.paragraphs)
        with self._db.read() as conn:
            found = outbox.same_text(conn, source, digest, exclude)
            return None if found is None else reads.get_article(conn, found)

    def old_urls(self, article_id: int) -> list[str]:
        """The addresses an article moved away from, oldest first."""
        with self._db.read() as conn:
            return outbox.old_urls(conn, article_id)

    def claim_deliveries(self, now: datetime, *, limit: int, lease: timedelta) -> list[Delivery]:
        """Lease due notification deliveries; nobody else tries them before now+lease."""
        with self._db.write() as conn:
            return outbox.claim_deliveries(self._db, conn, now, limit=limit, lease=lease)

    def mark_delivery(
        self,
        delivery_id: int,
        *,
        status: str,
        at: datetime,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Record one delivery attempt: "sent", "pending" (due again), or "failed" for good."""
        with self._db.write() as conn:
            outbox.mark_delivery(
                conn,
                delivery_id,
                status=status,
                at=at,
                error=error,
                next_attempt_at=next_attempt_at,
            )

    def release_delivery_leases(self, now: datetime) -> int:
        """Hand leased deliveries back (a lone tracker restarting after a crash)."""
        with self._db.write() as conn:
            return outbox.release_delivery_leases(conn, now)

    def delivery_counts(self) -> DeliveryCounts:
        """Notification deliveries by state: sent, failed, pending, retrying."""
        with self._db.read() as conn:
            return outbox.delivery_counts(conn)

    def delivery_failures(self, *, limit: int = 10) -> list[Delivery]:
        """Deliveries that failed (for good, or so far), newest first."""
        with self._db.read() as conn:
            return outbox.recent_failures(conn, limit)

    # ---- what the schedule learns ------------------------------------------------------

    def edit_stats(self, source: str) -> SourceEditStats | None:
        """The source's learned edit statistics, summed over every worker (None: none yet)."""
        with self._db.read() as conn:
            return learned.read_edit_stats(conn, source)

    def add_edit_stats(self, source: str, delta: SourceEditStats, *, now: datetime) -> bool:
        """Add what one worker observed, element-wise and atomically; False: unknown source."""
        with self._db.write() as conn:
            return learned.add_edit_stats(self._db, conn, source, delta, now)

    # ---- each host's turns, shared by a fleet of workers (fetch.politeness.SharedTurns) ----

    @property
    def shared_hosts(self) -> bool:
        """Whether workers in other processes may share this database (PostgreSQL)."""
        return self._db.dialect == "postgresql"

    def take_turn(self, host: str, *, delay: float, slots: int, hold: float) -> HostTurn:
        """A place among the host's `slots` and how long to wait before starting."""
        with self._db.write() as conn:
            return hosts.take_turn(self._db, conn, host, delay=delay, slots=slots, hold=hold)

    def end_turn(self, host: str, slot: int, *, sent: bool = False) -> None:
        """Give a place back; `sent`: its request was answered (see store.hosts.end_turn)."""
        with self._db.write() as conn:
            hosts.end_turn(self._db, conn, host, slot, sent=sent)

    def pause_host(self, host: str, seconds: float) -> None:
        """A 429's Retry-After: no worker starts a request to `host` for `seconds`."""
        with self._db.write() as conn:
            hosts.pause_host(self._db, conn, host, seconds)

    def confirm_send(self, host: str, *, delay: float, hold: float) -> HostTurn:
        """Claim the send itself: go (slot 0), or wait and ask again (see store.hosts)."""
        with self._db.write() as conn:
            return hosts.confirm_send(self._db, conn, host, delay=delay, hold=hold)

    def host_paused(self, host: str) -> float | None:
        """Seconds left of the host's Retry-After pause, or None when it may be asked."""
        with self._db.read() as conn:
            return hosts.host_paused(self._db, conn, host)

    def locators(self, source: str) -> dict[str, Locator]:
        """Where the source's pages keep the article text, by digest (extract.fast)."""
        with self._db.read() as conn:
            return locators.read_locators(conn, source)

    def integrity_ok(self) -> bool:
        return self._db.integrity_ok()

    # ---- evidence: imports, Save Page Now, WARC export, verification --------------------

    def import_article(self, source: str, url: str, *, at: datetime, track: bool) -> TrackedArticle:
        """The article at `url` for an import: created (retired unless `track`) when unknown."""
        with self._db.write() as conn:
            known = reads.find_article(conn, url)
            if known is not None:
                return known
            if reads.get_source(conn, source) is None:
                writes.upsert_source(conn, Source(name=source), at)
            source_id = writes.active_source_id(conn, source)
            article_id = evidence.import_article(self._db, conn, source_id, url, at, track=track)
            return _exists(reads.get_article(conn, article_id), article_id)

    def version_neighbours(
        self, article_id: int, at: datetime
    ) -> tuple[Version | None, Version | None]:
        """The version in force at `at` and the next one after it (either may be None)."""
        with self._db.read() as conn:
            return evidence.neighbours(conn, article_id, at)

    def capture_known(self, key: str, *, article_id: int | None, at: datetime, digest: str) -> bool:
        """True when this capture was imported before, or is one of copydesk's own checks."""
        with self._db.read() as conn:
            return evidence.capture_known(conn, key, article_id, at, digest)

    def record_import(
        self,
        result: CheckResult,
        *,
        key: str,
        now: datetime,
        successor: Reclassified | None = None,
        merge_into: int | None = None,
    ) -> Version | None:
        """Store an imported capture in its place in the article's history, all or nothing."""
        with self._db.write() as conn:
            return evidence.record_import(
                self._db,
                conn,
                result,
                key=key,
                successor=successor,
                merge_into=merge_into,
                now=now,
            )

    def due_wayback_saves(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[tuple[int, str, int]]:
        """Claim Save Page Now requests due now: (version id, URL, attempts), held for `lease`."""
        with self._db.write() as conn:
            due = evidence.due_saves(conn, now, limit)
            for version_id, _, _ in due:
                evidence.lease_save(conn, version_id, now + lease)
            return due

    def record_wayback_save(
        self,
        version_id: int,
        *,
        now: datetime,
        memento_url: str | None = None,
        error: str | None = None,
        retry_in: timedelta | None = None,
    ) -> None:
        with self._db.write() as conn:
            evidence.record_save(
                conn, version_id, memento_url=memento_url, error=error, now=now, retry_in=retry_in
            )

    def wayback_save_state(self, version_id: int) -> WaybackSave | None:
        with self._db.read() as conn:
            return evidence.save_state(conn, version_id)

    def iter_captures(
        self, *, source: str | None = None, since: datetime | None = None
    ) -> Iterator[tuple[TrackedArticle, Version, bytes | None]]:
        """Every stored version (trivial too) with its raw capture, for a WARC export."""
        with self._db.read() as conn:
            yield from evidence.iter_captures(conn, source=source, since=since)

    def verify_blobs(self) -> Iterator[tuple[str, str | None]]:
        """Re-hash every stored blob: (hash, problem or None)."""
        with self._db.read() as conn:
            yield from evidence.verify_blobs(conn)

    def warc_citations(self) -> Iterator[tuple[int, int, str, str]]:
        """(article id, version number, WARC file, record id) cited by fetched versions."""
        with self._db.read() as conn:
            yield from evidence.warc_citations(conn)


def _exists(article: TrackedArticle | None, article_id: int) -> TrackedArticle:
    if article is None:  # cannot happen: the id was read in the same transaction
        raise StoreError(f"article {article_id} vanished while being saved")
    return article
