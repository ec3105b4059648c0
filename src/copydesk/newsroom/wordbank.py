"""Word banks the simulated newsroom writes from: names, places, synonyms, correction notes.

The words are in data/wordbank.json. All text there was written for copydesk; nothing is copied
from real articles.
"""

from __future__ import annotations

from types import MappingProxyType

from copydesk.newsroom.datafiles import load_json

_BANK = load_json("wordbank.json")

FIRST_NAMES: tuple[str, ...] = tuple(_BANK["first_names"])
SURNAMES: tuple[str, ...] = tuple(_BANK["surnames"])
TOWNS: tuple[str, ...] = tuple(_BANK["towns"])
REGIONS: tuple[str, ...] = tuple(_BANK["regions"])
WEEKDAYS: tuple[str, ...] = tuple(_BANK["weekdays"])
MONTHS: tuple[str, ...] = tuple(_BANK["months"])
ANALYSTS: tuple[str, ...] = tuple(_BANK["analysts"])
PARTIES: tuple[str, ...] = tuple(_BANK["parties"])
# Words a stealth edit may swap for a near-synonym; every story uses several of them.
# One-way, so that two word changes never restore an earlier text.
SYNONYMS: MappingProxyType[str, str] = MappingProxyType(dict(_BANK["synonyms"]))
# Nouns that make "<number> <noun>" a figure a correction may change.
FIGURE_NOUNS: tuple[str, ...] = tuple(_BANK["figure_nouns"])
CLOSINGS: tuple[str, ...] = tuple(_BANK["closings"])
FALLBACK_ADDITIONS: tuple[str, ...] = tuple(_BANK["fallback_additions"])
CORRECTIONS: tuple[str, ...] = tuple(_BANK["corrections"])
FIGURE_CORRECTION: str = _BANK["figure_correction"]
