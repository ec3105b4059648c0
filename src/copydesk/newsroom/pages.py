"""Article pages in three template families, wrapped in boilerplate that changes every request.

Only the headline, byline and body paragraphs are the article's true text; everything else
(ads, tokens, counts, shuffled boxes, relative dates, inline links) is noise from `Noise`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from types import MappingProxyType
from typing import TypeVar

from copydesk.newsroom.script import SECTION_TEMPLATES

SITE_NAME = "The Daily Ledger"
SECTIONS = tuple(SECTION_TEMPLATES)
T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveArticle:
    """An article as it stands at the moment of a request, with displayed (virtual) dates."""

    key: int
    path: str
    section: str
    template: str
    title: str
    byline: str
    author_role: str
    paragraphs: tuple[str, ...]
    caption: str
    published: datetime
    modified: datetime
    tracked_link: bool


class Noise:
    """Per-request randomness for boilerplate; the serial makes two requests always differ."""

    def __init__(self, rng: random.Random, serial: int) -> None:
        self._rng = rng
        self.serial = serial

    def token(self) -> str:
        return f"{self.serial:x}{self._rng.getrandbits(64):016x}"

    def ad(self) -> str:
        return f'<div class="ad" id="ad-{self.token()[-10:]}">Advertisement</div>'

    def count(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        return self._rng.sample(list(items), min(k, len(items)))


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def displayed(moment: datetime) -> str:
    """'10:32 UTC, 14 March 2026' as the site prints dates."""
    return f"{moment:%H:%M} UTC, {moment.day} {moment:%B %Y}"


def ago(now: datetime, then: datetime) -> str:
    """A relative time such as '3 minutes ago', which changes between requests."""
    seconds = max(0, int((now - then).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            amount = seconds // size
            return f"{amount} {unit}{'s' if amount != 1 else ''} ago"
    return "just now"


def _json_ld(article: LiveArticle, canonical: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "author": [{"@type": "Person", "name": n} for n in article.byline.split(" and ")],
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "mainEntityOfPage": canonical,
        "articleSection": article.section.capitalize(),
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    return json.dumps(data).replace("</", "<\\/")


def _head(article: LiveArticle, canonical: str, noise: Noise) -> str:
    summary = _attr(article.paragraphs[0][:200])
    return (
        f'<head><meta charset="utf-8"><title>{_text(article.title)} | {SITE_NAME}</title>\n'
        f'<meta name="description" content="{summary}">\n'
        f'<link rel="canonical" href="{_attr(canonical)}">\n'
        f'<meta property="og:title" content="{_attr(article.title)}">\n'
        f'<meta property="og:url" content="{_attr(canonical)}">\n'
        f'<script type="application/ld+json">{_json_ld(article, canonical)}</script>\n'
        f'<script>window.__LEDGER__={{"session":"{noise.token()}","ab":"{noise.count(1, 9)}"}};'
        "</script>\n</head>"
    )


def cookie_banner(noise: Noise) -> str:
    return (
        f'<div id="cookie-banner" data-consent="{noise.token()}"><p>We use cookies to improve '
        "your experience and to show you relevant advertising. You can change your choices at "
        "any time.</p><button>Accept all</button> <button>Manage cookies</button></div>"
    )


def nav(active: str) -> str:
    links = "".join(
        f'<li{" class=active" if s == active else ""}><a href="/news/{s}">{s.capitalize()}</a></li>'
        for s in SECTIONS
    )
    return f'<nav class="site-nav"><ul><li><a href="/">Home</a></li>{links}</ul></nav>'


def _share(canonical: str, noise: Noise) -> str:
    url = _attr(canonical)
    return (
        f'<ul class="share"><li><a href="https://www.facebook.com/sharer/sharer.php?u={url}">'
        f"Share on Facebook</a> <span>{noise.count(5, 2400)}</span></li>"
        f'<li><a href="https://twitter.com/intent/tweet?url={url}">Share on Twitter</a> '
        f'<span>{noise.count(5, 900)}</span></li><li><a href="mailto:?body={url}">Email</a>'
        "</li></ul>"
    )


def _link_list(css: str, heading: str, items: Sequence[LiveArticle], *, ordered: bool) -> str:
    tag = "ol" if ordered else "ul"
    rows = "".join(f'<li><a href="{_attr(a.path)}">{_text(a.title)}</a></li>' for a in items)
    return f'<aside class="{css}"><h2>{heading}</h2><{tag}>{rows}</{tag}></aside>'


def most_read(others: Sequence[LiveArticle], noise: Noise) -> str:
    return _link_list("most-read", "Most read", noise.sample(others, 5), ordered=True)


def _newsletter() -> str:
    return (
        '<aside class="newsletter"><h2>Morning Briefing</h2><p>Sign up for our free newsletter '
        "and get the day's top stories in your inbox every morning.</p>"
        '<form action="/newsletter"><input type="email" name="email" placeholder="Your email">'
        "<button>Sign up</button></form></aside>"
    )


def footer(noise: Noise, now: datetime) -> str:
    return (
        '<footer class="site-footer"><ul><li><a href="/about">About us</a></li>'
        '<li><a href="/contact">Contact</a></li><li><a href="/private/staff">Staff login</a></li>'
        '<li><a href="/privacy">Privacy policy</a></li></ul>'
        f"<p>&copy; {now.year} {SITE_NAME}. Page generated {displayed(now)} "
        f"(ref {noise.token()}).</p></footer>\n"
        f'<script src="/static/app.js?v={noise.token()}"></script>'
    )


def _inline_link(label: str, others: Sequence[LiveArticle], noise: Noise) -> str | None:
    picked = noise.sample(others, 1)
    if not picked:
        return None
    return (
        f'<strong>{label}</strong> <a href="{_attr(picked[0].path)}">{_text(picked[0].title)}</a>'
    )


Wrap = Callable[[str, str], str]  # (part kind, inner HTML) -> the template's markup
EMBED_EVERY = 3  # one article in three quotes one of its paragraphs as an embedded post
_EMBEDDED = 2  # which paragraph


def embedded_post(text: str, noise: Noise) -> str:
    """A paragraph quoted as a social post: its text is the article's, its chrome is noise."""
    status = f"https://twitter.com/dailyledger/status/{noise.count(10**17, 10**18)}"
    return (
        '<div class="social-embed"><blockquote class="twitter-tweet"><p lang="en">'
        f'{_text(text)}</p><div class="tweet-meta"><a href="{status}">{noise.count(1, 59)}m</a>'
        f" · <span>{noise.count(10, 9000):,} Likes</span> <button>Follow</button></div>"
        "</blockquote></div>"
    )


