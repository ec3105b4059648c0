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

_SPACE = re.compile(r"\s+")
# Characters of a paragraph used to find it; long enough to be unique on a page.
_KEY_CHARS = 60


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
    """Whitespace-free page text with, per text piece, its owner element and link status."""
    parts: list[str] = []
    starts: list[int] = []
    owners: list[etree._Element] = []
    linked: list[bool] = []
    offset = 0

    def add(text: str | None, owner: etree._Element, in_link: bool) -> None:
        nonlocal offset
        if not text:
            return
        squeezed = _SPACE.sub("", text)
        if squeezed:
            parts.append(squeezed)
            starts.append(offset)
            owners.append(owner)
            linked.append(in_link)
            offset += len(squeezed)

    def walk(element: etree._Element, in_link: bool) -> None:
        here = in_link or element.tag == "a"
        add(element.text, element, here)
        for child in element:
            if isinstance(child.tag, str):
                walk(child, here)
            add(child.tail, element, here)

    walk(tree, False)
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


def locate(tree: HtmlElement, paragraphs: tuple[str, ...]) -> list[Located | None]:
    """For each paragraph, its source element and link share (None when not found)."""
    page = _pieces(tree)
    found: list[Located | None] = []
    cursor = 0
    for paragraph in paragraphs:
        squeezed = _SPACE.sub("", paragraph)
        key = squeezed[:_KEY_CHARS]
        position = page.text.find(key, cursor) if key else -1
        if position < 0:
            position = page.text.find(key) if key else -1
        if position < 0:
            found.append(None)
            continue
        cursor = position + len(key)
        owner = page.owners[bisect.bisect_right(page.starts, position) - 1]
        found.append(Located(owner, _link_share(page, position, len(squeezed))))
    return found


# Class or id words of containers that hold pointers to other pages, not this article.
_OFF_TOPIC = re.compile(
    r"related|promo|share|social|newsletter|subscri|signup|most-?read|popular|trending|"
    r"recommend|outbrain|taboola|teaser|more-?stories|read-?more|sponsor",
    re.IGNORECASE,
)
# A paragraph this long is article prose; the container shared by such paragraphs is the core.
_PROSE_WORDS = 25
_LINKED = 0.5
_LINKED_TAIL = 0.3


def _chain(element: etree._Element) -> list[etree._Element]:
    """The element and its ancestors, root first."""
    return [*reversed(list(element.iterancestors())), element]


def _core(chains: list[list[etree._Element]]) -> set[etree._Element] | None:
    """Ancestors shared by every prose paragraph (their lowest common ancestor and up)."""
    if len(chains) < 2:
        return None
    shared: list[etree._Element] = []
    for level in zip(*chains, strict=False):
        if any(node is not level[0] for node in level):
            break
        shared.append(level[0])
    return {shared[-1]} if shared else None


def _off_topic(chain: list[etree._Element]) -> bool:
    return any(
        _OFF_TOPIC.search(f"{node.get('class') or ''} {node.get('id') or ''}") for node in chain
    )


def drop_off_core(tree: HtmlElement, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """Drop paragraphs that sit outside the article's core container and look like furniture.

    Outside the container shared by the prose paragraphs, a paragraph goes when it is mostly
    link text, sits in a container named like a promo or share box, or is a linked line after
    the last prose paragraph (related-story lists, "more from" rails).
    """
    located = locate(tree, paragraphs)
    chains = [_chain(spot.element) if spot else None for spot in located]
    prose = [
        index
        for index, (text, chain) in enumerate(zip(paragraphs, chains, strict=True))
        if chain is not None and len(text.split()) >= _PROSE_WORDS
    ]
    core = _core([chain for index, chain in enumerate(chains) if index in prose and chain])
    if core is None:
        return paragraphs
    last_prose = max(prose)
    kept = []
    for index, (text, spot, chain) in enumerate(zip(paragraphs, located, chains, strict=True)):
        if spot is None or chain is None or core & set(chain):
            kept.append(text)
            continue
        trailing = index > last_prose and spot.link_share > _LINKED_TAIL
        if not (trailing or spot.link_share > _LINKED or _off_topic(chain)):
            kept.append(text)
    return tuple(kept)
