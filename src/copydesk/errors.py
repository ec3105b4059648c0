"""One exception tree for copydesk; each stage raises only its own branch.

CopydeskError
├── ConfigError            bad settings, durations, source definitions
├── UsageError             a user asked for something that cannot be done (unknown source, …)
├── InvalidURL             not an absolute http(s) URL (also a ValueError; raised by urls)
├── DiscoverError          a feed, sitemap or front page could not be parsed
├── FetchError             anything that stops a fetch from producing a page
│   ├── BlockedURLError    refused before connecting (SSRF guard, bad scheme)
│   ├── RobotsDisallowedError
│   ├── HTTPStatusError    the server answered with an error status
│   │   └── RateLimitedError   429 or 503 asking to wait, or its host's wait has not run out
│   ├── TooManyRedirectsError
│   ├── BodyTooLargeError  the decompressed body passed the cap
│   ├── FetchTimeoutError
│   ├── ConnectError       DNS failure, refused or reset connection, protocol error
│   └── RenderError        the browser could not start, load or finish a page (render = true)
├── ExtractError           a page had no article text to extract
├── StoreError             the database refused or failed
├── NotifyError            a notification or diff card could not be made
└── ArchiveError           a WARC/ARC file could not be read or written
"""

from __future__ import annotations

from datetime import timedelta


class CopydeskError(Exception):
    """Base class of every error copydesk raises on purpose."""


class ConfigError(CopydeskError):
    """The configuration file, environment or a command-line option is invalid."""


class UsageError(CopydeskError):
    """The user asked for something that cannot be done, such as an unknown source."""


class InvalidURL(CopydeskError, ValueError):
    """Not an absolute http(s) URL; a ValueError too, as bad input to urls.canonical_url."""


class DiscoverError(CopydeskError):
    """A feed, sitemap or front page could not be parsed into candidates."""


class FetchError(CopydeskError):
    """A fetch did not produce a page."""

    reason = "fetch-error"


class BlockedURLError(FetchError):
    """The URL was refused before any connection: private address, bad scheme, bad host."""

    reason = "blocked"


class RobotsDisallowedError(FetchError):
    """robots.txt disallows this URL for our user agent."""

    reason = "robots-disallowed"


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    reason = "http-status"

    def __init__(self, message: str, *, status: int, retry_after: timedelta | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # the server's Retry-After, capped; None when absent


class RateLimitedError(HTTPStatusError):
    """429 or 503 with Retry-After, or a request not sent because its host asked us to wait."""

    reason = "rate-limited"

    def __init__(
        self, message: str, *, retry_after: timedelta | None = None, status: int = 429
    ) -> None:
        super().__init__(message, status=status, retry_after=retry_after)


class TooManyRedirectsError(FetchError):
    """More redirects than allowed, or a redirect loop."""

    reason = "too-many-redirects"


class BodyTooLargeError(FetchError):
    """The decompressed body grew past the size cap (a gzip bomb ends here)."""

    reason = "body-too-large"


class FetchTimeoutError(FetchError):
    """The server did not answer, or did not finish answering, in time."""

    reason = "timeout"


class ConnectError(FetchError):
    """DNS failure, refused or reset connection, or a broken HTTP exchange."""

    reason = "connect-error"


class RenderError(FetchError):
    """Headless Chromium could not start, crashed, or could not load the page."""

    reason = "render"


class ExtractError(CopydeskError):
    """The page held no article text that could be extracted."""


class StoreError(CopydeskError):
    """The database refused or failed an operation."""


class NotifyError(CopydeskError):
    """A notification or diff card could not be made (a missing font package, say)."""


class ArchiveError(CopydeskError):
    """A WARC or ARC file could not be read or written."""
