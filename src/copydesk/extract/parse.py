"""Bytes or text in, a parsed lxml document out; every failure becomes ExtractError.

Bytes are decoded by copydesk.charset, the same decoder the fetch stage uses.
"""

from __future__ import annotations

import re

from lxml import etree, html

from copydesk.charset import decode_body
from copydesk.errors import ExtractError

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Text past this many characters is almost never article body; cutting it bounds parse time.
MAX_CHARS = 8_000_000
# When more than this share of the characters are control or replacement characters, the
# "page" is binary (an image, a PDF, compressed bytes) and not HTML at all.
_JUNK_SHARE = 0.05
_SAMPLE = 20_000
# Real article pages stay far below this many elements once scripts are gone (the benchmark's
# largest has under 2,000); beyond it, extraction time grows into tens of seconds.
MAX_ELEMENTS = 25_000
_NEVER_TEXT = ("script", "style", "template", "svg", "link", "meta")


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return False
    junk = len(_XML_INCOMPATIBLE.findall(sample)) + sample.count("\ufffd")
    return junk / len(sample) > _JUNK_SHARE


def parse_html(data: str | bytes) -> html.HtmlElement:
    """Parse a page leniently, as browsers do.

    Raises:
        ExtractError: the input is empty, binary, or not parseable as HTML.
    """
    text = (data if isinstance(data, str) else decode_body(data)[0])[:MAX_CHARS]
    if not text.strip():
        raise ExtractError("empty page")
    if _looks_binary(text):
        raise ExtractError("not an HTML page (binary content)")
    text = _XML_INCOMPATIBLE.sub("", _XML_DECL.sub("", text))
    # The parser settings trafilatura uses: comments and processing instructions never count.
    parser = html.HTMLParser(
        collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
    )
    try:
        tree = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"unparseable HTML: {exc}") from exc
    if tree is None or len(tree) == 0:
        raise ExtractError("no document body")
    return tree


def strip_code(tree: html.HtmlElement) -> None:
    """Remove scripts, styles and head links in place; refuse trees too big to extract.

    Code and styling never hold article text; removing them in C first makes every later pass
    (trafilatura, its readability fallback, our filters) walk a smaller tree.

    Raises:
        ExtractError: more than MAX_ELEMENTS elements remain.
    """
    etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    count = int(tree.xpath("count(//*)"))
    if count > MAX_ELEMENTS:
        raise ExtractError(f"page too large to extract: {count} elements")
