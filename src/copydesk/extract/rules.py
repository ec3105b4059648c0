"""Per-source CSS rules: drop page parts before extraction, or keep only the named parts."""

from __future__ import annotations

import copy
import hashlib
import logging

from lxml import etree, html
from lxml.cssselect import CSSSelector

from copydesk.errors import ConfigError, ExtractError
from copydesk.records import ExtractRules

logger = logging.getLogger(__name__)


def rules_fingerprint(rules: ExtractRules) -> str:
    """Eight hex digits that change whenever the rules change (empty string for no rules)."""
    if not rules.keep and not rules.drop:
        return ""
    payload = "\x1f".join(("keep", *rules.keep, "\x1e", "drop", *rules.drop))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8]


def check_rules(rules: ExtractRules) -> None:
    """Validate every selector when a source is configured.

    Raises:
        ConfigError: a selector is not valid CSS (or uses what cssselect cannot translate).
    """
    for selector in (*rules.keep, *rules.drop):
        try:
            CSSSelector(selector)
        except Exception as exc:  # cssselect's SelectorError and ExpressionError have no base
            raise ConfigError(f"invalid CSS selector {selector!r}: {exc}") from exc


def _compile(selector: str) -> CSSSelector:
    try:
        return CSSSelector(selector)
    except Exception as exc:  # cssselect's SelectorError and ExpressionError have no base
        raise ExtractError(f"invalid CSS selector {selector!r}: {exc}") from exc


def _matches(tree: html.HtmlElement, selectors: tuple[str, ...]) -> list[html.HtmlElement]:
    """Matched elements in document order, without duplicates."""
    # Holding the matches keeps their lxml proxies alive, so id() is stable during the walk.
    matched = [
        el for sel in selectors for el in _compile(sel)(tree) if isinstance(el, etree._Element)
    ]
    hits = {id(el) for el in matched}
    return [el for el in tree.iter() if id(el) in hits]


def apply_drop(tree: html.HtmlElement, rules: ExtractRules) -> None:
    """Remove every element matched by a drop selector, in place (tail text is kept)."""
    if not rules.drop:
        return
    for element in _matches(tree, rules.drop):
        if element.getparent() is not None:
            element.drop_tree()


def apply_keep(tree: html.HtmlElement, rules: ExtractRules) -> html.HtmlElement | None:
    """A new document holding only the elements matched by keep selectors, or None.

    None means "no keep rules, or none matched": the caller falls back to the whole page, so a
    redesign that breaks a keep rule degrades to generic extraction instead of an empty article.
    """
    if not rules.keep:
        return None
    kept = _outermost(_matches(tree, rules.keep))
    if not kept:
        logger.info("keep rules matched nothing; using generic extraction")
        return None
    document = html.Element("html")
    body = etree.SubElement(document, "body")
    for element in kept:
        clone = copy.deepcopy(element)
        clone.tail = None
        body.append(clone)
    return document


def _outermost(elements: list[html.HtmlElement]) -> list[html.HtmlElement]:
    """Drop elements nested inside another matched element, keeping document order."""
    chosen = {id(el) for el in elements}
    return [el for el in elements if not any(id(a) in chosen for a in el.iterancestors())]
