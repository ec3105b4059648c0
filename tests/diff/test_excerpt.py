"""The excerpt rule shared by notifications, cards, change-log rows and feeds."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.diff import excerpt
from copydesk.records import Excerpt


@dataclass(frozen=True)
class Doc:
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


LONG = (
    "Officials said the fire was started deliberately by a group of teenagers who were seen "
    "running from the scene at dawn on Tuesday, according to two witnesses."
)


def test_headline_old_and_new_only_when_it_changed():
    old = Doc("Storm hits coast", None, ("One.",))
    assert excerpt(old, Doc("Storm batters coast", None, ("One.", "Two."))).title_old == (
        "Storm hits coast"
    )
    same = excerpt(old, Doc("Storm hits coast", None, ("One.", "Two.")))
    assert same.title_old is None
    assert same.title_new is None
    assert not same.headline_changed


def test_chooses_the_paragraph_with_most_changed_words():
    old = Doc("T", None, ("The mayor is 54.", LONG, "Roads were closed."))
    new = Doc(
        "T",
        None,
        (
            "The mayor is 55.",
            LONG.replace("was started deliberately", "is still under investigation"),
            "Roads were closed.",
        ),
    )
    found = excerpt(old, new)
    assert found.paragraph == 1
    assert "started deliberately" in found.before
    assert "still under investigation" in found.after
    assert ("delete", "was started deliberately") in found.spans
    assert ("insert", "is still under investigation") in found.spans


def test_tie_goes_to_the_first_in_the_new_text():
    old = Doc("T", None, ("Alpha one.", "Beta one."))
    new = Doc("T", None, ("Alpha two.", "Beta two."))
    found = excerpt(old, new)
    assert found.paragraph == 0
    assert found.before == "Alpha one."
    assert found.after == "Alpha two."


def test_window_keeps_context_words_and_marks_cuts():
    words = [f"w{i}" for i in range(60)]
    old_text = " ".join(words)
    new_text = " ".join([*words[:30], "CHANGED", *words[31:]])
    found = excerpt(Doc("T", None, (old_text,)), Doc("T", None, (new_text,)), context=5)
    assert found.cut_start
    assert found.cut_end
    assert found.before == "…w25 w26 w27 w28 w29 w30 w31 w32 w33 w34 w35…"
    assert found.after == "…w25 w26 w27 w28 w29 CHANGED w31 w32 w33 w34 w35…"


def test_short_paragraph_is_not_marked_cut():
    found = excerpt(Doc("T", None, ("He was 54.",)), Doc("T", None, ("He was 55.",)))
    assert not found.cut_start
    assert not found.cut_end
    assert (found.before, found.after) == ("He was 54.", "He was 55.")


def test_added_paragraph_has_no_before_and_long_text_is_cut():
    added = " ".join(f"word{i}" for i in range(100))
    found = excerpt(Doc("T", None, ("Kept.",)), Doc("T", None, ("Kept.", added)), limit=10)
    assert found.before == ""
    assert found.after == " ".join(f"word{i}" for i in range(10)) + "…"
    assert found.cut_end


def test_removed_paragraph_has_no_after():
    found = excerpt(Doc("T", None, ("Kept.", "A quote was here.")), Doc("T", None, ("Kept.",)))
    assert found.before == "A quote was here."
    assert found.after == ""
    assert found.paragraph == 1


def test_byline_when_no_paragraph_changed():
    found = excerpt(Doc("T", "By Ana", ("x",)), Doc("T", "By Ana Ruiz", ("x",)))
    assert found.before == "By Ana"
    assert found.after == "By Ana Ruiz"
    assert found.paragraph is None


def test_headline_only_change_has_an_empty_passage():
    found = excerpt(Doc("Old", None, ("x",)), Doc("New", None, ("x",)))
    assert found.headline_changed
    assert found.spans == ()
    assert (found.before, found.after) == ("", "")


def test_first_version_excerpts_its_opening():
    found = excerpt(None, Doc("T", None, ("", "First para here.", "Second.")))
    assert found.before == ""
    assert found.after == "First para here."


def test_identical_versions_give_an_empty_excerpt():
    doc = Doc("T", None, ("x",))
    assert excerpt(doc, doc) == Excerpt()


def test_non_latin_text():
    old = Doc("T", None, ("قال الرئيس إن الوضع مستقر.",))
    new = Doc("T", None, ("قال الرئيس إن الوضع خطير.",))
    found = excerpt(old, new)
    assert "مستقر" in found.before
    assert "خطير" in found.after


_words = st.lists(st.sampled_from(["a", "b", "cat", "dog", "7", "Émile", "東京", "."]), max_size=30)


@settings(max_examples=150, deadline=None)
@given(_words, _words, st.integers(0, 6), st.integers(1, 8))
def test_sides_come_from_the_texts(a, b, context, limit):
    old_text, new_text = " ".join(a), " ".join(b)
    found = excerpt(
        Doc("T", None, (old_text,)), Doc("T", None, (new_text,)), context=context, limit=limit
    )
    if old_text == new_text:
        assert found.spans == ()
    for side, text in ((found.before, old_text), (found.after, new_text)):
        core = side.removeprefix("…").removesuffix("…")
        assert core in " ".join(text.split())
    for op, _ in found.spans:
        assert op in ("equal", "delete", "insert")
