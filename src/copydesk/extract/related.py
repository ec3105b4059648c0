"""Related-story lines inside the article: a line that is nothing but a link to another story.

Publishers drop "related story" links into the body without a "Related:" label, as a
paragraph, a bold line or a short list of headlines, and rotate them per request. Kept, they
make two loads of one article differ. Such a line is recognised by its shape alone: its whole
text is one link, the link goes to another page of the same site whose path looks like an
article (a long slug or a numeric id, at about the page's own depth), and the link text is a
headline (four words or more). A link inside a sentence, to another site, to a file or an
anchor, or to a short path ("/plan", "/apps") stays, as does every link when the page's
address is unknown (no URL and no canonical link). No site, class or phrase list is involved.

The same line glued to the end of a paragraph ("…said the chief executive.Read more: Other
story") is cut off it (`related_tail`): in the page it is its own line, or a short label and
the link closing a paragraph after a full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from copydesk.extract.normalize import normalize_text

# Headlines have four words or more; shorter link lines are labels or calls to action.
_MIN_WORDS = 4
# Inline wrappers that may hold the link without adding text of their own.
_INLINE = frozenset(
    {"a", "span", "b", "strong", "em", "i", "u", "small", "font", "mark", "big", "cite"}
)
# Punctuation a related line may be wrapped in: "(Read: …)", "» …", "… →".
_WRAPPING = " \t\n()[]{}<>«»‹›\"'“”‘’*•·|:;,.–—-→»"
# A page or script extension on the last path segment; anything else with a dot is a file.
_PAGE_EXTENSION = re.compile(r"\.(?:s?html?|php\d?|aspx?|jspx?|cms|cfm|shtml)$", re.IGNORECASE)
_SLUG_WORD = re.compile(r"[^\W\d_]+")
_SLUG_SPLIT = re.compile(r"[-_+]")
# An article slug has three words or more ("council-votes-on-fares"), or a numeric id.
_SLUG_WORDS = 3
_ID = re.compile(r"\d{5,}")
# The link's path may be this many segments deeper or shallower than the page's own.
_DEPTH_SLACK = 1
# A label before a related link: one to three words and a separator ("Read more:", "ALSO |").
_LABEL = re.compile(
    r"(?:^|(?<=[.!?…\"”’)\]]))\s*((?:[^\W\d_][\w'’]*\s+){0,2}[^\W\d_][\w'’]*\s*[:|»›>–—]+)\s*$"
)
# A notice that links to a story is editorial content, never a promo line.
_NOTICE_LABEL = re.compile(r"correct|clarif|updat|editor|amend|retract", re.IGNORECASE)
# What ends a sentence: a glued line may only be cut after one.
_SENTENCE_END = frozenset('.!?…"”’)]')
_SPACE = re.compile(r"\s+")
# Second-level labels under which a registered domain takes three labels (bbc.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})


def _registered_domain(host: str) -> str:
    labels = [label for label in host.lower().strip(".").split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _is_article_path(path: str, page_depth: int) -> bool:
    """A slug of three words or more, or a numeric id, at about the page's own depth."""
    segments = _segments(path)
    if not segments or abs(len(segments) - page_depth) > _DEPTH_SLACK:
        return False
    last = segments[-1]
    if "." in last:
        if not _PAGE_EXTENSION.search(last):
            return False  # a document, image or data file: actions.py decides about those
        last = last.rsplit(".", 1)[0]
    if _ID.search(last) is not None:
        return True
    words = [part for part in _SLUG_SPLIT.split(last) if _SLUG_WORD.fullmatch(part)]
    return len(words) >= _SLUG_WORDS


