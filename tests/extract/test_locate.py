"""The DOM filter: paragraphs outside the article's core container that look like furniture."""

from __future__ import annotations

from lxml import html

from copydesk.extract.locate import drop_off_core, locate

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
