"""Frozen settings and the SETTINGS registry: defaults < TOML file < COPYDESK_* env < CLI.

Keep SETTINGS sorted by section and documented in docs/settings.md (tests/test_docs.py checks).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from copydesk.errors import ConfigError
from copydesk.records import ExtractRules, Source

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: str | float | timedelta) -> timedelta:
    """Parse `500ms`, `2s`, `5m`, `1h`, `40d` (a bare number means seconds)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ConfigError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        return timedelta(seconds=float(value))
    match = _DURATION.match(str(value))
    if not match:
        raise ConfigError(f"not a duration: {value!r} (write it like 500ms, 2s, 5m, 1h, 40d)")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


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

    @property
    def user_agent(self) -> str:
        from copydesk import __version__

        contact = f"; +{self.user_agent_contact}" if self.user_agent_contact else ""
        return f"copydesk/{__version__} (news change tracker{contact})"


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
class WebSettings:
    admin_token: str = ""
    base_url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    db: str = "sqlite:///copydesk.db"
    fetch: FetchSettings = field(default_factory=FetchSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    web: WebSettings = field(default_factory=WebSettings)
    sources: tuple[Source, ...] = ()

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


@dataclass(frozen=True, slots=True)
class SettingInfo:
    name: str
    default: Any
    help: str


SETTINGS: tuple[SettingInfo, ...] = (
    SettingInfo("db", "sqlite:///copydesk.db", "Database URL (SQLite or postgresql+psycopg://…)."),
    SettingInfo("fetch.allow_hosts", (), "Hosts exempt from the private-address (SSRF) guard."),
    SettingInfo("fetch.concurrency", 16, "Fetches in flight at once, across all hosts."),
    SettingInfo(
        "fetch.confirm_changes",
        True,
        "Re-read a page that seems to have changed (and a new page) before recording a version, "
        "so text that changes on every request is never taken for an edit.",
    ),
    SettingInfo("fetch.connect_timeout", "10s", "Time allowed to open a connection."),
    SettingInfo("fetch.max_body_bytes", 10 * 1024 * 1024, "Cap on decompressed body size."),
    SettingInfo("fetch.max_redirects", 5, "Redirects followed before giving up."),
    SettingInfo(
        "fetch.max_retry_after",
        "1h",
        "Longest Retry-After honoured: after a 429 (or a 503 with Retry-After) the article, or "
        "feed, is not fetched again before the wait the server asked for, up to this cap; after "
        "a 429 no new fetch goes to that host until the wait is over.",
    ),
    SettingInfo("fetch.per_host_concurrency", 2, "Fetches in flight at once per host."),
    SettingInfo("fetch.per_host_delay", "1s", "Minimum time between two requests to one host."),
    SettingInfo("fetch.respect_robots", True, "Honour robots.txt."),
    SettingInfo("fetch.total_timeout", "30s", "Time allowed for a whole fetch."),
    SettingInfo("fetch.user_agent_contact", "", "Contact URL named in the User-Agent."),
    SettingInfo("schedule.after_change", "5m", "First re-check after a change."),
    SettingInfo(
        "schedule.check_yield",
        0.005,
        "Learned policy: expected chance that one check finds a change.",
    ),
    SettingInfo("schedule.error_backoff", "1m", "First retry after a failed check."),
    SettingInfo(
        "schedule.feed_interval", "5m", "How often feeds, sitemaps and front pages are polled."
    ),
    SettingInfo("schedule.growth", 0.25, "Re-check interval as a fraction of the quiet time."),
    SettingInfo(
        "schedule.max_error_backoff", "6h", "Longest wait between retries of failing checks."
    ),
    SettingInfo(
        "schedule.max_fetches_per_hour",
        0,
        "Article checks per source in any hour (0: no budget); when more are due, those most "
        "likely to find a change go first. `[sources.NAME] max_fetches_per_hour` overrides it "
        "for one source. Feed, sitemap and front-page polls do not count.",
    ),
    SettingInfo(
        "schedule.max_interval", "1d", "Longest wait between two checks of an active article."
    ),
    SettingInfo(
        "schedule.min_stats_changes", 50, "Observed changes before a source's statistics are used."
    ),
    SettingInfo(
        "schedule.explore_every",
        20,
        "One article in this many keeps the plain back-off, so late changes stay measured "
        "(0: none).",
    ),
    SettingInfo("schedule.retire_after", "40d", "Quiet time after which an article is retired."),
    SettingInfo(
        "schedule.retire_below", 0.002, "Learned policy: retire once fewer expected changes remain."
    ),
    SettingInfo(
        "schedule.stats_refresh",
        "5m",
        "How often a tracker adds what its checks taught it to the source's shared statistics "
        "(all workers add up) and reloads them for the policy.",
    ),
    SettingInfo("web.admin_token", "", "Token required by write actions (COPYDESK_ADMIN_TOKEN)."),
    SettingInfo("web.base_url", "", "Public address of the web UI, used in feeds and notices."),
)

_SECTIONS: dict[str, type[Any]] = {
    "fetch": FetchSettings,
    "schedule": ScheduleSettings,
    "web": WebSettings,
}


def _coerce(cls: type[Any], key: str, value: Any) -> Any:
    """Turn a TOML/env value into the field's type, with a clear error."""
    target = {f.name: f for f in fields(cls)}.get(key)
    if target is None:
        raise ConfigError(f"unknown setting: {cls.__name__.removesuffix('Settings').lower()}.{key}")
    default = getattr(cls(), key)
    try:
        if isinstance(default, timedelta):
            return parse_duration(value)
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(default, tuple):
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            return tuple(str(v) for v in value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"bad value for {key}: {value!r}") from exc


def _section(cls: type[Any], values: Mapping[str, Any], base: Any) -> Any:
    updates = {key: _coerce(cls, key, value) for key, value in values.items()}
    return replace(base, **updates)


def _source(name: str, table: Mapping[str, Any]) -> Source:
    extract = table.get("extract", {})
    try:
        return Source(
            name=name,
            include=tuple(table.get("include", ())),
            exclude=tuple(table.get("exclude", ())),
            extract_rules=ExtractRules(
                keep=tuple(extract.get("keep", ())), drop=tuple(extract.get("drop", ()))
            ),
            max_fetches_per_hour=_budget(table.get("max_fetches_per_hour")),
        )
    except (TypeError, AttributeError, ValueError) as exc:
        raise ConfigError(f"bad [sources.{name}] table") from exc


def _budget(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or int(value) < 0:
        raise ValueError(f"not a budget: {value!r}")
    return int(value)


def _env_path(name: str) -> list[str]:
    """FETCH__ALLOW_HOSTS, and the easy slip FETCH_ALLOW_HOSTS, both name fetch.allow_hosts."""
    lowered = name.lower()
    if "__" in lowered:
        return lowered.split("__")
    section, _, key = lowered.partition("_")
    return [section, key] if section in _SECTIONS and key else [lowered]


_IGNORED_ENV = frozenset({"COPYDESK_CORPUS", "COPYDESK_TEST_PG", "COPYDESK_SKIP_PG"})


def _env_values(environ: Mapping[str, str]) -> dict[str, Any]:
    """COPYDESK_FETCH__ALLOW_HOSTS='["127.0.0.1"]' -> {"fetch": {"allow_hosts": [...]}}."""
    found: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith("COPYDESK_") or key in _IGNORED_ENV:
            continue
        path = _env_path(key.removeprefix("COPYDESK_"))
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        if path == ["db"]:
            found["db"] = str(raw)
        elif path == ["admin_token"]:
            found.setdefault("web", {})["admin_token"] = str(raw)
        elif len(path) == 2 and path[0] in _SECTIONS:
            found.setdefault(path[0], {})[path[1]] = value
    return found


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def settings_from_mapping(values: Mapping[str, Any]) -> Settings:
    """Build Settings from a nested mapping shaped like copydesk.toml."""
    settings = Settings()
    for key in values:
        if key not in {"db", "sources", *_SECTIONS}:
            raise ConfigError(f"unknown setting section: {key}")
    for section, cls in _SECTIONS.items():
        table = values.get(section, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{section}] must be a table")
        settings = replace(settings, **{section: _section(cls, table, getattr(settings, section))})
    if "db" in values:
        settings = replace(settings, db=str(values["db"]))
    sources = values.get("sources", {})
    if not isinstance(sources, Mapping):
        raise ConfigError("[sources] must be a table of tables")
    return replace(settings, sources=tuple(_source(n, t) for n, t in sources.items()))


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
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
    values = _merge(values, _env_values(environ))
    values = _merge(values, {k: v for k, v in (overrides or {}).items() if v is not None})
    return settings_from_mapping(values)
