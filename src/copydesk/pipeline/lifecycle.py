"""Lifecycle events a check can find: an article gone, back, or moved to another address.

Split from the tracker because each needs its own extra read: a second 404 before "gone", the
old address of a new URL before "moved". Store reads here are the caller's to put off the loop:
`arrival_candidate` runs in the tracker's thread, the async parts only fetch.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from copydesk import announce
from copydesk.clock import Clock
from copydesk.errors import ExtractError, FetchError, HTTPStatusError
from copydesk.extract import extract_article
from copydesk.fetch import Fetcher
from copydesk.records import (
    Article,
    EventKind,
    ExtractRules,
    LifecycleEvent,
    Page,
    Source,
    TrackedArticle,
)
from copydesk.store import Store

GONE_STATUSES = announce.GONE_STATUSES
Events = tuple[LifecycleEvent, ...]


class Lifecycle:
    """Finds gone, restored and moved events for one tracker's checks."""

    def __init__(self, *, store: Store, fetcher: Fetcher, clock: Clock) -> None:
        self._store = store
        self._fetcher = fetcher
        self._clock = clock

    async def gone(self, article: TrackedArticle, exc: FetchError, source: Source) -> Events:
        """A gone event when a published article answers 404/410/451 twice in a row."""
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        if status not in GONE_STATUSES or article.version_count == 0 or article.gone_at:
            return ()
        try:
            await self._fetcher.fetch(article.url, proxy=source.proxy)
        except HTTPStatusError as again:
            if again.status in GONE_STATUSES:
                event = LifecycleEvent(
                    article_id=article.id,
                    kind=EventKind.GONE,
                    at=self._clock.now(),
                    url=article.url,
                    status=status,
                )
                return (event,)
        except FetchError:
            pass
        return ()  # the second read did not confirm it: an error like any other

    def restored(self, article: TrackedArticle) -> Events:
        if article.gone_at is None:
            return ()
        now = self._clock.now()
        return (
            LifecycleEvent(article_id=article.id, kind=EventKind.RESTORED, at=now, url=article.url),
        )

    def moved(
        self, article: TrackedArticle, page: Page, extracted: Article
    ) -> tuple[TrackedArticle, Events]:
        """A moved event when the page now lives at another address on the same site."""
        new_url = announce.moved_to(article, page, extracted)
        if new_url is None:
            return article, ()
        event = LifecycleEvent(
            article_id=article.id,
            kind=EventKind.MOVED,
            at=self._clock.now(),
            url=article.url,
            new_url=new_url,
            status=page.redirects[0] if page.moved_permanently else None,
        )
        return replace(article, url=new_url), (event,)

    def elsewhere(self, article: TrackedArticle) -> bool:
        """Whether another article with a history of its own already has this address."""
        owner = self._store.find_article(article.url)
        return owner is not None and owner.id != article.id and owner.version_count > 0

    def arrival_candidate(
        self, article: TrackedArticle, extracted: Article
    ) -> TrackedArticle | None:
        """An article of the same source that has this new URL's text (in a thread: it reads)."""
        return self._store.find_same_text(article.source, extracted, exclude=article.id)

    async def arrived(
        self,
        article: TrackedArticle,
        earlier: TrackedArticle,
        rules: ExtractRules,
        source: Source,
    ) -> tuple[TrackedArticle, Events]:
        """Did `earlier` move to this new URL? Then this check becomes earlier's, with an event.

        Discovery often lists a moved article's new address before the old one is checked
        again. When the old address now redirects here permanently (or names this one as
        canonical), the history stays one article; otherwise this is a new article like any.
        """
        try:
            page = await self._fetcher.fetch(earlier.url, render=source.render, proxy=source.proxy)
            seen = await asyncio.to_thread(
                extract_article, page.text, url=page.final_url, rules=rules
            )
        except (FetchError, ExtractError):
            return article, ()
        if announce.moved_to(earlier, page, seen) != article.url:
            return article, ()
        event = LifecycleEvent(
            article_id=earlier.id,
            kind=EventKind.MOVED,
            at=self._clock.now(),
            url=earlier.url,
            new_url=article.url,
            status=page.redirects[0] if page.moved_permanently else None,
        )
        return replace(earlier, url=article.url), (event,)
