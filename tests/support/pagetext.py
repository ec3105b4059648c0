"""Read the true text back out of the pages the newsroom generates (test helper)."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from copydesk.clock import FixedClock
from copydesk.newsroom import Newsroom

# The element holding the article's own paragraphs, per template family.
BODY = (
    "//div[@itemprop='articleBody']/p",
    "//section[@class='story-body']/div[@data-component='text-block']/p",
    "//div[@class='story-body__inner']/p",
    "//blockquote[@class='twitter-tweet']/p",  # a paragraph quoted as an embedded post
)
BYLINE = "//span[@class='author'] | //span[@class='author-name'] | //span[@class='byline__name']"
INLINE_BOILERPLATE = ("Related:", "READ MORE:")


@dataclass(frozen=True)
class PageText:
    title: str
    byline: str
    paragraphs: tuple[str, ...]
    canonical: str


def page_text(html: str) -> PageText:
    doc = lxml.html.fromstring(html)
    paragraphs = tuple(
        p.text_content()
        for p in doc.xpath(" | ".join(BODY))  # one union: document order
        if not p.text_content().startswith(INLINE_BOILERPLATE)
    )
    byline = doc.xpath(BYLINE)[0].text_content().removeprefix("By ")
    return PageText(
        title=doc.xpath("string(//h1)"),
        byline=byline,
        paragraphs=paragraphs,
        canonical=doc.xpath("string(//link[@rel='canonical']/@href)"),
    )


def move_to(clock: FixedClock, newsroom: Newsroom, offset: float) -> None:
    """Advance the newsroom's clock to `offset` real seconds after its start (not a hair before)."""
    delta = offset - newsroom.elapsed()
    assert delta >= -1e-6, "a FixedClock only moves forward"
    clock.advance(max(delta, 0.0))
    while newsroom.elapsed() < offset:  # float rounding may leave it a hair short
        clock.advance(1e-9)
