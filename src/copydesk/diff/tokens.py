"""Comparison keys for words: what must stay equal for a change to count as trivial.

Two texts differ only trivially when their word keys are equal. A key drops case, surrounding
punctuation, quote style, dashes, invisible characters and encoding artefacts, but keeps digits,
decimal points, currency and percent signs, so "12" -> "15" or "1.5" -> "15" is never trivial.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Separators between words besides whitespace: dashes, slashes, ellipses. A hyphen inside a word
# joins ("e-mail" = "email"); next to a digit or doubled ("--") it separates like a dash.
_WORD = re.compile(r"[^\s\u2012-\u2015\u2212/\u2026]+")
_SPLIT_HYPHEN = re.compile(r"[-\u2010\u2011]{2,}|(?<=\d)[-\u2010\u2011]|[-\u2010\u2011](?=\d)")
_CURRENCY = "$£€¥₹₩₽¢"
_EDGE = re.compile(rf"^[^\w{_CURRENCY}%]+|[^\w{_CURRENCY}%]+$")
_INNER = re.compile(rf"[^\w{_CURRENCY}%]+")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f'’](?=\d{3}(?!\d))")
_DIGIT = re.compile(r"\d")
_APOSTROPHES = re.compile(r"['’‘`´]")
_OPEN_DOUBLE = "“„«\u201f"
_CLOSE_DOUBLE = "”»"
_INVISIBLE = frozenset({"Cf", "Co", "Cn"})

# UTF-8 read as cp1252/latin-1: a lead byte then continuation bytes, each shown as one character.
_CONT = "".join(bytes([c]).decode("cp1252", errors="ignore") or chr(c) for c in range(0x80, 0xC0))
_CONT_CLASS = "[" + re.escape(_CONT) + "]"
_MOJIBAKE = re.compile(
    rf"[\u00c2-\u00df]{_CONT_CLASS}|[\u00e0-\u00ef]{_CONT_CLASS}{{2}}|[\u00f0-\u00f4]{_CONT_CLASS}{{3}}"
)

_NUMBER_WORD = re.compile(
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|(hundred|thousand|million|billion|trillion|dozen)s?"
)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its comparison key and where it sits."""

    key: str
    para: int  # index of the paragraph the word belongs to
    quoted: bool  # inside quotation marks


def _unmojibake(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        raw = bytes(_byte_of(ch) for ch in chunk)
        return raw.decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return chunk


def _byte_of(ch: str) -> int:
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ch.encode("latin-1")[0]


def clean_text(text: str) -> str:
    """Undo encoding artefacts: HTML entities, UTF-8 mojibake, compatibility forms, invisibles."""
    if "&" in text:
        text = html.unescape(text)
    for _ in range(2):  # double-encoded text needs two passes
        repaired = _MOJIBAKE.sub(_unmojibake, text)
        if repaired == text:
            break
        text = repaired
    text = re.sub(r"Â(?=\s)", " ", text)  # a no-break space whose second byte became a space
    text = unicodedata.normalize("NFKC", text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(_visible(ch) for ch in text)


def _visible(ch: str) -> str:
    """Format characters (soft hyphen, zero-width) vanish; control characters become spaces."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    return "" if category in _INVISIBLE else ch


def word_key(raw: str) -> str:
    """The comparison key of one whitespace-delimited word; "" for pure punctuation."""
    core = _EDGE.sub("", raw)
    if not core:
        return ""
    if _DIGIT.search(core):
        core = _APOSTROPHES.sub("", _THOUSANDS.sub("", core))
    else:
        core = _INNER.sub("", core)
    return core.casefold()


def is_number(key: str) -> bool:
    """Whether a word key is a figure: digits or a number word."""
    return bool(_DIGIT.search(key)) or bool(_NUMBER_WORD.fullmatch(key))


def paragraph_words(text: str, para: int = 0) -> list[Word]:
    """Words of one paragraph with keys and quotation state.

    An unclosed double quote runs to the paragraph end (the press convention for quotes that
    continue); an unclosed single quote was an apostrophe after all and marks nothing.
    """
    return list(_paragraph_words(text, para))


# One classification reads each paragraph many times over; words depend on the text alone.
@functools.lru_cache(maxsize=4096)
def _paragraph_words(text: str, para: int) -> tuple[Word, ...]:
    found: list[tuple[str, bool, bool]] = []  # key, inside double quotes, inside single quotes
    double = single = False
    single_from = 0
    for match in _WORD.finditer(_SPLIT_HYPHEN.sub(" ", clean_text(text))):
        raw = match.group(0)
        lead_len = len(raw) - len(raw.lstrip("\"'“„«‘\u201f”»’([{*"))
        lead, rest = raw[:lead_len], raw[lead_len:]
        key = word_key(raw)
        if not key:
            double, single = _toggle_standalone(raw, double, single)
            single_from = len(found)
            continue
        double = double or any(c in _OPEN_DOUBLE or c == '"' for c in lead)
        if not single and any(c in "‘'" for c in lead):
            single, single_from = True, len(found)
        found.append((key, double, single))
        trail = rest[len(rest.rstrip("\"'”»’“.,;:!?)]}*")) :]
        if any(c in _CLOSE_DOUBLE or c in '"“' for c in trail):
            double = False
        if single and any(c in "’'" for c in trail):
            single = False
    if single:
        found[single_from:] = [(key, dq, False) for key, dq, _ in found[single_from:]]
    return tuple(Word(key, para, dq or sq) for key, dq, sq in found)


def _toggle_standalone(raw: str, double: bool, single: bool) -> tuple[bool, bool]:
    """A lone quotation mark between spaces: opening if none is open, else closing."""
    if any(c in _OPEN_DOUBLE or c in _CLOSE_DOUBLE or c == '"' for c in raw):
        double = not double
    elif any(c in "‘’'" for c in raw):
        single = not single
    return double, single


def text_words(paragraphs: Sequence[str]) -> list[Word]:
    """Words of all paragraphs in order, each tagged with its paragraph index."""
    words: list[Word] = []
    for index, text in enumerate(paragraphs):
        words.extend(paragraph_words(text, index))
    return words
