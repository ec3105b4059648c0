"""Compare versions of an article: word diffs, change classification, edit analysis."""

from __future__ import annotations

from copydesk.diff.compare import FieldDiff, ParagraphDiff, ParagraphOp, TextDiff, compare
from copydesk.diff.excerpt import excerpt
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
from copydesk.diff.words import Span, SpanOp, word_ops

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
