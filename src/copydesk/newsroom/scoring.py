"""Score a tracker's export against the newsroom's ground truth: all true versions, no others."""

from __future__ import annotations

import unicodedata
from collections import Counter
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
    """Match visible exported versions to the non-trivial true versions of the same article."""
    ours: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for row in exported:
        if row.get("trivial"):
            continue
        ours.setdefault(str(row["article_url"]), []).append(
            _key(str(row["title"]), row["paragraphs"])
        )
    expected: dict[str, list[tuple[int, tuple[str, tuple[str, ...]]]]] = {}
    for version in truth:
        if not version.trivial:
            expected.setdefault(version.article_url, []).append(
                (version.version, _key(version.title, version.paragraphs))
            )
    captured, extra, missed = 0, 0, []
    for url, versions in expected.items():
        found = ours.get(url, [])
        for number, key in versions:
            if key in found:
                captured += 1
            else:
                missed.append((url, number))
        # A true state seen twice in our export is an extra version too.
        surplus = Counter(found) - Counter(key for _n, key in versions)
        extra += sum(surplus.values())
    extra += sum(len(v) for url, v in ours.items() if url not in expected)
    return CaptureScore(
        true_versions=sum(len(v) for v in expected.values()),
        captured=captured,
        extra=extra,
        missed=tuple(missed),
    )
