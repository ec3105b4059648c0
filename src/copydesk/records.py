"""Plain records that cross stage boundaries; no behaviour beyond small derived values."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


def content_hash(title: str, byline: str | None, paragraphs: Sequence[str]) -> str:
    """Identity of a version's text, independent of the extractor and of when it was captured."""
    value = {"title": title, "byline": byline, "paragraphs": list(paragraphs)}
    data = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


class EndpointKind(StrEnum):
    FEED = "feed"
    SITEMAP = "sitemap"
    FRONTPAGE = "frontpage"


class CheckOutcome(StrEnum):
    NEW_VERSION = "new-version"
    TRIVIAL = "trivial"  # stored as a hidden version; does not reset the schedule
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not-modified"
    ERROR = "error"
    GONE = "gone"
    INTERRUPTED = "interrupted"  # the run stopped mid-check; nothing learned, due again at once


class ArticleStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"
    PAUSED = "paused"
    HIDDEN = "hidden"


SOURCE_NAME_RULE = (
    "1 to 100 characters, no '/', '\\', control characters or surrounding spaces, not '.' or '..'"
)


def source_name_problem(name: str) -> str | None:
    """Why `name` cannot name a source (it appears in URL paths and file names), or None."""
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        return SOURCE_NAME_RULE
    if name != name.strip() or name in {".", ".."} or "/" in name or "\\" in name:
        return SOURCE_NAME_RULE
    if any(_unsafe_char(c) for c in name):
        return SOURCE_NAME_RULE
    return None


def _unsafe_char(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractRules:
    """Per-source CSS selectors applied on top of the generic extractor."""

    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A publication: where its articles are found and which URLs count as articles."""

    name: str
    include: tuple[str, ...] = ()  # regexes; an article URL must match one (when any are given)
    exclude: tuple[str, ...] = ()  # regexes; an article URL matching one is dropped
    extract_rules: ExtractRules = field(default_factory=ExtractRules)
    id: int | None = None
    created_at: datetime | None = None
    max_fetches_per_hour: int | None = None  # config only: this source's check budget
    render: bool = False  # config only: articles are rendered in headless Chromium
    proxy: str = ""  # config only: this source's proxy ("" fetch.proxy, "direct" none)


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """A feed, sitemap or front page that is polled for article links."""

    url: str
    kind: EndpointKind
    source: str
    id: int | None = None
    next_poll_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    consecutive_errors: int = 0
    last_error: str | None = None
    last_polled_at: datetime | None = None
    last_ok_at: datetime | None = None  # the last poll that gave a listing (200 or 304)


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """An article link found by discovery, with whatever the endpoint said about it."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None  # feed <updated> / sitemap <lastmod>: a hint that it changed
    guid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """What one fetch produced: the final URL, validators and the decoded body."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    fetched_at: datetime
    body: bytes = b""
    text: str = ""  # body decoded with the detected charset
    encoding: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304 answer to a conditional GET
    elapsed: float = 0.0  # seconds
    redirects: tuple[int, ...] = ()  # statuses of the redirects followed, in order

    # What a WARC archive of this exchange needs: the last hop's headers as sent and received
    # (names as given, in order) and the address of the server that answered.
    request_headers: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    ip_address: str | None = None

    @property
    def moved_permanently(self) -> bool:
        """Every redirect on the way was permanent (301/308): the page has a new address."""
        return bool(self.redirects) and all(s in (301, 308) for s in self.redirects)


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One extracted, normalised state of an article page."""

    title: str
    byline: str | None
    published_at: str | None  # ISO 8601 date or datetime as the page gave it
    paragraphs: tuple[str, ...]
    extractor: str  # e.g. "trafilatura 2.3.1"
    canonical_url: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.byline, self.paragraphs)


