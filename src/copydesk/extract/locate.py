"""Map output paragraphs back to the source DOM, to judge them by where they came from.

trafilatura's output has lost link markup and container classes; the original tree still has
them. Whitespace-free text of the whole page is built once (linear time), each paragraph is
found by a string search, and its first character tells which element it came from.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from copydesk.extract.related import PageAddress, is_related_link, related_tail

_SPACE = re.compile(r"\s+")
# Characters of a paragraph used to find it; long enough to be unique on a page.
_KEY_CHARS = 60
# Punctuation that may close a paragraph after its last link ("… story)." / "… story »").
_CLOSING = "()[]{}<>«»‹›\"'“”‘’*•·|:;,.–—-→"


@dataclass(frozen=True)
class Located:
    """Where one paragraph sits in the source page."""

    element: etree._Element
    link_share: float


@dataclass
class _Page:
    text: str
    starts: list[int]
    owners: list[etree._Element]
    linked: list[bool]


def _pieces(tree: HtmlElement) -> _Page:
    """Whitespace-free page text with, per text piece, its owner element and link status.

    One `iterwalk` pass in document order: an element's text is read when it opens, its tail
    (owned by its parent) when it closes; open links are counted on the way.
    """
    parts: list[str] = []
    starts: list[int] = []
    owners: list[etree._Element] = []
    linked: list[bool] = []
    offset = links = 0
    body = tree.find("body")
    root = body if body is not None else tree  # <title> would shadow the <h1>
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            if element.tag == "a":
                links += 1
            text, owner = element.text, element
            if text and not isinstance(element.tag, str):
                continue  # a comment's text is not page text
        else:
            if element.tag == "a":
                links -= 1
            if element is root:
                continue
            text, owner = element.tail, element.getparent()
        if text and owner is not None:
            squeezed = "".join(text.split())  # the same characters as _SPACE, faster
            if squeezed:
                parts.append(squeezed)
                starts.append(offset)
                owners.append(owner)
                linked.append(links > 0)
                offset += len(squeezed)
    return _Page("".join(parts), starts, owners, linked)


def _link_share(page: _Page, start: int, length: int) -> float:
    """Share of the characters in [start, start+length) that are link text."""
    end = start + length
    first = bisect.bisect_right(page.starts, start) - 1
    linked = 0
    for index in range(max(first, 0), len(page.starts)):
        piece_start = page.starts[index]
        if piece_start >= end:
            break
        piece_end = page.starts[index + 1] if index + 1 < len(page.starts) else len(page.text)
        if page.linked[index]:
            linked += min(piece_end, end) - max(piece_start, start)
    return linked / length if length else 0.0


def _end_link(page: _Page, position: int, squeezed: str) -> etree._Element | None:
    """The link whose text ends the paragraph starting at `position`, if one does."""
    tail = squeezed.rstrip(_CLOSING)[-_KEY_CHARS:]
    end = page.text.find(tail, position) if tail else -1
    if end < 0:
        return None
    piece = bisect.bisect_right(page.starts, end + len(tail) - 1) - 1
    if not page.linked[piece]:
        return None
    owner: etree._Element | None = page.owners[piece]
    while owner is not None and owner.tag != "a":
        owner = owner.getparent()
    return owner


def locate_lines(
    tree: HtmlElement, paragraphs: tuple[str, ...], *, page: PageAddress | None = None
) -> tuple[tuple[str, ...], list[Located | None]]:
    """The paragraphs with their source element and link share (None when not found).

    With the page's address, a related-story line glued to the end of a paragraph is cut off
    it, and a paragraph that is nothing else goes (`related.related_tail`).
    """
    source = _pieces(tree)
    lines: list[str] = []
    found: list[Located | None] = []
    cursor = 0
    for paragraph in paragraphs:
        squeezed = _SPACE.sub("", paragraph)
        key = squeezed[:_KEY_CHARS]
        position = source.text.find(key, cursor) if key else -1
        if position < 0:
            position = source.text.find(key) if key else -1
        if position < 0:
            lines.append(paragraph)
            found.append(None)
            continue
        cursor = position + len(key)
        link = _end_link(source, position, squeezed) if page is not None else None
        cut = None if link is None or page is None else related_tail(link, paragraph, page=page)
        if cut is not None:
            paragraph = paragraph[:cut].rstrip()
            if not paragraph:
                continue
            squeezed = _SPACE.sub("", paragraph)
        owner = source.owners[bisect.bisect_right(source.starts, position) - 1]
        lines.append(paragraph)
        found.append(Located(owner, _link_share(source, position, len(squeezed))))
    return tuple(lines), found


def locate(tree: HtmlElement, paragraphs: tuple[str, ...]) -> list[Located | None]:
    """For each paragraph, its source element and link share (None when not found)."""
    return locate_lines(tree, paragraphs)[1]


# Class or id words of containers that hold pointers to other pages, not this article.
_OFF_TOPIC = re.compile(
    r"related|promo|share|social|newsletter|subscri|signup|most-?read|popular|trending|"
    r"recommend|outbrain|taboola|teaser|more-?stories|read-?more|sponsor",
    re.IGNORECASE,
)
# Elements that never hold article text, whatever their class: menus, forms, side rails.
_FURNITURE_TAGS = frozenset(
    {"nav", "aside", "footer", "form", "select", "option", "button", "menu"}
)
# Containers of the standfirst/dek above the body (the article record keeps title separately).
_DEK = re.compile(r"\bdek|standfirst|sub-?head", re.IGNORECASE)
# A short section label after the article ("Top stories", "More from Sports", "Partner news"):
# what follows it outside the core is a rail of other stories.
_END_MARKER = re.compile(
    r"^\W*(?:\w+\W+){0,3}(?:stories|news|articles|posts|reads|links|picks|related|popular|"
    r"trending|recommended|sponsored|partners?|videos|headlines|more)\W*$",
    re.IGNORECASE,
)
# Elements that hold one paragraph; prose sitting directly in any other element (a div, a
# table cell) makes that element itself the container.
_TEXT_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "span", "b", "strong",
        "em", "i", "a", "font", "pre", "figcaption", "dd", "dt", "u", "small",
    }
)  # fmt: skip
# A paragraph this long is article prose; the container holding most prose words is the core.
_PROSE_WORDS = 25
_CORE_SHARE = 0.6
_LINKED = 0.5
_LINKED_TAIL = 0.3
# A related-story line is link text but for wrapping punctuation ("(Read: …)").
_RELATED_LINKED = 0.9
# Outside the core, a line this short is a menu entry, tag or label, not article text.
_STRAY_WORDS = 2


def _chain(element: etree._Element) -> list[etree._Element]:
    """The element and its ancestors, root first."""
    return [*reversed(list(element.iterancestors())), element]


def _depth(element: etree._Element) -> int:
    return sum(1 for _ in element.iterancestors())


def _core(chains: list[list[etree._Element]], weights: list[int]) -> etree._Element | None:
    """The deepest container holding most prose words.

    Most, not all: one prose-length footer or teaser elsewhere must not pull the core up to
    the whole page, which would leave nothing outside it to filter.
    """
    held: dict[etree._Element, int] = {}
    for chain, weight in zip(chains, weights, strict=True):
        containers = chain[:-1] if len(chain) > 1 and chain[-1].tag in _TEXT_TAGS else chain
        for node in containers:
            held[node] = held.get(node, 0) + weight
    need = _CORE_SHARE * sum(weights)
    candidates = [node for node, words in held.items() if words >= need]
    return max(candidates, key=_depth) if candidates else None


def _hints(node: etree._Element) -> str:
    return f"{node.get('class') or ''} {node.get('id') or ''}"


def is_end_marker(text: str) -> bool:
    """A short section label ("More Great Stories") that starts a rail of other stories."""
    return _END_MARKER.match(text) is not None


def is_furniture(node: etree._Element) -> bool:
    """A menu, form or side rail, or a container named like a promo or share box."""
    return node.tag in _FURNITURE_TAGS or _OFF_TOPIC.search(_hints(node)) is not None


def _off_topic(own: list[etree._Element]) -> bool:
    """Whether a container of the paragraph (below the core's ancestors) is page furniture."""
    return any(is_furniture(node) for node in own)


def _is_dek(own: list[etree._Element]) -> bool:
    return any(node.tag == "header" or _DEK.search(_hints(node)) for node in own)


@dataclass(frozen=True)
class _Layout:
    """Where the article sits: its core container and its prose paragraph indices."""

    core: etree._Element
    above_core: frozenset[etree._Element]
    first_prose: int
    last_prose: int
    core_end: int


def _layout(
    paragraphs: tuple[str, ...], chains: list[list[etree._Element] | None]
) -> _Layout | None:
    prose = [
        index
        for index, (text, chain) in enumerate(zip(paragraphs, chains, strict=True))
        if chain is not None and len(text.split()) >= _PROSE_WORDS
    ]
    prose_chains = [chain for index in prose if (chain := chains[index]) is not None]
    core = _core(prose_chains, [len(paragraphs[index].split()) for index in prose])
    if core is None:
        return None
    in_core = [index for index in prose if core in (chains[index] or ())]
    return _Layout(
        core=core,
        above_core=frozenset(_chain(core)),
        first_prose=prose[0],
        last_prose=prose[-1],
        core_end=max(in_core) if in_core else prose[-1],
    )


def _furniture(
    index: int, text: str, spot: Located, own: list[etree._Element], page: _Layout
) -> bool:
    """Whether a paragraph outside the core is page furniture rather than article text."""
    if len(text.split()) <= _STRAY_WORDS or spot.link_share > _LINKED or _off_topic(own):
        return True
    if index < page.first_prose and _is_dek(own):
        return True
    return index > page.last_prose and spot.link_share > _LINKED_TAIL


def drop_off_core(
    tree: HtmlElement, paragraphs: tuple[str, ...], *, page: PageAddress | None = None
) -> tuple[str, ...]:
    """The paragraphs that survive `filter_off_core`."""
    return filter_off_core(tree, paragraphs, page=page)[0]


def _drop_related(
    paragraphs: tuple[str, ...], located: list[Located | None], page: PageAddress | None
) -> tuple[tuple[str, ...], list[Located | None]]:
    """Without the lines that are one headline link to another story (see `related`)."""
    if page is None:
        return paragraphs, located
    kept = [
        (text, spot)
        for text, spot in zip(paragraphs, located, strict=True)
        if spot is None
        or spot.link_share < _RELATED_LINKED
        or not is_related_link(spot.element, text, page=page)
    ]
    return tuple(text for text, _ in kept), [spot for _, spot in kept]


def filter_off_core(
    tree: HtmlElement, paragraphs: tuple[str, ...], *, page: PageAddress | None = None
) -> tuple[tuple[str, ...], etree._Element | None]:
    """Drop paragraphs that sit outside the article's core container and look like furniture.

    Outside the container holding most prose, a paragraph goes when it is a stray label, mostly
    link text, inside a menu/form/aside or a container named like a promo or share box, a dek
    in the page header, a linked line after the last prose paragraph, or anything after a
    section label ("Top stories") that follows the article. Also returns the core (None when
    no container holds most prose), so that a split article's other parts can be found.
    When the page's address is known, a line that is one headline link to another story of
    the site goes too, wherever it sits (`related.is_related_link`), and so does such a line
    glued to the end of a paragraph (`related.related_tail`).
    """
    paragraphs, located = _drop_related(*locate_lines(tree, paragraphs, page=page), page)
    chains = [_chain(spot.element) if spot else None for spot in located]
    layout = _layout(paragraphs, chains)
    if layout is None:
        return paragraphs, None
    kept = []
    ended = False
    for index, (text, spot, chain) in enumerate(zip(paragraphs, located, chains, strict=True)):
        if spot is None or chain is None or layout.core in chain:
            kept.append(text)
            continue
        ended = ended or (index > layout.core_end and _END_MARKER.match(text) is not None)
        own = [node for node in chain if node not in layout.above_core]
        if not ended and not _furniture(index, text, spot, own, layout):
            kept.append(text)
    return tuple(kept), layout.core
