"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 bytes -> candidates, through feedparser (parsing only)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from copydesk.errors import DiscoverError
from copydesk.records import Candidate, Discovery, Source

from .filters import finalise

# Harmless bozo reasons: the feed was read in full, only its labelling was off.
_BENIGN_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def parse_feed(body: bytes, *, base_url: str, source: Source) -> Discovery:
    """Read a feed's entries as candidates; an entry repeated with one GUID and link counts once.

    Raises:
        DiscoverError: when the bytes are not a feed, or a broken feed yields no entries.
    """
    result = _feedparser_parse(body, base_url=base_url)
    entries: list[Mapping[str, Any]] = list(result.get("entries") or [])
    if not entries and _unreadable(result):
        reason = result.get("bozo_exception") or "no RSS or Atom root element"
        raise DiscoverError(f"not a readable feed: {reason}")
    return Discovery(candidates=finalise(_candidates(entries), base_url=base_url, source=source))


_SPLIT_ABOVE = 256 * 1024  # bytes: smaller feeds are parsed whole
_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
_ENTRY_NAMES = frozenset({"item", "entry"})


def feed_parts(body: bytes, *, entries: int) -> Iterator[bytes]:
    """The feed as documents of at most `entries` entries each, in the feed's order.

    feedparser reads about 5,000 entries a second, so a 100,000-entry feed is read a part at
    a time and the caller can stop once it has what one poll may take. A small feed, or one
    that is not well-formed XML (feedparser's lenient parser reads those), is one part.
    """
    if len(body) <= _SPLIT_ABOVE:
        yield body
        return
    try:
        root = etree.fromstring(body, parser=_XML)
    except (etree.XMLSyntaxError, ValueError):
        yield body
        return
    first = next((el for el in root.iter() if _local_name(el) in _ENTRY_NAMES), None)
    parent = first.getparent() if first is not None else None
    if first is None or parent is None:
        yield body
        return
    name = _local_name(first)
    items = [el for el in parent if _local_name(el) == name]
    if len(items) <= entries:
        yield body
        return
    for item in items:
        parent.remove(item)
    for start in range(0, len(items), entries):
        part = items[start : start + entries]
        parent.extend(part)
        yield etree.tostring(root, xml_declaration=True, encoding="utf-8")
        for item in part:
            parent.remove(item)


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _feedparser_parse(body: bytes, *, base_url: str) -> Mapping[str, Any]:
    # A stream, never bytes or str: given those, feedparser may open them as a URL or a file.
    headers = {"content-location": base_url, "content-type": "application/xml"}
    try:
        result: Mapping[str, Any] = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # hostile bytes can trip feedparser in many ways; none may escape
        raise DiscoverError(f"feed parser failed: {exc!r}") from exc
    return result


def _unreadable(result: Mapping[str, Any]) -> bool:
    if not result.get("version"):
        return True
    return bool(result.get("bozo")) and not isinstance(result.get("bozo_exception"), _BENIGN_BOZO)


def _candidates(entries: list[Mapping[str, Any]]) -> Iterator[Candidate]:
    # A repeated GUID with the same link is one entry; some CMSes give every entry the same
    # GUID, and dropping the other links then would lose their articles.
    seen: set[tuple[str | None, str]] = set()
    for entry in entries:
        guid = _clean(entry.get("id"))
        url = _entry_url(entry, guid)
        if url is None or (guid, url) in seen:
            continue
        seen.add((guid, url))
        yield Candidate(
            url=url,
            title=_plain_title(entry.get("title")),
            published_at=_utc(_raw(entry, "published_parsed") or _raw(entry, "created_parsed")),
            updated_at=_utc(_raw(entry, "updated_parsed")),
            guid=guid,
        )


def _raw(entry: Mapping[str, Any], key: str) -> object:
    # FeedParserDict answers `updated_parsed` with `published_parsed` when the feed had no
    # update date; a hint that an article changed must come from the feed, so skip the keymap.
    return dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)


def _entry_url(entry: Mapping[str, Any], guid: str | None) -> str | None:
    link = _clean(entry.get("link"))
    if link is not None:
        return link
    # feedparser already copies a permalink GUID into `link`; this covers the flag alone.
    if guid is not None and entry.get("guidislink") and guid.startswith(("http://", "https://")):
        return guid
    return None


def _plain_title(value: object) -> str | None:
    """Entry title as text: Atom type="html" titles arrive with their markup."""
    title = _clean(value)
    if title is None or "<" not in title:
        return title
    try:
        return _clean(lxml.html.fragment_fromstring(title, create_parent="div").text_content())
    except (etree.LxmlError, ValueError):
        return title


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _utc(value: object) -> datetime | None:
    """Convert a parsed date (feedparser gives UTC struct_times); bad ones become None."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
