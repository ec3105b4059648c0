"""Canonical article text, so that two loads of one page hash alike and diffs show only edits."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that publishers (and CMS round-trips) sprinkle in text without meaning:
# soft hyphen, zero-width space/joiners, word joiner, invisible operators, BOM, Mongolian vowel sep.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n\s*\n|\n")


def normalize_text(text: str) -> str:
    r"""One line of canonical text: NFC, no invisible characters, single spaces, stripped.

    `str.split()` splits on exactly the characters a regex `\s` matches (Unicode whitespace, every
    space separator included), so splitting and joining collapses them in one C pass; ASCII
    text is NFC already and holds no invisible characters.
    """
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(_CONTROL.sub(" ", text).split())


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Split text on line breaks into normalised, non-empty paragraphs.

    Line separators U+2028/U+2029 count as breaks too; a paragraph is never empty.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    parts = (normalize_text(part) for part in _BLANK_LINES.split(text))
    return tuple(part for part in parts if part)