def _body(article: LiveArticle, others: Sequence[LiveArticle], noise: Noise, wrap: Wrap) -> str:
    """True paragraphs with a figure, an ad and 'Related:'/'READ MORE:' lines slipped between.

    With no `others` (the plain profile) there are no inline links, so nothing in the article
    text changes between requests. In one article in `EMBED_EVERY`, one paragraph is shown as
    an embedded post whose like count, time and Follow button come from `noise` (so they change
    on every request unless the profile is steady).
    """
    last = len(article.paragraphs) - 1
    inserts: dict[int, list[str]] = {}  # markup to place before paragraph N (never the first)

    def place(at: int, markup: str) -> None:
        inserts.setdefault(max(1, min(at, last)), []).append(markup)

    figure = f'<img src="/img/{article.key}.jpg" alt=""><figcaption>{_text(article.caption)}'
    place(1, wrap("figure", figure + "</figcaption>"))
    for label, low, high in (("Related:", 2, 3), ("READ MORE:", 4, 6)):
        line = _inline_link(label, others, noise)
        if line is not None:
            place(noise.count(low, high), wrap(label, line))
    place(noise.count(3, 5), noise.ad())
    embed = _EMBEDDED if article.key % EMBED_EVERY == 0 and last > _EMBEDDED else None
    parts = []
    for index, paragraph in enumerate(article.paragraphs):
        parts.extend(inserts.get(index, []))
        if index == embed:
            parts.append(embedded_post(paragraph, noise))
        else:
            parts.append(wrap("text", _text(paragraph)))
    return "\n".join(parts)


def _classic_wrap(kind: str, inner: str) -> str:
    css = {"figure": "", "Related:": "related-inline", "READ MORE:": "read-more"}.get(kind)
    if kind == "figure":
        return f'<figure class="inline-image">{inner}</figure>'
    return f'<p class="{css}">{inner}</p>' if css else f"<p>{inner}</p>"


def _classic(
    a: LiveArticle,
    others: Sequence[LiveArticle],
    canonical: str,
    now: datetime,
    noise: Noise,
    inner: Noise,
    inline: Sequence[LiveArticle],
) -> str:
    related = noise.sample(others, noise.count(2, 4))
    return f"""<!DOCTYPE html>
<html lang="en-GB">{_head(a, canonical, noise)}
<body class="section-{a.section}">{cookie_banner(noise)}
<header class="masthead"><a class="logo" href="/">{SITE_NAME}</a>{nav(a.section)}</header>
{noise.ad()}
<main id="content"><article class="story">
<header class="story-header">
<p class="kicker"><a href="/news/{a.section}">{a.section.capitalize()}</a></p>
<h1 class="headline">{_text(a.title)}</h1>
<p class="byline">By <span class="author">{_text(a.byline)}</span></p>
<p class="dateline"><time datetime="{a.published.isoformat()}">
Published {displayed(a.published)}</time>,
<span class="updated">Updated {ago(now, a.modified)}</span></p></header>
{_share(canonical, noise)}
<div class="article-body" itemprop="articleBody">
{_body(a, inline, inner, _classic_wrap)}
</div>
{_newsletter()}
<p class="comments-link"><a href="#comments">{inner.count(3, 480)} comments</a></p>
</article>
<div class="sidebar">{most_read(others, noise)}{noise.ad()}
{_link_list("related", "Related stories", related, ordered=False)}</div>
</main>
{footer(noise, now)}
</body></html>
"""


