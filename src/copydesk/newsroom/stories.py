"""The story kinds the newsroom writes from, grouped by desk; the prose is in data/stories.json.

Each kind holds headlines, sentences and speakers with str.format slots. All text was written
for copydesk; nothing is copied from real articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copydesk.newsroom.datafiles import load_json


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryKind:
    """Headlines, sentences and speakers for one kind of story, with str.format slots.

    Quotes are stored without quotation marks or final punctuation so that attributions can
    wrap them; a speaker is "official", "expert" or "witness".
    """

    section: str
    orgs: tuple[str, ...]
    headlines: tuple[str, ...]
    leads: tuple[str, ...]
    details: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...]
    official_roles: tuple[str, ...]
    expert_roles: tuple[str, ...]
    witness_roles: tuple[str, ...] = ("who lives in {place}",)
    companies: tuple[str, ...] = ("Northgate Holdings",)
    caption: str


def _kind(entry: dict[str, Any]) -> StoryKind:
    """One kind from its JSON object (its "name" only labels it in the file)."""
    texts = {key: tuple(value) for key, value in entry.items() if isinstance(value, list)}
    texts["quotes"] = tuple((speaker, quote) for speaker, quote in entry["quotes"])
    return StoryKind(section=entry["section"], caption=entry["caption"], **texts)


_DESKS = load_json("stories.json")
HOME_KINDS: tuple[StoryKind, ...] = tuple(_kind(entry) for entry in _DESKS["home"])
"""Home desk: local news, politics, health and the environment."""
FEATURE_KINDS: tuple[StoryKind, ...] = tuple(_kind(entry) for entry in _DESKS["features"])
"""Feature desk: business, technology, science and culture."""
