"""Embedded social posts and pull-quotes: their text is article content, their chrome is not.

A tweet, Instagram, Facebook, Bluesky, Mastodon, Threads or TikTok post quoted in a story is
part of what the newsroom published: a figure changed inside it is an edit. The platforms'
embed codes mark such posts with fixed class names (`twitter-tweet`, `instagram-media` …),
and pull-quotes carry a "pull-quote" class. Extractors drop both, because the wrappers are
named like share widgets ("social-embed") or are asides and figures.

Before extraction each embed is stripped of its chrome (follow and reply buttons, like and
reply counts, timestamps, "View this post on Instagram"), which can change on every load
and would make false versions; its links become plain text (a caption is often one link to
the post, which reads as a link list); and its wrappers lose the names and tags that get it
dropped.
The platform class names are the embed codes' own, the same on every site.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from copydesk.extract.blocks import separate_loose_runs
from copydesk.extract.boilerplate import is_timestamp
from copydesk.extract.normalize import normalize_text

# Class names of the platforms' embed codes, and of pull-quotes ("pullquote", "pull-quote",
# "wp-block-pullquote", "c-pullquote--left" …).
_EMBED_CLASS = re.compile(
    r"(?:^|\s)(?:twitter-tweet|twitter-video|instagram-media|bluesky-embed|mastodon-embed|"
    r"fb-post|fb-video|tiktok-embed|text-post-media|threads-embed|reddit-embed-bq|"
    r"[\w-]*pull-?quote(?![\w-]*__)[\w-]*)(?:\s|$)",
    re.IGNORECASE,
)
# Every class attribute of the page as plain strings: one search over them all tells whether
# the page has an embed at all (most have none), far cheaper than testing each element.
_CLASSES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
_HINT = re.compile(
    r"twitter-(?:tweet|video)|instagram-media|bluesky-embed|mastodon-embed|fb-(?:post|video)|"
    r"tiktok-embed|text-post-media|threads-embed|reddit-embed-bq|[Pp][Uu][Ll][Ll]-?[Qq][Uu][Oo][Tt][Ee]"
)
# Elements of an embed that never hold the post's text.
_CHROME_TAGS = frozenset(
    {"button", "svg", "img", "picture", "video", "audio", "iframe", "time", "form", "input",
     "select", "noscript", "canvas", "object", "embed"}
)  # fmt: skip
_COUNT = r"[\d.,]+\s*[kmb]?"
_PLATFORM = r"(?:x|twitter|instagram|facebook|threads|mastodon|bluesky|tiktok|reddit|youtube)"
# The whole text of an element that is embed chrome: buttons, counters, platform prompts,
# the widget's own "posted by … on …" line, and relative times ("2h", "5 minutes ago").
_CHROME = re.compile(
    r"^\W*(?:"
    r"follow(?:\s+@?\S+)?|following|followers?|unfollow|subscribe|"
    r"repl(?:y|ies)|retweets?|reposts?|quotes?|likes?|share|copy(?:\s+link)?(?:\s+to\s+\w+)?|"
    rf"{_COUNT}(?:\s+(?:likes?|repl(?:y|ies)|retweets?|reposts?|quotes?|comments?|shares?|"
    r"views?|followers?|plays?|bookmarks?|reactions?|boosts?|favou?rites?))?|"
    rf"read\s+{_COUNT}\s+repl(?:y|ies)|read\s+more(?:\s+on\s+{_PLATFORM})?|"
    r"(?:view|see|watch|open|read|continue)\s+(?:this\s+|the\s+(?:full\s+)?)?"
    rf"(?:post|profile|photo|video|tweet|thread|reel|conversation|more)?\s*(?:on|in)\s+{_PLATFORM}|"
    r"(?:show|see|load|learn)\s+more|"
    r"a\s+post\s+shared\s+by\b.*|posted\s+by\b.*|post\s+by\s+@.*|"
    r"\d+\s*(?:s|m|h|d|w|mo|y|sec|min|hr)s?|\d+\s+\w+\s+ago|♬.*"
    r")\W*$",
    re.IGNORECASE,
)
# Chrome pieces share a line: "1,204 boosts · 2h", "3:04 PM · Nov 18, 2019".
_PIECES = re.compile(r"\s*[·•|]\s*")
# A timestamp the boilerplate rule misses: "Jun 16, 2019 at 7:30am PDT".
_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
# Wrapper tags an extractor drops whole; around an embed they become plain containers.
_DROPPED_WRAPPERS = frozenset({"aside", "figure", "section", "header", "footer", "nav"})


def _find_embeds(tree: HtmlElement) -> list[etree._Element]:
    """The outermost elements carrying an embed or pull-quote class, in document order."""
    if not _HINT.search("\n".join(_CLASSES(tree))):
        return []
    found = [
        node
        for node in tree.iter()
        if isinstance(node.tag, str) and _EMBED_CLASS.search(node.get("class") or "")
    ]
    chosen = set(found)
    return [node for node in found if not any(a in chosen for a in node.iterancestors())]


def is_chrome(text: str) -> bool:
    """Whether an element's whole text is embed chrome (a button, a counter, a time)."""
    pieces = [piece for piece in _PIECES.split(normalize_text(text)) if piece]
    return bool(pieces) and all(
        _CHROME.match(piece) is not None or is_timestamp(_AT.sub(" ", piece)) for piece in pieces
    )


def _remove(node: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _strip_chrome(node: etree._Element) -> None:
    for child in list(node):
        if not isinstance(child.tag, str):
            continue
        if (
            child.tag in _CHROME_TAGS
            or child.get("role") == "button"
            or is_chrome(child.text_content())
        ):
            _remove(child)
        else:
            _strip_chrome(child)


def _unmark(node: etree._Element, *, retag: str) -> None:
    """Take off what gets an element dropped: its class and id, and a dropped wrapper tag."""
    for name in ("class", "id", "role"):
        node.attrib.pop(name, None)
    if node.tag in _DROPPED_WRAPPERS:
        node.tag = retag


def keep_embeds(tree: HtmlElement) -> int:
    """Strip embeds of their chrome and unmark them and their wrappers, in place.

    Returns how many embeds were found.
    """
    embeds = _find_embeds(tree)
    for embed in embeds:
        separate_loose_runs(embed)  # the widget's "— Name (@handle) <a>date</a>" is a line
        _strip_chrome(embed)
        for link in list(embed.iter("a")):  # a caption wrapped in its permalink reads as a link
            link.drop_tag()
        text = normalize_text(embed.text_content())
        _unmark(embed, retag="blockquote")
        wrapper = embed.getparent()
        while wrapper is not None and wrapper.tag not in ("body", "html"):
            if normalize_text(wrapper.text_content()) != text:
                break  # the wrapper holds article text too: it is no embed wrapper
            _unmark(wrapper, retag="div")
            wrapper = wrapper.getparent()
    return len(embeds)
