"""The fast path for unchanged pages: hash only the article's text, where the extractor found it.

`locate` learns a Locator from one full extraction: the CSS path of the smallest element that
holds every extracted paragraph, and the shapes (tag, classes, mostly-link or not, under their
parent blocks) of the text blocks inside it that the extractor left out, such as rotating
"Related:" lines. `fingerprint` then reads a later page with selectolax (lexbor, several times
faster than a full lxml parse, and no trafilatura at all) and hashes the blocks of that element,
less the skipped shapes, together with everything the headline and byline are read from (title,
h1, the meta tags, JSON-LD, author markup) and the canonical address (a move). An equal
fingerprint means the same article text as last time; the pipeline still verifies with the
full extractor every few checks and whenever the fingerprint changes. On any doubt (no single
element matches, no text, a paragraph the blocks do not cover) there is no fingerprint, and the
caller runs the full extractor.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from copydesk.extract.metadata import AUTHOR_META, TITLE_META
from copydesk.extract.normalize import normalize_text
from copydesk.records import Article, Locator

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr",
        "ul",
    }
)  # fmt: skip
# Never text: the full extractor drops these before it reads anything (extract.parse).
_NEVER = frozenset({"script", "style", "template", "svg", "noscript", "iframe", "object"})
# og:url, with <link rel=canonical>: a new canonical address is a move the check must see.
_META_NAMES = frozenset(name.lower() for name in (*TITLE_META, *AUTHOR_META, "og:url"))
_LD_KEYS = ("headline", "author", "publisher", "name")
_SPACE = re.compile(r"\s+")
_LINKY = 0.5  # a block with more than this share of link text has a shape of its own
_MAX_DEPTH = 12  # selector steps from <body> to the container, at most
_MIN_CARRIER = 20  # characters a block or paragraph needs before a substring match counts


@dataclass(slots=True)
class _Block:
    node: LexborNode
    shape: str
    parts: list[str] = field(default_factory=list)
    linked: int = 0
    length: int = 0

    @property
    def raw(self) -> str:
        return " ".join(self.parts)

    @property
    def text(self) -> str:
        return normalize_text(self.raw)

    def full_shape(self) -> str:
        linky = self.length and self.linked / self.length > _LINKY
        return f"{self.shape}~link" if linky else self.shape


def _step(node: LexborNode) -> str:
    """A node as a selector step: its tag and the classes without digits (those are tokens)."""
    classes = sorted(c for c in (node.attributes.get("class") or "").split() if _plain(c))
    return (node.tag or "") + "".join(f".{c}" for c in classes)


def _plain(token: str) -> bool:
    return bool(token) and not any(ch.isdigit() for ch in token) and token.isascii()


def _walk(node: LexborNode, block: _Block, in_link: bool, out: list[_Block]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            text = child.text(deep=False)
            size = len(text.strip())
            if size:
                block.parts.append(text)
                block.length += size
                block.linked += size if in_link else 0
        elif tag in _NEVER or tag == "_comment":
            continue
        elif tag in _BLOCKS:
            inner = _Block(node=child, shape=f"{block.shape}>{_step(child)}")
            out.append(inner)
            _walk(child, inner, in_link or tag == "a", out)
        else:
            _walk(child, block, in_link or tag == "a", out)


def _blocks(container: LexborNode) -> list[_Block]:
    """Text blocks of a container in document order (the container's own loose text first)."""
    top = _Block(node=container, shape="")
    found = [top]
    _walk(container, top, False, found)
    return [block for block in found if block.length]


def _meta_inputs(tree: LexborHTMLParser) -> str:
    """Everything the headline and byline are read from, as one string."""
    parts = [node.text() for node in tree.css("title, h1")]
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        for key in ("property", "name", "itemprop"):
            name = (attrs.get(key) or "").strip().lower()
            if name in _META_NAMES:
                parts.append(f"{name}={attrs.get('content') or ''}")
    for node in tree.css('script[type="application/ld+json"]'):
        parts.append(_ld_inputs(node.text()))
    parts.extend(n.text() for n in tree.css("[rel=author], [itemprop=author]"))
    parts.extend(n.attributes.get("href") or "" for n in tree.css("link[rel~=canonical]"))
    return "\x00".join(parts)


def _ld_inputs(text: str) -> str:
    try:
        data = json.loads(text or "null")
    except ValueError:
        return text  # unreadable: its raw text, so any change still shows
    found: list[Any] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.append([item.get(key) for key in _LD_KEYS])
            stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return repr(found)  # the same JSON text always reads back the same values


def _hash(tree: LexborHTMLParser, blocks: list[_Block], locator: Locator) -> str | None:
    kept = [block.raw for block in blocks if block.full_shape() not in locator.skip]
    if not any(kept):
        return None
    # Whitespace is how the markup is laid out, not text: collapse it once for the whole page
    # (str.split is several times faster than a regular expression here).
    # NUL keeps the blocks apart (str.split would swallow \x1e as whitespace): a paragraph
    # split in two, or two joined, is a change.
    payload = " ".join("\x00".join([_meta_inputs(tree), *kept]).split())
    digest = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{locator.digest}:{digest}"


def _parse(html: str | bytes) -> LexborHTMLParser | None:
    try:
        tree = LexborHTMLParser(html)
    except Exception:  # lexbor refuses some inputs outright; the full extractor decides
        return None
    return tree if tree.body is not None else None


def fingerprint(html: str | bytes, locator: Locator) -> str | None:
    """The located article text's fingerprint on this page, or None when in any doubt."""
    tree = _parse(html)
    if tree is None:
        return None
    matches = tree.css(locator.selector)
    if len(matches) != 1:
        return None
    return _hash(tree, _blocks(matches[0]), locator)


def refit(html: str | bytes, locator: Locator, article: Article) -> str | None:
    """This page's fingerprint when `locator` still fits it and `article`'s text, else None.

    Fits: one element matches, the blocks the fingerprint reads cover every paragraph, and no
    skipped block carries article text. Cheaper than learning anew with `locate`.
    """
    tree = _parse(html)
    if tree is None or not article.paragraphs:
        return None
    matches = tree.css(locator.selector)
    if len(matches) != 1:
        return None
    blocks = _blocks(matches[0])
    whole = _squeeze("".join(article.paragraphs))
    covered = []
    for block in blocks:
        text = _squeeze(block.text)
        if block.full_shape() not in locator.skip:
            covered.append(text)
        elif len(text) >= _MIN_CARRIER and text in whole:
            return None  # article text in a block the fingerprint skips
    joined = "".join(covered)
    if not all(_squeeze(p) in joined for p in article.paragraphs):
        return None
    return _hash(tree, blocks, locator)


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def _ancestors(node: LexborNode, stop: int) -> list[LexborNode]:
    """`node` and its ancestors up to (not including) the node with mem_id `stop`, top first."""
    chain: list[LexborNode] = []
    current: LexborNode | None = node
    while current is not None and current.mem_id != stop:
        chain.append(current)
        current = current.parent
    return chain[::-1]


def _container(body: LexborNode, carriers: list[LexborNode]) -> list[LexborNode]:
    """The path from <body> (excluded) to the smallest element holding every carrier."""
    chains = [_ancestors(node, body.mem_id) for node in carriers]
    path: list[LexborNode] = []
    for level in zip(*chains, strict=False):
        if len({node.mem_id for node in level}) != 1:
            break
        path.append(level[0])
    return path


def _selector(tree: LexborHTMLParser, path: list[LexborNode]) -> str | None:
    """A child-combinator CSS path that matches the container and nothing else."""
    if len(path) > _MAX_DEPTH:
        return None
    selector = " > ".join(["body", *(_step(node) for node in path)])
    return selector if len(tree.css(selector)) == 1 else None


def locate(html: str | bytes, article: Article) -> tuple[Locator, str] | None:
    """Learn where this page keeps `article`'s text (what the full extractor made of it).

    Returns the Locator and this page's fingerprint, or None when the text cannot be pinned
    to one element whose blocks cover every paragraph.
    """
    tree = _parse(html)
    if tree is None or tree.body is None or not article.paragraphs:
        return None
    body = tree.body
    whole = _squeeze("".join(article.paragraphs))
    pieces = [_squeeze(p) for p in article.paragraphs]
    long_pieces = [p for p in pieces if len(p) >= _MIN_CARRIER]
    carriers = [
        block
        for block in _blocks(body)
        if len(text := _squeeze(block.text)) >= _MIN_CARRIER
        and (text in whole or any(p in text for p in long_pieces))
    ]
    if not carriers:
        return None
    path = _container(body, [block.node for block in carriers])
    selector = _selector(tree, path) if path else None
    if selector is None:
        return None
    container = tree.css_first(selector)
    assert container is not None
    blocks = _blocks(container)
    kept: set[str] = set()
    left: set[str] = set()
    for block in blocks:
        text = _squeeze(block.text)
        carries = text in whole or any(p in text for p in pieces if p)
        (kept if carries else left).add(block.full_shape())
    locator = Locator(selector=selector, skip=tuple(sorted(left - kept)))
    covered = "".join(_squeeze(b.text) for b in blocks if b.full_shape() not in locator.skip)
    if not all(piece in covered for piece in pieces):
        return None  # some paragraph would escape the fingerprint
    found = _hash(tree, blocks, locator)
    return None if found is None else (locator, found)
