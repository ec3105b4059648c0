"""Related-story lines inside the body: a rotating headline link is no edit, prose still is.

Every page here is written for the test (an invented harbour newsroom); none is copied from a
corpus. Two loads of one article differ only in what each test varies.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html
from typer.testing import CliRunner

from copydesk.cli.app import app
from copydesk.extract import extract_article
from copydesk.extract.locate import drop_off_core
from copydesk.extract.related import PageAddress, is_related_link

_URL = "https://www.harbourledger.example/news/2024/05/ferry-fares-to-rise"
_BODY = (
    "The ferry company said on Monday that fares on the island route would rise by eight per "
    "cent in June, the second increase in a year, blaming fuel and crew costs.",
    "Islanders told a public meeting that the rise would fall hardest on commuters and on the "
    "small firms that ship goods across every morning, and asked the council to step in.",
    "The council leader said the authority had no power over fares but would raise the matter "
    "with the transport ministry when officials visit the harbour later this month.",
)
# Headline links a publisher rotates between loads, each to another story of the same site.
_RELATED = (
    '<p><a href="/news/2024/05/harbour-bridge-cables-replaced">Harbour bridge cables to be '
    "replaced over the winter</a></p>",
    '<p><strong><a href="https://harbourledger.example/news/2024/04/island-school-to-close">'
    "Island school to close after ninety years</a></strong></p>",
    '<p>(<a href="/news/2024/05/84213-new-pier-lights">Read: New lights for the old pier '
    "after years of complaints</a>)</p>",
)


def _page(*, body: tuple[str, ...] = _BODY, inserts: dict[int, str] | None = None) -> str:
    """The article page; `inserts` puts raw markup after the body paragraph of that index."""
    parts = []
    for index, text in enumerate(body):
        parts.append(f"<p>{text}</p>")
        parts.append((inserts or {}).get(index, ""))
    return (
        "<html><head><title>Ferry fares to rise again in June</title>"
        f'<link rel="canonical" href="{_URL}"></head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>Ferry fares to rise again in June</h1>{''.join(parts)}</article>"
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


# --- `copydesk compare`: rotation is no change, a removed paragraph is ------------------------


@pytest.mark.parametrize("url", [_URL, None], ids=["with-url", "canonical-only"])
@pytest.mark.parametrize("line", range(len(_RELATED)))
def test_rotating_related_line_is_no_change(tmp_path: Path, line: int, url: str | None) -> None:
    old = _page(inserts={1: _RELATED[line]})
    new = _page(inserts={1: _RELATED[(line + 1) % len(_RELATED)]})
    verdict = _compare(old, new, tmp_path, url=url)
    assert verdict["changed"] is False
    assert verdict["paragraphs_added"] == verdict["paragraphs_removed"] == 0


def test_related_line_that_comes_and_goes_is_no_change(tmp_path: Path) -> None:
    verdict = _compare(_page(inserts={0: _RELATED[0]}), _page(), tmp_path)
    assert verdict["changed"] is False


def test_removed_prose_paragraph_is_still_a_change(tmp_path: Path) -> None:
    old = _page(inserts={1: _RELATED[0]})
    new = _page(body=(_BODY[0], _BODY[2]), inserts={0: _RELATED[1]})
    verdict = _compare(old, new, tmp_path)
    assert verdict["changed"] is True
    assert verdict["paragraphs_removed"] == 1
    assert verdict["paragraphs_added"] == verdict["paragraphs_changed"] == 0


# --- what stays: other sites, files, sentences, anchors, short paths -------------------------

_KEPT = {
    "other site": (
        '<p><a href="https://www.islandtimes.example/2024/05/ferry-union-warns-of-strike">'
        "Ferry union warns of a strike over rosters</a></p>",
        "Ferry union warns of a strike over rosters",
    ),
    "pdf": (
        '<p><a href="/documents/ferry-fares-review-2024.pdf">Ferry fares review for the '
        "island route</a></p>",
        "Ferry fares review for the island route",
    ),
    "in a sentence": (
        '<p>The ministry <a href="/news/2024/03/ministry-rejects-ferry-subsidy-plan">rejected '
        "a subsidy plan</a> in March.</p>",
        "The ministry rejected a subsidy plan in March.",
    ),
    "anchor": (
        '<p><a href="#fares-table">How the new fares compare with last year</a></p>',
        "How the new fares compare with last year",
    ),
    "short path": (
        '<p><a href="/timetables">Summer timetables for every island route</a></p>',
        "Summer timetables for every island route",
    ),
    "the page itself": (
        f'<p><a href="{_URL}/">Ferry fares to rise by eight per cent</a></p>',
        "Ferry fares to rise by eight per cent",
    ),
}


@pytest.mark.parametrize("case", sorted(_KEPT))
def test_other_link_lines_are_kept(case: str) -> None:
    markup, text = _KEPT[case]
    article = extract_article(_page(inserts={1: markup}), url=_URL)
    assert text in article.paragraphs


def test_related_line_is_dropped_from_the_article() -> None:
    inserts = {0: _RELATED[0], 1: _RELATED[1], 2: _RELATED[2]}
    assert extract_article(_page(inserts=inserts), url=_URL).paragraphs == _BODY


def test_recovered_chunk_drops_its_related_line() -> None:
    """A body split into same-named chunks: the later chunk's headline link goes too."""
    later = tuple(f"Later on, {text[0].lower()}{text[1:]}" for text in _BODY)
    chunk = '<div class="wrap grid"><div class="article-body col">{}</div></div>'
    first = chunk.format("".join(f"<p>{text}</p>" for text in _BODY))
    second = chunk.format(_RELATED[0] + "".join(f"<p>{text}</p>" for text in later))
    page = (
        f"<html><head><title>Ferry fares</title></head><body><main><article>{first}"
        f'<div class="ad-slot"><span>Advertisement</span></div>{second}</article></main>'
        "</body></html>"
    )
    assert extract_article(page, url=_URL).paragraphs == (*_BODY, *later)


