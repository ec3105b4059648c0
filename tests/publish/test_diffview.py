"""Folding runs of unchanged paragraphs: context around each change, nothing lost."""

from __future__ import annotations

from copydesk.publish.diffview import DiffRow, Fold, fold_unchanged


def rows(ops: str) -> list[DiffRow]:
    """One row per letter: e (equal), r (replace), i (insert), d (delete)."""
    names = {"e": "equal", "r": "replace", "i": "insert", "d": "delete"}
    return [
        DiffRow(anchor=f"p{n}", op=names[op], old=(), new=(), inline=())
        for n, op in enumerate(ops, start=1)
    ]


def shape(blocks) -> str:
    return " ".join(f"[{b.count}]" if isinstance(b, Fold) else b.anchor for b in blocks)


def test_runs_fold_with_one_paragraph_of_context_around_each_change():
    blocks = fold_unchanged(rows("eeeereeeeeeieee"))
    assert shape(blocks) == "[3] p4 p5 p6 [4] p11 p12 p13 [2]"


def test_every_row_is_kept_in_order():
    original = rows("eereeeeedeeeeeer")
    blocks = fold_unchanged(original)
    flat = [r for b in blocks for r in (b.folded if isinstance(b, Fold) else (b,))]
    assert flat == original


def test_a_single_unchanged_paragraph_is_never_folded():
    assert shape(fold_unchanged(rows("ereer"))) == "p1 p2 p3 p4 p5"
    assert shape(fold_unchanged(rows("eere"))) == "p1 p2 p3 p4"


def test_no_paragraph_changed_folds_everything():
    assert shape(fold_unchanged(rows("eeeee"))) == "[5]"


def test_more_context_folds_less():
    assert shape(fold_unchanged(rows("eeeereeee"), context=2)) == "[2] p3 p4 p5 p6 p7 [2]"
