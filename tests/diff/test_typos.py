"""A changed letter inside a word is at least minor: a hidden (trivial) version never hides one.

Trivial is whitespace, punctuation, case and encoding only. Swapping two letters back
("lehtal" -> "lethal") is a typo fix a reader can see, so it is a visible version.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from copydesk.cli.app import app
from copydesk.clock import SystemClock
from copydesk.diff import ChangeKind, classify
from copydesk.records import Source
from copydesk.store import Store
from tests.support.loopback import article_html, run_once, settings_for

BODY = (
    "The harbour authority said on Monday that the new strain of the algae was lethal to "
    "shellfish and that the beds would stay closed until the autumn.",
    "“We have never seen a bloom like it,” said the harbour master, Ana Ruiz.",
    "Fishermen said 40 boats would stay in port and asked the council for help.",
)
TITLE = "Algae bloom lethal to shellfish, harbour authority says"


@dataclass(frozen=True)
class Doc:
    title: str = TITLE
    byline: str | None = "By Tom Hale"
    paragraphs: tuple[str, ...] = field(default=BODY)


def _typo(doc: Doc, old: str, new: str) -> Doc:
    return Doc(
        doc.title.replace(old, new), doc.byline, tuple(p.replace(old, new) for p in doc.paragraphs)
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(_typo(Doc(), "lethal", "lehtal"), Doc(), id="swap-back-in-title-and-body"),
        pytest.param(
            Doc(paragraphs=(BODY[0].replace("lethal", "lehtal"), *BODY[1:])), Doc(), id="body"
        ),
        pytest.param(Doc(title=TITLE.replace("lethal", "lehtal")), Doc(), id="title"),
        pytest.param(Doc(byline="By Tom Hael"), Doc(), id="byline"),
        pytest.param(
            Doc(), Doc(paragraphs=(BODY[0], BODY[1].replace("Ruiz", "Ruíz"), BODY[2])), id="accent"
        ),
        pytest.param(
            Doc(), Doc(paragraphs=(BODY[0].replace("strain", "Straße"), *BODY[1:])), id="eszett"
        ),
    ],
)
def test_a_changed_letter_is_minor_and_visible(before: Doc, after: Doc) -> None:
    result = classify(before, after)
    assert result.kind is ChangeKind.MINOR
    assert result.visible
    assert classify(after, before).kind is ChangeKind.MINOR


def test_sharp_s_against_double_s_is_not_trivial() -> None:
    """Unicode case folding gives "Straße" and "STRASSE" one key; the letters still differ."""
    old = Doc(paragraphs=("The Hafenstraße was closed.",))
    new = Doc(paragraphs=("The HAFENSTRASSE was closed.",))
    assert classify(old, new).kind is ChangeKind.MINOR


def test_a_typo_fix_with_trivial_touch_ups_around_it_is_still_minor() -> None:
    touched = Doc(
        paragraphs=(
            BODY[0].replace("lethal", "lehtal").replace(" said", "  said"),
            BODY[1].replace("“", '"').replace("”", '"'),
            BODY[2],
        )
    )
    assert classify(touched, Doc()).kind is ChangeKind.MINOR


# --- the property: any letter change inside a word is visible ----------------------------------

# Letters that are their own compatibility form: "Ŀ" is "L·" written as one character, so
# moving it is moving a middle dot (encoding and punctuation), not changing a letter.
_LETTERS = st.characters(categories=("Ll", "Lu"), max_codepoint=0x24F).filter(
    lambda c: unicodedata.normalize("NFKC", c) == c
)
_WORD = st.text(_LETTERS, min_size=2, max_size=12)


def _edit(word: str, kind: str, at: int, letter: str) -> str:
    at %= len(word)
    if kind == "swap" and at + 1 < len(word):
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "replace":
        return word[:at] + letter + word[at + 1 :]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    return word[:at] + letter + word[at:]


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(_WORD, min_size=3, max_size=30),
    index=st.integers(min_value=0),
    kind=st.sampled_from(("swap", "replace", "drop", "insert")),
    at=st.integers(min_value=0, max_value=20),
    letter=_LETTERS,
    noise=st.sampled_from(("", "double-space", "curly-quotes", "upper-first")),
)
def test_no_letter_change_is_ever_hidden(words, index, kind, at, letter, noise) -> None:
    index %= len(words)
    edited = _edit(words[index], kind, at, letter)
    if edited.lower() == words[index].lower():
        return  # the edit changed nothing but case (a swap of equal letters, say)
    old_text = " ".join(words)
    new_words = [*words[:index], edited, *words[index + 1 :]]
    new_text = " ".join(new_words)
    if noise == "double-space":
        new_text = new_text.replace(" ", "  ", 1)
    elif noise == "curly-quotes":
        new_text = f"“{new_text}”"
        old_text = f'"{old_text}"'
    elif noise == "upper-first":
        new_text = new_text[:1].upper() + new_text[1:]
    result = classify(Doc(paragraphs=(old_text,)), Doc(paragraphs=(new_text,)))
    assert result.kind in (ChangeKind.MINOR, ChangeKind.SUBSTANTIVE), (old_text, new_text)
    assert result.visible


# --- `copydesk compare` on pages -------------------------------------------------------------


def _page(paragraphs: tuple[str, ...], title: str = TITLE) -> str:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<html><head><title>{title}</title>"
        '<link rel="canonical" href="https://www.harbourledger.example/news/2024/06/algae-bloom">'
        f"</head><body><article><h1>{title}</h1>"
        f'<p class="byline">By Tom Hale</p><div class="article-body">{body}</div>'
        "</article></body></html>"
    )


def test_compare_calls_a_typo_fix_minor(tmp_path: Path) -> None:
    typo = (
        BODY[0].replace("lethal", "lehtal"),
        BODY[1].replace("“", '"').replace("”", '"'),
        BODY[2],
    )
    (tmp_path / "old.html").write_text(_page(typo), encoding="utf-8")
    (tmp_path / "new.html").write_text(_page(BODY), encoding="utf-8")
    args = ["compare", str(tmp_path / "old.html"), str(tmp_path / "new.html"), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["kind"] == "minor"
    assert verdict["changed"] is True
    assert verdict["trivial"] is False
    assert verdict["paragraphs_changed"] == 2  # the typo and the quote-style touch-up


# --- the tracker: the typo fix is a visible version ----------------------------------------


async def test_the_tracker_keeps_a_typo_fix_visible(site, tmp_path: Path) -> None:
    state, base = site
    typo = [BODY[0].replace("lethal", "lehtal"), *BODY[1:]]
    fixed = [BODY[0], BODY[1].replace("“", '"').replace("”", '"'), BODY[2]]
    settings = settings_for(tmp_path)
    with Store.open(settings.db) as store:
        store.add_source(Source(name="local"), now=SystemClock().now())
        article = store.add_article("local", base + "/a", now=SystemClock().now())
        for paragraphs in (typo, fixed):
            page = article_html(TITLE, paragraphs).encode()
            state.pages["/a"] = (200, {"Content-Type": "text/html"}, page)
            store.set_article_status(
                article.id, store.get_article(article.id).status, next_check_at=SystemClock().now()
            )
            await run_once(settings, store)
        versions = store.versions(article.id, include_trivial=True)
    assert [(v.number, v.trivial, v.change_kind) for v in versions] == [
        (1, False, "new"),
        (2, False, "minor"),
    ]
