"""Canonical article text, so that two loads of one page hash alike and diffs show only edits."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that publishers (and CMS round-trips) sprinkle in text without meaning:
# soft hyphen, zero-width space/joiners, word joiner, invisible operators, BOM, Mongolian vowel sep.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff]")
# Every Unicode space separator (NBSP, thin, figure, ideographic …) and control whitespace.
_SPACES = re.compile(r"[^\S\n]+|[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ANY_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n\s*\n|\n")


def normalize_text(text: str) -> str:
    """One line of canonical text: NFC, no invisible characters, single spaces, stripped."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _ANY_SPACE.sub(" ", _SPACES.sub(" ", text)).strip()


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Split text on line breaks into normalised, non-empty paragraphs.

    Line separators U+2028/U+2029 count as breaks too; a paragraph is never empty.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    parts = (normalize_text(part) for part in _BLANK_LINES.split(text))
    return tuple(part for part in parts if part)