def _magazine_wrap(kind: str, inner: str) -> str:
    if kind == "figure":
        return f'<div data-component="image-block"><figure>{inner}</figure></div>'
    if kind == "Related:":
        return f'<div data-component="links-block"><p>{inner}</p></div>'
    return f'<div data-component="text-block"><p>{inner}</p></div>'


def _magazine(
    a: LiveArticle,
    others: Sequence[LiveArticle],
    canonical: str,
    now: datetime,
    noise: Noise,
    inner: Noise,
    inline: Sequence[LiveArticle],
) -> str:
    related = noise.sample(others, noise.count(2, 4))
    return f"""<!DOCTYPE html>
<html lang="en">{_head(a, canonical, noise)}
<body><div id="app" data-build="{noise.token()}">
<div class="topbar"><a href="/" class="brand">{SITE_NAME}</a>
<a class="subscribe" href="/subscribe">Subscribe</a></div>
{nav(a.section)}
{cookie_banner(noise)}
<div class="layout">
<div class="rail">{most_read(others, noise)}{noise.ad()}</div>
<main id="main-content">
<div class="story-header"><span class="section-label">{a.section.upper()}</span>
<h1 id="story-headline">{_text(a.title)}</h1>
<div class="author-block"><span class="author-name">{_text(a.byline)}</span>
<span class="author-role">{_text(a.author_role)}</span></div>
<div class="story-meta"><time datetime="{a.modified.isoformat()}">{ago(now, a.modified)}</time>
<span class="first-published">First published {displayed(a.published)}</span></div></div>
<section class="story-body">
{_body(a, inline, inner, _magazine_wrap)}
</section>
{_share(canonical, noise)}
<div class="comments-count">{inner.count(3, 480)} comments</div>
{_newsletter()}
{_link_list("more-on-this", "More on this story", related, ordered=False)}
</main></div>
{footer(noise, now)}</div>
</body></html>
"""


def _wire_wrap(kind: str, inner: str) -> str:
    if kind == "figure":
        return f'<figure class="story-image">{inner}</figure>'
    if kind == "READ MORE:":
        return f'<p class="read-more">{inner}</p>'
    return f"<p>{inner}</p>"


def _wire(
    a: LiveArticle,
    others: Sequence[LiveArticle],
    canonical: str,
    now: datetime,
    noise: Noise,
    inner: Noise,
    inline: Sequence[LiveArticle],
) -> str:
    return f"""<!DOCTYPE html>
<html>{_head(a, canonical, noise)}
<body>{cookie_banner(noise)}
<table class="page" width="100%"><tr><td colspan="2" class="banner">
<a href="/"><b>{SITE_NAME.upper()}</b></a> {nav(a.section)}{noise.ad()}</td></tr>
<tr><td class="main-col" valign="top">
<div class="story">
<h1 class="story-title">{_text(a.title)}</h1>
<div class="byline"><span class="byline__name">By {_text(a.byline)}</span>
<span class="byline__title">{_text(a.author_role)}</span></div>
<div class="date">{displayed(a.published)} | Last updated {ago(now, a.modified)}</div>
{_share(canonical, noise)}
<div class="story-body"><div class="story-body__inner">
{_body(a, inline, inner, _wire_wrap)}
</div></div>
<p class="comment-count">{inner.count(3, 480)} comments</p>
</div></td>
<td class="side-col" valign="top">{most_read(others, noise)}{_newsletter()}{noise.ad()}
{_link_list("related", "Related", noise.sample(others, noise.count(2, 4)), ordered=False)}</td></tr>
</table>
{footer(noise, now)}
</body></html>
"""


_TEMPLATES = MappingProxyType({"classic": _classic, "magazine": _magazine, "wire": _wire})


def render_article(
    article: LiveArticle,
    *,
    others: Sequence[LiveArticle],
    canonical: str,
    now: datetime,
    noise: Noise,
    steady: bool = False,
) -> str:
    """The article page in its section's template; `now` is the displayed (virtual) time.

    `steady` (the plain profile) keeps per-request noise out of the article's own text: no
    rotating inline links and a comment count fixed per article; the page around it (ads,
    tokens, sidebars, footer) still changes on every request.
    """
    inner = Noise(random.Random(article.key), 0) if steady else noise
    inline = () if steady else others
    return _TEMPLATES[article.template](article, others, canonical, now, noise, inner, inline)
