"""The DOM filter: paragraphs outside the article's core container that look like furniture."""

from __future__ import annotations

from lxml import html

from copydesk.extract.locate import drop_off_core, locate
from copydesk.extract.related import PageAddress

_PROSE = tuple(
    f"Paragraph {n} of the report says the council will vote on the harbour plan next week, "
    "after months of public meetings, objections from residents and revised cost estimates."
    for n in range(1, 4)
)


def _tree(extra: str) -> html.HtmlElement:
    body = "".join(f"<p>{text}</p>" for text in _PROSE)
    return html.document_fromstring(f"<html><body><article>{body}</article>{extra}</body></html>")


def test_locate_measures_link_share_on_the_source() -> None:
    tree = _tree('<div><p><a href="/x">Council votes on ferry fares</a> today</p></div>')
    spots = locate(tree, (*_PROSE, "Council votes on ferry fares today", "not on the page"))
    assert spots[0] is not None
    assert spots[0].link_share == 0.0
    assert spots[3] is not None
    assert 0.7 < spots[3].link_share < 1.0
    assert spots[4] is None


def test_linked_list_after_the_article_is_dropped() -> None:
    rail = '<ul><li><a href="/a">Ferry fares to rise in spring</a></li></ul>'
    kept = drop_off_core(_tree(rail), (*_PROSE, "Ferry fares to rise in spring"))
    assert kept == _PROSE


def test_promo_container_outside_core_is_dropped_but_plain_text_kept() -> None:
    extra = (
        '<div class="newsletter-box"><p>Get the morning briefing every day</p></div>'
        "<div><p>Reporting from the quayside.</p></div>"
    )
    paragraphs = (*_PROSE, "Get the morning briefing every day", "Reporting from the quayside.")
    assert drop_off_core(_tree(extra), paragraphs) == (*_PROSE, "Reporting from the quayside.")


def test_links_inside_the_core_are_kept() -> None:
    linked = '<p><a href="/plan">Read the full harbour plan</a></p>'
    body = "".join(f"<p>{text}</p>" for text in _PROSE)
    tree = html.document_fromstring(f"<html><body><article>{body}{linked}</article></body></html>")
    paragraphs = (*_PROSE, "Read the full harbour plan")
    assert drop_off_core(tree, paragraphs) == paragraphs
    # With the page's address known too: "/plan" is a page of the site, not another story.
    page = PageAddress.of("https://ledger.example/news/2024/05/harbour-plan-vote")
    assert drop_off_core(tree, paragraphs, page=page) == paragraphs


def test_stray_prose_footer_does_not_widen_the_core() -> None:
    footer = (
        "<footer><p>Northern Ledger Ltd, 12 Quay Street, Harbourtown, registered in England and "
        "Wales under company number 01234567, all rights reserved, tel 0100 200 300.</p>"
        "</footer>"
    )
    sidebar = "<div class='col'><ul><li><span>Categories</span></li><li>Transport</li></ul></div>"
    tree = html.document_fromstring(
        "<html><body><div class='row'><div class='main'>"
        + "".join(f"<p>{text}</p>" for text in _PROSE)
        + f"</div>{sidebar}</div>{footer}</body></html>"
    )
    kept = drop_off_core(tree, ("Categories", "Transport", *_PROSE))
    assert kept == _PROSE


def test_rail_after_a_section_label_is_dropped() -> None:
    teaser = (
        "<div class='box'><div>The mayor opened the new library on Monday after two years of "
        "building work, and residents queued around the block to get a first look inside.</div>"
        "</div>"
    )
    extra = f"<div><b>Top stories</b></div>{teaser}"
    label = "Top stories"
    teaser_text = (
        "The mayor opened the new library on Monday after two years of building work, and "
        "residents queued around the block to get a first look inside."
    )
    kept = drop_off_core(_tree(extra), (*_PROSE, label, teaser_text))
    assert kept == _PROSE


def test_dek_in_page_header_is_dropped() -> None:
    tree = html.document_fromstring(
        "<html><body><header><h2 class='sub-head'>Officials say the vote could slip again</h2>"
        "</header><article>"
        + "".join(f"<p>{text}</p>" for text in _PROSE)
        + "</article></body></html>"
    )
    kept = drop_off_core(tree, ("Officials say the vote could slip again", *_PROSE))
    assert kept == _PROSE
