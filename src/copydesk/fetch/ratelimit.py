"""Retry-After: read the header (seconds or HTTP date) and keep hosts that asked us to wait.

A 429 means the client as a whole sent too much (RFC 6585), so while its Retry-After runs no
request of any kind goes to that host; the fetcher fails fast instead of holding a slot.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from copydesk.clock import Clock
from copydesk.errors import RateLimitedError


def parse_retry_after(value: str | None, *, now: datetime, cap: timedelta) -> timedelta | None:
    """The wait a Retry-After value asks for, at most `cap`; None when absent or unreadable.

    RFC 9110 §10.2.3: delay-seconds (a non-negative integer) or an HTTP date. A date in the
    past asks for no wait.
    """
    text = (value or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        if too_long(text):  # int() of thousands of digits raises (and would wait for ever)
            return cap
        seconds = int(text.lstrip("0") or "0")  # leading zeros count toward int()'s digit limit
        wait = timedelta(seconds=min(seconds, int(cap.total_seconds()) + 1))
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:  # "-0000" and obsolete forms: HTTP dates are always GMT
            when = when.replace(tzinfo=UTC)
        wait = when - (now if now.tzinfo else now.replace(tzinfo=UTC))
    return min(max(wait, timedelta(0)), cap)


_MAX_DIGITS = 12  # 10**12 seconds is over 30,000 years: any longer number is "too long"


def too_long(value: str | None) -> bool:
    """Delay-seconds with more digits than any honest wait has (read as the cap)."""
    text = (value or "").strip()
    return text.isascii() and text.isdigit() and len(text.lstrip("0") or "0") > _MAX_DIGITS


def describe_wait(wait: timedelta) -> str:
    """`2s`, `1.5s`, `3600s`: the wait as stored in a check's reason."""
    return f"{wait.total_seconds():g}s"


class HostPauses:
    """Hosts inside a Retry-After wait, by monotonic deadline; expired entries are dropped."""

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def pause(self, host: str, wait: timedelta) -> None:
        """Send nothing to `host` for `wait` (a longer pause already set is kept)."""
        now = self._clock.monotonic()
        self._until = {h: t for h, t in self._until.items() if t > now}
        until = now + wait.total_seconds()
        if until > now:
            self._until[host] = max(until, self._until.get(host, 0.0))

    def left(self, host: str) -> timedelta | None:
        """How long `host` still asked us to wait, or None when it may be asked now."""
        until = self._until.get(host)
        if until is None:
            return None
        left = until - self._clock.monotonic()
        if left <= 0:
            del self._until[host]
            return None
        return timedelta(seconds=left)

    def check(self, host: str, url: str) -> None:
        """Refuse to send a request to a host inside its wait.

        Raises:
            RateLimitedError: with the wait that is left as retry_after.
        """
        left = self.left(host)
        if left is not None:
            raise RateLimitedError(
                f"not sent: {host} asked to wait (Retry-After), "
                f"{describe_wait(_rounded(left))} left, for {url}",
                retry_after=left,
            )


def _rounded(wait: timedelta) -> timedelta:
    return timedelta(seconds=round(wait.total_seconds(), 1))
