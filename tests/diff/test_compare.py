from __future__ import annotations

from dataclasses import dataclass

from copydesk.diff import Span, classify, compare, render_terminal, word_ops
from copydesk.diff.opcodes import diff_opcodes


@dataclass(frozen=True)
class Doc:
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


OLD = Doc(
    "Storm hits coast",
    "By Ana Ruiz",
    (
        "A storm hit the coast on Monday night.",
        "Officials said the fire was started deliberately by a group of teenagers.",
        "Roads were closed in three towns.",
        "Schools will reopen on Thursday.",
    ),
)
NEW = Doc(
    "Storm batters coast",
    "By Ana Ruiz",
    (
        "Schools will reopen on Thursday.",
        "A storm hit the coast on Monday night.",
        "Officials said the cause of the fire is still under investigation.",
        "Power was cut to 4,000 homes.",
        "Roads were closed in three towns.",
    ),
)


def rebuild(spans: list[Span] | tuple[Span, ...], side: str) -> str:
    skip = "insert" if side == "old" else "delete"
    return "".join(s.text for s in spans if s.op != skip)


def test_rewritten_phrase_is_one_deletion_and_one_insertion() -> None:
    old = "Officials said the fire was started deliberately by a group of teenagers."
    new = "Officials said the cause of the fire is still under investigation."
    spans = word_ops(old, new)
    assert [s.op for s in spans] == ["equal", "delete", "insert", "equal"]
    assert spans[0].text == "Officials said the "
    assert rebuild(spans, "old") == old
    assert rebuild(spans, "new") == new


def test_single_word_change_is_word_sized() -> None:
    spans = word_ops("Twelve people died on Monday.", "Fifteen people died on Monday.")
    assert spans == [
        Span("delete", "Twelve"),
        Span("insert", "Fifteen"),
        Span("equal", " people died on Monday."),
    ]


def test_paragraph_alignment_recognises_moves_inserts_and_edits() -> None:
    diff = compare(OLD, NEW)
    rows = [(p.op, p.old_index, p.new_index) for p in diff.paragraphs]
    assert rows == [
        ("move", 3, 0),
        ("equal", 0, 1),
        ("replace", 1, 2),
        ("insert", None, 3),
        ("equal", 2, 4),
    ]
    assert diff.title.changed
    assert not diff.byline.changed
    assert diff.changed
    for row in diff.paragraphs:
        if row.old_index is not None:
            assert row.old_text == OLD.paragraphs[row.old_index]
        if row.new_index is not None:
            assert row.new_text == NEW.paragraphs[row.new_index]


def test_deleted_paragraph_keeps_its_place() -> None:
    new = Doc(OLD.title, OLD.byline, (OLD.paragraphs[0], *OLD.paragraphs[2:]))
    rows = [(p.op, p.old_index, p.new_index) for p in compare(OLD, new).paragraphs]
    assert rows == [("equal", 0, 0), ("delete", 1, None), ("equal", 2, 1), ("equal", 3, 2)]


def test_identical_versions_have_no_changes() -> None:
    diff = compare(OLD, OLD)
    assert not diff.changed
    assert diff.changes == ()


def test_engine_opcodes_rebuild_target() -> None:
    a = list("abcabba")
    b = list("cbabac")
    out: list[str] = []
    for tag, i1, i2, j1, j2 in diff_opcodes(a, b):
        out.extend(a[i1:i2] if tag == "equal" else b[j1:j2])
    assert out == b


def test_render_terminal_segments() -> None:
    diff = compare(OLD, NEW)
    segments = render_terminal(diff, context=0)
    styles = {style for style, _ in segments}
    assert styles <= {"", "insert", "delete", "heading"}
    assert ("delete", "hits") in segments
    assert ("insert", "batters") in segments
    assert any(style == "heading" and "moved from paragraph 4" in text for style, text in segments)
    text = "".join(t for _, t in segments)
    assert "Power was cut to 4,000 homes." in text
    assert "unchanged paragraph" in text  # context=0 folds the equal rows


def test_inserted_paragraph_next_to_an_edit_is_not_taken_for_the_edit() -> None:
    """A new paragraph sharing common words with an edited neighbour stays an insertion."""
    old = Doc(
        "Results",
        None,
        (
            "Shares fell sharply.",
            "The company said it would respond to the report on Monday.",
            "Trading resumes tomorrow.",
        ),
    )
    new = Doc(
        "Results",
        None,
        (
            "Shares fell sharply.",
            "The company did not respond to a request for comment.",
            "The company said it would respond to the report on Tuesday.",
            "Trading resumes tomorrow.",
        ),
    )
    rows = [(p.op, p.old_index, p.new_index) for p in compare(old, new).paragraphs]
    assert rows == [("equal", 0, 0), ("insert", None, 1), ("replace", 1, 2), ("equal", 2, 3)]
    assert "paragraphs-added" in classify(old, new).flags
