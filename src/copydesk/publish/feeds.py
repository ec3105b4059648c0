"""Atom 1.0 and RSS 2.0 feeds of changes: all, per source, per article, per search.

Built with ElementTree, so every title and URL is escaped by the serializer, and run through
wording.clean, so control characters from article text never make the XML invalid.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from copydesk.publish.diffview import summary
from copydesk.publish.params import EVENT_KINDS, day_start, kind_param, search_query, text_param
from copydesk.publish.site import int_param, public_base, site_of
from copydesk.publish.wording import clean, event_sentence, excerpt_text, iso
from copydesk.records import ChangeRow, EventRow, Excerpt

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    title: str
    page: str  # the HTML page this feed mirrors (absolute)
    self_url: str
    entries: tuple[Entry, ...]
    updated: datetime | None


def _base(request: Request) -> str:
    """The base of a feed's absolute links (RSS requires them, readers cache them).

    Never taken from an untrusted Host header: 400 then.
    """
    base = public_base(request)
    if base is None:
        raise HTTPException(
            400,
            "this Host is not trusted for feed links: set web.base_url "
            "(or list the host in web.trusted_hosts)",
        )
    return base


def _change_link(base: str, row: ChangeRow) -> str:
    if row.number <= 1:
        return f"{base}/articles/{row.article_id}/versions/{row.number}"
    return f"{base}/articles/{row.article_id}/diff/{row.number - 1}/{row.number}"


def _change_entry(base: str, row: ChangeRow, passage: Excerpt | None = None) -> Entry:
    label = "first version" if row.number <= 1 else summary(row.change_kind, row.change_flags)
    said = excerpt_text(passage) if row.number > 1 else ""
    return Entry(
        id=f"{base}/versions/{row.version_id}",
        title=f"{row.title} (version {row.number})",
        link=_change_link(base, row),
        updated=row.captured_at,
        summary=f"{row.source}: {label}. {said + ' ' if said else ''}{row.article_url}",
    )


def _atom(feed: Feed) -> bytes:
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, f"{{{ATOM}}}title", feed.title)
    _text(root, f"{{{ATOM}}}id", feed.self_url)
    # Atom requires a date: an empty feed carries the date of what it mirrors (see callers)
    _text(root, f"{{{ATOM}}}updated", iso(feed.updated) or "")
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=clean(feed.self_url))
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", href=clean(feed.page))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, f"{{{ATOM}}}name", "copydesk")
    for entry in feed.entries:
        item = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(item, f"{{{ATOM}}}title", entry.title)
        _text(item, f"{{{ATOM}}}id", entry.id)
        _text(item, f"{{{ATOM}}}updated", iso(entry.updated) or "")
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", href=clean(entry.link))
        _text(item, f"{{{ATOM}}}summary", entry.summary)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _rss(feed: Feed) -> bytes:
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    _text(channel, "title", feed.title)
    _text(channel, "link", feed.page)
    _text(channel, "description", feed.title)
    if feed.updated is not None and feed.entries:  # optional in RSS: an empty feed has none
        _text(channel, "lastBuildDate", format_datetime(feed.updated, usegmt=True))
    for entry in feed.entries:
        item = ET.SubElement(channel, "item")
        _text(item, "title", entry.title)
        _text(item, "link", entry.link)
        guid = _text(item, "guid", entry.id)
        guid.set("isPermaLink", "false")
        _text(item, "pubDate", format_datetime(entry.updated, usegmt=True))
        _text(item, "description", entry.summary)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = clean(value)
    return element


def _respond(request: Request, feed: Feed) -> Response:
    if request.url.path.endswith(".rss"):
        return Response(_rss(feed), media_type="application/rss+xml; charset=utf-8")
    return Response(_atom(feed), media_type="application/atom+xml; charset=utf-8")


def _event_entry(base: str, row: EventRow) -> Entry:
    event = row.event
    sentence = event_sentence(event)
    return Entry(
        id=f"{base}/articles/{event.article_id}/events/{event.id}",
        title=f"{row.title or event.url} ({event.kind.value})",
        link=f"{base}/articles/{event.article_id}",
        updated=event.at,
        summary=f"{row.source}: {sentence}",
    )


def _changes_feed(
    request: Request,
    title: str,
    page: str,
    rows: tuple[ChangeRow, ...],
    events: list[EventRow] | None = None,
    *,
    updated: datetime | None = None,
) -> Response:
    """The feed of `rows` and `events`; an empty feed is dated `updated` (Atom needs a date)."""
    base = _base(request)
    passages = site_of(request).store.excerpts([row.version_id for row in rows])
    entries = [_change_entry(base, row, passages.get(row.version_id)) for row in rows]
    entries += [_event_entry(base, row) for row in events or []]
    entries = sorted(entries, key=lambda e: e.updated, reverse=True)[:FEED_SIZE]
    feed = Feed(
        title=title,
        page=base + page,
        self_url=base + request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        entries=tuple(entries),
        updated=max((e.updated for e in entries), default=updated),
    )
    return _respond(request, feed)


def all_changes(request: Request) -> Response:
    """The front page as a feed, with the page's own `source` and `kind` filters."""
    site = site_of(request)
    source, kind = text_param(request, "source"), kind_param(request)
    rows: tuple[ChangeRow, ...] = ()
    events: list[EventRow] = []
    if kind in EVENT_KINDS:
        events = site.store.recent_events(source=source, kinds=EVENT_KINDS[kind], limit=FEED_SIZE)
    else:
        rows = site.store.changes(source=source, kind=kind, limit=FEED_SIZE).rows
        if kind is None:  # the unfiltered feed also carries removals, returns and moves
            events = site.store.recent_events(source=source, limit=FEED_SIZE)
    query = urlencode({k: v for k, v in (("source", source), ("kind", kind)) if v})
    title = "copydesk: recent changes"
    if source or kind:
        title += f" ({', '.join(v for v in (source, kind) if v)})"
    page = "/" + (f"?{query}" if query else "")
    return _changes_feed(request, title, page, rows, events, updated=site.clock.now())