@dataclass(frozen=True, slots=True, kw_only=True)
class HostTurn:
    """A turn at a host shared by a fleet of workers (the database keeps the host's clock).

    `slot` is the place among the host's `per_host_concurrency` that this request holds, to be
    given back after it; None when every place is taken (try again after `wait`) or the host
    is paused by a Retry-After (`paused` seconds left). `wait` is how long to sleep before
    starting, so that starts stay `per_host_delay` apart across the fleet.
    """

    slot: int | None
    wait: float = 0.0
    paused: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Locator:
    """Where a source's pages keep the article text, as the full extractor found it.

    `selector` is a CSS path to the one element holding every paragraph; `skip` are the shapes
    of text blocks inside it that the extractor leaves out (see copydesk.extract.fast).
    """

    selector: str
    skip: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        payload = "\x1f".join((self.selector, *self.skip))
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackedArticle:
    """An article as the tracker knows it: identity, schedule state and validators."""

    id: int
    url: str
    source: str
    status: ArticleStatus
    first_seen_at: datetime
    next_check_at: datetime | None
    last_checked_at: datetime | None = None
    last_change_at: datetime | None = None  # last non-trivial version (or first version)
    consecutive_errors: int = 0
    version_count: int = 0  # visible (non-trivial) versions
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    hidden_reason: str | None = None
    hint_at: datetime | None = None  # a listing or feed said it changed at this time
    listed_at: datetime | None = None  # the last successful poll that listed it
    listed_rank: int | None = None  # its place on a front page at that poll (0: top)
    gone_at: datetime | None = None  # confirmed gone (404/410/451) since then; None: it answers
    # What a check compares with, so it need not read the last version (see CheckResult):
    content_hash: str | None = None  # text hash of the newest stored version, trivial or not
    extractor: str | None = None  # the extractor that produced that version
    fast_hash: str | None = None  # fingerprint of the located article text at the last check
    fast_checks: int = 0  # checks settled by that fingerprint since the last full extraction
    last_seen_at: datetime | None = None  # the last check that saw the page (not an error)

    @property
    def change_count(self) -> int:
        """Visible changes seen after the first version."""
        return max(0, self.version_count - 1)


class Origin(StrEnum):
    """Where a version's raw capture came from."""

    FETCH = "fetch"  # copydesk's own fetch
    WARC = "warc"  # imported from a WARC/ARC file
    WAYBACK = "wayback"  # imported from a Wayback Machine (CDX) capture


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Where a version's raw capture lives outside the database, so a citation can be checked.

    For a fetch with WARC capture on: copydesk's own WARC file and the response record's id.
    For an import: the file (or the memento URL) and the record id it came from.
    """

    origin: Origin = Origin.FETCH
    file: str | None = None
    record_id: str | None = None
    memento_url: str | None = None  # a Wayback Machine copy (Save Page Now, or the import's)


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """One archived HTTP response: what a WARC response record holds (and an import yields)."""

    url: str  # WARC-Target-URI
    captured_at: datetime  # WARC-Date
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = None
    ip_address: str | None = None
    file: str | None = None  # the WARC/ARC file it was read from
    record_id: str | None = None  # WARC-Record-ID (ARC records have none)
    payload_digest: str | None = None
    offset: int = 0  # where its record starts in `file`
    article_url: str | None = None  # copydesk's own WARCs name the tracked article …
    source: str | None = None  # … and its source


@dataclass(frozen=True, slots=True, kw_only=True)
class Version:
    """A stored state of an article. `number` counts visible versions, 1-based."""

    article_id: int
    number: int  # visible versions are 1, 2, 3 …; a trivial version repeats its predecessor's
    captured_at: datetime
    title: str
    byline: str | None
    published_at: str | None
    paragraphs: tuple[str, ...]
    trivial: bool
    extractor: str
    content_hash: str
    id: int | None = None
    html_hash: str | None = None
    seq: int = 0  # order among all stored versions of the article, trivial ones included
    change_kind: str | None = None  # classification against the previous version
    change_flags: tuple[str, ...] = ()
    content_type: str | None = None  # the raw capture's Content-Type
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionSummary:
    """A visible version without its text: what change logs, timelines and pickers list."""

    article_id: int
    number: int
    captured_at: datetime
    title: str
    change_kind: str | None = None
    change_flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """One fetch of an article and what came of it."""

    article_id: int
    checked_at: datetime
    outcome: CheckOutcome
    status: int | None = None
    error: str | None = None  # reason code and message for failed checks
    etag: str | None = None
    last_modified: str | None = None
    html_hash: str | None = None
    elapsed: float = 0.0
    capture_id: str | None = None  # urn:uuid in the WARC metadata record of this check


@dataclass(frozen=True, slots=True, kw_only=True)
class Reclassified:
    """A stored version's new classification, after an imported capture went in before it."""

    version_id: int
    change_kind: str
    change_flags: tuple[str, ...]
    trivial: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleState:
    """What the schedule policy needs to know about one article."""

    first_seen_at: datetime
    last_change_at: datetime | None
    last_checked_at: datetime | None
    last_outcome: CheckOutcome | None
    consecutive_errors: int = 0
    hint_at: datetime | None = None  # a feed/sitemap/front page said it changed at this time
    change_count: int = 0  # visible changes seen after the first version (a learning signal)
    listed: bool | None = None  # on a polled front page or feed at the last poll (None: unknown)
    # One of the few articles kept on the plain back-off, so the source's statistics keep seeing
    # how late changes come (learned retirement alone would never look past itself).
    explorer: bool = False
    retry_at: datetime | None = None  # the server's Retry-After: no check before this moment


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceEditStats:
    """How one source's articles change, as copydesk's own checks have observed so far.

    For articles with 0, 1 and 2+ observed changes, each either listed on a front page or feed or
    not (six groups, see copydesk.schedule.hazard.group_of), and per bin of quiet time (time
    since the last change; bins start at `edges`, seconds, the last one is open-ended): how many
    changes were seen and how many seconds of quiet were observed. Their ratio is the hazard.
    """

    edges: tuple[float, ...]
    changes: tuple[tuple[float, ...], ...]
    exposure: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Excerpt:
    """The most significant edit of a change, cut to a few words around it.

    One rule (copydesk.diff.excerpt) chooses it for notifications, diff cards, change-log rows
    and feed entries, so every place shows the same passage. `spans` are (op, text) pairs with
    op "equal", "delete" or "insert"; they rebuild the old passage (equal + delete) and the new
    one (equal + insert). `cut_start`/`cut_end` say text was left out before / after.
    """

    title_old: str | None = None  # set, with title_new, only when the headline changed
    title_new: str | None = None
    spans: tuple[tuple[str, str], ...] = ()
    paragraph: int | None = None  # 0-based paragraph of the passage (new order; old if deleted)
    cut_start: bool = False
    cut_end: bool = False

    @property
    def headline_changed(self) -> bool:
        return self.title_old is not None and self.title_old != self.title_new

    @property
    def before(self) -> str:
        """The passage as it was ("" when the edit added a whole paragraph)."""
        return self._side("insert")

    @property
    def after(self) -> str:
        """The passage as it is now ("" when the edit removed a whole paragraph)."""
        return self._side("delete")

    def _side(self, skip: str) -> str:
        text = " ".join("".join(t for op, t in self.spans if op != skip).split())
        if not text:
            return ""
        return f"{'…' * self.cut_start}{text}{'…' * self.cut_end}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """A new visible version of an article, passed to notifiers."""

    article_id: int
    article_url: str
    source: str
    old_version: int | None
    new_version: int
    captured_at: datetime
    title: str
    kind: str  # trivial | minor | substantive | new
    flags: tuple[str, ...] = ()


class EventKind(StrEnum):
    """What happened to an article's address, as opposed to its text."""

    GONE = "gone"  # 404/410/451 after at least one version, confirmed by a second read
    RESTORED = "restored"  # it answers again after being gone
    MOVED = "moved"  # a permanent redirect or a new rel=canonical to another URL on the site


