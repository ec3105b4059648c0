"""Calls to action inside the article: a standalone button or file link the author placed.

trafilatura drops a line that is nothing but a link, as navigation. A button inside the
article's own container ("View this dataset", "Download the report") is part of what was
published, though: its removal is an edit. Only button-styled links and links to a file
count, and only on a line of their own inside a body container or in the few small blocks
right after it; never a link list, a headline-length link, a promo, share or counter line, a
page control, an ad slot's button, or a label the page repeats outside its content area (site
chrome). These lines rotate per request, a publisher's button does not. All signals are
generic: tags, class words, link targets and wording, never a site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from copydesk.extract.boilerplate import is_boilerplate
from copydesk.extract.locate import is_end_marker, is_furniture
from copydesk.extract.normalize import normalize_text

# A call to action is a short label; a longer link line is a headline pointing elsewhere.
_MAX_WORDS = 6
# Following siblings of a body container searched for its trailing buttons.
_TRAIL = 3
# A sibling with this many words (or a heading) starts another section: the trail ends there.
_SECTION_WORDS = 12
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "header", "section", "article"})
# Inline elements that may wrap a button without making it part of a sentence.
_INLINE = frozenset({"span", "b", "strong", "em", "i", "u", "small", "font", "mark", "big"})
# Styling that marks a link as a button (Bootstrap "btn", "c-button", "cta-link" …).
_BUTTON_CLASS = re.compile(r"(?:^|[\s_-])(?:btn|button|cta)(?:$|[\s_-])", re.IGNORECASE)
# A link to a document or data file rather than to another page.
_FILE = re.compile(
    r"\.(?:pdf|csv|tsv|xlsx?|ods|docx?|odt|pptx?|zip|gz|json|xml|kml|kmz|shp|geojson|txt|rtf)$",
    re.IGNORECASE,
)
# Page controls, pagination and media players: they follow the page's state, not the article.
_CONTROL = re.compile(
    r"^\W*(?:continue(?:\s+reading)?|load\s+more|show\s+(?:more|less|all)|expand|collapse|"
    r"close|back(?:\s+to\s+top)?|top|next|previous|prev|older|newer|print|comments?|"
    r"view\s+comments|join\b|skip\b|menu|search|home|play|pause|watch|listen|live|like|"
    r"save|bookmark|follow|accept|reject|agree|dismiss|log\s*(?:in|out)|sign\s*(?:in|out)|"
    r"my\s+account|account)\b",
    re.IGNORECASE,
)
# The site selling itself or an advertiser's offer: such buttons come and go per request.
_PROMO = re.compile(
    r"^\W*(?:subscribe|donate|support\s+(?:us|our)|contribute|become\s+a|upgrade|"
    r"(?:start\s+(?:your\s+)?)?free\s+trial|try\b|gift|shop|buy|order\s+now|book\s+now|"
    r"learn\s+more|find\s+out\s+more|more\s+info|get\s+(?:the\s+)?(?:offer|deal|started|access)|"
    r"see\s+(?:the\s+)?(?:offer|deal)|claim|apply\s+now|install|open\s+in)\b",
    re.IGNORECASE,
)
# Class or id words of an ad slot or a paid placement.
_AD = re.compile(
    r"(?:^|[\s_-])(?:ads?|advert\w*|dfp|gpt|native|sponsored|partner\w*)(?:$|[\s_-])", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")


def content_area(core: etree._Element, has_chunks: bool) -> etree._Element | None:
    """The element whose links belong to the article: the core's parent, or the chunks' wrapper."""
    parent = core.getparent()
    if has_chunks and parent is not None:
        return parent.getparent()
    return parent


def chrome_labels(tree: etree._Element, area: etree._Element | None) -> frozenset[str]:
    """Link texts found outside the content area: the site's own navigation and buttons."""
    if area is None:
        return frozenset()
    inside = set(area.iter("a"))
    return frozenset(
        normalize_text(link.text_content()).casefold()
        for link in tree.iter("a")
        if link not in inside
    )


def _styled(node: etree._Element) -> bool:
    return _BUTTON_CLASS.search(node.get("class") or "") is not None or node.get("role") == "button"


def _block(link: etree._Element, stop: etree._Element) -> etree._Element:
    """The element that holds the link as a line: its nearest non-inline ancestor (or itself)."""
    block = link
    if link is not stop:
        block = link.getparent()
        while block is not stop and block.tag in _INLINE:
            block = block.getparent()
    return block


def _is_button(link: etree._Element, block: etree._Element) -> bool:
    """Styled as a button (on the link or its line), or a link to a file."""
    href = (link.get("href") or "").split("?", 1)[0].split("#", 1)[0]
    return (
        _styled(link)
        or (block is not link and _styled(block))
        or link.get("download") is not None
        or _FILE.search(href) is not None
    )


def _label(link: etree._Element, block: etree._Element) -> str | None:
    """The link's text when the link is a call to action standing on its own line, else None."""
    href = (link.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None  # a toggle, tab or contact link, not a resource
    if not _is_button(link, block) or "sponsored" in (link.get("rel") or "").lower():
        return None
    if block.tag in ("li", "dd", "dt", "td", "th"):
        return None  # an entry of a link list or table, which rotates like navigation
    text = normalize_text(link.text_content())
    words = text.split()
    if not words or len(words) > _MAX_WORDS or _DIGIT.search(text):
        return None  # empty, a headline, or a counter ("Comments 12", "3 files")
    if _CONTROL.match(text) or _PROMO.match(text) or is_boilerplate(text) or is_end_marker(text):
        return None
    # The whole line must be the link: a link inside a sentence is part of the prose.
    return text if normalize_text(block.text_content()) == text else None


def _is_placement(node: etree._Element) -> bool:
    """A menu, form, rail, promo/share box or ad slot (by tag, class or id)."""
    hints = f"{node.get('class') or ''} {node.get('id') or ''}"
    return is_furniture(node) or _AD.search(hints) is not None


def _in_furniture(link: etree._Element, stop: etree._Element) -> bool:
    node: etree._Element | None = link
    while node is not None and node is not stop:
        if _is_placement(node):
            return True
        node = node.getparent()
    return _is_placement(stop)


def _trail(container: etree._Element) -> Iterator[etree._Element]:
    """Small blocks right after a body container, up to the next section."""
    for count, sibling in enumerate(container.itersiblings()):
        if count >= _TRAIL or not isinstance(sibling.tag, str) or sibling.tag in _HEADINGS:
            return
        if len(normalize_text(sibling.text_content()).split()) >= _SECTION_WORDS:
            return
        yield sibling


def action_lines(container: etree._Element) -> list[str]:
    """Calls to action inside a body container and in the small blocks right after it.

    Site chrome is not filtered here: see `chrome_labels`, which costs a walk of every link
    on the page and is only worth it once some candidate was found.
    """
    lines: list[str] = []
    for root in (container, *_trail(container)):
        for link in root.iter("a"):
            text = _label(link, _block(link, root))
            if text is not None and not _in_furniture(link, root):
                lines.append(text)
    return lines
