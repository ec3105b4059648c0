"""Flip-flops: a headline or text that goes back to an earlier variant (A -> B -> A).

Headline A/B tests make a title alternate between a few variants; showing every switch as a new
edit buries real changes, dropping them hides what readers saw. Each alternation is reported with
the variants and the exact sequence, so callers can collapse it without losing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from copydesk.diff.tokens import paragraph_words


@dataclass(frozen=True, slots=True, kw_only=True)
class Alternation:
    """Versions first..last (inclusive) switch between `variants`; `pattern` names each one."""

    first: int  # index into the input of the first version taking part
    last: int  # index of the last version taking part
    variants: tuple[str, ...]  # each variant's text as first seen
    pattern: tuple[int, ...]  # variant number of every input from first to last
    returns: int  # how many times an earlier variant came back

    @property
    def n(self) -> int:
        """Number of distinct variants alternated between."""
        return len(self.variants)


def detect_flipflops(titles_or_texts: Sequence[str]) -> list[Alternation]:
    """Find stretches where the text returns to an earlier variant; trivial differences ignored."""
    # A long-lived article repeats each title over many versions: key each distinct text once.
    known: dict[str, str] = {}
    keys = [known[t] if t in known else known.setdefault(t, _key(t)) for t in titles_or_texts]
    runs: list[tuple[int, int]] = []  # (first index, key id) of each run of equal texts
    for index, key in enumerate(keys):
        if not runs or keys[runs[-1][0]] != key:
            runs.append((index, index))
    windows = _return_windows([keys[first] for first, _ in runs])
    found: list[Alternation] = []
    for lo, hi, returns in windows:
        first = runs[lo][0]
        last = runs[hi + 1][0] - 1 if hi + 1 < len(runs) else len(keys) - 1
        found.append(_alternation(titles_or_texts, keys, first, last, returns))
    return found


def _key(text: str) -> str:
    return " ".join(w.key for w in paragraph_words(text))


def _return_windows(run_keys: list[str]) -> list[tuple[int, int, int]]:
    """Merged (lo, hi, returns) run ranges spanning each return to an earlier variant."""
    last_seen: dict[str, int] = {}
    windows: list[tuple[int, int, int]] = []
    for pos, key in enumerate(run_keys):
        if key in last_seen:
            lo = last_seen[key]
            if windows and lo <= windows[-1][1]:
                start, _, returns = windows[-1]
                windows[-1] = (min(start, lo), pos, returns + 1)
            else:
                windows.append((lo, pos, 1))
        last_seen[key] = pos
    return windows


def _alternation(
    texts: Sequence[str], keys: list[str], first: int, last: int, returns: int
) -> Alternation:
    number: dict[str, int] = {}
    variants: list[str] = []
    pattern: list[int] = []
    for index in range(first, last + 1):
        if keys[index] not in number:
            number[keys[index]] = len(variants)
            variants.append(texts[index])
        pattern.append(number[keys[index]])
    return Alternation(
        first=first, last=last, variants=tuple(variants), pattern=tuple(pattern), returns=returns
    )
