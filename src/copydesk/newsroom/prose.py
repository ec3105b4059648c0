"""Write one article from a story kind: names, places and figures drawn from a seeded Random."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from copydesk.newsroom import wordbank
from copydesk.newsroom.stories import StoryKind

SPARE_SENTENCES = 3  # kept back so that "sentence-added" edits add story text, not filler
_SLUG_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """An article's text, plus what later edits draw on (spare sentences, other headlines)."""

    title: str
    byline: str
    body: tuple[str, ...]
    correction: str | None = None
    spare: tuple[str, ...] = ()
    headlines: tuple[str, ...] = ()  # alternative headlines not used yet
    names: tuple[str, ...] = ()  # people quoted, for correction notes
    weekday: str = "Monday"
    corrected_noun: str | None = None  # set by a figure correction, for the correction note

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return (*self.body, self.correction) if self.correction else self.body


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """A freshly written article and the fixed furniture around it."""

    section: str
    slug: str
    caption: str
    author_role: str
    draft: Draft


def _cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _number_slots(rng: random.Random) -> dict[str, str]:
    money = (
        f"£{rng.randint(12, 950)}m"
        if rng.random() < 0.7
        else f"£{rng.randint(1, 9)}.{rng.randint(1, 9)}bn"
    )
    return {
        "n_small": str(rng.randint(11, 40)),
        "n_mid": str(rng.randint(110, 950)),
        "n_large": f"{rng.randint(1100, 9800):,}",
        "n_huge": f"{rng.randint(12, 95) * 1000 + rng.randint(1, 9) * 100:,}",
        "pct": f"{rng.randint(2, 38)}%",
        "money": money,
        "years": str(rng.randint(8, 60)),
    }


def _people(rng: random.Random) -> list[tuple[str, str]]:
    """Five distinct (full name, surname) pairs: three speakers and up to two authors."""
    firsts = rng.sample(wordbank.FIRST_NAMES, 5)
    lasts = rng.sample(wordbank.SURNAMES, 5)
    return [(f"{f} {s}", s) for f, s in zip(firsts, lasts, strict=True)]


def _slots(rng: random.Random, kind: StoryKind, people: list[tuple[str, str]]) -> dict[str, str]:
    place, place2 = rng.sample(wordbank.TOWNS, 2)
    weekday, weekday2 = rng.sample(wordbank.WEEKDAYS, 2)
    slots = {
        "place": place,
        "place2": place2,
        "region": rng.choice(wordbank.REGIONS),
        "weekday": weekday,
        "weekday2": weekday2,
        "month": rng.choice(wordbank.MONTHS),
        "company": rng.choice(kind.companies),
        "party": rng.choice(wordbank.PARTIES),
        "analyst": rng.choice(wordbank.ANALYSTS),
        **_number_slots(rng),
    }
    slots["org"] = rng.choice(kind.orgs).format(**slots)
    for speaker, (name, last), roles in zip(
        ("official", "expert", "witness"),
        people,
        (kind.official_roles, kind.expert_roles, kind.witness_roles),
        strict=False,
    ):
        slots[speaker] = name
        slots[f"{speaker}_last"] = last
        slots[f"{speaker}_role"] = rng.choice(roles).format(**slots)
    slots["witness_role"] = f"{rng.randint(24, 81)}, {slots['witness_role']}"
    return slots


def _attribute(speaker: str, words: str, slots: dict[str, str], *, first: bool, flip: bool) -> str:
    """Wrap spoken words in quotation marks and say who spoke, fully on first mention."""
    name, last, role = slots[speaker], slots[f"{speaker}_last"], slots[f"{speaker}_role"]
    if not first:
        verb = "added" if flip else "said"
        return f'"{words}," {last} {verb}.'
    if flip and speaker != "witness":
        return f'{name}, {role}, said: "{words}."'
    return f'"{words}," said {name}, {role}.'


def _sentences(
    rng: random.Random, kind: StoryKind, slots: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Lead, details with quotes woven in every two or three sentences, closings; and spares."""
    details = [d.format(**slots) for d in rng.sample(kind.details, len(kind.details))]
    spare = [details.pop() for _ in range(SPARE_SENTENCES)]
    quotes = rng.sample(kind.quotes, len(kind.quotes))
    out = [rng.choice(kind.leads).format(**slots), details.pop()]
    mentioned: set[str] = set()
    while details or quotes:
        for _ in range(rng.randint(1, 2)):
            if details:
                out.append(details.pop())
        if quotes:
            speaker, words = quotes.pop()
            first = speaker not in mentioned
            mentioned.add(speaker)
            flip = rng.random() < 0.4
            out.append(_attribute(speaker, words.format(**slots), slots, first=first, flip=flip))
    out.extend(c.format(**slots) for c in rng.sample(wordbank.CLOSINGS, 2))
    return [_cap(s) for s in out], [_cap(s) for s in spare]


def _paragraphs(rng: random.Random, sentences: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Group sentences into 6-12 paragraphs of 2-4 sentences; return them and any leftovers."""
    total = len(sentences)
    low, high = max(6, -(-total // 4)), min(12, total // 2)
    count = rng.randint(low, high) if low <= high else high
    sizes = [2] * count
    extra = min(total - 2 * count, 2 * count)
    while extra > 0:
        index = rng.randrange(count)
        if sizes[index] < 4:
            sizes[index] += 1
            extra -= 1
    paragraphs, cursor = [], 0
    for size in sizes:
        paragraphs.append(" ".join(sentences[cursor : cursor + size]))
        cursor += size
    return tuple(paragraphs), sentences[cursor:]


def _slug(title: str, key: int, rng: random.Random) -> str:
    words = _SLUG_WORD.findall(title.lower())[:9]
    return "-".join(words) + f"-{key + 1:02d}{rng.randint(100000, 999999)}"


def write_story(rng: random.Random, kind: StoryKind, *, key: int) -> Story:
    """Write a whole article of this kind; `key` makes the slug unique within the newsroom."""
    people = _people(rng)
    slots = _slots(rng, kind, people)
    headlines = [_cap(h.format(**slots)) for h in rng.sample(kind.headlines, len(kind.headlines))]
    sentences, spare = _sentences(rng, kind, slots)
    body, leftover = _paragraphs(rng, sentences)
    authors = [name for name, _ in people[3 : 3 + rng.choice((1, 1, 1, 2))]]
    draft = Draft(
        title=headlines[0],
        byline=" and ".join(authors),
        body=body,
        spare=(*spare, *leftover),
        headlines=tuple(headlines[1:]),
        names=(slots["official"], slots["expert"], slots["witness"]),
        weekday=slots["weekday"],
    )
    photographer = f"{rng.choice(wordbank.FIRST_NAMES)} {rng.choice(wordbank.SURNAMES)}"
    return Story(
        section=kind.section,
        slug=_slug(draft.title, key, rng),
        caption=f"{_cap(kind.caption.format(**slots))}. Photograph: {photographer}/Ledger Pictures",
        author_role=f"{kind.section.capitalize()} correspondent",
        draft=draft,
    )
