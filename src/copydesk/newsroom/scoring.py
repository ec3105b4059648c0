"""Score a tracker's export against the newsroom's ground truth: all true versions, no others."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from copydesk.newsroom.script import TruthVersion


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureScore:
    true_versions: int
    captured: int  # true versions found, with the right title and text
    extra: int  # exported versions that match no true version
    missed: tuple[tuple[str, int], ...] = field(default_factory=tuple)  # (article URL, version)
    extras: tuple[tuple[str, int], ...] = field(default_factory=tuple)  # (URL, our version)

    @property
    def recall(self) -> float:
        return self.captured / self.true_versions if self.true_versions else 1.0


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(title: str, paragraphs: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    return _norm(title), tuple(_norm(p) for p in paragraphs if _norm(p))


def score_capture(
    truth: Sequence[TruthVersion], exported: Iterable[Mapping[str, Any]]
) -> CaptureScore:
    """Match visible exported versions to the true versions of the same article.

    A trivial touch-up is a state of the version it touches up: seeing only the touched-up
    state still captures that version, and seeing both states as visible versions is one extra.
    """
    states: dict[str, dict[tuple[str, tuple[str, ...]], int]] = {}
    for version in truth:
        states.setdefault(version.article_url, {})[_key(version.title, version.paragraphs)] = (
            version.version
        )
    captured: set[tuple[str, int]] = set()
    extra: list[tuple[str, int]] = []
    for row in exported:
        if row.get("trivial") or row.get("record", "version") != "version":
            continue
        url = str(row["article_url"])
        number = states.get(url, {}).get(_key(str(row["title"]), row["paragraphs"]))
        if number is None or (url, number) in captured:
            extra.append((url, int(row.get("version") or 0)))
        else:
            captured.add((url, number))
    expected = sorted({(v.article_url, v.version) for v in truth})
    return CaptureScore(
        true_versions=len(expected),
        captured=len(captured),
        extra=len(extra),
        missed=tuple(key for key in expected if key not in captured),
        extras=tuple(extra),
    )
