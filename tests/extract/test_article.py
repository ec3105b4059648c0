from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.errors import ExtractError
from copydesk.extract import EXTRACTOR_ID, extract_article
from copydesk.records import ExtractRules

EXPECTED_PARAGRAPHS = (
    "Engineers inspecting the Tollcross harbour bridge found corrosion in 14 of the 32 steel "
    "cables that hold up the main span, the city council said on Tuesday.",
    "The bridge, which carries about 41,000 vehicles a day, will close to lorries over 7.5 "
    "tonnes from Monday while repairs are planned. Cars and buses can still use it.",
    "“Nobody is in danger today, but we will not wait for the cables to get worse,” said Maren "
    "Okafor, the council’s head of infrastructure.",
    "Years of warnings",
    "A report commissioned in 2019 had warned that salt spray was reaching the cable anchorages "
    "faster than expected. Its recommendations were only partly carried out.",
    "Local businesses on the north shore said the weight limit would add up to 40 minutes to "
    "delivery routes.",
)


def _extract(path: Path, url: str):
    return extract_article(path.read_bytes(), url=url)


def test_fixture_page_exact_fields(ledger: Path, ledger_url: str) -> None:
    article = _extract(ledger / "bridge.v1.html", ledger_url + "?utm_source=feed")
    assert article.title == "Harbour bridge cables corroded, inspection finds"
    assert article.byline == "Ines Calloway"
    assert article.published_at == "2024-05-14T08:30:00+01:00"
    assert article.paragraphs == EXPECTED_PARAGRAPHS
    assert article.canonical_url == ledger_url
    assert article.extractor == EXTRACTOR_ID


def test_reloaded_page_with_new_noise_is_identical(ledger: Path, ledger_url: str) -> None:
    """Shuffled most-read, new ad ids, counts and timestamps, rotated related links."""
    first = _extract(ledger / "bridge.v1.html", ledger_url)
    again = _extract(ledger / "bridge.v1-reloaded.html", ledger_url)
    assert (ledger / "bridge.v1.html").read_bytes() != (
        ledger / "bridge.v1-reloaded.html"
    ).read_bytes()
    assert again == first


def test_no_page_furniture_leaks(ledger: Path, ledger_url: str) -> None:
    text = _extract(ledger / "bridge.v1.html", ledger_url).text
    for noise in (
        "cookie",
        "Sign up",
        "Share",
        "Advertisement",
        "Most read",
        "comments",
        "minutes ago",
        "Related",
        "READ MORE",
        "Ferry",
        "Tram",
        "All rights reserved",
    ):
        assert noise not in text


def test_correction_note_and_new_headline_kept(ledger: Path, ledger_url: str) -> None:
    edited = _extract(ledger / "bridge.v2-corrected.html", ledger_url)
    assert edited.title == "Harbour bridge to close to lorries after cables found corroded"
    assert edited.paragraphs[:-1] == EXPECTED_PARAGRAPHS
    assert edited.paragraphs[-1].startswith("Correction: an earlier version of this article")


def test_title_site_suffix_stripped_when_site_name_known() -> None:
    page = (
        "<html><head><title>Dam plan approved | River Post</title>"
        "<meta property='og:site_name' content='River Post'></head><body><article>"
        + "<p>The regional water board approved the new dam plan on Friday after a long debate.</p>"
        * 3
        + "</article></body></html>"
    )
    assert extract_article(page, url="https://riverpost.example/a").title == "Dam plan approved"


def test_title_suffix_kept_without_site_name() -> None:
    page = (
        "<html><head><title>Dam plan approved - a long story</title></head><body><article>"
        + "<p>The regional water board approved the new dam plan on Friday after a long debate.</p>"
        * 3
        + "</article></body></html>"
    )
    assert (
        extract_article(page, url="https://x.example/a").title == "Dam plan approved - a long story"
    )


def test_broken_html_still_extracts() -> None:
    page = (
        "<html><body><div><article><p>Unclosed paragraph about the flood defences in the valley"
        "<p>Another one about the <b>mayor's <i>statement</b></i> on Monday night to residents"
        "<div><p>And a third, nested badly, about the cost of the new pumping station</article>"
    )
    article = extract_article(page, url="https://x.example/a")
    assert any("flood defences" in p for p in article.paragraphs)


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"   \n ",
        "",
        b"\x00\x01\x02\xff\xfe" * 400,
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
    ],
)
def test_empty_and_binary_raise_extract_error(junk: bytes | str) -> None:
    with pytest.raises(ExtractError):
        extract_article(junk, url="https://x.example/a")


def test_page_without_body_text_raises() -> None:
    with pytest.raises(ExtractError):
        extract_article(
            "<html><head><title>x</title></head><body></body></html>", url="https://x.example/"
        )


