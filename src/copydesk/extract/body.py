"""Main text of a page: trafilatura's body tree turned into paragraphs, then cleaned."""

from __future__ import annotations

from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from copydesk.extract.boilerplate import drop_boilerplate
from copydesk.extract.chunks import add_chunks
from copydesk.extract.locate import filter_off_core
from copydesk.extract.normalize import split_paragraphs
from copydesk.extract.related import PageAddress

# Blocks of trafilatura's output format whose children are paragraphs of their own.
_CONTAINERS = frozenset({"list", "table", "div", "quote"})
_ROWS = frozenset({"item", "row"})
# Blocks that make a table cell a page column rather than one value.
_BLOCK_TAGS = frozenset({"p", "head", "list", "table", "quote", "div"})
# Output elements that are lines of their own inside a block that holds them (a paragraph in a
# quote, a list in an item); their text and whatever follows them start new paragraphs.
_LINE_TAGS = frozenset({"p", "list", "table", "quote", "div", "item", "row", "code"})
# How many leading paragraphs may repeat the headline (kicker, label, then the headline).
_TITLE_WINDOW = 3
_MIN_HEADLINE_WORDS = 3


def _run_trafilatura(tree: HtmlElement, *, url: str) -> Any:
    """One offline trafilatura pass (no fetching, no comments, no dedup across calls).

    `fast` skips the readability/justext fallback: it costs half the time, and the DOM filter
    (locate.filter_off_core) does the precision work the fallback comparison was doing.
    """
    return trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
    )


def _block_text(element: etree._Element) -> str:
    """Text of one output block; line breaks and nested blocks become paragraph breaks.

    A paragraph nested in a quote or a list item, and the text after it, are lines of their
    own, as the page shows them: joined, a promo line after a paragraph would be glued to it.
    """
    parts: list[str] = []
    if element.text:
        parts.append(element.text)
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag == "cell":
            parts.append(" " + _block_text(child) + " ")
        elif child.tag in _LINE_TAGS:
            parts.append("\n" + _block_text(child) + "\n")
        else:
            parts.append(_block_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _has_blocks(element: etree._Element) -> bool:
    """A layout cell (a whole page column in a table) holds paragraphs, not a data value."""
    return any(child.tag in _BLOCK_TAGS for child in element)


def _row_blocks(row: etree._Element) -> list[str]:
    """A data row is one line; a layout row's cells are split into their own paragraphs."""
    if row.tag == "row" and any(_has_blocks(cell) for cell in row):
        blocks: list[str] = []
        for cell in row:
            blocks.extend(_blocks(cell) if _has_blocks(cell) else [_block_text(cell)])
        return blocks
    return [_block_text(row)]


def _blocks(body: etree._Element) -> list[str]:
    blocks: list[str] = []
    for element in body:
        if element.tag in _CONTAINERS and any(child.tag in _ROWS for child in element):
            for row in element:
                if row.tag in _ROWS:
                    blocks.extend(_row_blocks(row))
        else:
            blocks.append(_block_text(element))
        if element.tail and element.tail.strip():
            blocks.append(element.tail)
    return blocks


def body_paragraphs(
    tree: HtmlElement, *, url: str, title: str, canonical: str | None = None
) -> tuple[str, ...]:
    """Normalised article paragraphs, without promo lines, related-story links or the headline.

    `canonical` is the page's declared URL: it locates the page when `url` does not (a page
    saved to disk and compared without its address).
    """
    document = _run_trafilatura(tree, url=url)
    if document is None or document.body is None:
        return ()
    found = split_paragraphs("\n".join(_blocks(document.body)))
    page = PageAddress.of(canonical, url)
    paragraphs, core = filter_off_core(tree, found, page=page)
    paragraphs = add_chunks(tree, core, paragraphs, page=page)
    paragraphs = drop_boilerplate(paragraphs)
    return _drop_repeated_title(paragraphs, title)


def _drop_repeated_title(paragraphs: tuple[str, ...], title: str) -> tuple[str, ...]:
    """The headline is Article.title; a copy near the top of the body would count it twice."""
    head = title.casefold()
    if not head:
        return paragraphs
    top = [p for p in paragraphs[:_TITLE_WINDOW] if not _is_headline(p.casefold(), head)]
    return (*top, *paragraphs[_TITLE_WINDOW:])


def _is_headline(line: str, head: str) -> bool:
    """The headline itself, or the headline without the "Section | " / " - Site" the title adds."""
    if line == head:
        return True
    return len(line.split()) >= _MIN_HEADLINE_WORDS and line in head and 2 * len(line) >= len(head)
