"""The newsroom's script: which article goes live when, and every true version after it.

Times are REAL seconds from the newsroom's start. The whole script follows from the seed, so
two newsrooms with one config publish the same articles and make the same edits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from copydesk.errors import ConfigError
from copydesk.newsroom.edits import EDIT_KINDS, REPEATABLE, apply_edit, apply_trivial
from copydesk.newsroom.faults import FAULT_KINDS
from copydesk.newsroom.prose import Draft, Story, write_story
from copydesk.newsroom.stories import FEATURE_KINDS, HOME_KINDS, StoryKind

PROFILES = ("plain", "noisy")
# Page template family per section; only "classic" answers If-Modified-Since with 304.
SECTION_TEMPLATES = MappingProxyType(
    {
        "local": "classic",
        "politics": "classic",
        "business": "magazine",
        "technology": "magazine",
        "science": "magazine",
        "health": "wire",
        "culture": "wire",
        "environment": "classic",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewsroomConfig:
    """How many articles, how many edits, and how fast the newsroom works."""

    seed: int = 1
    articles: int = 24
    min_edits: int = 3  # edits per article; each edit is one new true version
    max_edits: int = 5
    publish_window: float = 20.0  # real seconds over which articles first appear
    edit_gap: float = 4.0  # minimum real seconds between consecutive versions of one article
    speed: float = 1440.0  # virtual seconds per real second, for displayed dates only
    trivial_edits: bool = True  # also make whitespace/quote touch-ups, marked trivial
    live_after: float = 0.0  # real seconds before the first article appears
    faults: float = 0.0  # share of article-page and feed requests answered with a fault
    fault_kinds: tuple[str, ...] = FAULT_KINDS  # which faults (see copydesk.newsroom.faults)
    faults_until: float | None = None  # real seconds after start when faults stop (None: never)
    # "noisy": per-request noise inside the article text too (rotating inline links, comment
    # counts); "plain": only the page around the article changes between requests.
    profile: str = "noisy"
    latency: tuple[float, float] = (0.0, 0.0)  # each answer waits this long (seconds, range)

    def __post_init__(self) -> None:
        problems = [
            ("articles must be at least 1", self.articles < 1),
            (
                "min_edits must be between 0 and max_edits",
                not 0 <= self.min_edits <= self.max_edits,
            ),
            ("publish_window must not be negative", self.publish_window < 0),
            ("edit_gap must be positive", self.edit_gap <= 0),
            ("speed must be positive", self.speed <= 0),
            ("live_after must not be negative", self.live_after < 0),
            ("faults must be between 0 and 1", not 0.0 <= self.faults <= 1.0),
            ("profile must be plain or noisy", self.profile not in PROFILES),
            (
                "latency must be a range of seconds, low to high, from 0",
                not 0.0 <= self.latency[0] <= self.latency[1],
            ),
            (
                f"fault_kinds must be among {', '.join(FAULT_KINDS)}",
                not set(self.fault_kinds) <= set(FAULT_KINDS),
            ),
        ]
        failed = [message for message, bad in problems if bad]
        if failed:
            raise ConfigError("invalid newsroom config: " + "; ".join(failed))


@dataclass(frozen=True, slots=True, kw_only=True)
class TruthVersion:
    """One state of one article as the newsroom really published it."""

    article_url: str
    version: int  # 1-based, counting non-trivial versions; a trivial one repeats its number
    live_at: datetime
    title: str
    byline: str
    paragraphs: tuple[str, ...]
    edit: str  # published, headline, sentence-added, word-changed, ... or trivial
    trivial: bool

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO 8601 time, paragraphs as a list)."""
        return {
            "article_url": self.article_url,
            "version": self.version,
            "live_at": self.live_at.isoformat(),
            "title": self.title,
            "byline": self.byline,
            "paragraphs": list(self.paragraphs),
            "edit": self.edit,
            "trivial": self.trivial,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptedVersion:
    """A state of an article and the real second (from start) it goes live."""

    at: float
    number: int
    edit: str
    trivial: bool
    title: str
    byline: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptedArticle:
    """One article of the script with its fixed furniture and its versions in time order."""

    key: int
    section: str
    template: str
    slug: str
    caption: str
    author_role: str
    tracked_link: bool  # feeds link to it with utm_* parameters
    versions: tuple[ScriptedVersion, ...]

    @property
    def published_at(self) -> float:
        return self.versions[0].at

    def live(self, offset: float) -> ScriptedVersion | None:
        """The version live `offset` seconds after start, or None before publication."""
        current = None
        for version in self.versions:
            if version.at > offset:
                break
            current = version
        return current

    def previous(self, version: ScriptedVersion) -> ScriptedVersion | None:
        """The version before `version`, or None for the first."""
        index = self.versions.index(version)
        return self.versions[index - 1] if index else None


def _plan(config: NewsroomConfig, rng: random.Random) -> list[str]:
    """Edit kinds in a seeded order, with trivial touch-ups slipped in between."""
    count = rng.randint(config.min_edits, config.max_edits)
    plan = rng.sample(EDIT_KINDS, min(count, len(EDIT_KINDS)))
    plan += [rng.choice(REPEATABLE) for _ in range(count - len(plan))]
    touch_ups = rng.choice((0, 1, 1, 2)) if config.trivial_edits else 0
    for _ in range(touch_ups):
        plan.insert(rng.randint(0, len(plan)), "trivial")
    return plan


def _version(draft: Draft, *, at: float, number: int, edit: str) -> ScriptedVersion:
    return ScriptedVersion(
        at=at,
        number=number,
        edit=edit,
        trivial=edit == "trivial",
        title=draft.title,
        byline=draft.byline,
        paragraphs=draft.paragraphs,
    )


def _versions(
    story: Story, config: NewsroomConfig, rng: random.Random, *, start: float
) -> tuple[ScriptedVersion, ...]:
    draft, at, number = story.draft, start, 1
    versions = [_version(draft, at=at, number=number, edit="published")]
    for planned in _plan(config, rng):
        if planned == "trivial":
            touched = apply_trivial(draft, rng)
            if touched is None:
                continue
            edit, draft = "trivial", touched
        else:
            edit, draft = apply_edit(planned, draft, rng)
            number += 1
        at += config.edit_gap * (1.0 + rng.random())
        versions.append(_version(draft, at=at, number=number, edit=edit))
    return tuple(versions)


def _publish_offsets(config: NewsroomConfig, rng: random.Random) -> list[float]:
    offsets = sorted(rng.uniform(0.0, config.publish_window) for _ in range(config.articles))
    offsets[0] = 0.0  # something is live as soon as the newsroom opens
    return [config.live_after + offset for offset in offsets]


def _kind_cycle(rng: random.Random) -> list[StoryKind]:
    """Every story kind once, rotating through the template families so each appears early."""
    families: dict[str, list[StoryKind]] = {}
    for kind in rng.sample([*HOME_KINDS, *FEATURE_KINDS], len(HOME_KINDS) + len(FEATURE_KINDS)):
        families.setdefault(SECTION_TEMPLATES[kind.section], []).append(kind)
    queues = rng.sample(list(families.values()), len(families))
    cycle = []
    while any(queues):
        cycle += [queue.pop() for queue in queues if queue]
    return cycle


def build_script(config: NewsroomConfig) -> tuple[ScriptedArticle, ...]:
    """Write every article and schedule every edit, deterministically from `config.seed`."""
    rng = random.Random(config.seed)
    order: list[StoryKind] = []
    while len(order) < config.articles:
        order += _kind_cycle(rng)
    articles = []
    for key, start in enumerate(_publish_offsets(config, rng)):
        # One Random per article, so adding articles never rewrites the earlier ones' text.
        story_rng = random.Random(f"{config.seed}:{key}")
        story = write_story(story_rng, order[key], key=key)
        articles.append(
            ScriptedArticle(
                key=key,
                section=story.section,
                template=SECTION_TEMPLATES[story.section],
                slug=story.slug,
                caption=story.caption,
                author_role=story.author_role,
                tracked_link=key % 3 == 1,
                versions=_versions(story, config, story_rng, start=start),
            )
        )
    return tuple(articles)
