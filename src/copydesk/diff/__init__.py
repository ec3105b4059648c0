"""Compare versions of an article: word diffs, change classification, edit analysis.

The names below are imported on first use (PEP 562), as in copydesk.publish: `copydesk history`
needs `detect_flipflops` alone, and loads neither rapidfuzz nor the classifier. No submodule is
named like a function it exports (`compare` lives in textdiff, `excerpt` in excerpts): a loaded
submodule becomes an attribute of this package and would shadow the function of its name.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.diff.excerpts import excerpt
    from copydesk.diff.flipflop import Alternation, detect_flipflops
    from copydesk.diff.protocol import Comparable
    from copydesk.diff.render import render_terminal
    from copydesk.diff.sentences import SentenceEdit, sentence_edits, split_sentences
    from copydesk.diff.significance import (
        DEFAULT_THRESHOLDS,
        FLAGS,
        ChangeKind,
        Classification,
        Thresholds,
        classify,
    )
    from copydesk.diff.textdiff import FieldDiff, ParagraphDiff, ParagraphOp, TextDiff, compare
    from copydesk.diff.words import Span, SpanOp, word_ops

_WHERE = {
    "DEFAULT_THRESHOLDS": "significance",
    "FLAGS": "significance",
    "Alternation": "flipflop",
    "ChangeKind": "significance",
    "Classification": "significance",
    "Comparable": "protocol",
    "FieldDiff": "textdiff",
    "ParagraphDiff": "textdiff",
    "ParagraphOp": "textdiff",
    "SentenceEdit": "sentences",
    "Span": "words",
    "SpanOp": "words",
    "TextDiff": "textdiff",
    "Thresholds": "significance",
    "classify": "significance",
    "compare": "textdiff",
    "detect_flipflops": "flipflop",
    "excerpt": "excerpts",
    "render_terminal": "render",
    "sentence_edits": "sentences",
    "split_sentences": "sentences",
    "word_ops": "words",
}

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FLAGS",
    "Alternation",
    "ChangeKind",
    "Classification",
    "Comparable",
    "FieldDiff",
    "ParagraphDiff",
    "ParagraphOp",
    "SentenceEdit",
    "Span",
    "SpanOp",
    "TextDiff",
    "Thresholds",
    "classify",
    "compare",
    "detect_flipflops",
    "excerpt",
    "render_terminal",
    "sentence_edits",
    "split_sentences",
    "word_ops",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"copydesk.diff.{_WHERE[name]}"), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'copydesk.diff' has no attribute {name!r}")
