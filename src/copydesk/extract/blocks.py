"""Paragraph boundaries that follow block-level markup, as a browser draws them.

A container that mixes block children with loose text ("<p>…</p>Read more: <a>…</a><p>…</p>")
shows the loose run as a line of its own (CSS calls it an anonymous block box). The extractors
downstream read such runs as part of a neighbouring paragraph, so a promo line came out glued
to the previous sentence and every rotation of it read as an edit. Wrapping each loose run in
a <p> of its own before extraction gives it the boundary the reader sees.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

# Elements that start a new line box of their own (HTML's block-level and list/table parts).
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dd", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "ul",
    }
)  # fmt: skip
# Containers whose loose runs get wrapped. Inline parents (a, span, font …) and paragraphs
# are left alone: their runs belong to the line they are already in.
_CONTAINERS = frozenset(
    {
        "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "figure",
        "footer", "header", "li", "main", "section", "td", "th",
    }
)  # fmt: skip
# Elements with loose text and child elements, found in C (a child's tail is text() too);
# testing the tags in Python afterwards is cheaper than a long XPath test on every element.
_TEXT_AND_CHILDREN = etree.XPath("descendant-or-self::*[text()[normalize-space()]][*]")


def _is_block(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and node.tag in BLOCK_TAGS


def _has_text(text: str | None, inline: list[etree._Element]) -> bool:
    if text and text.strip():
        return True
    return any(
        (isinstance(node.tag, str) and node.text_content().strip())
        or (node.tail and node.tail.strip())
        for node in inline
    )


def _wrap_runs(parent: etree._Element) -> None:
    """Put each run of loose text and inline elements between two blocks in its own <p>."""
    kept: list[etree._Element] = []
    lead: str | None = parent.text
    run: list[etree._Element] = []
    parent.text = None

    def flush(text: str | None, inline: list[etree._Element]) -> None:
        if _has_text(text, inline):
            wrapper = parent.makeelement("p", {})
            wrapper.text = text
            wrapper.extend(inline)
            kept.append(wrapper)
            return
        if kept:  # blank: keep the whitespace and inline nodes (images, <br>) where they were
            kept[-1].tail = (kept[-1].tail or "") + (text or "")
        else:
            parent.text = text
        kept.extend(inline)

    for child in list(parent):
        if _is_block(child):
            flush(lead, run)
            lead, run = child.tail, []
            child.tail = None
            kept.append(child)
        else:
            run.append(child)
    flush(lead, run)
    for child in list(parent):
        parent.remove(child)
    parent.extend(kept)


def separate_loose_runs(tree: HtmlElement) -> None:
    """Wrap loose text beside block children into paragraphs of their own, in place."""
    for parent in _TEXT_AND_CHILDREN(tree):
        if parent.tag in _CONTAINERS and any(_is_block(child) for child in parent):
            _wrap_runs(parent)
