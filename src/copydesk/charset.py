"""The one charset decoder: pick a body's character encoding and decode it (pure).

Kernel module, because two stages decode: fetch (a response body, with its Content-Type) and
extract (saved pages and stored captures, without one). Both call decode_body, so a page
re-extracted from its stored bytes reads exactly as it did when it was fetched.

Order: byte-order mark, Content-Type charset, <meta>/XML declaration in the first 4 KB,
strict UTF-8, a charset_normalizer guess, then UTF-8 with replacement characters. A label
the bytes contradict (valid UTF-8 called Latin-1, legacy bytes called UTF-8) is overruled.
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

import charset_normalizer

_SNIFF_BYTES = 4096
_GUESS_BYTES = 64 * 1024  # charset_normalizer is slow on megabytes; a sample is enough
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with that one
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-zA-Z0-9_.:\-]+)""")
# Browsers read these labels as windows-1252 (WHATWG Encoding); pages that say latin-1
# or ascii but use curly quotes rely on that.
_AS_WINDOWS_1252 = frozenset(
    {"ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "iso_8859-1", "l1"}
)
# Non-letters a Western page written in windows-1252 uses: quotes, dashes, symbols, spaces.
_WESTERN_MARKS = frozenset("‘’‚“”„–—…•·€£¥¢©®™°±×÷§¶¹²³¼½¾«»¿¡ \xa0\xad†‡‰‹›")
# Python codecs that are not character encodings a web page could declare.
_NOT_WEB = frozenset(
    {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "utf-7", "mbcs"}
)


def _codec(label: str | bytes | None) -> str | None:
    """The Python codec name for a declared label, or None when it is unknown or unsafe."""
    if label is None:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    label = label.strip().strip("\"'").lower()
    if label in _AS_WINDOWS_1252:
        label = "windows-1252"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    name = info.name.replace("_", "-")
    # bytes-to-bytes codecs such as base64 or rot13 are not text encodings
    if name in _NOT_WEB or not getattr(info, "_is_text_encoding", True):
        return None
    return name


def charset_from_content_type(content_type: str | None) -> str | None:
    """The codec named by a Content-Type header's charset parameter, if it is a real one."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    param = message.get_param("charset")
    return _codec(param) if isinstance(param, str) else None


def _from_bom(body: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    return None


def _from_markup(body: bytes) -> str | None:
    head = body[:_SNIFF_BYTES]
    match = _XML_DECL.match(head) or _META.search(head)
    if match is None:
        return None
    name = _codec(match.group(1))
    # A page that reached us as ASCII-compatible bytes cannot really be UTF-16 (WHATWG).
    if name is not None and name.startswith("utf-16"):
        return "utf-8"
    return name


def _western(body: bytes) -> bool:
    """Whether undeclared bytes read as windows-1252 look like Western text.

    Browsers fall back to windows-1252 for unlabelled legacy pages in Western locales, and
    most such pages are English, French, German, Spanish…: mostly ASCII letters, a few
    accented ones and typographic punctuation. charset_normalizer tends to name a DOS code
    page for those (cp775, cp850), which turns “quotes” into box letters. Text in another
    script read as windows-1252 is nearly all accented letters, so the share tells them apart.
    """
    try:
        text = body[:_GUESS_BYTES].decode("cp1252")
    except UnicodeDecodeError:  # a byte windows-1252 leaves undefined
        return False
    letters = [ch for ch in text if ch.isalpha()]
    foreign = [ch for ch in letters if not ch.isascii()]
    if not letters or len(foreign) > 0.3 * len(letters):
        return False
    return all(ch.isascii() or ch.isalpha() or ch in _WESTERN_MARKS for ch in text)


def _guess(body: bytes) -> str | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if b"\x00" in body[:_GUESS_BYTES]:
        # Only UTF-16/32 put NUL bytes in text, and those pages carry a BOM or a label;
        # unlabelled bytes with NULs are binary, kept as such so extraction can refuse them.
        return None
    if _western(body):
        return "cp1252"
    matches = charset_normalizer.from_bytes(body[:_GUESS_BYTES])
    best = matches.best()
    if best is None:
        return None
    # Short texts fit several single-byte codecs equally well; like browsers, break the tie
    # in favour of windows-1252, the web's most common legacy encoding.
    tied = {m.encoding for m in matches if m.chaos <= best.chaos + 0.01}
    return "cp1252" if "cp1252" in tied else _codec(best.encoding)


def _checked(declared: str | None, body: bytes) -> str | None:
    """The declared codec, unless the bytes prove the label wrong.

    Non-ASCII bytes that are all valid UTF-8 are UTF-8 whatever the label says (legacy text
    almost never forms valid multi-byte sequences); a UTF-8 label on bytes with no valid
    multi-byte sequence at all is a legacy page mislabelled, left to the guess (None).
    """
    if declared is None or body.isascii():
        return declared
    text = body.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    if invalid == 0:
        return "utf-8"
    if declared == "utf-8" and not any(ord(ch) > 127 and ch != "\ufffd" for ch in text):
        return None
    return declared


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a response body; returns (text, codec name).

    A byte-order mark wins over the header, as in browsers: it cannot be there by accident.
    """
    bom = _from_bom(body)
    if bom is not None:
        name, skip = bom
        return body[skip:].decode(name, errors="replace"), name
    declared = charset_from_content_type(content_type) or _from_markup(body)
    name = _checked(declared, body) or _guess(body) or "utf-8"
    try:
        return body.decode(name, errors="replace"), name
    except (LookupError, UnicodeError):
        return body.decode("utf-8", errors="replace"), "utf-8"
