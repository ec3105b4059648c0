from __future__ import annotations

from datetime import UTC, datetime

from copydesk.newsroom import TruthVersion, score_capture

T = datetime(2026, 1, 1, tzinfo=UTC)


def truth(version: int, text: str, *, trivial: bool = False, url: str = "u") -> TruthVersion:
    return TruthVersion(
        article_url=url,
        version=version,
        live_at=T,
        title="T",
        byline="B",
        paragraphs=(text,),
        edit="x",
        trivial=trivial,
    )


def row(version: int, text: str, *, url: str = "u", trivial: bool = False) -> dict[str, object]:
    return {
        "article_url": url,
        "version": version,
        "title": "T",
        "paragraphs": [text],
        "trivial": trivial,
    }


TRUTH = [truth(1, "one"), truth(1, "one ’", trivial=True), truth(2, "two")]


def test_everything_captured_once():
    score = score_capture(TRUTH, [row(1, "one"), row(2, "two")])
    assert (score.true_versions, score.captured, score.extra) == (2, 2, 0)
    assert score.recall == 1.0


def test_touched_up_state_still_captures_its_version():
    score = score_capture(TRUTH, [row(1, "one ’"), row(2, "two")])
    assert (score.captured, score.extra) == (2, 0)


def test_a_trivial_touch_up_shown_as_visible_is_extra():
    score = score_capture(TRUTH, [row(1, "one"), row(2, "one ’"), row(3, "two")])
    assert (score.captured, score.extra) == (2, 1)
    assert score.extras == (("u", 2),)


def test_unknown_text_and_misses_are_reported():
    score = score_capture(TRUTH, [row(1, "one"), row(2, "nonsense"), row(1, "x", url="other")])
    assert score.missed == (("u", 2),)
    assert score.extra == 2


def test_hidden_trivial_rows_are_ignored():
    score = score_capture(TRUTH, [row(1, "one"), row(1, "one ’", trivial=True), row(2, "two")])
    assert score.extra == 0