@dataclass(frozen=True, slots=True, kw_only=True)
class LifecycleEvent:
    """One lifecycle event of an article, part of its record like a version."""

    article_id: int
    kind: EventKind
    at: datetime
    url: str  # the address the article had when it happened
    new_url: str | None = None  # moved: the new address
    status: int | None = None  # the HTTP status that showed it (gone: 404/410/451; moved: 301)
    id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyTarget:
    """One Apprise URL a notice goes to, and whether the diff card is attached.

    The outbox stores only `key` (a hash of the URL) and `label` (the URL without
    credentials), never the URL itself: Apprise URLs carry passwords and tokens. The sender
    finds the URL again in the configured rules by its key.
    """

    url: str
    card: bool = True

    @property
    def key(self) -> str:
        return hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:32]

    @property
    def label(self) -> str:
        scheme, sep, rest = self.url.partition("://")
        if not sep:
            return "(unparsable URL)"
        host = rest.split("?", 1)[0].split("/", 1)[0].rsplit("@", 1)[-1]
        # Many services put a token where the host goes (tgram://TOKEN/…): show only names
        # that look like host names or addresses, and a short fingerprint otherwise.
        if _HOST.fullmatch(host) and ("." in host or ":" in host or host == "localhost"):
            return f"{scheme}://{host}"
        return f"{scheme}://…{self.key[:8]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """What one notification says: a change or a lifecycle event, written to the outbox.

    The store fills in the version numbers, the event id and `message_id` when it writes the
    notice in the check's transaction; links are made at delivery time from web.base_url.
    """

    article_id: int
    source: str
    kind: str  # substantive | minor | new | gone | moved | restored
    title: str
    article_url: str
    at: datetime
    flags: tuple[str, ...] = ()
    excerpt: Excerpt | None = None
    old_version: int | None = None
    new_version: int | None = None
    moved_from: str | None = None  # moved: the old address (article_url is the new one)
    event_id: int | None = None
    message_id: str = ""  # stable across retries and restarts, for receivers to de-duplicate
    targets: tuple[NotifyTarget, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One notice to one target, as the outbox holds it."""

    id: int
    notice: Notice
    target_key: str
    target_label: str
    card: bool = True
    attempts: int = 0
    status: str = "pending"  # pending | sent | failed
    next_attempt_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryCounts:
    """Notification deliveries by state; `retrying` are the pending ones that failed before."""

    sent: int = 0
    failed: int = 0
    pending: int = 0
    retrying: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Discovery:
    """What one feed, sitemap or front page yielded: article links and child sitemaps."""

    candidates: tuple[Candidate, ...] = ()
    sitemaps: tuple[str, ...] = ()  # child sitemaps named by a sitemap index


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    """Everything one article check writes, stored in one transaction."""

    check: Check
    article: Article | None = None  # a new state to store as a version (None: nothing new)
    trivial: bool = False  # the new state differs from the last one only trivially
    change_kind: str | None = None  # classification against the previous version
    change_flags: tuple[str, ...] = ()
    raw_html: bytes | None = None  # the capture that produced `article`
    content_type: str | None = None  # of raw_html
    provenance: Provenance = field(default_factory=Provenance)
    next_check_at: datetime | None = None
    retired: bool = False
    events: tuple[LifecycleEvent, ...] = ()  # written with the check, in its transaction
    notices: tuple[Notice, ...] = ()  # outbox entries, in the same transaction
    excerpt: Excerpt | None = None  # the new visible version's change-log excerpt
    moved_to: str | None = None  # the article's new address (a moved event)
    wayback_save: bool = False  # queue a Save Page Now request for the new version
    # The text this check read, as the current extractor sees it, when no version is stored
    # (an unchanged page): the next check compares with it instead of reading the version.
    text_hash: str | None = None
    extractor: str | None = None
    # The located article text's fingerprint (extract.fast) at this check; None: none located.
    fast_hash: str | None = None
    fast_path: bool = False  # settled by the fingerprint alone, without a full extraction
    # Extras written in the same transaction: a locator the source has not stored yet, and the
    # digest of one whose fingerprint missed a change the full extractor saw (never used again).
    locator: Locator | None = None
    locator_missed: str | None = None


