from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from copydesk.diff import ChangeKind, Thresholds, classify
from copydesk.records import Article, Version

BODY = (
    "The council voted on Tuesday to close the old library on Mill Street.",
    "“We had no choice,” said the council leader, Jane Moore. “The roof is failing.”",
    "Twelve people attended the meeting, which lasted 3 hours.",
    "The building opened in 1921 and cost £4,000 to build.",
)


@dataclass(frozen=True)
class Doc:
    title: str = "Council votes to close Mill Street library"
    byline: str | None = "By Sam Reed"
    paragraphs: tuple[str, ...] = field(default=BODY)


def edit(index: int, old: str, new: str) -> Doc:
    paragraphs = list(BODY)
    assert old in paragraphs[index]
    paragraphs[index] = paragraphs[index].replace(old, new)
    return Doc(paragraphs=tuple(paragraphs))


BASE = Doc()


def test_identical() -> None:
    result = classify(BASE, Doc())
    assert result.kind is ChangeKind.IDENTICAL
    assert result.flags == ()
    assert not result.visible


@pytest.mark.parametrize(
    "new",
    [
        pytest.param(edit(0, "voted on", "voted  on"), id="whitespace"),
        pytest.param(edit(0, "Mill Street.", "Mill Street"), id="final-stop"),
        pytest.param(edit(1, "“We had no choice,”", '"We had no choice,"'), id="straight-quotes"),
        pytest.param(edit(2, "meeting,", "meeting —"), id="dash"),
        pytest.param(Doc(title="Council Votes To Close Mill Street Library"), id="title-case"),
        pytest.param(edit(1, "“We", "â€œWe"), id="mojibake"),
        pytest.param(edit(0, "library", "lib\u00adrary"), id="soft-hyphen"),
        pytest.param(edit(3, "£4,000", "£4000"), id="thousands"),
        pytest.param(edit(0, "Tuesday", "Tues\u200bday"), id="zero-width"),
        pytest.param(Doc(paragraphs=(BODY[0] + " " + BODY[1], *BODY[2:])), id="paragraph-merge"),
        pytest.param(edit(3, "£4,000", "&pound;4,000"), id="html-entity"),
        pytest.param(Doc(byline="Sam Reed"), id="byline-prefix"),
        pytest.param(edit(0, "Mill Street", "Mill Street\u00a0"), id="nbsp"),
    ],
)
def test_trivial(new: Doc) -> None:
    result = classify(BASE, new)
    assert result.kind is ChangeKind.TRIVIAL
    assert result.flags == ()


def test_paragraph_split_is_trivial() -> None:
    split = (
        "The council voted on Tuesday",
        "to close the old library on Mill Street.",
        *BODY[1:],
    )
    assert classify(BASE, Doc(paragraphs=split)).kind is ChangeKind.TRIVIAL


def test_one_word_typo_is_minor() -> None:
    old = edit(0, "library", "libary")
    result = classify(old, BASE)
    assert result.kind is ChangeKind.MINOR
    assert result.visible
    assert result.words_added == 1
    assert result.words_removed == 1
    assert "stealth" not in result.flags


def test_changed_number_is_never_trivial() -> None:
    result = classify(BASE, edit(2, "3 hours", "4 hours"))
    assert result.kind is ChangeKind.SUBSTANTIVE
    assert "numbers" in result.flags
    assert "stealth" in result.flags


def test_number_word_change_flags_numbers() -> None:
    assert "numbers" in classify(BASE, edit(2, "Twelve", "Fifteen")).flags


def test_decimal_point_matters() -> None:
    assert classify(Doc(title="Rates rise 1.5%"), Doc(title="Rates rise 15%")).kind in (
        ChangeKind.MINOR,
        ChangeKind.SUBSTANTIVE,
    )


def test_numbers_can_be_minor_when_configured() -> None:
    result = classify(
        BASE, edit(2, "3 hours", "4 hours"), thresholds=Thresholds(numbers_substantive=False)
    )
    assert result.kind is ChangeKind.MINOR
    assert "numbers" in result.flags


def test_rewrite_is_substantive_and_stealth() -> None:
    new = edit(0, "to close the old library", "to sell the old library to a developer")
    result = classify(BASE, new)
    assert result.kind is ChangeKind.SUBSTANTIVE
    assert result.flags == ("stealth",)


def test_headline_and_byline_flags() -> None:
    result = classify(BASE, Doc(title="Council shuts library", byline="By Ann Lee"))
    assert "headline" in result.flags
    assert "byline" in result.flags


def test_quote_changed() -> None:
    result = classify(BASE, edit(1, "had no choice", "had little choice"))
    assert result.kind is ChangeKind.MINOR
    assert result.flags == ("quote",)


def test_quote_removed() -> None:
    result = classify(BASE, edit(1, " “The roof is failing.”", ""))
    assert "quote" in result.flags


def test_words_outside_quotes_do_not_flag_quote() -> None:
    assert "quote" not in classify(BASE, edit(1, "council leader", "city leader")).flags


def test_paragraphs_added_and_removed() -> None:
    added = Doc(paragraphs=(*BODY, "A public consultation will run until the end of May."))
    result = classify(BASE, added)
    assert result.kind is ChangeKind.SUBSTANTIVE
    assert "paragraphs-added" in result.flags
    assert "paragraphs-removed" not in result.flags
    assert result.paragraphs_added == 1
    removed = classify(BASE, Doc(paragraphs=BODY[:2] + BODY[3:]))
    assert "paragraphs-removed" in removed.flags
    assert "numbers" not in removed.flags


def test_moved_paragraph_is_neither_added_nor_removed() -> None:
    moved = Doc(paragraphs=(BODY[3], BODY[0], BODY[1], BODY[2]))
    result = classify(BASE, moved)
    assert result.kind is not ChangeKind.TRIVIAL
    assert "paragraphs-added" not in result.flags
    assert "paragraphs-removed" not in result.flags


@pytest.mark.parametrize(
    "notice",
    [
        "Correction: An earlier version of this article misstated the year the library opened.",
        "This article has been updated to include a comment from the council.",
        "Clarification: the meeting was held in public.",
        "An earlier version of this story incorrectly said the roof had collapsed.",
        "Update: The council has since reversed its decision.",
    ],
)
def test_correction_note_is_not_stealth(notice: str) -> None:
    result = classify(BASE, Doc(paragraphs=(*BODY[:3], BODY[3].replace("1921", "1923"), notice)))
    assert result.kind is ChangeKind.SUBSTANTIVE
    assert "correction-note" in result.flags
    assert "stealth" not in result.flags


def test_existing_notice_does_not_count_again() -> None:
    note = "Correction: the library opened in 1921."
    old = Doc(paragraphs=(*BODY, note))
    new = Doc(paragraphs=(*BODY[:2], "Many people attended.", BODY[3], note))
    result = classify(old, new)
    assert "correction-note" not in result.flags
    assert "stealth" in result.flags


def test_kernel_records_are_comparable() -> None:
    article = Article(
        title="T", byline=None, published_at=None, paragraphs=("a b c",), extractor="x"
    )
    version = Version(
        article_id=1,
        number=1,
        captured_at=datetime(2024, 1, 1, tzinfo=UTC),
        title="T",
        byline=None,
        published_at=None,
        paragraphs=("a b d",),
        trivial=False,
        extractor="x",
        content_hash="h",
    )
    assert classify(version, article).kind is ChangeKind.MINOR
