"""The script: deterministic from the seed, edits spaced and labelled, trivial ones harmless."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from copydesk.clock import FixedClock
from copydesk.errors import ConfigError
from copydesk.newsroom import Newsroom, NewsroomConfig
from copydesk.newsroom.script import build_script

EDITS = {
    "headline",
    "sentence-added",
    "word-changed",
    "figure-corrected",
    "paragraph-removed",
    "correction-note",
}


def _normal(text: str) -> str:
    """What a tracker compares: single spaces, straight quotes."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return " ".join(text.split())


@pytest.mark.parametrize(
    "bad",
    [
        {"articles": 0},
        {"min_edits": 4, "max_edits": 3},
        {"min_edits": -1},
        {"edit_gap": 0},
        {"speed": 0},
        {"publish_window": -1},
        {"live_after": -0.5},
    ],
)
def test_invalid_config_is_refused(bad):
    with pytest.raises(ConfigError):
        NewsroomConfig(**bad)


def test_same_seed_same_script_and_other_seed_differs(small_config):
    first = build_script(small_config)
    assert build_script(small_config) == first
    other = build_script(replace(small_config, seed=small_config.seed + 1))
    assert [a.versions[0].title for a in other] != [a.versions[0].title for a in first]


def test_same_seed_same_ground_truth():
    config = NewsroomConfig(seed=3, articles=5)
    a = Newsroom(config, clock=FixedClock()).ground_truth(base_url="http://127.0.0.1:1")
    b = Newsroom(config, clock=FixedClock()).ground_truth(base_url="http://127.0.0.1:1")
    assert a == b
    assert len({t.article_url for t in a}) == 5


def test_each_article_gets_its_edits_spaced_by_the_gap(small_config):
    for article in build_script(small_config):
        real = [v for v in article.versions[1:] if not v.trivial]
        assert small_config.min_edits <= len(real) <= small_config.max_edits
        gaps = [b.at - a.at for a, b in zip(article.versions, article.versions[1:], strict=False)]
        assert all(gap >= small_config.edit_gap for gap in gaps)
        assert article.versions[0].edit == "published"
        assert {v.edit for v in article.versions[1:]} <= EDITS | {"trivial"}


def test_version_numbers_count_only_non_trivial_versions(small_config):
    for article in build_script(small_config):
        expected = 0
        for version in article.versions:
            expected += 0 if version.trivial else 1
            assert version.number == expected


def test_trivial_touch_ups_change_only_spacing_or_quote_style():
    config = NewsroomConfig(seed=11, articles=12)
    seen = 0
    for article in build_script(config):
        for old, new in zip(article.versions, article.versions[1:], strict=False):
            same = [_normal(p) for p in (old.title, *old.paragraphs)] == [
                _normal(p) for p in (new.title, *new.paragraphs)
            ]
            assert same == new.trivial
            assert old.paragraphs != new.paragraphs or old.title != new.title
            seen += new.trivial
    assert seen > 0


def test_no_trivial_versions_when_disabled():
    script = build_script(NewsroomConfig(seed=11, articles=8, trivial_edits=False))
    assert not any(v.trivial for a in script for v in a.versions)


def test_edit_kinds_do_what_their_label_says():
    script = build_script(NewsroomConfig(seed=5, articles=24))
    figure = re.compile(r"\d")
    checked = set()
    for article in script:
        for old, new in zip(article.versions, article.versions[1:], strict=False):
            if new.edit == "headline":
                assert new.title != old.title
                assert new.paragraphs == old.paragraphs
            elif new.edit == "paragraph-removed":
                assert len(new.paragraphs) == len(old.paragraphs) - 1
            elif new.edit == "correction-note":
                assert new.paragraphs[-1].startswith("Correction: An earlier version")
                assert new.paragraphs[:-1] == old.paragraphs
            elif new.edit == "figure-corrected":
                changed = [
                    (a, b) for a, b in zip(old.paragraphs, new.paragraphs, strict=False) if a != b
                ]
                assert changed
                assert all(figure.search(a) for a, _ in changed)
            elif new.edit == "sentence-added":
                assert len(" ".join(new.paragraphs)) > len(" ".join(old.paragraphs))
            checked.add(new.edit)
    assert checked >= EDITS


def test_articles_look_like_news(small_config):
    for article in build_script(small_config):
        first = article.versions[0]
        assert 6 <= len(first.paragraphs) <= 12
        assert first.byline
        assert first.title
        text = " ".join(first.paragraphs)
        assert re.search(r'"[^"]+," (said|[A-Z][a-z]+ (said|added))', text)  # a quote
        assert re.search(r"\d", text)  # a figure


def test_publication_window_and_delay():
    config = NewsroomConfig(seed=2, articles=10, publish_window=5.0, live_after=3.0)
    script = build_script(config)
    starts = sorted(a.published_at for a in script)
    assert starts[0] == 3.0
    assert all(3.0 <= s <= 8.0 for s in starts)
    newsroom = Newsroom(config, clock=FixedClock())
    assert newsroom.script_end == max(v.at for a in script for v in a.versions)
