"""Articles split into same-named containers: the parts after the first are recovered."""

from __future__ import annotations

from lxml import html

from copydesk.extract import extract_article
from copydesk.extract.chunks import add_chunks
from copydesk.extract.locate import filter_off_core

_URL = "https://news.example.org/2024/harbour-plan"


def _para(topic: str, n: int) -> str:
    return (
        f"The {topic} section, part {n}, explains how the council will finance the harbour "
        "plan, which residents objected to it at the public meetings, and why the revised "
        "cost estimate rose again."
    )


def _chunk(topic: str, extra: str = "") -> str:
    paragraphs = "".join(f"<p>{_para(topic, n)}</p>" for n in range(1, 4))
    return f'<div class="wrap grid"><div class="article-body col">{paragraphs}{extra}</div></div>'


def _page(*chunks: str, tail: str = "") -> str:
    ad = '<div class="ad-slot"><span>Advertisement</span></div>'
    return (
        "<html><head><title>Harbour plan</title></head><body><main><article><h1>Harbour plan</h1>"
        f"{ad.join(chunks)}</article>{tail}</main></body></html>"
    )


def test_every_part_of_a_split_body_is_extracted_in_order() -> None:
    page = _page(_chunk("opening"), _chunk("middle"), _chunk("closing"))
    text = extract_article(page, url=_URL).text
    assert _para("opening", 1) in text
    assert _para("middle", 2) in text
    assert text.index(_para("middle", 3)) < text.index(_para("closing", 1))
    assert text.rstrip().endswith(_para("closing", 3))


def test_story_rail_at_the_end_of_a_chunk_is_not_recovered() -> None:
    rail = (
        '<div class="heading">More Great Stories</div>'
        '<ul><li>Why ferries <a href="/f">run late in winter</a></li></ul>'
    )
    text = extract_article(_page(_chunk("opening"), _chunk("closing", rail)), url=_URL).text
    assert _para("closing", 3) in text
    assert "ferries" not in text


def test_same_class_in_a_different_parent_is_not_a_chunk() -> None:
    box = '<div class="comments"><div class="article-body col"><p>{}</p></div></div>'
    comments = "".join(box.format(_para("reader", n)) for n in range(1, 3))
    tree = html.document_fromstring(_page(_chunk("opening"), tail=comments))
    paragraphs = tuple(_para("opening", n) for n in range(1, 4))
    kept, core = filter_off_core(tree, paragraphs)
    assert core is not None
    assert add_chunks(tree, core, kept) == paragraphs


def test_no_core_means_nothing_added() -> None:
    tree = html.document_fromstring(_page(_chunk("opening"), _chunk("closing")))
    assert add_chunks(tree, None, ("Short line",)) == ("Short line",)


def test_teaser_cards_sharing_the_body_class_are_not_chunks() -> None:
    card = '<div class="card"><div class="wrap grid"><div class="article-body col"><p>{}</p>'
    cards = "".join(card.format(_para("teaser", n)) + "</div></div></div>" for n in range(1, 3))
    tree = html.document_fromstring(_page(_chunk("opening"), tail=cards))
    paragraphs = tuple(_para("opening", n) for n in range(1, 4))
    kept, core = filter_off_core(tree, paragraphs)
    assert add_chunks(tree, core, kept) == paragraphs


def _single(words: int) -> str:
    text = " ".join(f"word{n}" for n in range(words))
    return f'<div class="wrap grid"><div class="article-body col"><p>{text}</p></div></div>'


def test_chunk_of_one_long_paragraph_is_recovered() -> None:
    """Two paragraphs' worth of prose in one block is a body section, not a teaser."""
    text = extract_article(_page(_chunk("opening"), _single(60)), url=_URL).text
    assert "word59" in text


def test_chunk_of_one_teaser_length_paragraph_is_not_recovered() -> None:
    text = extract_article(_page(_chunk("opening"), _single(40)), url=_URL).text
    assert "word39" not in text
