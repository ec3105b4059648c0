"""Recover the rest of an article that the page splits into several same-named containers.

Some layouts cut the body into chunks (one per ad slot or rail section), each a container
with the same tag and class. trafilatura keeps the first chunk only, so everything after
the first ad is lost and a real edit further down would be missed. The chunks are found in
the DOM by the core's own tag and class, which is generic: no site names, no class lists.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from copydesk.extract.actions import action_lines, chrome_labels, content_area
from copydesk.extract.locate import is_end_marker, is_furniture
from copydesk.extract.normalize import normalize_text
from copydesk.extract.related import PageAddress, is_related_link, related_tail

# Elements read as one paragraph each inside a recovered chunk.
_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "pre", "dd"})
# A chunk is article text only when its prose-length paragraphs hold two paragraphs' worth of
# words: a teaser has one short summary, a body section one long paragraph or several.
_PROSE_WORDS = 25
_PROSE_TOTAL = 2 * _PROSE_WORDS
# Mostly-link chunks are teaser grids that happen to share the body's class.
_MAX_LINK_SHARE = 0.5
# A section label is a few words; longer text matching the label pattern is prose.
_LABEL_WORDS = 6
# Elements that can stand alone as a section label (a link or an emphasis inside prose cannot).
_LABEL_TAGS = frozenset({"div", "p", "h2", "h3", "h4", "h5", "h6", "header", "section"})


def _signature(node: etree._Element | None) -> tuple[object, str] | None:
    """Tag and class of a node, None when it has no class to recognise it by."""
    if node is None or not (node.get("class") or "").strip():
        return None
    return node.tag, node.get("class") or ""


def _grandparent(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    return parent.getparent() if parent is not None else None


def _siblings(tree: HtmlElement, core: etree._Element) -> list[etree._Element]:
    """Other chunks: same tag and class as the core, inside a parent shaped like the core's.

    Requiring the parent to match too, under the same wrapper, keeps out a comment box, a
    teaser card or a widget that reuses a generic class ("content", "field-item") elsewhere.
    """
    own, parent = _signature(core), _signature(core.getparent())
    wrapper = _grandparent(core)
    if own is None or parent is None or wrapper is None:
        return []
    above = set(core.iterancestors())
    return [
        node
        for node in tree.iter(core.tag)
        if node is not core
        and node not in above
        and _signature(node) == own
        and _signature(node.getparent()) == parent
        and _grandparent(node) is wrapper
        and core not in set(node.iterancestors())
    ]


def _is_block(node: etree._Element, chunk: etree._Element) -> bool:
    """A paragraph element not nested in another one, and not in furniture inside the chunk."""
    if node.tag not in _BLOCKS:
        return False
    for parent in node.iterancestors():
        if parent is chunk:
            return True
        if parent.tag in _BLOCKS or is_furniture(parent):
            return False
    return True


def _link_chars(node: etree._Element) -> int:
    return sum(len(link.text_content()) for link in node.iter("a"))


def _is_label(node: etree._Element) -> bool:
    label = normalize_text(node.text_content())
    return len(label.split()) <= _LABEL_WORDS and is_end_marker(label)


def _article_blocks(chunk: etree._Element) -> list[etree._Element]:
    """Paragraph elements of the chunk, up to a section label such as "More Great Stories"."""
    blocks: list[etree._Element] = []
    for node in chunk.iter():
        if node.tag in _LABEL_TAGS and _is_label(node):
            break
        if _is_block(node, chunk):
            blocks.append(node)
    return blocks


def _chunk_paragraphs(chunk: etree._Element, page: PageAddress | None) -> list[str]:
    """The chunk's paragraphs (bar related-story links), or none when it is not article prose."""
    blocks = _article_blocks(chunk)
    texts = [normalize_text(node.text_content()) for node in blocks]
    total = sum(len(text) for text in texts)
    prose = sum(words for text in texts if (words := len(text.split())) >= _PROSE_WORDS)
    if not total or prose < _PROSE_TOTAL:
        return []
    if sum(_link_chars(node) for node in blocks) > _MAX_LINK_SHARE * total:
        return []
    if page is None:
        return [text for text in texts if text]
    kept = []
    for node, text in zip(blocks, texts, strict=True):
        if not text or is_related_link(node, text, page=page):
            continue
        links = list(node.iter("a"))
        cut = related_tail(links[-1], text, page=page) if links else None
        if cut is not None:
            text = text[:cut].rstrip()
        if text:
            kept.append(text)
    return kept


def add_chunks(
    tree: HtmlElement,
    core: etree._Element | None,
    paragraphs: tuple[str, ...],
    *,
    page: PageAddress | None = None,
) -> tuple[str, ...]:
    """The paragraphs plus those of the core's sibling chunks that the output lacks.

    Each body container (the core, then every chunk) is followed by its calls to action
    (see `actions`); a button repeated per chunk is kept once per chunk, so that removing one
    of them is seen.
    """
    if core is None:
        return paragraphs
    chunks = _siblings(tree, core)
    seen = set(paragraphs)
    # (text, is a call to action) in reading order after the core's own paragraphs.
    extra = [(line, True) for line in action_lines(core) if line not in seen]
    for chunk in chunks:
        texts: list[tuple[str, bool]] = []
        for text in _chunk_paragraphs(chunk, page):
            if text not in seen:
                seen.add(text)
                texts.append((text, False))
        if texts:  # a chunk the page repeats (a carousel copy) brings nothing twice
            extra.extend(texts)
            extra.extend((line, True) for line in action_lines(chunk))
    if any(is_action for _, is_action in extra):
        chrome = chrome_labels(tree, content_area(core, bool(chunks)))
        extra = [
            (text, is_action)
            for text, is_action in extra
            if not is_action or text.casefold() not in chrome
        ]
    return (*paragraphs, *(text for text, _ in extra))
