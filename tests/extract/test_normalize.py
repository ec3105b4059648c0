from __future__ import annotations

import pytest

from copydesk.extract import normalize_text, split_paragraphs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  a   b\t\tc  ", "a b c"),
        ("zero\u200bwidth\u200c join\u200der", "zerowidth joiner"),
        ("\ufeffbom", "bom"),
        ("soft\u00adhyphen", "softhyphen"),
        ("word\u2060joiner", "wordjoiner"),
        (
            "no\u00a0break\u202fnarrow\u2009thin\u3000ideographic",
            "no break narrow thin ideographic",
        ),
        ("cafe\u0301", "café"),  # NFD -> NFC
        ("line\nbreak\r\nand\ttab", "line break and tab"),
        ("\u200b \u00a0 ", ""),
        ("ctrl\x00\x07chars", "ctrl chars"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_is_idempotent() -> None:
    once = normalize_text(" A\u00a0 b\u200b c\u0301 ")
    assert normalize_text(once) == once


def test_split_paragraphs_drops_blank_and_normalises() -> None:
    text = "First  para.\n\n\n  \u00a0\nSecond\u200b para.\r\nThird\u2029Fourth"
    assert split_paragraphs(text) == ("First para.", "Second para.", "Third", "Fourth")


def test_split_paragraphs_empty() -> None:
    assert split_paragraphs(" \n \n\u200b") == ()