# ---- what the store reads for pages, feeds, the API and monitoring ----------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRow:
    """One visible version in a list of changes, with what is needed to link and label it."""

    version_id: int
    article_id: int
    article_url: str
    source: str
    number: int
    captured_at: datetime
    title: str
    change_kind: str | None
    change_flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeCursor:
    """Where the next page of a newest-first list starts (exclusive)."""

    captured_at: datetime
    version_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangePage:
    """One page of a newest-first change list and where the next one starts (None: last)."""

    rows: tuple[ChangeRow, ...]
    next_cursor: ChangeCursor | None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow:
    """A lifecycle event with what a change list shows beside it."""

    event: LifecycleEvent
    source: str
    title: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """A visible version that holds every word searched for, with an excerpt around them."""

    version_id: int
    article_id: int
    article_url: str
    source: str
    number: int
    captured_at: datetime
    title: str
    excerpt: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFigures:
    """Per-source totals for the sources list."""

    name: str
    articles: int
    active: int
    versions: int
    changed_articles: int
    edits: int  # visible versions after the first
    failing: int  # articles whose last check failed
    last_check_at: datetime | None
    last_change_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStatistics:
    """One source's edit statistics: per-day counts, time to first edit, stealth share."""

    edits_per_day: tuple[tuple[date, int], ...]
    median_first_edit: timedelta | None
    stealth_edits: int
    edits: int

    @property
    def stealth_share(self) -> float | None:
        return self.stealth_edits / self.edits if self.edits else None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceHealth:
    """Freshness of one source: when it was last checked, polled, and last produced a version."""

    name: str
    active_articles: int
    failing_articles: int
    last_check_at: datetime | None
    last_version_at: datetime | None
    last_poll_at: datetime | None
    failing_endpoints: int