def test_latin1_bytes_decoded() -> None:
    body = (
        "<p>Le café de la gare a rouvert ses portes après des années de travaux "
        "coûteux à Orléans.</p>" * 3
    )
    head = "<head><meta charset='iso-8859-1'></head>"
    page = f"<html>{head}<body><article>{body}</article></body></html>"
    article = extract_article(page.encode("latin-1"), url="https://x.example/a")
    assert "café" in article.paragraphs[0]
    assert "Orléans" in article.paragraphs[0]


def test_undeclared_latin1_bytes_do_not_crash() -> None:
    body = (
        "<p>Bürgermeister äußert sich zur Brücke über den Fluss und zu den Kosten "
        "der Reparatur.</p>" * 3
    )
    article = extract_article(
        f"<html><body><article>{body}</article></body></html>".encode("latin-1"),
        url="https://x.example/a",
    )
    assert "Bürgermeister" in article.text


def test_xml_declaration_in_text_input() -> None:
    page = (
        "<?xml version='1.0' encoding='utf-8'?><html><body><article>"
        + "<p>Council votes to keep the library open on Sundays after a petition.</p>" * 3
        + "</article></body></html>"
    )
    assert extract_article(page, url="https://x.example/a").paragraphs


@pytest.mark.timeout(60)
def test_five_megabyte_page_does_not_hang(ledger: Path, ledger_url: str) -> None:
    page = (ledger / "bridge.v1.html").read_text(encoding="utf-8")
    filler = "<script>var data = '" + "x" * 3_000_000 + "';</script>"
    images = (
        "<div class='gallery'>"
        + "<img src='data:image/png;base64,"
        + "A" * 2_000_000
        + "'>"
        + "</div>"
    )
    big = page.replace("<main>", "<main>" + filler + images)
    assert len(big) > 5_000_000
    start = time.monotonic()
    article = extract_article(big, url=ledger_url)
    assert time.monotonic() - start < 30
    assert article.paragraphs == EXPECTED_PARAGRAPHS


@pytest.mark.timeout(60)
def test_pathologically_large_tree_is_refused_quickly() -> None:
    page = "<html><body>" + "<span>w</span>" * 200_000 + "</body></html>"
    start = time.monotonic()
    with pytest.raises(ExtractError, match="too large"):
        extract_article(page, url="https://x.example/a")
    assert time.monotonic() - start < 15


def test_extractor_id_carries_rules_fingerprint(ledger: Path, ledger_url: str) -> None:
    html = (ledger / "bridge.v1.html").read_bytes()
    one = extract_article(html, url=ledger_url, rules=ExtractRules(drop=(".byline",)))
    two = extract_article(html, url=ledger_url, rules=ExtractRules(drop=(".timestamp",)))
    assert one.extractor.startswith(EXTRACTOR_ID + ";rules=")
    assert len(one.extractor.rsplit("=", 1)[1]) == 8
    assert one.extractor != two.extractor


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_arbitrary_input_raises_only_extract_error(data: str | bytes) -> None:
    try:
        article = extract_article(data, url="https://x.example/a")
    except ExtractError:
        return
    assert article.paragraphs
    assert all(p and p == p.strip() for p in article.paragraphs)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8))
def test_arbitrary_markup_raises_only_extract_error(chunks: list[str]) -> None:
    page = "<html><body><div>" + "".join(f"<p>{c}</p><div><span>{c}" for c in chunks) + "</body>"
    with contextlib.suppress(ExtractError):
        extract_article(page, url="https://x.example/a")


def test_layout_table_cell_is_split_into_paragraphs() -> None:
    prose = [
        f"Part {n}: the harbour board approved the dredging contract after a long debate about "
        "costs, noise and the effect on the fishing fleet that moors along the eastern quay."
        for n in range(1, 4)
    ]
    page = (
        "<html><body><table><tr><td class='content'><h1>Dredging approved</h1>"
        + "".join(f"<p>{text}</p>" for text in prose)
        + "</td><td><p>Weather: 12C</p></td></tr></table></body></html>"
    )
    article = extract_article(page, url="https://example.org/news/dredging")
    assert list(article.paragraphs[:3]) == prose


def test_headline_with_section_prefix_not_repeated_in_body() -> None:
    prose = "".join(
        f"<p>Paragraph {n} explains why the regional rail timetable will change in May, with "
        "fewer trains at night and more at the morning peak, after a passenger survey.</p>"
        for n in range(1, 4)
    )
    page = (
        "<html><head><title>Opinion | Trains at night are worth saving</title></head><body>"
        f"<article><h1>Trains at night are worth saving</h1>{prose}</article></body></html>"
    )
    article = extract_article(page, url="https://example.org/opinion/trains")
    assert article.paragraphs[0].startswith("Paragraph 1")
