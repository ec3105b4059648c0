"""Headline, byline, date and canonical URL from a page's markup, read before any cleaning.

Cheap XPath lookups over the meta tags, JSON-LD and visible markup that news sites publish;
htmldate is asked only when none of them gives a date.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import htmldate
from lxml import etree
from lxml.html import HtmlElement

from copydesk.extract.normalize import normalize_text
from copydesk.urls import InvalidURL, canonical_url

logger = logging.getLogger(__name__)

_SEPARATOR = re.compile(r"\s+[-|–—:•·»/]+\s+|:\s+")
_DATE_META = (
    "article:published_time",
    "datePublished",
    "og:published_time",
    "published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "DC.date.issued",
    "date",
    "dcterms.created",
)
# Where the headline is read from besides <h1>, <title> and JSON-LD (extract.fast hashes them).
TITLE_META = ("og:title", "twitter:title", "og:site_name", "application-name")
AUTHOR_META = (
    "author",
    "article:author",
    "byl",
    "sailthru.author",
    "parsely-author",
    "dc.creator",
    "DC.creator",
    "twitter:creator",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_BYLINE_PREFIX = re.compile(r"^(?:by|von|por|par|di|door)\s+", re.IGNORECASE)
_MAX_BYLINE = 120
# Compiled XPath runs in C and returns only matches; ElementPath would wrap every node in Python.
_META_TAGS = etree.XPath("//meta[@content]")
_H1 = etree.XPath("//h1")
_HTML_TITLE = etree.XPath("//title")
_AUTHOR_MARKUP = etree.XPath("//*[@rel='author' or @itemprop='author']")
_TIME = etree.XPath("//time[@datetime]/@datetime")
_LD_JSON = etree.XPath("//script[@type='application/ld+json']")
_LINK_REL = etree.XPath("//link[@rel and @href]")


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str
    byline: str | None
    published_at: str | None
    canonical_url: str | None


def _metas(tree: HtmlElement) -> dict[str, str]:
    """First non-empty content of every meta tag by property, name and itemprop (one pass)."""
    found: dict[str, str] = {}
    for element in _META_TAGS(tree):
        content = normalize_text(element.get("content") or "")
        for attr in ("property", "name", "itemprop"):
            key = element.get(attr)
            if key and content:
                found.setdefault(key.strip().lower(), content)
    return found


def _pick(metas: dict[str, str], *names: str) -> str:
    for name in names:
        value = metas.get(name.lower())
        if value:
            return value
    return ""


def _first_text(elements: list[HtmlElement]) -> str:
    for element in elements:
        text = normalize_text(element.text_content())
        if text:
            return text
    return ""


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, flattened out of lists and @graph."""
    found: list[dict[str, Any]] = []
    for script in _LD_JSON(tree):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return found


def _ld_value(objects: list[dict[str, Any]], key: str) -> Any:
    for item in objects:
        if item.get(key):
            return item[key]
    return None


def _author_names(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list):
        return ", ".join(name for name in map(_author_names, value) if name)
    return ""


def _clean_byline(text: str) -> str | None:
    text = _BYLINE_PREFIX.sub("", normalize_text(text))
    if not text or len(text) > _MAX_BYLINE or text.startswith(("http://", "https://", "@")):
        return None
    return text


def _byline(tree: HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    candidates = (
        _author_names(_ld_value(ld, "author")),
        _pick(metas, *AUTHOR_META),
        _first_text(_AUTHOR_MARKUP(tree)),
    )
    for candidate in candidates:
        cleaned = _clean_byline(candidate)
        if cleaned:
            return cleaned
    return None


def _date(
    tree: HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]], url: str
) -> str | None:
    candidates = [str(_ld_value(ld, "datePublished") or ""), _pick(metas, *_DATE_META)]
    candidates += [str(value) for value in _TIME(tree)][:1]
    for candidate in candidates:
        match = _ISO_DATE.match(candidate.strip())
        if match:
            return match.group(0)
    try:
        found = htmldate.find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception as exc:  # htmldate has no exception base; a date is optional
        logger.debug("htmldate failed: %s", exc)
        return None
    return found if isinstance(found, str) else None


def _canonical(tree: HtmlElement, metas: dict[str, str], url: str) -> str | None:
    hrefs = [
        el.get("href") or ""
        for el in _LINK_REL(tree)
        if "canonical" in (el.get("rel") or "").lower().split()
    ]
    hrefs.append(_pick(metas, "og:url"))
    for href in hrefs:
        if href.strip():
            try:
                return canonical_url(href, base=url)
            except InvalidURL:
                continue
    return None


def strip_site_name(title: str, site_name: str) -> str:
    """Remove " - Site" / " | Site" / "Site: " around a title when the site name is known."""
    site = site_name.casefold()
    if not site or title.casefold() == site:
        return title
    cuts = list(_SEPARATOR.finditer(title))
    if cuts and title[cuts[-1].end() :].casefold() == site:
        return title[: cuts[-1].start()].strip() or title
    if cuts and title[: cuts[0].start()].casefold() == site:
        return title[cuts[0].end() :].strip() or title
    return title


def _title(tree: HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]]) -> str:
    site_name = _pick(metas, "og:site_name", "application-name")
    if not site_name:
        publisher = _ld_value(ld, "publisher")
        site_name = normalize_text(_author_names(publisher))
    for candidate in (
        _pick(metas, "og:title", "twitter:title"),
        _first_text(_H1(tree)),
        normalize_text(str(_ld_value(ld, "headline") or "")),
        _first_text(_HTML_TITLE(tree)),
    ):
        if candidate:
            return strip_site_name(candidate, site_name)
    return ""


def page_metadata(tree: HtmlElement, *, url: str) -> PageMetadata:
    """Everything but the body, from an untouched tree."""
    ld = _json_ld(tree)
    metas = _metas(tree)
    return PageMetadata(
        title=_title(tree, metas, ld),
        byline=_byline(tree, metas, ld),
        published_at=_date(tree, metas, ld, url),
        canonical_url=_canonical(tree, metas, url),
    )