@dataclass(frozen=True)
class PageAddress:
    """Where the page lives, parsed once: the base for its links, its site and its own paths."""

    base: str
    domains: frozenset[str]
    own_paths: frozenset[str]
    depth: int

    @classmethod
    def of(cls, *urls: str | None) -> PageAddress | None:
        """From the page's URLs, most trusted first (its declared canonical URL, the fetch URL).

        The first absolute http(s) URL is the base that relative links resolve against, so a
        page saved without its address still knows its site from its canonical link.
        """
        parts = []
        for url in urls:
            try:
                split = urlsplit(url or "")
            except ValueError:
                continue
            if split.scheme in ("http", "https") and split.hostname:
                parts.append((url or "", split))
        if not parts:
            return None
        base, first = parts[0]
        return cls(
            base=base,
            domains=frozenset(_registered_domain(split.hostname or "") for _, split in parts),
            own_paths=frozenset(_own_path(split.path) for _, split in parts),
            depth=len(_segments(first.path)),
        )

    def points_elsewhere(self, href: str) -> bool:
        """Whether a link goes to another article-shaped page of the same site."""
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return False
        try:
            target = urlsplit(urljoin(self.base, href))
        except ValueError:
            return False
        if target.scheme not in ("http", "https") or not target.hostname:
            return False
        if _registered_domain(target.hostname) not in self.domains:
            return False  # another site: a source, a shop, a partner
        if _own_path(target.path) in self.own_paths:
            return False  # the page itself (a headline linking to its own URL)
        return _is_article_path(target.path, self.depth)


def _own_path(path: str) -> str:
    return unquote(path).rstrip("/")


def _line(element: etree._Element) -> etree._Element:
    """The element holding the text as a line: its nearest non-inline ancestor."""
    node = element
    while node.tag in _INLINE:
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node


def _bare(text: str) -> str:
    return normalize_text(text).strip(_WRAPPING)


def is_related_link(element: etree._Element, text: str, *, page: PageAddress) -> bool:
    """Whether a paragraph, found at `element`, is one headline link to another story.

    Args:
        element: where the paragraph's first character sits in the source page.
        text: the paragraph as extracted.
        page: where the page lives.
    """
    bare = _bare(text)
    if len(bare.split()) < _MIN_WORDS:
        return False
    line = _line(element)
    if _bare(line.text_content()) != bare:
        return False  # the link is part of a longer line: prose, or a labelled list
    links = [link for link in line.iter("a") if normalize_text(link.text_content())]
    if len(links) != 1 or _bare(links[0].text_content()) != bare:
        return False
    return page.points_elsewhere((links[0].get("href") or "").strip())


def _label(head: str) -> str | None:
    """The label ending `head` ("" for none), or None when `head` is prose without one."""
    if not head:
        return ""
    match = _LABEL.search(head)
    if match is None or _NOTICE_LABEL.search(match.group(1)):
        return None
    return match.group(1)


def _tail_start(text: str, tail: str) -> int | None:
    """Index in `text` where it ends with `tail`, whitespace and closing punctuation aside."""
    want = _SPACE.sub("", tail)
    body = text.rstrip(_WRAPPING)
    if not want or not _SPACE.sub("", body).endswith(want):
        return None
    index, left = len(body), len(want)
    while left:
        index -= 1
        if not body[index].isspace():
            left -= 1
    return index


def related_tail(link: etree._Element, text: str, *, page: PageAddress) -> int | None:
    """Where a related-story line glued to the end of the paragraph `text` starts, or None.

    `link` is the link the paragraph ends in. It qualifies when its text is a headline (four
    words or more) to another article-shaped page of the site, and in the page it ends a line
    of its own, alone or after a short label, or closes a paragraph after a full stop and a
    label. In `text` the line must follow the start or a full stop. 0 means the whole
    paragraph is such a line.
    """
    anchor = _bare(link.text_content())
    if len(anchor.split()) < _MIN_WORDS:
        return None
    line = _bare(_line(link).text_content())
    if not line.endswith(anchor):
        return None  # words follow the link in its line: it is inside a sentence
    label = _label(line[: len(line) - len(anchor)].rstrip())
    if label is None:
        return None
    start = _tail_start(text, f"{label} {anchor}" if label else anchor)
    if start is None:
        return None
    before = text[:start].rstrip()
    if before and before[-1] not in _SENTENCE_END:
        return None
    if not page.points_elsewhere((link.get("href") or "").strip()):
        return None
    return start
