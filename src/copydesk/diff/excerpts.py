"""Choose the most significant edit of a change and cut it to a short before/after excerpt.

This is the one rule behind the excerpt in notifications, diff cards, change-log rows and feed
entries, so a reader sees the same passage wherever a change is announced:

1. the headline is reported old → new when it changed (beside the passage, not instead of it);
2. the passage is the paragraph row with the most changed words (deleted + inserted); a tie
   goes to the row that comes first in the new text; with no paragraph edit, the byline edit;
3. inside that row, the hunk (a run of adjacent deletions and insertions) with the most changed
   words anchors the window: `context` words either side of it, other hunks inside the window
   included; each side of an overlong hunk is cut after `limit` words;
4. a first version (no old side) excerpts the opening of its first paragraph as an insertion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copydesk.diff.protocol import Comparable
from copydesk.diff.textdiff import compare
from copydesk.diff.words import Span, tokenize
from copydesk.records import Excerpt

CONTEXT_WORDS = 8  # unchanged words kept on either side of the chosen edit
LIMIT_WORDS = 40  # words kept of each side of one edit before it is cut
_WORD = re.compile(r"\w", re.UNICODE)


def excerpt(
    old: Comparable | None,
    new: Comparable,
    *,
    context: int = CONTEXT_WORDS,
    limit: int = LIMIT_WORDS,
) -> Excerpt:
    """The excerpt of the change from `old` to `new` (see the module docstring for the rule)."""
    if old is None:
        lead = next((p for p in new.paragraphs if p.strip()), "")
        spans = (Span("insert", lead),) if lead else ()
        return _cut(spans, paragraph=0 if lead else None, context=context, limit=limit)
    diff = compare(old, new)
    title_old, title_new = (old.title, new.title) if diff.title.changed else (None, None)
    best: tuple[Span, ...] = ()
    best_score, paragraph = 0, None
    for row in diff.paragraphs:
        if row.op == "equal":
            continue
        score = _changed_words(row.spans)
        if score > best_score:
            best, best_score = row.spans, score
            paragraph = row.new_index if row.new_index is not None else row.old_index
    if not best and diff.byline.changed:
        best = diff.byline.spans
    found = _cut(best, paragraph=paragraph, context=context, limit=limit)
    return Excerpt(
        title_old=title_old,
        title_new=title_new,
        spans=found.spans,
        paragraph=found.paragraph,
        cut_start=found.cut_start,
        cut_end=found.cut_end,
    )


def _changed_words(spans: Sequence[Span]) -> int:
    return sum(_words(s.text) for s in spans if s.op != "equal")


def _words(text: str) -> int:
    return sum(1 for token in tokenize(text) if _WORD.match(token))


def _cut(spans: Sequence[Span], *, paragraph: int | None, context: int, limit: int) -> Excerpt:
    """Keep the best hunk of `spans` with `context` words around it, each side cut at `limit`."""
    if not spans:
        return Excerpt()
    hunks = _hunks(spans)
    start, end = max(hunks, key=lambda h: (_changed_words(spans[h[0] : h[1]]), -h[0]))
    kept: list[tuple[str, str]] = []
    cut_start = cut_end = False
    if start > 0:
        head, cut_start = _tail_words(list(spans[:start]), context)
        kept.extend(head)
    hunk = spans[start:end]
    kept.extend(_clip(hunk, limit))
    if _clipped(hunk, limit):
        cut_end = True  # the rest of the hunk, and all after it, is left out
    elif end < len(spans):
        tail, cut_end = _head_words(list(spans[end:]), context)
        kept.extend(tail)
    return Excerpt(
        spans=tuple(_merge(kept)), paragraph=paragraph, cut_start=cut_start, cut_end=cut_end
    )


def _hunks(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """[start, end) index ranges of runs of non-equal spans."""
    found: list[tuple[int, int]] = []
    start = None
    for index, span in enumerate(spans):
        if span.op == "equal":
            if start is not None:
                found.append((start, index))
                start = None
        elif start is None:
            start = index
    if start is not None:
        found.append((start, len(spans)))
    return found or [(0, len(spans))]


def _tail_words(spans: list[Span], count: int) -> tuple[list[tuple[str, str]], bool]:
    """The last `count` words of `spans` (as spans), and whether anything was left out."""
    tokens: list[tuple[str, str]] = [(s.op, t) for s in spans for t in tokenize(s.text)]
    kept, words = len(tokens), 0
    while kept > 0:
        if _WORD.match(tokens[kept - 1][1]):
            if words == count:
                break
            words += 1
        kept -= 1
    cut = kept > 0
    return _lstrip(tokens[kept:]), cut


def _head_words(spans: list[Span], count: int) -> tuple[list[tuple[str, str]], bool]:
    """The first `count` words of `spans` (as spans), and whether anything was left out."""
    tokens: list[tuple[str, str]] = [(s.op, t) for s in spans for t in tokenize(s.text)]
    kept, words = 0, 0
    while kept < len(tokens):
        if _WORD.match(tokens[kept][1]):
            if words == count:
                break
            words += 1
        kept += 1
    return _rstrip(tokens[:kept]), kept < len(tokens)


def _clip(spans: Sequence[Span], limit: int) -> list[tuple[str, str]]:
    """Each side of a hunk cut after `limit` words."""
    out: list[tuple[str, str]] = []
    budget = {"delete": limit, "insert": limit}
    for span in spans:
        tokens = tokenize(span.text)
        taken: list[str] = []
        for token in tokens:
            if _WORD.match(token):
                if budget[span.op] == 0:
                    break
                budget[span.op] -= 1
            taken.append(token)
        text = "".join(taken)
        if len(taken) < len(tokens):
            text = text.rstrip()
        if text:
            out.append((span.op, text))
    return out


def _clipped(spans: Sequence[Span], limit: int) -> bool:
    counts = {"delete": 0, "insert": 0}
    for span in spans:
        counts[span.op] += _words(span.text)
    return max(counts.values()) > limit


def _lstrip(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    while tokens and not tokens[0][1].strip():
        tokens = tokens[1:]
    return tokens


def _rstrip(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    while tokens and not tokens[-1][1].strip():
        tokens = tokens[:-1]
    return tokens


def _merge(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join neighbouring pieces of the same op into one span."""
    out: list[tuple[str, str]] = []
    for op, text in pieces:
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        elif text:
            out.append((op, text))
    return out
