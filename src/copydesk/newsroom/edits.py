"""The edits a newsroom makes after publishing, each a pure function of a draft and a Random.

An edit returns None when it does not apply (no alternative headline left, too few paragraphs
to remove one); `apply_edit` then falls back to another kind and reports what it really did.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace

from copydesk.newsroom import wordbank
from copydesk.newsroom.prose import Draft

EDIT_KINDS = (
    "headline",
    "sentence-added",
    "word-changed",
    "figure-corrected",
    "paragraph-removed",
    "correction-note",
)
REPEATABLE = ("headline", "sentence-added", "word-changed", "figure-corrected")
MIN_BODY = 5  # a paragraph removal never leaves fewer paragraphs than this
_FALLBACKS = ("sentence-added", "word-changed")
_WORD = re.compile(r"\b(" + "|".join(sorted(wordbank.SYNONYMS, key=len, reverse=True)) + r")\b")
_FIGURE = re.compile(r"\b(\d{1,3}(?:,\d{3})*) (" + "|".join(wordbank.FIGURE_NOUNS) + r")\b")
_STRAIGHT_QUOTED = re.compile(r'"([^"]*)"')

Edit = Callable[[Draft, random.Random], Draft | None]


def _with_paragraph(draft: Draft, index: int, text: str) -> Draft:
    body = (*draft.body[:index], text, *draft.body[index + 1 :])
    return replace(draft, body=body)


def _headline(draft: Draft, rng: random.Random) -> Draft | None:
    if not draft.headlines:
        return None
    return replace(draft, title=draft.headlines[0], headlines=draft.headlines[1:])


def _sentence_added(draft: Draft, rng: random.Random) -> Draft | None:
    text = "\n".join(draft.body)
    unused = [s for s in (*draft.spare, *wordbank.FALLBACK_ADDITIONS) if s not in text]
    if not unused:
        return None
    sentence = unused[0]
    index = rng.randrange(1, len(draft.body)) if len(draft.body) > 1 else 0
    edited = _with_paragraph(draft, index, f"{draft.body[index]} {sentence}")
    return replace(edited, spare=tuple(s for s in draft.spare if s != sentence))


def _word_changed(draft: Draft, rng: random.Random) -> Draft | None:
    hits = [(i, m) for i, p in enumerate(draft.body) for m in _WORD.finditer(p)]
    if not hits:
        return None
    index, match = rng.choice(hits)
    old = draft.body[index]
    new = old[: match.start()] + wordbank.SYNONYMS[match.group(1)] + old[match.end() :]
    return _with_paragraph(draft, index, new)


def _nudged(value: int, rng: random.Random) -> int:
    """A plausible corrected figure: the same size, never equal, never below two."""
    delta = max(1, round(value * rng.uniform(0.05, 0.3)))
    candidate = value + delta if rng.random() < 0.5 or value - delta < 2 else value - delta
    return candidate if candidate != value else value + 1


def _figure_corrected(draft: Draft, rng: random.Random) -> Draft | None:
    found = sorted({(m.group(1), m.group(2)) for p in draft.body for m in _FIGURE.finditer(p)})
    if not found:
        return None
    number, noun = rng.choice(found)
    fixed = f"{_nudged(int(number.replace(',', '')), rng):,}"
    pattern = re.compile(rf"\b{re.escape(number)} {noun}\b")
    body = tuple(pattern.sub(f"{fixed} {noun}", p) for p in draft.body)
    return replace(draft, body=body, corrected_noun=noun)


def _paragraph_removed(draft: Draft, rng: random.Random) -> Draft | None:
    if len(draft.body) <= MIN_BODY:
        return None
    index = rng.randrange(1, len(draft.body))  # never the lead
    return replace(draft, body=(*draft.body[:index], *draft.body[index + 1 :]))


def _correction_note(draft: Draft, rng: random.Random) -> Draft | None:
    if draft.correction is not None:
        return None
    if draft.corrected_noun is not None:
        note = wordbank.FIGURE_CORRECTION.format(noun=draft.corrected_noun)
    else:
        wrong = rng.choice([d for d in wordbank.WEEKDAYS if d != draft.weekday])
        template = rng.choice(wordbank.CORRECTIONS)
        note = template.format(name=rng.choice(draft.names), wrong_day=wrong, weekday=draft.weekday)
    return replace(draft, correction=note)


_EDITS: dict[str, Edit] = {
    "headline": _headline,
    "sentence-added": _sentence_added,
    "word-changed": _word_changed,
    "figure-corrected": _figure_corrected,
    "paragraph-removed": _paragraph_removed,
    "correction-note": _correction_note,
}


def apply_edit(kind: str, draft: Draft, rng: random.Random) -> tuple[str, Draft]:
    """Make edit `kind`, or the first fallback that applies; return the edit actually made."""
    for name in (kind, *_FALLBACKS):
        edited = _EDITS[name](draft, rng)
        if edited is not None and (edited.title, edited.paragraphs) != (
            draft.title,
            draft.paragraphs,
        ):
            return name, edited
    # Every body has a word from the synonym list ("said" at least), so this is a safety net.
    count = sum(1 for p in draft.body if "This article has been updated" in p)
    note = f"This article has been updated with additional reporting ({count + 1})."
    return "sentence-added", _with_paragraph(draft, 0, f"{draft.body[0]} {note}")


def _double_space(draft: Draft, rng: random.Random) -> Draft | None:
    spots = [(i, m.start()) for i, p in enumerate(draft.body) for m in re.finditer(r"\. (?=\S)", p)]
    if not spots:
        return None
    index, at = rng.choice(spots)
    old = draft.body[index]
    return _with_paragraph(draft, index, f"{old[: at + 1]}  {old[at + 2 :]}")


def _curly_quotes(draft: Draft, rng: random.Random) -> Draft | None:
    spots = [i for i, p in enumerate(draft.body) if _STRAIGHT_QUOTED.search(p)]
    if not spots:
        return None
    index = rng.choice(spots)
    return _with_paragraph(draft, index, _STRAIGHT_QUOTED.sub("\u201c\\1\u201d", draft.body[index]))


def _curly_apostrophes(draft: Draft, rng: random.Random) -> Draft | None:
    spots = [i for i, p in enumerate(draft.body) if "'" in p]
    if not spots:
        return None
    index = rng.choice(spots)
    return _with_paragraph(draft, index, draft.body[index].replace("'", "\u2019"))


def apply_trivial(draft: Draft, rng: random.Random) -> Draft | None:
    """A touch-up that changes only whitespace or quote style, or None when none applies."""
    touch_ups: list[Edit] = [_double_space, _curly_quotes, _curly_apostrophes]
    rng.shuffle(touch_ups)
    for touch_up in touch_ups:
        edited = touch_up(draft, rng)
        if edited is not None:
            return edited
    return None
