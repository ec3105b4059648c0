"""Generic filter for promo and page-furniture lines that leak into article text.

Such lines change between page loads (rotating links, counters, timestamps), so keeping them
would record false versions. Every pattern here is site-independent.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE

# A short line that starts with one of these labels is a pointer to another page or a promo.
_PROMO_START = re.compile(
    r"^\W{0,3}(?:"
    r"related(?:\s+(?:articles?|stories|content|coverage|news|reading|links?|topics?))?\s*[:|»>\-–—]"
    r"|(?:read|see|watch|listen|view)\s+(?:more|also|next|now|full|the\s+full)\b"
    r"|more\s*(?:on\s+this|from|about|stories|news|coverage|like\s+this|:)"
    r"|also\s+(?:read|see|watch|on)\b"
    r"|recommended(?:\s+(?:for\s+you|stories|reading))?\s*[:|»>\-–—]?\s*$"
    r"|sign\s*(?:up|in)\b|subscribe\b|register\s+(?:now|for|to)\b|log\s*in\s+to\b"
    r"|follow\s+(?:us|@|\w+\s+on\s+(?:twitter|facebook|instagram|x\b))"
    r"|click\s+here\b|tap\s+here\b"
    r"|share\s+(?:this|on|via|the\s+story|article)\b"
    r"|(?:advertisement|sponsored(?:\s+content)?|promoted|paid\s+content|ad)\s*$"
    r"|(?:updated|posted|published|last\s+updated)?\s*\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|m|days?|weeks?)\s+ago\b"
    r"|\d+\s+(?:comments?|shares?|replies)\s*$"
    r"|(?:comments?|shares?)\s*[:(]?\s*\d+\s*\)?\s*$"
    r"|(?:most\s+(?:read|popular|viewed|shared)|trending(?:\s+now)?|top\s+stories)\s*$"
    r"|(?:supported|sponsored|presented|brought\s+to\s+you)\s+by\s*$"
    r"|related\s+(?:topics|tags|articles|stories|content|links)\s*$"
    r"|(?:you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested))"
    r"|(?:popular|trending)\s+(?:on|in|at)\s+\S+(?:\s+\S+)?\s*$"
    r"|thanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing|reading)"
    r"|(?:like|enjoy(?:ed)?)\s+this\s+(?:story|article)\?"
    r"|have\s+a\s+(?:news\s+)?tip\?"
    r"|get\s+the\s+latest\b.{0,60}\b(?:inbox|newsletter|app)"
    r"|there\s+was\s+an\s+error\s+processing"
    r"|(?:copyright|©)\s"
    r"|\(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\s+[A-Z]"
    r"|(?:we\s+use\s+cookies|this\s+(?:site|website)\s+uses\s+cookies)\b"
    r"|(?:get|download)\s+(?:our|the)\s+(?:free\s+)?(?:app|newsletter)\b"
    r"|(?:newsletter|email\s+newsletter)\s*$"
    r"|(?:an\s+)?error\s+(?:has\s+)?occurred\b"
    r"|this\s+(?:article|story|copy)\s+(?:has\s+been\s+sent\s+to|is\s+for\s+your\s+personal)\b"
    r"|write\s+to\s+[^@]{1,60}\S+@\S+\s*$"
    r"|tell\s+us\s+what\s+you\s+think\b"
    r"|(?:tags?|categor(?:y|ies|ia)|topics?|filed\s+under)\s*:\s*$"
    r")",
    _FLAGS,
)
# Lines made only of furniture words, in any order ("Share Tweet Email", "Facebook Twitter").
_FURNITURE_WORDS = frozenset(
    {
        "share", "shares", "tweet", "email", "e-mail", "print", "facebook", "twitter", "x",
        "linkedin", "whatsapp", "pinterest", "reddit", "messenger", "copy", "link", "comments",
        "comment", "save", "flipboard", "telegram", "sms", "more", "close",
    }
)  # fmt: skip
_WORD = re.compile(r"[\w'-]+")
# Promo lines are short; a long paragraph starting with "Sign up" is likely real prose.
_PROMO_MAX_WORDS = 30
# Lines that are article text even though they look like notes: never drop these.
_EDITORIAL_NOTE = re.compile(
    r"^\W{0,3}(?:(?:corrections?|clarifications?|updated?|editor'?s\s+note)\b\s*(?:\(.{0,40}\)\s*)?[:.—–-]"
    r"|this\s+(?:article|story|piece|report)\s+(?:was|has\s+been)\s+"
    r"(?:amended|updated|corrected|changed|edited))",
    _FLAGS,
)


_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
_DAYS = "mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# A line that is only a timestamp, optionally labelled: "Published 12 April 2015",
# "Updated: 14:05 BST, Tue 3 May 2022", "2019-11-18 10:00". It changes on every republish.
_TIMESTAMP_WORD = re.compile(
    rf"^(?:\d{{1,4}}(?:st|nd|rd|th|h|am|pm)?|{_MONTHS}|{_DAYS}|am|pm|gmt|bst|utc|cet|cest|"
    r"[ecmp][sd]t|et|pt|at|on|of|the|published|updated|posted|last|modified|first|date|time)$",
    _FLAGS,
)
_TIMESTAMP_SPLIT = re.compile(r"[\s,.:;/|\-–—()+]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", _FLAGS)
_MAX_TIMESTAMP_WORDS = 12
# Twelve date words and their separators fit in far fewer characters: longer lines are prose,
# and splitting every prose paragraph into words was most of this filter's cost.
_MAX_TIMESTAMP_CHARS = 200


def is_timestamp(line: str) -> bool:
    """Whether a line holds nothing but a date or time (with labels like "Published")."""
    if len(line) > _MAX_TIMESTAMP_CHARS:
        return False
    words = [w for w in _TIMESTAMP_SPLIT.split(line) if w]
    if not words or len(words) > _MAX_TIMESTAMP_WORDS:
        return False
    has_number = any(w[0].isdigit() for w in words)
    only_labels = all(_TIMESTAMP_WORD.match(w) for w in words)
    return only_labels and (has_number or len(words) == 1)


def is_boilerplate(line: str) -> bool:
    """Whether a normalised paragraph is a promo, share, counter or banner line, not prose."""
    if not line or _EDITORIAL_NOTE.match(line):
        return False
    words = _WORD.findall(line.lower())
    if not words:
        return True
    if all(word in _FURNITURE_WORDS or word.isdigit() for word in words) or is_timestamp(line):
        return True
    return len(words) <= _PROMO_MAX_WORDS and _PROMO_START.match(line) is not None


def drop_boilerplate(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """The paragraphs that are article text, in order."""
    return tuple(line for line in paragraphs if not is_boilerplate(line))
