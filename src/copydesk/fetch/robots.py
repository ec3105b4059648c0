"""robots.txt: fetched once per origin (scheme, host, port), parsed with protego, cached.

The download itself is injected, so robots.txt goes through the same SSRF guard,
politeness slot and size cap as any page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from copydesk.clock import Clock
from copydesk.errors import FetchError, HTTPStatusError, RateLimitedError

logger = logging.getLogger(__name__)

USER_AGENT_TOKEN = "copydesk"
# RFC 9309 §2.4: a cached robots.txt should not be used for more than 24 hours.
_KEEP_SECONDS = 24 * 3600.0
# After a 5xx or an unreachable robots.txt, ask again soon rather than trust "allow" all day.
_KEEP_FAILED_SECONDS = 600.0

Download = Callable[[str], Awaitable[str]]  # robots.txt URL -> its text; raises FetchError


@dataclass(frozen=True, slots=True)
class _Entry:
    rules: Protego | None  # None: everything allowed
    expires: float  # monotonic seconds


def robots_url(url: str) -> str:
    """The robots.txt URL that governs `url`."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "/robots.txt", "", ""))


class RobotsCache:
    """Answers can_fetch for URLs, downloading each origin's robots.txt at most once at a time."""

    def __init__(self, *, clock: Clock, user_agent: str = USER_AGENT_TOKEN) -> None:
        self._clock = clock
        self._user_agent = user_agent
        self._entries: dict[str, _Entry] = {}
        self._pending: dict[str, asyncio.Task[_Entry]] = {}

    async def can_fetch(self, url: str, download: Download) -> bool:
        """Whether robots.txt lets our user agent fetch `url`."""
        entry = await self._entry_for(robots_url(url), download)
        return entry.rules is None or bool(entry.rules.can_fetch(url, self._user_agent))

    async def _entry_for(self, key: str, download: Download) -> _Entry:
        entry = self._entries.get(key)
        if entry is not None and entry.expires > self._clock.monotonic():
            return entry
        task = self._pending.get(key)
        if task is None:
            # One download per origin even when many fetches ask at once; they all await it.
            task = asyncio.ensure_future(self._load(key, download))
            self._pending[key] = task
            task.add_done_callback(lambda _: self._pending.pop(key, None))
        # shield: one caller giving up (timeout, cancel) must not cancel the shared download
        return await asyncio.shield(task)

    async def _load(self, key: str, download: Download) -> _Entry:
        now = self._clock.monotonic()
        try:
            text = await download(key)
        except HTTPStatusError as exc:
            if exc.status < 500 and not isinstance(exc, RateLimitedError):
                # 4xx (RFC 9309 §2.3.1.3): no robots.txt, so no restrictions. A 429 (or a
                # request held back by Retry-After) says nothing about the file: ask again soon.
                entry = _Entry(None, now + _KEEP_SECONDS)
            else:
                entry = self._unavailable(key, now, exc)
        except FetchError as exc:
            entry = self._unavailable(key, now, exc)
        else:
            entry = _Entry(Protego.parse(text), now + _KEEP_SECONDS)
        self._entries[key] = entry
        return entry

    def _unavailable(self, key: str, now: float, exc: FetchError) -> _Entry:
        # RFC 9309 would assume "disallow all" here. copydesk allows instead: it re-reads a
        # handful of public article pages that any reader can open, and a flaky robots.txt
        # server must not look like the publisher forbidding access (which would stop
        # tracking and record false errors). The short expiry re-asks soon.
        logger.info("robots.txt unavailable at %s (%s); allowing", key, exc)
        return _Entry(None, now + _KEEP_FAILED_SECONDS)
