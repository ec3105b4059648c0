"""copydesk's word diff against difflib.SequenceMatcher at word level, on real article texts.

Texts: ground-truth bodies of the corpus's article-extraction-benchmark (read in place),
each with synthesised small edits (three word substitutions, one inserted paragraph, one deleted
sentence); then the same on texts ten times longer (ten different articles joined), with the
same number of edits. Both sides produce a word-level diff of the whole text; copydesk's also
aligns paragraphs and detects moves. `compare` returns every paragraph row, with word spans for
each changed paragraph (an unchanged row keeps its text and builds its one equal span on access).

Usage: python benchmarks/diff.py [--corpus ROOT] [--repeat N] [--limit N]
"""

from __future__ import annotations

import difflib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from copydesk.diff import compare, word_ops


@dataclass(frozen=True)
class Doc:
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def load_bodies(corpus: Path) -> list[tuple[str, ...]]:
    truth = json.loads((corpus / "article-extraction-benchmark" / "ground-truth.json").read_text())
    bodies = []
    for key in sorted(truth):
        paras = tuple(p.strip() for p in truth[key]["articleBody"].split("\n") if p.strip())
        if len(paras) >= 4 and sum(len(p.split()) for p in paras) >= 150:
            bodies.append(paras)
    return bodies


def edit(paras: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """Three word substitutions, one new paragraph, one sentence dropped."""
    out = list(paras)
    for _ in range(3):
        i = rng.randrange(len(out))
        words = out[i].split(" ")
        k = rng.randrange(len(words))
        words[k] = rng.choice(["however", "reportedly", "15", "officials", "nearly"])
        out[i] = " ".join(words)
    out.insert(rng.randrange(1, len(out)), "The company did not respond to a request for comment.")
    i = rng.randrange(len(out))
    sentences = out[i].split(". ")
    if len(sentences) > 1:
        del sentences[rng.randrange(len(sentences))]
        out[i] = ". ".join(sentences)
    return tuple(out)


def timed(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def difflib_words(old: str, new: str) -> object:
    return difflib.SequenceMatcher(None, old.split(), new.split()).get_opcodes()


def run(pairs: list[tuple[Doc, Doc]], repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"copydesk": [], "word_ops": [], "difflib": []}
    for old, new in pairs:
        old_text, new_text = old.text, new.text
        times["copydesk"].append(timed(lambda o=old, n=new: compare(o, n), repeat))
        times["word_ops"].append(timed(lambda a=old_text, b=new_text: word_ops(a, b), repeat))
        times["difflib"].append(timed(lambda a=old_text, b=new_text: difflib_words(a, b), repeat))
    return times


def main() -> None:
    parser = harness.parser(__doc__, corpus=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=120)
    args = parser.parse_args()
    rng = random.Random(7)
    bodies = load_bodies(args.corpus)[: args.limit]
    short = [(Doc("t", None, b), Doc("t", None, edit(b, rng))) for b in bodies]
    long_bodies = [
        tuple(p for k in range(10) for p in bodies[(i + k) % len(bodies)])
        for i in range(0, len(bodies), 3)
    ]
    long = [(Doc("t", None, b), Doc("t", None, edit(b, rng))) for b in long_bodies]
    rows = []
    for label, pairs in (("articles", short), ("10x longer", long)):
        words = statistics.median(len(old.text.split()) for old, _ in pairs)
        times = run(pairs, args.repeat)
        med = {name: statistics.median(values) * 1000 for name, values in times.items()}
        rows.append((label, len(pairs), words, med))
    print(
        f"{'texts':12} {'pairs':>5} {'words':>7} {'copydesk ms':>12} {'word_ops ms':>12} "
        f"{'difflib ms':>11} {'speed-up':>9}"
    )
    for label, count, words, med in rows:
        print(
            f"{label:12} {count:5} {words:7.0f} {med['copydesk']:12.3f} {med['word_ops']:12.3f} "
            f"{med['difflib']:11.3f} {med['difflib'] / med['copydesk']:8.1f}x"
        )
    (_, _, w1, m1), (_, _, w2, m2) = rows
    growth = {name: m2[name] / m1[name] for name in m1}
    print(
        f"\ngrowth for {w2 / w1:.1f}x more words: copydesk {growth['copydesk']:.1f}x, "
        f"word_ops {growth['word_ops']:.1f}x, difflib {growth['difflib']:.1f}x"
    )
    print("(medians of the best of", args.repeat, "runs per pair; speed-up = difflib / copydesk)")


if __name__ == "__main__":
    main()
