from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.extract import normalize_text, split_paragraphs
from copydesk.extract.normalize import _CONTROL, _INVISIBLE


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


def _reference(text: str) -> str:
    """The definition the fast path keeps: NFC, no invisibles, one space for any run of
    control or Unicode whitespace characters, stripped."""
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text)))
    return re.sub(r"\s+", " ", text).strip()


@settings(max_examples=500, deadline=None)
@given(
    st.text()
    | st.text(
        alphabet=" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u202f\u3000\u200b\xadaé\x00\x7f"
    )
)
def test_normalize_text_matches_its_definition(text: str) -> None:
    assert normalize_text(text) == _reference(text)
