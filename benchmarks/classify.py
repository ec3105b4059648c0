"""Precision/recall of copydesk.diff.classify on a labelled set of real and synthesised edits.

Sources, all read in place from the shared corpus (COPYDESK_CORPUS, default ../shared/corpus):
- cfi-articles-versions: consecutive versions, publisher labels ("CONTENT CHANGED" / "metadata
  only"); the text-level expectations of the eleven content changes were checked by hand.
- newssniffer-fixtures: News Sniffer's BBC pairs (byte-identical; two sentences deleted).
- article-extraction-benchmark: ground-truth bodies with edits synthesised here, each with its
  known kind and flags (whitespace, quotes, typos, figures, quotes, paragraphs, notes, moves ...).

Usage: python benchmarks/classify.py [CORPUS]
"""

from __future__ import annotations

import gzip
import html
import itertools
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # as a file: import benchmarks.*

from benchmarks import harness
from copydesk.diff import FLAGS, ChangeKind, classify

VISIBLE = (ChangeKind.MINOR, ChangeKind.SUBSTANTIVE)


@dataclass(frozen=True)
class Doc:
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    old: Doc
    new: Doc
    kind: tuple[ChangeKind, ...]  # acceptable kinds
    flags: dict[str, bool | None] = field(default_factory=dict)  # None: not judged


def case(name: str, source: str, old: Doc, new: Doc, kind: object, **flags: bool | None) -> Case:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    judged: dict[str, bool | None] = dict.fromkeys(FLAGS, False)
    judged.update({k.replace("_", "-"): v for k, v in flags.items()})
    return Case(name, source, old, new, kinds, judged)


# ---------------------------------------------------------------- cfi chains


def html_paragraphs(body: str) -> tuple[str, ...]:
    text = re.sub(r"(?is)<(script|style|ins|noscript)\b.*?</\1>", " ", body)
    text = re.sub(r"(?s)<!--.*?-->", " ", text)
    text = re.sub(r"\[/?[a-z_]+(?:\s[^\]]*)?\]", " ", text)
    blocks = r"p|div|h\d|li|ul|ol|blockquote|figure|figcaption|br|table|tr|section"
    text = re.sub(rf"(?i)</?({blocks})\b[^>]*>", "\n\n", text)
    text = re.sub(r"<[^>]+>", " ", text)
    out = []
    for block in re.split(r"\n\s*\n", text):
        line = " ".join(html.unescape(block).split())
        if line and not line.startswith(("# ", "> Verbatim")):
            out.append(line)
    return tuple(out)


# Hand-checked text-level labels for the publisher's "CONTENT CHANGED" commits.
S, M = ChangeKind.SUBSTANTIVE, ChangeKind.MINOR
MARKUP_ONLY = (ChangeKind.IDENTICAL, ChangeKind.TRIVIAL)
CFI_LABELS: dict[tuple[str, int], tuple[object, dict[str, bool | None]]] = {
    ("22316", 4): (MARKUP_ONLY, {}),  # ad scripts removed
    ("22944", 4): (MARKUP_ONLY, {}),
    ("28510", 2): (MARKUP_ONLY, {}),
    ("28517", 1): (MARKUP_ONLY, {}),  # swapped image
    ("28758", 1): (MARKUP_ONLY, {}),  # JSON-LD
    ("28758", 2): (MARKUP_ONLY, {}),
    ("28549", 5): (S, {"headline": True, "paragraphs_added": True, "paragraphs_removed": True,
                       "stealth": True, "numbers": None, "quote": None}),
    ("28550", 4): (S, {"headline": True, "paragraphs_added": True, "paragraphs_removed": True,
                       "stealth": True, "numbers": None, "quote": None}),
    ("28559", 1): (S, {"paragraphs_added": True, "stealth": True}),
    ("28600", 2): ((M, S), {"stealth": None}),  # CEO -> Chairman (of the Board)
    ("28620", 4): (S, {"numbers": True, "paragraphs_added": True, "correction_note": True}),
}  # fmt: skip


