from __future__ import annotations

import pytest

from copydesk.diff import detect_flipflops, sentence_edits, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        (
            "The U.S. Army said 3.5 million people left. Officials agreed.",
            ["The U.S. Army said 3.5 million people left.", "Officials agreed."],
        ),
        ('He said: "It was fine." Then he left!', ['He said: "It was fine."', "Then he left!"]),
        ("J. K. Rowling spoke at 9 a.m. on Monday.", ["J. K. Rowling spoke at 9 a.m. on Monday."]),
        ("Is it over? Yes. It is", ["Is it over?", "Yes.", "It is"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentence_edits_newsedits_style() -> None:
    old = "One sentence here. Two is here. Three here now.\n\nFour is gone soon."
    new = "Two is here. One sentence here. Three is here now, said Bob.\n\nFive appears."
    edits = {(e.op, e.old, e.new) for e in sentence_edits(old, new)}
    assert ("moved", "One sentence here.", "One sentence here.") in edits or (
        "moved",
        "Two is here.",
        "Two is here.",
    ) in edits
    assert ("edited", "Three here now.", "Three is here now, said Bob.") in edits
    assert ("added", None, "Five appears.") in edits
    assert ("removed", "Four is gone soon.", None) in edits
    assert len(edits) == 4


def test_trivial_sentence_change_is_not_an_edit() -> None:
    assert sentence_edits(["He said “yes.”"], ['He said "Yes."']) == []


def test_flipflop_between_two_headlines() -> None:
    titles = ["A", "B", "A", "B", "A", "C"]
    (alt,) = detect_flipflops(titles)
    assert (alt.first, alt.last, alt.n, alt.returns) == (0, 4, 2, 3)
    assert alt.variants == ("A", "B")
    assert alt.pattern == (0, 1, 0, 1, 0)


def test_flipflop_ignores_trivial_variants_and_keeps_everything() -> None:
    titles = ["Storm hits", "Storm hits", "Storm batters coast", "storm hits!", "Storm hits"]
    (alt,) = detect_flipflops(titles)
    assert (alt.first, alt.last, alt.n) == (0, 4, 2)
    assert alt.pattern == (0, 0, 1, 0, 0)


def test_no_flipflop_in_steady_edits() -> None:
    assert detect_flipflops(["A", "B", "C", "C", "D"]) == []


def test_three_variant_alternation() -> None:
    (alt,) = detect_flipflops(["A", "B", "C", "A", "B"])
    assert alt.n == 3
