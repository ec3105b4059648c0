"""Promo lines glued to prose: paragraph boundaries follow block markup, glued tails are cut.

A "Read more: <a>Other story</a>" line that sits loose between two paragraphs (in a quote, a
list item, a div with loose text …), or closes a paragraph after a full stop, used to come
out glued to the sentence before it; every rotation of the link then read as an edit. Every
page here is written for the test (an invented harbour newsroom), none copied from a corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree, html
from typer.testing import CliRunner

from copydesk.cli.app import app
from copydesk.extract import extract_article
from copydesk.extract.blocks import separate_loose_runs
from copydesk.extract.related import PageAddress, related_tail

_URL = "https://www.harbourledger.example/news/2024/05/ferry-fares-to-rise"
_P1 = (
    "The ferry company said on Monday that fares on the island route would rise by eight per "
    "cent in June, the second increase in a year, said the chief executive."
)
_P2 = (
    "Islanders told a public meeting that the rise would fall hardest on commuters and on the "
    "small firms that ship goods across every morning, and asked the council to step in."
)
_P3 = (
    "The council leader said the authority had no power over fares but would raise the matter "
    "with the transport ministry when officials visit the harbour later this month."
)
# Stories a publisher rotates through the promo line, each another article of the same site.
_STORIES = (
    ("/news/2024/05/harbour-bridge-cables-replaced", "Harbour bridge cables to be replaced"),
    ("/news/2024/04/island-school-to-close", "Island school to close after ninety years"),
    ("/news/2024/05/84213-new-pier-lights", "New lights for the old pier after complaints"),
)


def _promo(story: int, label: str = "Read more:") -> str:
    href, title = _STORIES[story]
    return f'{label} <a href="{href}">{title}</a>'


# Where the promo line sits: markup around P1, the line, P2 (P3 always follows in a <p>).
_SHAPES = {
    "loose in a quote": "<blockquote><p>{p1}</p>{line}<p>{p2}</p></blockquote>",
    "loose in a list item": "<ul><li><p>{p1}</p>{line}<p>{p2}</p></li></ul>",
    "loose in the body div": "<p>{p1}</p>{line}<p>{p2}</p>",
    "loose in a section": "<section><p>{p1}</p>{line}<p>{p2}</p></section>",
    "loose in a table cell": "<table><tr><td><p>{p1}</p>{line}<p>{p2}</p></td></tr></table>",
    "div with loose prose": "<div>{p1}<p>{line}</p>{p2}</div>",
    "div with loose prose and a div": "<div>{p1}<div>{line}</div>{p2}</div>",
    "end of the paragraph": "<p>{p1} {line}</p><p>{p2}</p>",
    "end of the paragraph, bold": "<p>{p1} <strong>{line}</strong></p><p>{p2}</p>",
    "after a line break": "<p>{p1}<br>{line}</p><p>{p2}</p>",
}


def _page(shape: str, line: str) -> str:
    body = _SHAPES[shape].format(p1=_P1, p2=_P2, line=line)
    return (
        "<html><head><title>Ferry fares to rise again in June</title>"
        f'<link rel="canonical" href="{_URL}"></head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        "<article><h1>Ferry fares to rise again in June</h1>"
        f'<div class="article-body">{body}<p>{_P3}</p></div></article>'
        "<footer><a href='/about'>About us</a></footer></body></html>"
    )


def _compare(old: str, new: str, tmp_path: Path, *, url: str | None = _URL) -> dict[str, object]:
    (tmp_path / "old.html").write_text(old, encoding="utf-8")
    (tmp_path / "new.html").write_text(new, encoding="utf-8")
    args = ["compare", str(tmp_path / "old.html"), str(tmp_path / "new.html"), "--json"]
    result = CliRunner().invoke(app, [*args, "--url", url] if url else args)
    assert result.exit_code == 0, result.output
    verdict: dict[str, object] = json.loads(result.stdout)
    return verdict


@pytest.mark.parametrize("shape", _SHAPES)
def test_promo_line_is_not_glued_to_the_sentence_before(shape: str) -> None:
    article = extract_article(_page(shape, _promo(0)), url=_URL)
    assert article.paragraphs == (_P1, _P2, _P3)


@pytest.mark.parametrize("url", [_URL, None], ids=["with-url", "canonical-only"])
@pytest.mark.parametrize("shape", _SHAPES)
def test_rotating_glued_promo_line_is_no_change(shape: str, url: str | None, tmp_path) -> None:
    old, new = _page(shape, _promo(0)), _page(shape, _promo(1))
    verdict = _compare(old, new, tmp_path, url=url)
    assert verdict["changed"] is False
    assert verdict["paragraphs_changed"] == verdict["paragraphs_added"] == 0


@pytest.mark.parametrize(
    "label", ["Read more:", "READ MORE:", "Also read |", "Related »", "More:", "Listen —"]
)
def test_any_short_label_before_the_link_is_cut_with_it(label: str, tmp_path: Path) -> None:
    shape = "end of the paragraph"
    verdict = _compare(_page(shape, _promo(0, label)), _page(shape, _promo(2, label)), tmp_path)
    assert verdict["changed"] is False
    assert extract_article(_page(shape, _promo(0, label)), url=_URL).paragraphs[0] == _P1


def test_an_edit_next_to_a_glued_promo_line_is_still_an_edit(tmp_path: Path) -> None:
    shape = "end of the paragraph"
    new_p1 = _P1.replace("eight per cent", "twelve per cent")
    old = _page(shape, _promo(0))
    new = _page(shape, _promo(1)).replace(_P1, new_p1)
    verdict = _compare(old, new, tmp_path)
    assert verdict["changed"] is True
    assert verdict["paragraphs_changed"] == 1


# --- what is not cut -----------------------------------------------------------------------

_KEPT = {
    "link inside the last sentence": (
        '<p>{p1} The plan follows <a href="/news/2024/03/ministry-rejects-ferry-subsidy-plan">'
        "the ministry's rejection of a subsidy plan</a>.</p>",
        "The plan follows the ministry's rejection of a subsidy plan.",
    ),
    "unlabelled link after a sentence in the same paragraph": (
        '<p>{p1} <a href="/news/2024/03/ministry-rejects-ferry-subsidy-plan">Ministry rejects '
        "ferry subsidy plan</a></p>",
        "Ministry rejects ferry subsidy plan",
    ),
    "link to another site": (
        '<p>{p1} Read more: <a href="https://www.islandtimes.example/2024/05/ferry-union-warns">'
        "Ferry union warns of a strike over rosters</a></p>",
        "Read more: Ferry union warns of a strike over rosters",
    ),
    "correction notice": (
        '<p>{p1} Correction: <a href="/news/2024/05/ferry-fares-corrected-figures-story">An '
        "earlier story gave the wrong fares</a></p>",
        "Correction: An earlier story gave the wrong fares",
    ),
}


@pytest.mark.parametrize("case", sorted(_KEPT))
def test_prose_ending_in_a_link_is_kept(case: str) -> None:
    markup, tail = _KEPT[case]
    page = _page("loose in the body div", "").replace(f"<p>{_P1}</p>", markup.format(p1=_P1))
    article = extract_article(page, url=_URL)
    assert article.paragraphs[0].endswith(tail)


# --- block boundaries ------------------------------------------------------------------------


def test_paragraphs_inside_a_quote_stay_paragraphs() -> None:
    page = _page("loose in a quote", "").replace("<blockquote>", "<blockquote><p>Quoted.</p>")
    assert extract_article(page, url=_URL).paragraphs == ("Quoted.", _P1, _P2, _P3)


def test_loose_runs_beside_blocks_get_their_own_paragraph() -> None:
    tree = html.fragment_fromstring(
        "<div>lead <b>bold</b> text<p>one</p> <img src='x.jpg'> <p>two</p>tail<br></div>"
    )
    separate_loose_runs(tree)
    assert etree.tostring(tree, encoding=str) == (
        '<div><p>lead <b>bold</b> text</p><p>one</p> <img src="x.jpg"/> <p>two</p>'
        "<p>tail<br/></p></div>"
    )


def test_text_in_inline_parents_and_plain_paragraphs_is_left_alone() -> None:
    markup = "<div><p>one <span>two <b>three</b></span> four</p><span>a<i>b</i></span></div>"
    tree = html.fragment_fromstring(markup)
    separate_loose_runs(tree)
    assert etree.tostring(tree, encoding=str) == markup


def test_related_tail_reports_where_the_line_starts() -> None:
    tree = html.fragment_fromstring(f"<div><p>{_P1}</p><p>{_promo(0)}</p></div>")
    link = next(tree.iter("a"))
    page = PageAddress.of(_URL)
    assert page is not None
    glued = f"{_P1}{_promo(0).split(' <a')[0]} {_STORIES[0][1]}"
    assert related_tail(link, glued, page=page) == len(_P1)
    assert related_tail(link, f"Read more: {_STORIES[0][1]}", page=page) == 0
    assert related_tail(link, f"{_P1} and {_STORIES[0][1]}", page=page) is None


def test_recovered_chunk_cuts_a_glued_promo_line_too() -> None:
    """A body split into same-named chunks: a later chunk's paragraph loses its promo tail."""
    later = tuple(f"Later on, {text[0].lower()}{text[1:]}" for text in (_P1, _P2, _P3))
    chunk = '<div class="wrap grid"><div class="article-body col">{}</div></div>'
    first = chunk.format("".join(f"<p>{text}</p>" for text in (_P1, _P2, _P3)))
    glued = f"<p>{later[0]} {_promo(1, 'Also read |')}</p>"
    second = chunk.format(glued + "".join(f"<p>{text}</p>" for text in later[1:]))
    page = (
        f'<html><head><title>Ferry fares</title><link rel="canonical" href="{_URL}"></head>'
        f"<body><main><article>{first}"
        f'<div class="ad-slot"><span>Advertisement</span></div>{second}</article></main>'
        "</body></html>"
    )
    assert extract_article(page, url=_URL).paragraphs == (_P1, _P2, _P3, *later)
