from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.diff import ChangeKind, Span, classify, compare, word_ops

WORDS = st.sampled_from(
    ["the", "a", "storm", "12", "15", "“quote”", "said", ",", ".", "—", "café", "\n", "  ", "Mr."]
)
TEXT = st.lists(WORDS, max_size=30).map(" ".join) | st.text(max_size=80)
PARAS = st.lists(TEXT, max_size=6).map(tuple)


@dataclass(frozen=True)
class Doc:
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


DOCS = st.builds(Doc, TEXT, st.none() | TEXT, PARAS)


def side(spans: list[Span], name: str) -> str:
    skip = "insert" if name == "old" else "delete"
    return "".join(s.text for s in spans if s.op != skip)


def swapped(spans: list[Span]) -> list[Span]:
    flip = {"insert": "delete", "delete": "insert", "equal": "equal"}
    out = [Span(flip[s.op], s.text) for s in spans]  # type: ignore[arg-type]
    for k in range(len(out) - 1):
        if out[k].op == "insert" and out[k + 1].op == "delete":
            out[k], out[k + 1] = out[k + 1], out[k]
    return out


@given(TEXT)
def test_diff_with_itself_is_empty(text: str) -> None:
    assert all(s.op == "equal" for s in word_ops(text, text))


@given(DOCS)
def test_compare_with_itself_is_empty(doc: Doc) -> None:
    assert not compare(doc, doc).changed
    assert classify(doc, doc).kind is ChangeKind.IDENTICAL


@given(TEXT, TEXT)
def test_ops_rebuild_both_sides_exactly(old: str, new: str) -> None:
    spans = word_ops(old, new)
    assert side(spans, "old") == old
    assert side(spans, "new") == new
    assert all(s.text for s in spans)


@given(TEXT, TEXT)
def test_swapping_sides_swaps_insertions_and_deletions(old: str, new: str) -> None:
    assert word_ops(new, old) == swapped(word_ops(old, new))


@settings(max_examples=150)
@given(DOCS, DOCS)
def test_compare_rebuilds_paragraphs(old: Doc, new: Doc) -> None:
    diff = compare(old, new)
    assert side(list(diff.title.spans), "old") == old.title
    assert side(list(diff.title.spans), "new") == new.title
    assert sorted(p.new_index for p in diff.paragraphs if p.new_index is not None) == list(
        range(len(new.paragraphs))
    )
    assert sorted(p.old_index for p in diff.paragraphs if p.old_index is not None) == list(
        range(len(old.paragraphs))
    )
    for row in diff.paragraphs:
        if row.new_index is not None:
            assert row.new_text == new.paragraphs[row.new_index]
        if row.old_index is not None:
            assert row.old_text == old.paragraphs[row.old_index]


@settings(max_examples=300)
@given(DOCS, DOCS)
def test_classify_never_raises(old: Doc, new: Doc) -> None:
    result = classify(old, new)
    assert result.kind in ChangeKind
    assert (result.kind is ChangeKind.IDENTICAL) == (old == new)


@given(st.text(), st.text())
def test_classify_arbitrary_unicode(a: str, b: str) -> None:
    classify(Doc(a, b, (b, a)), Doc(b, a, (a,)))
