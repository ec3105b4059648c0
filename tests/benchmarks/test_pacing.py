"""The audience pacer holds a newsroom's script only when an unseen version is about to go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from benchmarks.pacing import MARGIN, at_risk
from copydesk.newsroom.script import TruthVersion

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def version(number: int, at: float, title: str) -> TruthVersion:
    return TruthVersion(
        article_url="http://n/a",
        version=number,
        live_at=T0 + timedelta(seconds=at),
        title=title,
        byline="",
        paragraphs=("p",),
        edit="published" if number == 1 else "headline",
        trivial=False,
    )


def stored(title: str) -> dict[str, object]:
    return {"article_url": "http://n/a", "title": title, "paragraphs": ["p"], "version": 1}


TRUTH = [version(1, 0.0, "One"), version(2, 10.0, "Two")]


def test_an_unseen_version_is_at_risk_just_before_its_replacement():
    just_before = T0 + timedelta(seconds=10) - MARGIN / 2
    assert at_risk(TRUTH, [], just_before)
    assert not at_risk(TRUTH, [stored("One")], just_before)  # seen: no need to wait


def test_no_risk_far_from_the_next_edit_or_after_the_last():
    assert not at_risk(TRUTH, [], T0 + timedelta(seconds=1))
    assert not at_risk(TRUTH, [], T0 + timedelta(seconds=20))  # nothing replaces version 2
