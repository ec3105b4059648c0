"""The shape of one kind of story the newsroom can write."""

from __future__ import annotations

from dataclasses import dataclass


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