def cfi_cases(corpus: Path) -> Iterator[Case]:
    path = corpus / "cfi-articles-versions" / "versions.jsonl.gz"
    chains: dict[str, list[dict[str, object]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            chains[row["article_id"]].append(row)
    for article_id, rows in sorted(chains.items()):
        rows.sort(key=lambda r: int(str(r["version"])))
        for a, b in itertools.pairwise(rows):
            old, new = _cfi_doc(a), _cfi_doc(b)
            version = int(str(b["version"]))
            if a["body_sha256"] == b["body_sha256"] and old.title == new.title:
                yield case(f"cfi {article_id} v{version}", "cfi", old, new, MARKUP_ONLY)
                continue
            kind, flags = CFI_LABELS[(article_id, version)]
            yield case(f"cfi {article_id} v{version}", "cfi", old, new, kind, **flags)


def _cfi_doc(row: dict[str, object]) -> Doc:
    found = re.search(r'^title: "?(.*?)"?$', str(row["front_matter"]), re.M)
    return Doc(found.group(1) if found else "", None, html_paragraphs(str(row["body"])))


# ---------------------------------------------------------------- News Sniffer


def _bbc_doc(path: Path) -> Doc:
    page = path.read_bytes().decode("latin-1")
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    title = found.group(1).split("|")[-1].strip() if found else ""
    body = page.split("<!-- S BO -->", 1)[-1].split("<!-- E BO -->", 1)[0]
    return Doc(title, None, html_paragraphs(body))


def newssniffer_cases(corpus: Path) -> Iterator[Case]:
    pages = corpus / "newssniffer-fixtures" / "web_pages"
    same_a, same_b = _bbc_doc(pages / "6072486-A.stm.html"), _bbc_doc(pages / "6072486-B.stm.html")
    yield case("newssniffer 6072486", "newssniffer", same_a, same_b, ChangeKind.IDENTICAL)
    old, new = _bbc_doc(pages / "7984711-A.stm.html"), _bbc_doc(pages / "7984711-B.stm.html")
    yield case(
        "newssniffer 7984711", "newssniffer", old, new, S, paragraphs_removed=True, stealth=True
    )


# ---------------------------------------------------------------- synthesised edits

FILLER = (
    "A spokesperson for the regional authority said further details would be published "
    "once the review had been completed and all parties had been consulted."
)
NOTE = "Correction: An earlier version of this article gave an incorrect figure."
UPDATE = "Update: This story has been updated with a statement from the company."
BYLINES = ("By Alex Morgan", "By Priya Shah and Tom Keller", "By Jordan Lee")


def _english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.97


def _quoteless(text: str) -> bool:
    return not re.search(r"[\"“”‘’«»]|'\w", text)


def _paras_where(paras: tuple[str, ...], test: object) -> list[int]:
    return [i for i, p in enumerate(paras) if callable(test) and test(p)]


def _replace_at(paras: tuple[str, ...], index: int, text: str) -> tuple[str, ...]:
    return (*paras[:index], text, *paras[index + 1 :])


def synthetic_cases(corpus: Path, limit: int = 60, seed: int = 4) -> Iterator[Case]:
    truth = json.loads((corpus / "article-extraction-benchmark" / "ground-truth.json").read_text())
    rng = random.Random(seed)
    count = 0
    for key in sorted(truth):
        body = truth[key]["articleBody"]
        paras = tuple(" ".join(p.split()) for p in body.split("\n") if len(p.split()) >= 8)
        if len(paras) < 5 or not _english(body) or count >= limit:
            continue
        count += 1
        words = paras[0].split()
        title = " ".join(w.strip("“”\"'‘’,.:;") for w in words[:8] if w.strip("“”\"'‘’,.:;"))
        base = Doc(title, BYLINES[count % 3], paras)
        yield from _edits(f"aeb {key[:8]}", base, rng)


def _edits(name: str, base: Doc, rng: random.Random) -> Iterator[Case]:
    for builder in EDITS:
        made = builder(base, rng)
        if made is not None:
            label, new, kind, flags = made
            yield case(f"{name} {label}", "synthetic", base, new, kind, **flags)


Edit = tuple[str, Doc, object, dict[str, bool | None]] | None


def e_identical(d: Doc, rng: random.Random) -> Edit:
    return "identical", Doc(d.title, d.byline, tuple(d.paragraphs)), ChangeKind.IDENTICAL, {}


def e_cosmetic(d: Doc, rng: random.Random) -> Edit:
    def noise(p: str) -> str:
        p = p.replace("“", '"').replace("”", '"').replace("’", "'").replace(" — ", " -- ")
        p = p.replace("'", "â€™") if rng.random() < 0.5 else p.replace(". ", ".  ")
        return p + " " if rng.random() < 0.5 else p.replace(", ", " , ", 1)

    return (
        "cosmetic",
        Doc(d.title.upper(), d.byline, tuple(map(noise, d.paragraphs))),
        (ChangeKind.TRIVIAL),
        {},
    )


def e_resplit(d: Doc, rng: random.Random) -> Edit:
    long = [i for i, p in enumerate(d.paragraphs) if ". " in p[20:-5]]
    if not long:
        return None
    i = long[0]
    cut = d.paragraphs[i].index(". ", 20) + 1
    split = (d.paragraphs[i][:cut], d.paragraphs[i][cut:].strip())
    merged = (d.paragraphs[-2] + " " + d.paragraphs[-1],)
    paras = (*d.paragraphs[:i], *split, *d.paragraphs[i + 1 : -2], *merged)
    if i >= len(d.paragraphs) - 2:
        return None
    return "resplit", Doc(d.title, d.byline, paras), ChangeKind.TRIVIAL, {}


def _pick_word(d: Doc, rng: random.Random, quoted: bool) -> tuple[int, str, str] | None:
    """(paragraph, word, context) of a plain alphabetic word inside or outside quotes."""
    pattern = r"“[^”]{15,}”" if quoted else None
    order = list(range(len(d.paragraphs)))
    rng.shuffle(order)
    for i in order:
        p = d.paragraphs[i]
        if pattern:
            found = re.search(pattern, p)
            if not found:
                continue
            region = found.group(0)
        elif _quoteless(p):
            region = p
        else:
            continue
        words = [w for w in re.findall(r"(?<![\w'’-])[a-z]{5,}(?![\w'’-])", region)]
        if words and p.count(words[len(words) // 2]) == 1:
            return i, words[len(words) // 2], region
    return None


def e_typo(d: Doc, rng: random.Random) -> Edit:
    picked = _pick_word(d, rng, quoted=False)
    if picked is None:
        return None
    i, word, _ = picked
    typo = word[:1] + word[2] + word[1] + word[3:] if word[1] != word[2] else word[:-1]
    new = Doc(d.title, d.byline, _replace_at(d.paragraphs, i, d.paragraphs[i].replace(word, typo)))
    return "typo", new, ChangeKind.MINOR, {}


def e_word_swap(d: Doc, rng: random.Random) -> Edit:
    picked = _pick_word(d, rng, quoted=False)
    if picked is None:
        return None
    i, word, _ = picked
    para = d.paragraphs[i].replace(word, "notably " + word)
    return "one-word", Doc(d.title, d.byline, _replace_at(d.paragraphs, i, para)), M, {}


def e_number(d: Doc, rng: random.Random) -> Edit:
    for i, p in enumerate(d.paragraphs):
        found = re.search(r"(?<![\w.,])(\d{1,3})(?![\w.,%]\d)(?=[\s,.])", p)
        if found and _quoteless(p):
            value = str(int(found.group(1)) + 3)
            para = p[: found.start()] + value + p[found.end() :]
            new = Doc(d.title, d.byline, _replace_at(d.paragraphs, i, para))
            return "number", new, S, {"numbers": True, "stealth": True}
    return None


def e_quote_word(d: Doc, rng: random.Random) -> Edit:
    picked = _pick_word(d, rng, quoted=True)
    if picked is None:
        return None
    i, word, region = picked
    para = d.paragraphs[i].replace(region, region.replace(word, "really " + word, 1))
    return (
        "quote-word",
        Doc(d.title, d.byline, _replace_at(d.paragraphs, i, para)),
        M,
        {"quote": True},
    )


def e_quote_cut(d: Doc, rng: random.Random) -> Edit:
    for i, p in enumerate(d.paragraphs):
        found = re.search(r"\s*“[^”]{25,}”", p)
        if found and not re.search(r"\d", found.group(0)) and len(p) - len(found.group(0)) > 40:
            para = p[: found.start()] + p[found.end() :]
            new = Doc(d.title, d.byline, _replace_at(d.paragraphs, i, para))
            return "quote-cut", new, S, {"quote": True, "stealth": True}
    return None


def e_para_added(d: Doc, rng: random.Random) -> Edit:
    at = rng.randrange(1, len(d.paragraphs))
    paras = (*d.paragraphs[:at], FILLER, *d.paragraphs[at:])
    return (
        "para-added",
        Doc(d.title, d.byline, paras),
        S,
        {
            "paragraphs_added": True,
            "stealth": True,
        },
    )


def e_para_removed(d: Doc, rng: random.Random) -> Edit:
    at = rng.randrange(1, len(d.paragraphs))
    gone = d.paragraphs[at]
    quote = None if re.search(r"[\"“”‘’]", gone) else False
    numbers = None if re.search(r"\d", gone) else False
    paras = (*d.paragraphs[:at], *d.paragraphs[at + 1 :])
    return (
        "para-removed",
        Doc(d.title, d.byline, paras),
        S,
        {
            "paragraphs_removed": True,
            "stealth": True,
            "quote": quote,
            "numbers": numbers,
        },
    )


def e_moved(d: Doc, rng: random.Random) -> Edit:
    paras = (d.paragraphs[-1], *d.paragraphs[:-1])
    return "moved", Doc(d.title, d.byline, paras), M, {}


def e_correction(d: Doc, rng: random.Random) -> Edit:
    made = e_number(d, rng)
    if made is None:
        return None
    new = made[1]
    doc = Doc(new.title, new.byline, (*new.paragraphs, NOTE))
    return (
        "correction",
        doc,
        S,
        {
            "numbers": True,
            "paragraphs_added": True,
            "correction_note": True,
        },
    )


def e_update(d: Doc, rng: random.Random) -> Edit:
    doc = Doc(d.title, d.byline, (UPDATE, *d.paragraphs, FILLER))
    return "update", doc, S, {"paragraphs_added": True, "correction_note": True}


def e_headline_rewrite(d: Doc, rng: random.Random) -> Edit:
    doc = Doc("Officials promise review after week of criticism", d.byline, d.paragraphs)
    numbers = None if re.search(r"\d", d.title) else False
    quote = None if re.search(r"[\"“”‘’]", d.title) else False
    return (
        "headline-rewrite",
        doc,
        S,
        {
            "headline": True,
            "stealth": True,
            "numbers": numbers,
            "quote": quote,
        },
    )


def e_headline_word(d: Doc, rng: random.Random) -> Edit:
    words = d.title.split()
    if len(words) < 4 or any(c.isdigit() for c in d.title):
        return None
    doc = Doc(" ".join([*words[:-1], "latest", words[-1]]), d.byline, d.paragraphs)
    return "headline-word", doc, M, {"headline": True}


def e_byline(d: Doc, rng: random.Random) -> Edit:
    doc = Doc(d.title, (d.byline or "") + " and Sam Reed", d.paragraphs)
    return "byline", doc, (M, S), {"byline": True, "stealth": None}


def e_sentence(d: Doc, rng: random.Random) -> Edit:
    for i, p in enumerate(d.paragraphs):
        parts = re.split(r"(?<=[a-z]\.) (?=[A-Z])", p)
        plain = [k for k, s in enumerate(parts) if not re.search(r"\d", s)]
        if len(parts) >= 3 and _quoteless(p) and plain and len(parts[plain[0]].split()) >= 6:
            parts[plain[0]] = FILLER
            new = Doc(d.title, d.byline, _replace_at(d.paragraphs, i, " ".join(parts)))
            return "sentence-rewrite", new, S, {"stealth": True}
    return None


def e_cosmetic_and_typo(d: Doc, rng: random.Random) -> Edit:
    made = e_word_swap(d, rng)
    if made is None:
        return None
    new = made[1]
    doc = Doc(new.title, new.byline, tuple(p.replace("’", "'") + "  " for p in new.paragraphs))
    return "cosmetic+word", doc, M, {}


EDITS = (
    e_identical,
    e_cosmetic,
    e_resplit,
    e_typo,
    e_word_swap,
    e_number,
    e_quote_word,
    e_quote_cut,
    e_para_added,
    e_para_removed,
    e_moved,
    e_correction,
    e_update,
    e_headline_rewrite,
    e_headline_word,
    e_byline,
    e_sentence,
    e_cosmetic_and_typo,
)


# ---------------------------------------------------------------- evaluation


def all_cases(corpus: Path) -> list[Case]:
    return [*cfi_cases(corpus), *newssniffer_cases(corpus), *synthetic_cases(corpus)]


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    support: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    cases: int = 0
    kind_correct: int = 0
    by_source: Counter[str] = field(default_factory=Counter)
    correct_by_source: Counter[str] = field(default_factory=Counter)
    flags: dict[str, Scores] = field(default_factory=lambda: {f: Scores() for f in [*FLAGS]})
    visible: Scores = field(default_factory=Scores)
    misses: list[str] = field(default_factory=list)


def evaluate(corpus: Path) -> Report:
    report = Report()
    for c in all_cases(corpus):
        got = classify(c.old, c.new)
        report.cases += 1
        report.by_source[c.source] += 1
        ok = got.kind in c.kind
        report.kind_correct += ok
        report.correct_by_source[c.source] += ok
        _score(report.visible, any(k in VISIBLE for k in c.kind), got.kind in VISIBLE)
        wrong = [] if ok else [f"kind {got.kind.value} not {'/'.join(c.kind)}"]
        for flag, expected in c.flags.items():
            if expected is None:
                continue
            _score(report.flags[flag], expected, flag in got.flags)
            if expected != (flag in got.flags):
                wrong.append(f"{'missed' if expected else 'spurious'} {flag}")
        if wrong:
            report.misses.append(f"{c.name}: {', '.join(wrong)}")
    return report


def _score(scores: Scores, expected: bool, predicted: bool) -> None:
    scores.support += expected
    scores.tp += expected and predicted
    scores.fp += predicted and not expected
    scores.fn += expected and not predicted


def print_report(report: Report) -> None:
    print(f"labelled changes: {report.cases}  ({dict(report.by_source)})")
    print(
        f"kind accuracy: {report.kind_correct}/{report.cases} = "
        f"{report.kind_correct / report.cases:.3f}"
    )
    for source, total in report.by_source.items():
        print(f"  {source:12} {report.correct_by_source[source]}/{total}")
    print()
    print(
        f"{'flag':20} {'support':>7} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}"
    )
    rows = [("visible (minor|subst.)", report.visible), *report.flags.items()]
    for name, s in rows:
        print(
            f"{name:20} {s.support:7} {s.tp:4} {s.fp:4} {s.fn:4} {s.precision:9.3f} {s.recall:7.3f}"
        )
    if report.misses:
        print("\nerrors:")
        for line in report.misses:
            print("  " + line)


def main() -> None:
    args = harness.parser(__doc__, corpus=True).parse_args()
    print_report(evaluate(args.corpus))


if __name__ == "__main__":
    main()
