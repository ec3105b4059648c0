"""Everything that lists articles: front and section pages, RSS, Atom, news sitemap, robots.txt.

Feeds name only live articles. Some feed and front-page links carry tracking parameters while
the article page's rel=canonical never does, as on real sites.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from html import escape

from copydesk.newsroom.pages import (
    SITE_NAME,
    LiveArticle,
    Noise,
    ago,
    cookie_banner,
    footer,
    most_read,
    nav,
)

FEED_LIMIT = 50
FEED_TRACKING = "?utm_source=rss&utm_medium=feed"
FRONT_TRACKING = "?ito=homepage"
TAG = "tag:ledger.example,2026"


def _x(value: str) -> str:
    return escape(value, quote=True)


def _card(article: LiveArticle, now: datetime) -> str:
    href = article.path + (FRONT_TRACKING if article.tracked_link else "")
    teaser = article.paragraphs[0].split(". ")[0].rstrip(".") + "."
    return (
        f'<li class="story-card"><a href="{_x(href)}"><h3>{_x(article.title)}</h3></a>'
        f'<p class="summary">{_x(teaser)}</p><span class="time">{ago(now, article.modified)}'
        f'</span> <a class="section" href="/news/{article.section}">{article.section.capitalize()}'
        "</a></li>"
    )


def front_page(
    articles: Sequence[LiveArticle], *, section: str | None, now: datetime, noise: Noise
) -> str:
    """The front page (section None) or a section page: live articles, newest first."""
    heading = section.capitalize() if section else "Top stories"
    cards = "\n".join(_card(a, now) for a in articles)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{heading} | {SITE_NAME}</title>
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" title="{SITE_NAME}" href="/atom.xml"></head>
<body>{cookie_banner(noise)}
<header class="masthead"><a class="logo" href="/">{SITE_NAME}</a>{nav(section or "")}</header>
{noise.ad()}
<main><h1>{heading}</h1>
<ul class="top-stories">
{cards}
</ul>
{most_read(articles, noise)}
{noise.ad()}
<aside class="promo"><a href="/newsletter">Get the Morning Briefing</a>
<a href="/live/markets">Markets live</a></aside>
</main>
{footer(noise, now)}
</body></html>
"""


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def rss(articles: Sequence[LiveArticle], *, base_url: str, now: datetime) -> str:
    """RSS 2.0 of the latest live articles, newest first."""
    items = []
    for article in articles[:FEED_LIMIT]:
        link = base_url + article.path + (FEED_TRACKING if article.tracked_link else "")
        items.append(
            f"<item><title>{_x(article.title)}</title><link>{_x(link)}</link>"
            f'<guid isPermaLink="false">ledger:article:{article.key}</guid>'
            f"<pubDate>{_rfc822(article.published)}</pubDate>"
            f"<dc:creator>{_x(article.byline)}</dc:creator>"
            f"<category>{article.section.capitalize()}</category>"
            f"<description>{_x(article.paragraphs[0])}</description></item>"
        )
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>{SITE_NAME}</title><link>{_x(base_url)}/</link>
<description>The latest news from {SITE_NAME}</description><language>en-gb</language>
<lastBuildDate>{_rfc822(now)}</lastBuildDate>
<atom:link href="{_x(base_url)}/rss.xml" rel="self" type="application/rss+xml"/>
{body}
</channel></rss>
"""


def atom(articles: Sequence[LiveArticle], *, base_url: str, now: datetime) -> str:
    """Atom 1.0, most recently updated first; <updated> moves whenever an article is edited."""
    recent = sorted(articles, key=lambda a: a.modified, reverse=True)[:FEED_LIMIT]
    entries = []
    for article in recent:
        link = base_url + article.path + (FEED_TRACKING if article.tracked_link else "")
        authors = "".join(
            f"<author><name>{_x(n)}</name></author>" for n in article.byline.split(" and ")
        )
        entries.append(
            f"<entry><title>{_x(article.title)}</title><id>{TAG}:article-{article.key}</id>"
            f'<link rel="alternate" type="text/html" href="{_x(link)}"/>'
            f"<published>{article.published.isoformat()}</published>"
            f"<updated>{article.modified.isoformat()}</updated>{authors}"
            f"<summary>{_x(article.paragraphs[0])}</summary></entry>"
        )
    updated = recent[0].modified if recent else now
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{SITE_NAME}</title><id>{TAG}:feed</id>
<updated>{updated.isoformat()}</updated>
<link rel="self" type="application/atom+xml" href="{_x(base_url)}/atom.xml"/>
<link rel="alternate" type="text/html" href="{_x(base_url)}/"/>
{body}
</feed>
"""


def news_sitemap(articles: Sequence[LiveArticle], *, base_url: str) -> str:
    """A Google News sitemap: loc, lastmod and <news:news> for every live article."""
    urls = "\n".join(
        f"<url><loc>{_x(base_url + a.path)}</loc><lastmod>{a.modified.isoformat()}</lastmod>"
        "<news:news><news:publication><news:name>The Daily Ledger</news:name>"
        "<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{_x(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
"""


def robots(base_url: str) -> str:
    """Articles allowed; staff pages and search disallowed; the news sitemap advertised."""
    return (
        "User-agent: *\nDisallow: /private/\nDisallow: /search\nAllow: /news/\n\n"
        f"Sitemap: {base_url}/news-sitemap.xml\n"
    )
