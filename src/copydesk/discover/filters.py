"""Which discovered URLs count as articles: source include/exclude rules and a generic heuristic."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import parse_qsl, unquote, urlsplit

from copydesk.errors import DiscoverError
from copydesk.records import Candidate, Source
from copydesk.urls import InvalidURL, canonical_url, same_site

# Path segments of utility, account and asset pages: never a story, wherever they appear.
_UTILITY_SEGMENTS = frozenset(
    {
        "search", "login", "log-in", "signin", "sign-in", "signup", "sign-up", "logout",
        "register", "account", "my-account", "subscribe", "subscription", "subscriptions",
        "newsletter", "newsletters", "feed", "feeds", "rss", "atom", "images", "image", "img",
        "assets", "static", "wp-content", "wp-admin", "wp-json", "wp-login.php", "cdn-cgi",
        "about-us", "contact-us", "privacy-policy", "cookie-policy", "terms-and-conditions",
        "terms-of-service", "terms-of-use", "advertise", "careers", "jobs", "shop",
    }
)  # fmt: skip
# Path segments that start a listing (/tag/x, /author/jane-doe, /section/world): a story may
# still live below them (/contributors/jane-doe/the-story-slug), so only short paths are dropped.
_LISTING_SEGMENTS = frozenset(
    {
        "tag", "tags", "topic", "topics", "author", "authors", "by", "profile", "profiles",
        "contributor", "contributors", "staff", "category", "categories", "section", "sections",
    }
)  # fmt: skip
_SLUG_STOPWORDS = frozenset({"a", "an", "and", "the", "of", "in", "on", "for", "to", "or"})
_MEDIA_EXTENSIONS = frozenset(
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".ico", ".bmp", ".tif",
        ".tiff", ".mp3", ".mp4", ".m4a", ".m4v", ".mov", ".avi", ".webm", ".ogg", ".wav",
        ".pdf", ".zip", ".gz", ".css", ".js", ".json", ".xml", ".rss", ".txt", ".woff", ".woff2",
    }
)  # fmt: skip
_MONTHS = frozenset(
    {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
        "dec", "january", "february", "march", "april", "june", "july", "august", "september",
        "october", "november", "december",
    }
)  # fmt: skip
_YEAR = re.compile(r"^(19[89]\d|20\d\d)$")
_DATE_IN_SEGMENT = re.compile(
    r"(?<!\d)(19[89]\d|20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_LONG_ID = re.compile(r"(?<!\d)\d{5,}(?!\d)|[0-9a-f]{16,}")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}$")
_SLUG_WORD = re.compile(r"[^\W_]+")
_MIN_SLUG_WORDS = 3


def matches_source(url: str, source: Source) -> bool:
    """Whether a URL passes the source's rules: no exclude matches, and an include (if any) does.

    Raises:
        DiscoverError: when a pattern of the source is not a valid regular expression.
    """
    try:
        if any(re.search(pattern, url) for pattern in source.exclude):
            return False
        return not source.include or any(re.search(p, url) for p in source.include)
    except re.error as exc:
        raise DiscoverError(f"source {source.name!r} has an invalid URL pattern: {exc}") from exc


def looks_like_article_url(url: str, *, site_url: str) -> bool:
    """Guess whether a link on a front page leads to a story on the same site.

    Used only when the source gives no include pattern, so it favours precision: a story URL
    carries a date, a long numeric id or a slug of several words; listings, utility pages and
    media files do not.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not same_site(url, site_url):
        return False
    segments = [s.lower() for s in unquote(parts.path).split("/") if s]
    if not segments:  # the home page, unless it serves stories by id (WordPress ?p=123)
        return _has_query_id(parts.query)
    if _is_listing(segments) or _extension(segments[-1]) in _MEDIA_EXTENSIONS:
        return False
    if _is_pagination(segments) or _is_date_archive(segments):
        return False
    return (
        _has_date(segments)
        or _has_long_id(segments, parts.query)
        or any(_is_slug(s.removesuffix(_extension(s))) for s in segments)
    )


def _extension(segment: str) -> str:
    """A file extension such as '.html' ('' for none; a dot inside a slug is not one)."""
    match = _EXTENSION.search(segment)
    return match.group(0) if match else ""


def _is_listing(segments: list[str]) -> bool:
    for index, segment in enumerate(segments):
        if segment in _UTILITY_SEGMENTS:
            return True
        if segment in _LISTING_SEGMENTS and len(segments) - index <= 2:
            return True
    return False


def _is_slug(segment: str) -> bool:
    """Hyphenated words, such as pm-plays-down-expenses-row (not a two-word section name)."""
    words = [w for w in _SLUG_WORD.findall(segment) if w not in _SLUG_STOPWORDS]
    return len(words) >= _MIN_SLUG_WORDS


def _is_pagination(segments: list[str]) -> bool:
    return len(segments) >= 2 and segments[-2] == "page" and segments[-1].isdigit()


def _is_date_part(segment: str) -> bool:
    return (segment.isdigit() and len(segment) <= 2) or segment in _MONTHS


def _is_date_archive(segments: list[str]) -> bool:
    """A path made of a year and date parts only, such as /2024/05/01/, lists a day's stories."""
    for index, segment in enumerate(segments):
        if _YEAR.match(segment):
            return all(_is_date_part(s) for s in segments[index + 1 :])
    return False


def _has_date(segments: list[str]) -> bool:
    for index, segment in enumerate(segments[:-1]):
        if _YEAR.match(segment) and _is_date_part(segments[index + 1]):
            return True
    return any(_DATE_IN_SEGMENT.search(s) for s in segments)


def _has_long_id(segments: list[str], query: str) -> bool:
    return any(_LONG_ID.search(s) for s in segments) or _has_query_id(query)


def _has_query_id(query: str) -> bool:
    return any(value.isdigit() and len(value) >= 4 for _, value in parse_qsl(query))


def finalise(
    candidates: Iterable[Candidate], *, base_url: str, source: Source
) -> tuple[Candidate, ...]:
    """Canonicalise, filter and de-duplicate candidates; the first occurrence keeps its place.

    A later duplicate may still lend its title to a first occurrence that had none (a front
    page often links a story from its picture first and its headline second).
    """
    kept: dict[str, Candidate] = {}
    for candidate in candidates:
        try:
            url = canonical_url(candidate.url, base=base_url)
        except InvalidURL:
            continue
        if not matches_source(url, source):
            continue
        first = kept.get(url)
        if first is None:
            kept[url] = replace(candidate, url=url)
        elif first.title is None and candidate.title is not None:
            kept[url] = replace(first, title=candidate.title)
    return tuple(kept.values())


def canonical_links(urls: Iterable[str], *, base_url: str) -> tuple[str, ...]:
    """Absolute, canonical, de-duplicated URLs (invalid ones dropped), in first-seen order."""
    seen: dict[str, None] = {}
    for url in urls:
        try:
            seen.setdefault(canonical_url(url, base=base_url))
        except InvalidURL:
            continue
    return tuple(seen)