# --- the rule itself ---------------------------------------------------------------------------


def _line(markup: str) -> html.HtmlElement:
    return html.fragment_fromstring(markup)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (
            '<li><a href="/news/2024/05/harbour-bridge-cables-replaced"><u>Harbour bridge '
            "cables to be replaced</u></a></li>",
            "Harbour bridge cables to be replaced",
        ),
        (
            '<h3><a href="/story/2024/917345">Island school to close after ninety years</a></h3>',
            "Island school to close after ninety years",
        ),
    ],
)
def test_headline_link_in_a_list_or_heading_is_related(markup: str, text: str) -> None:
    line = _line(markup)
    page = PageAddress.of(_URL)
    assert page is not None
    assert is_related_link(next(line.iter("a")), text, page=page)


def test_short_label_is_not_a_headline() -> None:
    line = _line('<p><a href="/news/2024/05/ferry-fares-explained-in-full">Fares explained</a></p>')
    page = PageAddress.of(_URL)
    assert page is not None
    assert not is_related_link(line, "Fares explained", page=page)


def test_link_to_a_tag_page_at_another_depth_is_not_related() -> None:
    line = _line('<p><a href="/tag/ferry-fares-and-routes">Ferry fares and island routes</a></p>')
    page = PageAddress.of(_URL)
    assert page is not None
    assert not is_related_link(line, "Ferry fares and island routes", page=page)


def test_subdomain_of_the_same_site_counts_as_the_site() -> None:
    line = _line(
        '<p><a href="https://video.harbourledger.example/v/6091276897001/">Watch the new '
        "ferry dock in the harbour</a></p>"
    )
    page = PageAddress.of("https://www.harbourledger.example/news/ferry-fares-to-rise")
    assert page is not None
    assert is_related_link(line, "Watch the new ferry dock in the harbour", page=page)


def test_without_an_address_nothing_is_judged() -> None:
    assert PageAddress.of(None, "not a url") is None
    tree = html.document_fromstring(
        "<html><body><article>"
        + "".join(f"<p>{text}</p>" for text in _BODY)
        + _RELATED[0]
        + "</article></body></html>"
    )
    line = "Harbour bridge cables to be replaced over the winter"
    assert drop_off_core(tree, (*_BODY, line)) == (*_BODY, line)
    assert drop_off_core(tree, (*_BODY, line), page=PageAddress.of(_URL)) == _BODY
