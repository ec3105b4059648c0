"""Diff cards on the web: `/articles/{id}/diff/{a}/{b}.png` and the card's alt text.

The card is rendered from the stored versions with the same excerpt rule as notifications
(copydesk.diff.excerpt), so the picture on the page and the one sent out agree.
"""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from copydesk.diff import excerpt
from copydesk.notify import alt_text, render_card
from copydesk.publish.site import int_param, site_of
from copydesk.records import Notice, TrackedArticle, Version


def card_notice(article: TrackedArticle, old: Version, new: Version) -> Notice:
    """What the card of the change old -> new shows."""
    return Notice(
        article_id=article.id,
        source=article.source,
        kind=new.change_kind or "substantive",
        title=new.title,
        article_url=article.url,
        at=new.captured_at,
        flags=new.change_flags,
        excerpt=excerpt(old, new),
        old_version=old.number,
        new_version=new.number,
    )


def card_alt(article: TrackedArticle, old: Version, new: Version) -> str:
    return alt_text(card_notice(article, old, new))


async def card_png(request: Request) -> Response:
    site = site_of(request)
    article = site.readable(int_param(request, "id"))
    a, b = int_param(request, "a"), int_param(request, "b")
    old, new = site.store.get_version(article.id, a), site.store.get_version(article.id, b)
    if old is None or new is None:
        raise HTTPException(404, f"article {article.id} has no versions {a} and {b}")
    notice = card_notice(article, old, new)
    png = await asyncio.to_thread(render_card, notice)  # ~50 ms of drawing: off the loop
    headers = {"Cache-Control": "public, max-age=86400"}  # stored versions never change
    return Response(png, media_type="image/png", headers=headers)