def source_changes(request: Request) -> Response:
    site = site_of(request)
    name = str(request.path_params["name"])
    if site.store.get_source(name) is None:
        raise HTTPException(404, f"no source named {name[:100]}")
    rows = site.store.changes(source=name, limit=FEED_SIZE).rows
    events = site.store.recent_events(source=name, limit=FEED_SIZE)
    page = f"/sources/{name}"
    created = next((s.created_at for s in site.store.list_sources() if s.name == name), None)
    return _changes_feed(
        request, f"copydesk: changes in {name}", page, rows, events, updated=created
    )


def article_changes(request: Request) -> Response:
    site = site_of(request)
    article = site.readable(int_param(request, "id"))
    rows = site.store.changes(article_id=article.id, kind="all", limit=FEED_SIZE).rows
    title = f"copydesk: changes to {article.title or article.url}"
    events = site.store.recent_events(article_id=article.id, limit=FEED_SIZE)
    page = f"/articles/{article.id}"
    return _changes_feed(request, title, page, rows, events, updated=article.first_seen_at)


def search_feed(request: Request) -> Response:
    site = site_of(request)
    query = search_query(request)
    hits = site.store.search(
        query.q,
        source=query.source,
        since=day_start(query.since),
        until=day_start(query.until, after=True),
        limit=FEED_SIZE,
    )
    base = _base(request)
    entries = tuple(
        Entry(
            id=f"{base}/versions/{hit.version_id}",
            title=f"{hit.title} (version {hit.number})",
            link=f"{base}/articles/{hit.article_id}/versions/{hit.number}",
            updated=hit.captured_at,
            summary=f"{hit.source}: {hit.excerpt}",
        )
        for hit in hits
    )
    feed = Feed(
        title=f"copydesk: search for {query.q}",
        page=f"{base}/search?{request.url.query}",
        self_url=f"{base}{request.url.path}?{request.url.query}",
        entries=entries,
        updated=max((e.updated for e in entries), default=site.clock.now()),
    )
    return _respond(request, feed)
