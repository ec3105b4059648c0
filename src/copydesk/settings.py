"""Frozen settings and the SETTINGS registry: defaults < TOML file < COPYDESK_* env < CLI.

Every value is validated when loaded: its type comes from the dataclass field, its range from
the setting's `allowed` rule in SETTINGS. A bad value is one ConfigError line naming the key,
the value, where it came from and what is allowed (the CLI exits 2 on it, before starting).

Adding a setting: a field on its section's dataclass and one SettingInfo entry (keep SETTINGS
sorted by section; docs/settings.md is generated from it by scripts/settings_doc.py and
checked by tests/test_docs.py). Adding a section: its dataclass in `SECTIONS` and a field of
that name on Settings. A top-level array of tables (`[[notify]]`) or other free-form table:
a parser in `TABLES` that turns the TOML value into the Settings field's value, raising
`SettingError` for a bad one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from copydesk.errors import ConfigError
from copydesk.records import ExtractRules, Source, source_name_problem

_DURATION = re.compile(r"^\s*(\d{1,15}(?:\.\d{1,9})?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
MAX_DURATION = timedelta(days=36500)  # a century: far beyond any schedule, far from overflow
_MAX_INT = 2**53
DURATION_FORM = "a duration like 500ms, 2s, 5m, 1h or 40d"


def parse_duration(value: str | float | timedelta) -> timedelta:
    """Parse `500ms`, `2s`, `5m`, `1h`, `40d` (a bare number means seconds), up to a century."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ConfigError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ConfigError(
                f"not a duration: {_shown(value)} (write it like 500ms, 2s, 5m, 1h, 40d)"
            )
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if not math.isfinite(seconds) or seconds < 0 or seconds > MAX_DURATION.total_seconds():
        raise ConfigError(f"not a duration from 0 to {MAX_DURATION.days}d: {_shown(value)}")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    for unit in ("w", "d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds * 1000)}ms"


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchSettings:
    allow_hosts: tuple[str, ...] = ()
    per_host_concurrency: int = 2
    per_host_delay: timedelta = timedelta(seconds=1)
    respect_robots: bool = True
    user_agent_contact: str = ""
    connect_timeout: timedelta = timedelta(seconds=10)
    total_timeout: timedelta = timedelta(seconds=30)
    max_redirects: int = 5
    max_body_bytes: int = 10 * 1024 * 1024
    max_retry_after: timedelta = timedelta(hours=1)  # longest Retry-After honoured
    concurrency: int = 16
    confirm_changes: bool = True  # re-read a page that seems changed before recording a version
    fast_path: bool = True  # settle unchanged pages by the located text's fingerprint
    verify_every: int = 20  # fast-path checks in a row before a full extraction verifies
    render_browser: str = "/usr/bin/chromium"
    render_timeout: timedelta = timedelta(seconds=30)
    render_max_memory_mb: int = 256
    render_resources: tuple[str, ...] = ("script", "xhr", "fetch")
    proxy: str = ""  # http://, https:// or socks5:// proxy for every fetch ("" none)
    trust_env: bool = False  # take HTTP(S)_PROXY / ALL_PROXY / NO_PROXY from the environment

    @property
    def user_agent(self) -> str:
        from copydesk import __version__

        contact = f"; +{self.user_agent_contact}" if self.user_agent_contact else ""
        return f"copydesk/{__version__} (news change tracker{contact})"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoverSettings:
    max_new_per_poll: int = 2000  # new articles one poll may add; the rest come on the next


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSettings:
    feed_interval: timedelta = timedelta(minutes=5)
    after_change: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(days=1)
    retire_after: timedelta = timedelta(days=40)
    growth: float = 0.25  # interval = growth x quiet time, between after_change and max_interval
    error_backoff: timedelta = timedelta(minutes=1)
    max_error_backoff: timedelta = timedelta(hours=6)
    max_fetches_per_hour: int = 0  # per source; 0 means no budget
    check_yield: float = 0.005  # with source stats: expected chance of a change per check
    retire_below: float = 0.002  # with source stats: retire when fewer changes than this remain
    min_stats_changes: int = 50  # observed changes needed before source stats are trusted
    explore_every: int = 20  # one article in this many keeps the plain back-off (0: none)
    stats_refresh: timedelta = timedelta(minutes=5)  # how often learned source stats are shared


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchiveSettings:
    warc_dir: str = ""  # relative to the working folder; empty: no WARC capture
    warc_max_bytes: int = 1_000_000_000
    revisits: bool = False
    wayback_cdx: str = "https://web.archive.org/cdx/search/cdx"
    wayback_replay: str = ""  # empty: derived from wayback_cdx
    wayback_save: bool = False
    wayback_save_url: str = "https://web.archive.org/save/"

    @property
    def replay_base(self) -> str:
        """Where `{timestamp}id_/{url}` captures are served, next to the CDX API."""
        if self.wayback_replay:
            return self.wayback_replay.rstrip("/") + "/"
        cdx = self.wayback_cdx.rstrip("/")
        if cdx.endswith("/cdx/search/cdx"):  # the Internet Archive's layout
            return cdx.removesuffix("/cdx/search/cdx") + "/web/"
        return cdx.removesuffix("/cdx") + "/"  # pywb's: /COLLECTION/cdx next to /COLLECTION/


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSettings:
    keep_checks: timedelta = timedelta(days=7)  # quiet checks stay in the check log this long


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    admin_token: str = ""
    base_url: str = ""
    trusted_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")


NOTIFY_KINDS = ("substantive", "minor", "gone", "moved", "restored", "new")


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyRule:
    """One `[[notify]]` table: which changes go to which Apprise URLs."""

    urls: tuple[str, ...]
    sources: tuple[str, ...] = ()  # empty: every source
    kinds: tuple[str, ...] = ("substantive",)
    flags: tuple[str, ...] = ()  # not empty: only changes carrying at least one of these
    card: bool = True  # attach the PNG diff card

    def matches(self, source: str, kind: str, flags: tuple[str, ...]) -> bool:
        if self.sources and source not in self.sources:
            return False
        if kind not in self.kinds:
            return False
        return not self.flags or any(flag in self.flags for flag in flags)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverySettings:
    retry: timedelta = timedelta(seconds=30)  # first retry of a failed notification
    max_retry: timedelta = timedelta(minutes=10)  # cap of the exponential back-off
    give_up_after: timedelta = timedelta(days=3)  # then the delivery is marked failed
    timeout: timedelta = timedelta(seconds=20)  # one attempt at one target


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    db: str = "sqlite:///copydesk.db"
    discover: DiscoverSettings = field(default_factory=DiscoverSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    notify: tuple[NotifyRule, ...] = ()
    store: StoreSettings = field(default_factory=StoreSettings)
    web: WebSettings = field(default_factory=WebSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    sources: tuple[Source, ...] = ()

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


# ── what a value may be ─────────────────────────────────────────────────────────────────────


class SettingError(ValueError):
    """A value is not allowed; the message says what is (the loader adds key and value)."""


@dataclass(frozen=True, slots=True)
class Allowed:
    """A range rule on a number or duration (in seconds), with its wording for errors."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False  # low itself is not allowed
    words: str = ""

    def check(self, value: Any) -> None:
        number = value.total_seconds() if isinstance(value, timedelta) else value
        if not isinstance(number, int | float):
            return
        too_low = self.low is not None and (
            number < self.low or (self.low_open and number == self.low)
        )
        if too_low or (self.high is not None and number > self.high):
            raise SettingError(self.words)


ANY = Allowed()
POSITIVE = Allowed(0, low_open=True, words="more than 0")
AT_LEAST_1 = Allowed(1, words="at least 1")
NON_NEGATIVE = Allowed(0, words="0 or more")
FRACTION = Allowed(0, 1, words="from 0 to 1")
PROBABILITY = Allowed(0, 1, low_open=True, words="more than 0 and at most 1")


def at_least(low: float, words: str) -> Allowed:
    return Allowed(low, words=words)


@dataclass(frozen=True, slots=True)
class ZeroOr(Allowed):
    """0 (which switches the thing off), or a value the range rule allows."""

    def check(self, value: Any) -> None:
        number = value.total_seconds() if isinstance(value, timedelta) else value
        if number != 0:
            Allowed.check(self, value)


@dataclass(frozen=True, slots=True)
class SettingInfo:
    name: str
    default: Any
    help: str
    allowed: Allowed = ANY


SETTINGS: tuple[SettingInfo, ...] = (
    SettingInfo(
        "archive.revisits",
        False,
        "With WARC capture on, also write a `revisit` record (identical-payload-digest profile) "
        "for each check that found the article unchanged; by default unchanged checks write "
        "nothing.",
    ),
    SettingInfo(
        "archive.warc_dir",
        "",
        "Folder (relative to the working folder) where every fetch that produces a new version "
        "is kept as WARC 1.1 request/response records; empty: WARC capture off.",
    ),
    SettingInfo(
        "archive.warc_max_bytes",
        1_000_000_000,
        "A WARC file is closed and a new one started once it reaches this size (bytes).",
        AT_LEAST_1,
    ),
    SettingInfo(
        "archive.wayback_cdx",
        "https://web.archive.org/cdx/search/cdx",
        "CDX server asked by `copydesk import --wayback` for the captures of a URL.",
    ),
    SettingInfo(
        "archive.wayback_replay",
        "",
        "Where `TIMESTAMPid_/URL` captures are fetched; empty: next to `archive.wayback_cdx` "
        "(`/web/` for the Internet Archive, the collection for pywb).",
    ),
    SettingInfo(
        "archive.wayback_save",
        False,
        "Ask Save Page Now to capture each new version and link the memento from its page; "
        "failures are recorded and retried, never block tracking.",
    ),
    SettingInfo(
        "archive.wayback_save_url",
        "https://web.archive.org/save/",
        "Save Page Now endpoint; the article URL is appended to it.",
    ),
    SettingInfo(
        "db",
        "sqlite:///copydesk.db",
        "Database URL (sqlite:///FILE or postgresql+psycopg://…); a plain file path names a "
        "SQLite file. Every command takes the same forms (`--db`, `COPYDESK_DB`).",
    ),
    SettingInfo(
        "delivery.give_up_after",
        "3d",
        "A notification still undelivered this long after it was written is marked failed "
        "(counted in `copydesk stats`, /metrics and /healthz).",
        POSITIVE,
    ),
    SettingInfo(
        "delivery.max_retry", "10m", "Longest wait between two delivery attempts.", POSITIVE
    ),
    SettingInfo(
        "delivery.retry",
        "30s",
        "First retry of a failed notification delivery; doubles after each failure.",
        POSITIVE,
    ),
    SettingInfo(
        "delivery.timeout", "20s", "Time allowed for one delivery attempt to one target.", POSITIVE
    ),
    SettingInfo(
        "discover.max_new_per_poll",
        2000,
        "New articles one feed, sitemap or front-page poll may add (the first listed); the "
        "rest are added by the next polls, which come within a minute while a listing is "
        "taken in parts. Bounds the work of one poll on a listing of 100,000 links.",
        AT_LEAST_1,
    ),
    SettingInfo("fetch.allow_hosts", (), "Hosts exempt from the private-address (SSRF) guard."),
    SettingInfo(
        "fetch.concurrency", 16, "Fetches in flight at once, across all hosts.", AT_LEAST_1
    ),
    SettingInfo(
        "fetch.confirm_changes",
        True,
        "Re-read a page that seems to have changed (and a new page) before recording a version, "
        "so text that changes on every request is never taken for an edit.",
    ),
    SettingInfo("fetch.connect_timeout", "10s", "Time allowed to open a connection.", POSITIVE),
    SettingInfo(
        "fetch.fast_path",
        True,
        "Settle unchanged pages without a full extraction: hash only the article's text, found "
        "where the full extractor found it on this source's pages (conditional GET comes first; "
        "any doubt, or a changed hash, runs the full extractor).",
    ),
    SettingInfo(
        "fetch.max_body_bytes",
        10 * 1024 * 1024,
        "Cap on decompressed body size.",
        at_least(1024, "at least 1024"),
    ),
    SettingInfo("fetch.max_redirects", 5, "Redirects followed before giving up.", AT_LEAST_1),
    SettingInfo(
        "fetch.max_retry_after",
        "1h",
        "Longest Retry-After honoured: after a 429 (or a 503 with Retry-After) the article, or "
        "feed, is not fetched again before the wait the server asked for, up to this cap; after "
        "a 429 no new fetch goes to that host until the wait is over. A Retry-After too long "
        "to read (thousands of digits) counts as this cap.",
        POSITIVE,
    ),
    SettingInfo("fetch.per_host_concurrency", 2, "Fetches in flight at once per host.", AT_LEAST_1),
    SettingInfo(
        "fetch.per_host_delay", "1s", "Minimum time between two requests to one host.", ANY
    ),
    SettingInfo(
        "fetch.proxy",
        "",
        "Proxy for every fetch: `http://HOST:PORT`, `https://…` or `socks5://…` (user:password@ "
        "allowed); empty for none. `[sources.NAME] proxy` overrides it for one source. The "
        "SSRF guard still vets every target URL and redirect; the proxy itself resolves the "
        "name, so prefer one that refuses private addresses too.",
    ),
    SettingInfo(
        "fetch.render_browser",
        "/usr/bin/chromium",
        "Chromium (or Chrome) binary that renders `[sources.NAME] render = true` articles "
        "(Playwright drives it; no browser is ever downloaded).",
    ),
    SettingInfo(
        "fetch.render_max_memory_mb",
        256,
        "JavaScript heap cap of a rendered page, in MB; a page that needs more crashes and "
        "its check is recorded as a `render` error.",
        at_least(16, "at least 16"),
    ),
    SettingInfo(
        "fetch.render_resources",
        ("script", "xhr", "fetch"),
        "Request types a rendered page may make besides its own document (Playwright's "
        "resource types: script, xhr, fetch, stylesheet, image, font, media, …); every one "
        "still passes the SSRF guard, robots.txt and politeness. Frames and WebSockets never.",
    ),
    SettingInfo(
        "fetch.render_timeout",
        "30s",
        "Time allowed to render one page, after its document has been fetched.",
        POSITIVE,
    ),
    SettingInfo("fetch.respect_robots", True, "Honour robots.txt."),
    SettingInfo(
        "fetch.trust_env",
        False,
        "Use the proxy named by the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, with "
        "NO_PROXY) when no `proxy` is set; off by default, so a variable left in a shell never "
        "reroutes the tracker.",
    ),
    SettingInfo("fetch.total_timeout", "30s", "Time allowed for a whole fetch.", POSITIVE),
    SettingInfo("fetch.user_agent_contact", "", "Contact URL named in the User-Agent."),
    SettingInfo(
        "fetch.verify_every",
        20,
        "Checks of one article settled by the fast path in a row before a full extraction "
        "verifies them (a fast path that missed a change is never used again for its source).",
        AT_LEAST_1,
    ),
    SettingInfo("schedule.after_change", "5m", "First re-check after a change.", POSITIVE),
    SettingInfo(
        "schedule.check_yield",
        0.005,
        "Learned policy: expected chance that one check finds a change.",
        PROBABILITY,
    ),
    SettingInfo("schedule.error_backoff", "1m", "First retry after a failed check.", POSITIVE),
    SettingInfo(
        "schedule.feed_interval",
        "5m",
        "How often feeds, sitemaps and front pages are polled.",
        POSITIVE,
    ),
    SettingInfo(
        "schedule.growth",
        0.25,
        "Re-check interval as a fraction of the quiet time.",
        Allowed(0, 100, low_open=True, words="more than 0 and at most 100"),
    ),
    SettingInfo(
        "schedule.max_error_backoff",
        "6h",
        "Longest wait between retries of failing checks.",
        POSITIVE,
    ),
    SettingInfo(
        "schedule.max_fetches_per_hour",
        0,
        "Article checks per source in any hour (0: no budget); when more are due, those most "
        "likely to find a change go first. `[sources.NAME] max_fetches_per_hour` overrides it "
        "for one source. Feed, sitemap and front-page polls do not count.",
        NON_NEGATIVE,
    ),
    SettingInfo(
        "schedule.max_interval",
        "1d",
        "Longest wait between two checks of an active article.",
        POSITIVE,
    ),
    SettingInfo(
        "schedule.min_stats_changes",
        50,
        "Observed changes before a source's statistics are used.",
        NON_NEGATIVE,
    ),
    SettingInfo(
        "schedule.explore_every",
        20,
        "One article in this many keeps the plain back-off, so late changes stay measured "
        "(0: none).",
        NON_NEGATIVE,
    ),
    SettingInfo(
        "schedule.retire_after", "40d", "Quiet time after which an article is retired.", POSITIVE
    ),
    SettingInfo(
        "schedule.retire_below",
        0.002,
        "Learned policy: retire once fewer expected changes remain.",
        FRACTION,
    ),
    SettingInfo(
        "schedule.stats_refresh",
        "5m",
        "How often a tracker adds what its checks taught it to the source's shared statistics "
        "(all workers add up) and reloads them for the policy.",
        POSITIVE,
    ),
    SettingInfo(
        "store.keep_checks",
        "7d",
        "How long quiet checks (unchanged, not modified, interrupted) stay in the check log; "
        "older ones are pruned and only counted. Checks that stored a version or failed are "
        "kept for good (0: keep every check; otherwise at least 1h, as the fetch budget counts "
        "the last hour).",
        ZeroOr(3600, words="0 (keep every check) or at least 1h"),
    ),
    SettingInfo("web.admin_token", "", "Token required by write actions (COPYDESK_ADMIN_TOKEN)."),
    SettingInfo(
        "web.base_url",
        "",
        "Public address of the web UI (an http or https URL): absolute links in feeds and "
        "notices are built on it, whatever Host header a request carries.",
    ),
    SettingInfo(
        "web.trusted_hosts",
        ("localhost", "127.0.0.1", "::1"),
        "Without `web.base_url`: host names whose Host header may be used to build absolute "
        "links (any port). A feed asked for under any other Host answers 400, and an admin "
        "form posted from another origin is refused, so a forged Host never reaches a feed "
        "reader's cache.",
    ),
)

SECTIONS: dict[str, type[Any]] = {
    "discover": DiscoverSettings,
    "delivery": DeliverySettings,
    "archive": ArchiveSettings,
    "fetch": FetchSettings,
    "schedule": ScheduleSettings,
    "store": StoreSettings,
    "web": WebSettings,
}

# Pairs of one section's settings where the second may not be less than the first.
ORDERED: tuple[tuple[str, str], ...] = (
    ("schedule.after_change", "schedule.max_interval"),
    ("schedule.error_backoff", "schedule.max_error_backoff"),
    ("delivery.retry", "delivery.max_retry"),
)

_INFO = {info.name: info for info in SETTINGS}
# Request types a rendered page may be allowed (Playwright's names); never frames or sockets.
RENDER_RESOURCES = frozenset(
    {"script", "xhr", "fetch", "stylesheet", "image", "font", "media", "texttrack", "manifest"}
    | {"eventsource", "other"}
)


# ── turning TOML / environment values into typed values ─────────────────────────────────────


def _shown(value: Any) -> str:
    """A short, printable rendering of a bad value for the one-line error."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        # repr of a huge int is slow, and past Python's digit limit it raises
        text = f"<an integer of about {int(value.bit_length() * 0.30103)} digits>"
    elif isinstance(value, timedelta):
        text = format_duration(value)
    else:
        text = repr(value)
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= 60 else text[:57] + "…"


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "no", "off"}:
        return False
    raise SettingError("true or false")


def _to_int(value: Any) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,18}\s*", value):
        value = int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > _MAX_INT:
        raise SettingError(f"a whole number up to {_MAX_INT}")
    return value


def _to_float(value: Any) -> float:
    if isinstance(value, str) and len(value) <= 40:
        with contextlib.suppress(ValueError):
            value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingError("a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise SettingError("a finite number")
    return number


def _to_duration(value: Any) -> timedelta:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_INT:
        raise SettingError(f"{DURATION_FORM}, at most {MAX_DURATION.days}d")
    try:
        return parse_duration(value)
    except (ConfigError, OverflowError, ValueError, TypeError):
        raise SettingError(f"{DURATION_FORM}, at most {MAX_DURATION.days}d") from None


def _to_strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise SettingError('a list of strings, like ["a", "b"]')
    return tuple(value)


def _to_str(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingError("a string")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise SettingError("a string without control characters")
    return value


_CONVERTERS: dict[type[Any], Callable[[Any], Any]] = {
    bool: _to_bool,
    int: _to_int,
    float: _to_float,
    timedelta: _to_duration,
    tuple: _to_strings,
    str: _to_str,
}


# Settings that, when given, must be absolute http(s) URLs.
_URL_SETTINGS = frozenset(
    {"web.base_url", "archive.wayback_cdx", "archive.wayback_replay", "archive.wayback_save_url"}
)


def _convert(name: str, kind: type[Any], value: Any) -> Any:
    converted = _CONVERTERS[kind](value)
    info = _INFO.get(name)
    if info is not None:
        info.allowed.check(converted)
    if name == "fetch.proxy" and converted:
        _check_proxy(converted)
    if name == "fetch.render_resources":
        unknown = sorted(set(converted) - RENDER_RESOURCES)
        if unknown:
            raise SettingError(f"a list of {', '.join(sorted(RENDER_RESOURCES))}")
    if name in _URL_SETTINGS and converted:
        parts = urlsplit(converted)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingError("an absolute http(s) URL such as https://news.example.org/")
    return converted


_KIND_WORDS = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    timedelta: "a duration",
    tuple: "a list of strings",
    str: "a string",
}


def allowed_words(info: SettingInfo) -> str:
    """What a setting accepts, in words (for docs/settings.md)."""
    section, _, key = info.name.partition(".")
    cls = SECTIONS.get(section)
    kind = type(getattr(cls(), key)) if cls is not None and key else str
    words = _KIND_WORDS.get(kind, "a value")
    return f"{words}, {info.allowed.words}" if info.allowed.words else words


class _Origins:
    """Where each value came from, so an error can name the file or the variable."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.env: dict[str, str] = {}

    def of(self, name: str) -> str:
        return self.env.get(name) or self.file


def _bad(name: str, value: Any, allowed: str, origins: _Origins) -> ConfigError:
    return ConfigError(
        f"invalid setting {name} = {_shown(value)} (in {origins.of(name)}): allowed is {allowed}"
    )


def _section(section: str, cls: type[Any], values: Any, base: Any, origins: _Origins) -> Any:
    if not isinstance(values, Mapping):
        raise _bad(section, values, f"a table: [{section}] with key = value lines", origins)
    known = {f.name: f for f in fields(cls)}
    updates: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{section}.{key}"
        if key not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(
                f"unknown setting {name} (in {origins.of(name)}): [{section}] has {choices}"
            )
        kind = type(getattr(cls(), key))
        try:
            updates[key] = _convert(name, kind, value)
        except SettingError as exc:
            raise _bad(name, value, str(exc), origins) from None
    merged = replace(base, **updates)
    for low, high in ORDERED:
        if low.startswith(section + ".") and high.startswith(section + "."):
            low_value, high_value = (getattr(merged, n.partition(".")[2]) for n in (low, high))
            if high_value < low_value:
                raise _bad(high, high_value, f"at least {low} ({_shown(low_value)})", origins)
    return merged


# ── [sources.NAME] ───────────────────────────────────────────────────────────────────────────


def _patterns(value: Any) -> tuple[str, ...]:
    patterns = _to_strings(value)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError):
            raise SettingError(
                f"a list of valid regular expressions ({pattern!r} is not one)"
            ) from None
    return patterns


def _selectors(value: Any) -> tuple[str, ...]:
    from lxml.cssselect import CSSSelector

    selectors = _to_strings(value)
    for selector in selectors:
        try:
            CSSSelector(selector)
        except Exception:  # cssselect's SelectorError and ExpressionError share no base
            raise SettingError(f"a list of CSS selectors ({selector!r} is not one)") from None
    return selectors


def _extract_rules(value: Any) -> ExtractRules:
    if not isinstance(value, Mapping):
        raise SettingError("a table with keep and drop lists of CSS selectors")
    unknown = sorted(set(value) - {"keep", "drop"})
    if unknown:
        raise SettingError(f"a table with only keep and drop ({unknown[0]!r} is unknown)")
    return ExtractRules(
        keep=_selectors(value.get("keep", [])), drop=_selectors(value.get("drop", []))
    )


_PROXY_FORM = (
    "a proxy URL such as http://proxy.example:3128, https://… or socks5://…, with a host and a port"
)


def _check_proxy(value: str) -> None:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise SettingError(_PROXY_FORM) from None
    schemes = ("http", "https", "socks5", "socks5h")
    if parts.scheme not in schemes or not parts.hostname or port is None:
        raise SettingError(_PROXY_FORM)


def _proxy(value: Any) -> str:
    text = _to_str(value)
    if text and text != "direct":
        _check_proxy(text)
    return text


def _render(value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingError("true or false")
    return value


def _budget(value: Any) -> int:
    number = _to_int(value)
    NON_NEGATIVE.check(number)
    return number


# One entry per key allowed in [sources.NAME]: the Source field it fills and its converter.
SOURCE_KEYS: dict[str, Callable[[Any], Any]] = {
    "include": _patterns,
    "exclude": _patterns,
    "extract": _extract_rules,
    "max_fetches_per_hour": _budget,
    "render": _render,
    "proxy": _proxy,
}
_SOURCE_FIELDS = {"extract": "extract_rules"}
# What each [sources.NAME] key does, for docs/settings.md (tests check every key has one).
SOURCE_HELP: dict[str, tuple[str, str]] = {  # key -> (help, allowed and default)
    "include": (
        "Regular expressions; when any are given, an article URL must match one to be tracked.",
        "a list of regular expressions. Default: `[]`",
    ),
    "exclude": (
        "Regular expressions; an article URL matching one is never tracked (live blogs, "
        "sport, galleries).",
        "a list of regular expressions. Default: `[]`",
    ),
    "extract": (
        "A `[sources.NAME.extract]` table of CSS selectors applied on top of the generic "
        "extractor: `keep` (elements that are article text) and `drop` (elements that never "
        "are). Changing them is never taken for a publisher's edit.",
        "a table with `keep` and `drop`, lists of CSS selectors. Default: none",
    ),
    "max_fetches_per_hour": (
        "This source's own budget of article checks per hour, in place of "
        "`schedule.max_fetches_per_hour` (0: no budget).",
        "a whole number, 0 or more. Default: `schedule.max_fetches_per_hour`",
    ),
    "proxy": (
        "The proxy this source's fetches go through, in place of `fetch.proxy` (and of the "
        "environment's); `direct` for none.",
        "a proxy URL like `fetch.proxy`, or `direct`. Default: `fetch.proxy`",
    ),
    "render": (
        "Fetch this source's articles through headless Chromium and extract the rendered page, "
        "for sites that build their articles with JavaScript. Every request the page makes "
        "passes the SSRF guard; see the `fetch.render_*` settings.",
        "true or false. Default: `false`",
    ),
}


def _source(name: str, table: Any, origins: _Origins) -> Source:
    where = f"sources.{name}"
    problem = source_name_problem(name)
    if problem:
        raise _bad("a [sources.NAME] table's name", name, f"a name of {problem}", origins)
    if not isinstance(table, Mapping):
        raise _bad(where, table, f"a table: [sources.{name}] with {_source_keys()}", origins)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in SOURCE_KEYS:
            raise ConfigError(
                f"unknown setting {where}.{key} (in {origins.file}): [sources.NAME] has "
                f"{_source_keys()}"
            )
        try:
            values[_SOURCE_FIELDS.get(str(key), str(key))] = SOURCE_KEYS[key](value)
        except SettingError as exc:
            raise _bad(f"{where}.{key}", value, str(exc), origins) from None
    return Source(name=name, **values)


def _source_keys() -> str:
    return ", ".join(SOURCE_KEYS)


def _sources(value: Any, origins: _Origins) -> tuple[Source, ...]:
    if not isinstance(value, Mapping):
        raise _bad("sources", value, "tables like [sources.NAME]", origins)
    return tuple(_source(name, table, origins) for name, table in value.items())


# Top-level tables beyond the sections: name -> parser of the TOML value into the Settings
# field of the same name. Raise SettingError (what is allowed) for a bad value.
_NOTIFY_KEYS = ("urls", "sources", "kinds", "flags", "card")


def _notify_rule(index: int, table: Any) -> NotifyRule:
    where = f"rule #{index + 1}"
    if not isinstance(table, Mapping):
        raise SettingError(f"tables: [[notify]] with {', '.join(_NOTIFY_KEYS)} ({where} is not)")
    unknown = sorted(set(table) - set(_NOTIFY_KEYS))
    if unknown:
        raise SettingError(f"only the keys {', '.join(_NOTIFY_KEYS)} ({where} has {unknown[0]!r})")
    try:
        urls = tuple(u.strip() for u in _to_strings(table.get("urls", [])))
        kinds = _to_strings(table.get("kinds", ["substantive"]))
        sources = _to_strings(table.get("sources", []))
        flags = _to_strings(table.get("flags", []))
        card = _to_bool(table.get("card", True))
    except SettingError as exc:
        raise SettingError(f"{exc} for urls, sources, kinds and flags ({where})") from None
    if not urls or not all(urls):
        raise SettingError(f"urls naming at least one Apprise URL ({where} has none)")
    wrong = [k for k in kinds if k not in NOTIFY_KINDS]
    if wrong:
        raise SettingError(f"kinds among {', '.join(NOTIFY_KINDS)} ({where} has {wrong[0]!r})")
    return NotifyRule(urls=urls, sources=sources, kinds=kinds, flags=flags, card=card)


def _notify_rules(value: Any) -> tuple[NotifyRule, ...]:
    """`[[notify]]` tables (a single `[notify]` table counts as one rule)."""
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list | tuple):
        raise SettingError("an array of tables: [[notify]]")
    return tuple(_notify_rule(i, table) for i, table in enumerate(value))


TABLES: dict[str, Callable[[Any], Any]] = {"notify": _notify_rules}


# ── environment ──────────────────────────────────────────────────────────────────────────────


def _env_path(name: str) -> list[str]:
    """FETCH__ALLOW_HOSTS, and the easy slip FETCH_ALLOW_HOSTS, both name fetch.allow_hosts."""
    lowered = name.lower()
    if "__" in lowered:
        return lowered.split("__")
    section, _, key = lowered.partition("_")
    return [section, key] if section in SECTIONS and key else [lowered]


_IGNORED_ENV = frozenset({"COPYDESK_CORPUS", "COPYDESK_TEST_PG", "COPYDESK_SKIP_PG"})


def _env_value(section: str, key: str, raw: str) -> Any:
    """JSON when it parses as JSON; a list setting also takes `a,b,c`."""
    try:
        value: Any = json.loads(raw)
    except ValueError:  # JSONDecodeError, and int() past Python's digit limit
        value = raw
    cls = SECTIONS.get(section)
    default = getattr(cls(), key, None) if cls else None
    if isinstance(default, tuple) and isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(default, str):
        return raw  # a token or URL is taken as written, never as JSON
    return value


def _env_values(environ: Mapping[str, str], origins: _Origins) -> dict[str, Any]:
    """COPYDESK_FETCH__ALLOW_HOSTS='["127.0.0.1"]' -> {"fetch": {"allow_hosts": [...]}}."""
    found: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith("COPYDESK_") or key in _IGNORED_ENV:
            continue
        path = _env_path(key.removeprefix("COPYDESK_"))
        if path == ["db"]:
            found["db"] = str(raw)
        elif path == ["admin_token"]:
            found.setdefault("web", {})["admin_token"] = str(raw)
            origins.env["web.admin_token"] = key
        elif len(path) == 2 and path[0] in SECTIONS:
            found.setdefault(path[0], {})[path[1]] = _env_value(path[0], path[1], raw)
            origins.env[".".join(path)] = key
        elif "__" in key:  # meant as a setting (a misspelt one would be silently ignored)
            sections = ", ".join(SECTIONS)
            raise ConfigError(
                f"unknown setting {'.'.join(path)} (in {key}): variables are named "
                f"COPYDESK_SECTION__KEY with a section among {sections}; "
                "[sources.NAME] rules are read from copydesk.toml"
            )
    return found


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


# ── loading ──────────────────────────────────────────────────────────────────────────────────


def settings_from_mapping(
    values: Mapping[str, Any], *, _origins: _Origins | None = None
) -> Settings:
    """Build Settings from a nested mapping shaped like copydesk.toml, validating every value."""
    origins = _origins or _Origins("the settings")
    settings = Settings()
    for key in values:
        if key not in {"db", "sources", *SECTIONS, *TABLES}:
            known = ", ".join(["db", "sources", *SECTIONS, *TABLES])
            raise ConfigError(
                f"unknown setting section [{key}] (in {origins.file}): known are {known}"
            )
    for section, cls in SECTIONS.items():
        table = values.get(section, {})
        settings = replace(
            settings,
            **{section: _section(section, cls, table, getattr(settings, section), origins)},
        )
    if "db" in values:
        db = values["db"]
        if not isinstance(db, str) or not db.strip() or "\x00" in db:
            raise _bad("db", db, "a database URL or SQLite file name", origins)
        settings = replace(settings, db=db if "://" in db else f"sqlite:///{db}")
    for name, parse in TABLES.items():
        if name in values:
            try:
                settings = replace(settings, **{name: parse(values[name])})
            except SettingError as exc:
                raise _bad(name, values[name], str(exc), origins) from None
    return replace(settings, sources=_sources(values.get("sources", {}), origins))


def load_settings(
    config_file: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Load defaults, then the TOML file, then COPYDESK_* variables, then CLI overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = Path(config_file) if config_file else Path("copydesk.toml")
    if config_file and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    if path.is_file():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:  # TOMLDecodeError, bad UTF-8, huge integers
            raise ConfigError(f"{path}: {exc}") from exc
    origins = _Origins(str(path) if path.is_file() else "the defaults")
    values = _merge(values, _env_values(environ, origins))
    values = _merge(values, {k: v for k, v in (overrides or {}).items() if v is not None})
    return settings_from_mapping(values, _origins=origins)
