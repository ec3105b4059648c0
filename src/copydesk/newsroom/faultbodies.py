"""The bytes of the newsroom's faults: bombs, a 50 MB page, and rewrites of a normal answer.

Rewrites keep the content true (a page in the wrong charset still says what the article
says) or make it plainly unusable (binary bytes, broken XML), so a client that handles them
right never records a version the newsroom did not publish.
"""

from __future__ import annotations

import gzip
import random
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html import escape

import brotli

BOMB_BYTES = 128 * 1024 * 1024  # what a bomb inflates to
HUGE_BYTES = 50 * 1024 * 1024
HUGE_FEED_ENTRIES = 10_000
LONG_URL_CHARS = 10_000
_CHUNK = 64 * 1024
_GZIP_MEMBER = 1024 * 1024  # gzip bombs are many members of 1 MB of spaces each

Headers = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Answer:
    """A normal 200 answer: headers (without type, length, encoding), type, body."""

    headers: Headers
    content_type: str
    body: bytes

    def typed(self) -> Headers:
        return [("content-type", self.content_type)]

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def build_bomb(encoding: str) -> bytes:
    """A small body that inflates to BOMB_BYTES of spaces (takes about half a second)."""
    if encoding == "gzip":
        member = gzip.compress(b" " * _GZIP_MEMBER, compresslevel=9, mtime=0)
        return member * (BOMB_BYTES // _GZIP_MEMBER)
    return bytes(brotli.compress(b" " * BOMB_BYTES, quality=3))


def huge_chunks(size: int) -> Iterator[bytes]:
    """`size` bytes of plausible HTML, one 64 KB chunk at a time (never all in memory)."""
    head = b"<!DOCTYPE html><html><head><title>Archive</title></head><body>"
    filler = (b"<p>" + b"All the news that fits, and then some more. " * 20 + b"</p>\n") * 64
    yield head
    sent = len(head)
    while sent < size:
        piece = filler[: min(_CHUNK, size - sent)]
        sent += len(piece)
        yield piece


def _charset(page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    """UTF-8 bytes labelled Latin-1, or Windows-1252 bytes labelled UTF-8 (header and markup)."""
    mime = page.content_type.split(";")[0].strip()
    if rng.random() < 0.5:
        return [*page.headers, ("content-type", f"{mime}; charset=iso-8859-1")], page.body
    # Characters Windows-1252 lacks become character references, which mean the same text.
    replace = "xmlcharrefreplace" if not feed else "replace"
    body = page.text().encode("cp1252", errors=replace)
    return [*page.headers, ("content-type", f"{mime}; charset=utf-8")], body


def _no_charset(page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    mime = page.content_type.split(";")[0].strip()
    body = re.sub(rb"<meta charset=[\"']?[\w-]+[\"']?\s*/?>", b"", page.body, count=1)
    body = re.sub(rb"^<\?xml[^>]*\?>", b'<?xml version="1.0"?>', body, count=1)
    return [*page.headers, ("content-type", mime)], body


def _binary(page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    noise = bytes(rng.getrandbits(8) for _ in range(rng.randint(2_000, 20_000)))
    return [*page.headers, *page.typed()], noise


def _invalid_xml(page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    cut = rng.randint(len(page.body) // 3, max(len(page.body) // 3, len(page.body) - 1))
    broken = page.body[:cut] + b"<item><title>Unclosed &amp <b></title></wrong>\x00<<>>"
    return [*page.headers, *page.typed()], broken


# Entry blocks and their parts in RSS, Atom and the news sitemap.
_BLOCK = re.compile(rb"<(item|entry|url)>.*?</\1>", re.DOTALL)
_ID = re.compile(rb"<(guid|id)([^>]*)>[^<]*</\1>")
_LINK = re.compile(rb"<link>([^<]*)</link>|href=\"([^\"]*)\"|<loc>([^<]*)</loc>")


def _with_entries(page: Answer, entries: list[bytes]) -> bytes:
    """The feed with its entries replaced by `entries` (unchanged when it had none)."""
    blocks = list(_BLOCK.finditer(page.body))
    if not blocks:
        return page.body
    start, end = blocks[0].start(), blocks[-1].end()
    return page.body[:start] + b"\n".join(entries) + page.body[end:]


def _relink(block: bytes, suffix: bytes, *, guid: bytes | None = None) -> bytes:
    found = _LINK.search(block)
    if found is not None:
        url = next(g for g in found.groups() if g is not None)
        joined = url + (b"&amp;" if b"?" in url else b"?") + suffix
        block = block[: found.start()] + found.group(0).replace(url, joined) + block[found.end() :]
    if guid is not None:
        block = _ID.sub(lambda m: b"<%s%s>%s</%s>" % (m[1], m[2], guid, m[1]), block, count=1)
    return block


def _huge_feed(page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    """10,000 entries: the real ones, then copies under tracking-parameter variants."""
    blocks = [m.group(0) for m in _BLOCK.finditer(page.body)]
    extra = [
        _relink(blocks[i % len(blocks)], b"utm_content=%d" % i, guid=b"archive:%d" % i)
        for i in range(max(0, HUGE_FEED_ENTRIES - len(blocks)) if blocks else 0)
    ]
    return [*page.headers, *page.typed()], _with_entries(page, blocks + extra)


def _duplicate_guids(page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    """Every entry under one GUID (sitemaps: every URL twice): each article is still new."""
    blocks = [m.group(0) for m in _BLOCK.finditer(page.body)]
    if blocks and blocks[0].startswith(b"<url>"):
        return [*page.headers, *page.typed()], _with_entries(page, blocks + blocks)
    same = [_ID.sub(lambda m: b"<%s%s>dup</%s>" % (m[1], m[2], m[1]), b, count=1) for b in blocks]
    return [*page.headers, *page.typed()], _with_entries(page, same)


def _long_url(page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    """One more entry whose URL is 10,000 characters long (an article that does not exist)."""
    blocks = [m.group(0) for m in _BLOCK.finditer(page.body)]
    if not blocks:
        return [*page.headers, *page.typed()], page.body
    found = _LINK.search(blocks[0])
    url = next((g for g in found.groups() if g is not None), b"") if found else b""
    path = url.split(b"?")[0]
    pad = b"-long" * ((LONG_URL_CHARS - len(path)) // 5)
    long = blocks[0].replace(url, escape((path + pad).decode()).encode(), 1)
    long = _ID.sub(lambda m: b"<%s%s>long-url</%s>" % (m[1], m[2], m[1]), long, count=1)
    return [*page.headers, *page.typed()], _with_entries(page, [*blocks, long])


Rewrite = Callable[..., tuple[Headers, bytes]]
REWRITES: Mapping[str, Rewrite] = {
    "wrong-charset": _charset,
    "missing-charset": _no_charset,
    "binary": _binary,
    "invalid-xml": _invalid_xml,
    "huge-feed": _huge_feed,
    "duplicate-guids": _duplicate_guids,
    "long-url": _long_url,
}


def rewrite(kind: str, page: Answer, rng: random.Random, *, feed: bool) -> tuple[Headers, bytes]:
    """Headers (with Content-Type) and body of a rewrite fault."""
    return REWRITES[kind](page, rng, feed=feed)
