"""Noise immunity on real page pairs (issue 3 item 6), read in place from the shared corpus.

Every pair goes through `compare_pages`, the function behind `copydesk compare`; one pair also
goes through the CLI itself.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from copydesk.cli.app import app
from copydesk.pipeline import compare_pages


def _page(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


# --- web-page-parser: the same URL fetched years apart, across a redesign -------------------

# Pairs whose article text did not change between the two fetches: the body must compare equal.
SAME_TEXT_PAIRS = (
    ("guardian/boris-johnson-apologises.html", "guardian/boris-johnson-apologises-2022.html"),
    ("guardian/anger-grows-rbs-chiefs-bonus.html",
     "guardian/anger-grows-rbs-chiefs-bonus-with-explainer.html"),
    ("new_york_times/show-banned-french-comedian-has-new-one.html",
     "new_york_times/show-banned-french-comedian-has-new-one-2018.html"),
)  # fmt: skip


@pytest.mark.corpus
@pytest.mark.parametrize(("old", "new"), SAME_TEXT_PAIRS)
def test_redesign_without_edit_reports_no_change(corpus: Path, old: str, new: str) -> None:
    root = corpus / "web-page-parser-fixtures"
    result = compare_pages(_page(root / old), _page(root / new), url=f"https://news.example/{old}")
    assert result["changed"] is False
    assert result["paragraphs_added"] == result["paragraphs_removed"] == 0
    assert result["paragraphs_changed"] == 0
    assert result["title_changed"] is False


@pytest.mark.corpus
def test_rewritten_bbc_article_reports_change(corpus: Path) -> None:
    """The BBC story was rewritten after publication: a real edit must show."""
    root = corpus / "web-page-parser-fixtures" / "bbc_news"
    result = compare_pages(
        _page(root / "32271505.html"),
        _page(root / "32271505-2020.html"),
        url="https://bbc.example/1",
    )
    assert result["changed"] is True
    assert result["kind"] == "substantive"


# --- web-monitoring: analyst-labelled pairs ---------------------------------------------------

FALSE_POSITIVES = ("falsepos-footer", "falsepos-num-views", "falsepos-small-changes")
TRUE_POSITIVES = ("truepos-image-removal", "truepos-major-changes")


def _labelled(corpus: Path, name: str) -> dict[str, Any]:
    root = corpus / "web-monitoring-pairs" / "labeled-pairs"
    return compare_pages(
        _page(root / f"{name}-a.html"), _page(root / f"{name}-b.html"), url="https://gov.example/"
    )


@pytest.mark.corpus
@pytest.mark.parametrize("name", FALSE_POSITIVES)
def test_labelled_false_positive_is_no_change(corpus: Path, name: str) -> None:
    result = _labelled(corpus, name)
    assert result["changed"] is False
    assert result["kind"] in {"identical", "trivial"}


@pytest.mark.corpus
@pytest.mark.parametrize("name", TRUE_POSITIVES)
def test_labelled_true_positive_is_change(corpus: Path, name: str) -> None:
    result = _labelled(corpus, name)
    assert result["changed"] is True
    assert result["paragraphs_removed"] >= 1


@pytest.mark.corpus
def test_labelled_dataset_removal_is_change(corpus: Path) -> None:
    """The only edit is a removed "View this Dataset" button: a call to action in the content."""
    result = _labelled(corpus, "truepos-dataset-removal")
    assert result["changed"] is True
    assert result["paragraphs_removed"] == 1
    assert result["paragraphs_added"] == result["paragraphs_changed"] == 0


# --- News Sniffer fixtures --------------------------------------------------------------------


def _sniffer(corpus: Path, story: str) -> dict[str, Any]:
    pages = corpus / "newssniffer-fixtures" / "web_pages"
    return compare_pages(
        _page(pages / f"{story}-A.stm.html"),
        _page(pages / f"{story}-B.stm.html"),
        url=f"http://news.bbc.co.uk/{story}.stm",
    )


@pytest.mark.corpus
def test_newssniffer_identical_pair(corpus: Path) -> None:
    result = _sniffer(corpus, "6072486")
    assert result["changed"] is False
    assert result["kind"] == "identical"


@pytest.mark.corpus
def test_newssniffer_two_sentences_deleted(corpus: Path) -> None:
    result = _sniffer(corpus, "7984711")
    assert result["changed"] is True
    # Each deleted sentence was its own <p> in BBC's layout-table story cell.
    assert result["paragraphs_removed"] == 2
    assert result["paragraphs_added"] == result["paragraphs_changed"] == 0
    assert result["title_changed"] is False


@pytest.mark.corpus
def test_compare_cli_json_on_real_pair(corpus: Path) -> None:
    pages = corpus / "newssniffer-fixtures" / "web_pages"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(pages / "7984711-A.stm.html"),
            str(pages / "7984711-B.stm.html"),
            "--url",
            "http://news.bbc.co.uk/1/hi/uk_politics/7984711.stm",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["changed"] is True
    assert verdict["paragraphs_removed"] == 2


# --- cfi.co version chains: publisher-labelled steps ------------------------------------------

_BLOCK_START = re.compile(r"<(?:p|div|h\d|ul|ol|table|blockquote|figure)\b", re.IGNORECASE)
# The one "CONTENT CHANGED" step whose visible text is unchanged: <strong> was added around
# words of an image caption (article 28510). A text tracker rightly records nothing.
MARKUP_ONLY_STEPS = {"28510"}


def _as_page(body: str) -> str:
    """A WordPress Markdown body as the page a reader would get (blank lines make paragraphs)."""
    parts = []
    for chunk in (c.strip() for c in re.split(r"\n\s*\n", body)):
        if not chunk or chunk.startswith(">"):  # the archive's own "verbatim copy" note
            continue
        if chunk.startswith("# "):
            parts.append(f"<h1>{html.escape(chunk[2:])}</h1>")
        elif _BLOCK_START.match(chunk):
            parts.append(chunk)
        else:
            parts.append(f"<p>{chunk}</p>")
    return f"<html><body><article>{''.join(parts)}</article></body></html>"


def _cfi_steps(corpus: Path) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(article id, label, old record, new record) for consecutive live versions."""
    path = corpus / "cfi-articles-versions" / "versions.jsonl.gz"
    chains: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            chains[record["article_id"]].append(record)
    steps = []
    for article_id, versions in chains.items():
        versions.sort(key=lambda record: record["version"])
        for old, new in pairwise(versions):
            if old["deleted"] or new["deleted"]:
                continue
            label = "content" if "CONTENT CHANGED" in new["subject"] else "metadata"
            steps.append((article_id, label, old, new))
    return steps


@pytest.mark.corpus
@pytest.mark.timeout(120)
def test_cfi_chains_labelled_steps(corpus: Path) -> None:
    outcomes: dict[str, list[bool]] = {"content": [], "metadata": []}
    for article_id, label, old, new in _cfi_steps(corpus):
        if label == "metadata" and old["body_sha256"] != new["body_sha256"]:
            continue  # an unlabelled body change: no ground truth for it
        result = compare_pages(_as_page(old["body"]), _as_page(new["body"]), url=None)
        expected = label == "content" and article_id not in MARKUP_ONLY_STEPS
        outcomes[label].append(result["changed"] is expected)
    assert len(outcomes["metadata"]) >= 300
    assert all(outcomes["metadata"])  # "metadata only" steps never create a version
    assert len(outcomes["content"]) == 11
    assert all(outcomes["content"])  # "CONTENT CHANGED" steps do (bar the markup-only one)