_FAILED_CHECKS = frozenset({CheckOutcome.ERROR.value, CheckOutcome.GONE.value})


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceCounts:
    """Monitoring totals for one source (active or not): what /metrics and `stats` show."""

    name: str
    active: bool
    articles_by_status: tuple[tuple[str, int], ...]
    versions: int  # visible versions
    checks_by_outcome: tuple[tuple[str, int], ...]  # every check ever made, pruned ones too

    @property
    def checks(self) -> int:
        return sum(n for _, n in self.checks_by_outcome)

    @property
    def failed_checks(self) -> int:
        """Checks that ended in an error or found the page gone."""
        return sum(n for outcome, n in self.checks_by_outcome if outcome in _FAILED_CHECKS)


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueCounts:
    """Due article checks per source, checks held by a tracker now, and polls due."""

    due_by_source: tuple[tuple[str, int], ...]
    leased: int  # claimed by a tracker and not finished yet
    oldest_due_seconds: float  # how late the longest-waiting due check is (0: none due)
    endpoints_due: int


@dataclass(frozen=True, slots=True, kw_only=True)
class WaybackSave:
    """A version's Save Page Now request: attempts so far, when next, and how it went."""

    version_id: int
    attempts: int
    next_attempt_at: datetime | None  # None: saved, or given up
    last_error: str | None
    saved_at: datetime | None


# ── insight: the figures of a report (store.reports computes them; publish and cli show them) ──


@dataclass(frozen=True, slots=True, kw_only=True)
class Count:
    """One named count: a class, a flag, a histogram bin, a lifecycle event kind."""

    name: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TextSize:
    """How long a visible version's text is (bytes of its stored paragraphs), for timelines."""

    number: int
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Spread:
    """How long something took across articles (seconds): median, p90 and a histogram."""

    count: int
    median: float | None = None  # the middle value (mean of the two middle ones for even n)
    p90: float | None = None  # nearest rank: the ceil(0.9 n)-th smallest value
    bins: tuple[Count, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Edited:
    """One of the most-edited articles of a report."""

    article_id: int
    source: str
    title: str
    url: str
    edits: int  # visible versions after the first, in the period


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceLine:
    """One source's headline figures, for the cross-source comparison."""

    name: str
    articles: int
    changed: int
    changes: int
    substantive: int
    stealth: int
    median_first_change: float | None  # seconds

    @property
    def changed_share(self) -> float | None:
        return self.changed / self.articles if self.articles else None

    @property
    def stealth_rate(self) -> float | None:
        return self.stealth / self.substantive if self.substantive else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """What one source (or every source: `source` None) edited in [since, until).

    The articles are those whose first version was captured in the period; the changes are
    their later visible versions captured before `until`. Lifecycle events are those that
    happened in the period to any article of the source(s). Times of day are UTC.
    """

    source: str | None
    since: datetime
    until: datetime
    articles: int
    changed: int  # articles with a second visible version
    changes: int  # visible versions after the first
    versions_per_changed: tuple[Count, ...]  # bins of visible versions per changed article
    first_change: Spread  # first capture -> first change, per changed article
    last_change: Spread  # first capture -> last change, per changed article
    kinds: tuple[Count, ...]  # substantive, minor (changes by class)
    flags: tuple[Count, ...]  # changes carrying each flag
    headline_flipflops: int  # headline changes back to a wording the article had before
    flipflop_articles: int  # articles with at least one such return
    events: tuple[Count, ...]  # gone, restored, moved
    hours: tuple[tuple[int, ...], ...]  # changes by weekday (Monday first) x hour of day (UTC)
    weekly: tuple[tuple[date, int], ...]  # changes per week (weeks start on Monday)
    most_edited: tuple[Edited, ...]
    sources: tuple[SourceLine, ...] = ()  # per source (the cross-source report only)

    @property
    def changed_share(self) -> float | None:
        return self.changed / self.articles if self.articles else None

    def kind(self, name: str) -> int:
        return next((c.count for c in self.kinds if c.name == name), 0)

    def flag(self, name: str) -> int:
        return next((c.count for c in self.flags if c.name == name), 0)

    @property
    def substantive(self) -> int:
        return self.kind("substantive")

    @property
    def stealth(self) -> int:
        return self.flag("stealth")

    @property
    def headline_changes(self) -> int:
        return self.flag("headline")

    @property
    def stealth_rate(self) -> float | None:
        """Substantive changes without a correction note, as a share of substantive changes."""
        return self.stealth / self.substantive if self.substantive else None

    @property
    def stealth_interval(self) -> tuple[float, float] | None:
        """The stealth rate's 95% Wilson score interval (sound for small counts and 0 or 1)."""
        return wilson_interval(self.stealth, self.substantive)


def wilson_interval(
    successes: int, trials: int, *, z: float = 1.959964
) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (None with no trials)."""
    if trials <= 0:
        return None
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
