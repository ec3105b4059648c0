"""What a check has to tell: lifecycle events it saw and the notices the [[notify]] rules want.

Pure helpers for the pipeline (records and settings in, records out), kept apart so the check
path only asks "what happened" and hands the answers to the store with the check.
"""

from __future__ import annotations

from datetime import datetime

from copydesk.diff import excerpt
from copydesk.diff.protocol import Comparable
from copydesk.records import (
    Article,
    EventKind,
    Excerpt,
    LifecycleEvent,
    Notice,
    NotifyTarget,
    Page,
    TrackedArticle,
)
from copydesk.settings import Settings
from copydesk.urls import InvalidURL, canonical_url, same_site

GONE_STATUSES = frozenset({404, 410, 451})


def targets(
    settings: Settings, source: str, kind: str, flags: tuple[str, ...]
) -> list[NotifyTarget]:
    """Every URL of every matching [[notify]] rule, once (card if any rule that names it asks)."""
    found: dict[str, bool] = {}
    for rule in settings.notify:
        if rule.matches(source, kind, flags):
            for url in rule.urls:
                found[url] = found.get(url, False) or rule.card
    return [NotifyTarget(url=url, card=card) for url, card in found.items()]


def change_notice(
    settings: Settings,
    article: TrackedArticle,
    *,
    kind: str,
    flags: tuple[str, ...],
    old: Comparable | None,
    new: Article,
    at: datetime,
    passage: Excerpt | None = None,
) -> Notice | None:
    """The notice of a new visible version, or None when no rule wants it.

    The store fills in the version numbers and the message id when it writes the version.
    """
    wanted = targets(settings, article.source, kind, flags)
    if not wanted:
        return None
    return Notice(
        article_id=article.id,
        source=article.source,
        kind=kind,
        title=new.title,
        article_url=article.url,
        at=at,
        flags=flags,
        excerpt=passage if passage is not None else excerpt(old, new),
        targets=tuple(wanted),
    )


def event_notice(
    settings: Settings, article: TrackedArticle, event: LifecycleEvent
) -> Notice | None:
    """The notice of a lifecycle event, or None when no rule wants it."""
    kind = event.kind.value
    wanted = targets(settings, article.source, kind, ())
    if not wanted:
        return None
    return Notice(
        article_id=article.id,
        source=article.source,
        kind=kind,
        title=article.title or article.url,
        article_url=event.new_url or event.url,
        at=event.at,
        moved_from=event.url if event.kind is EventKind.MOVED else None,
        targets=tuple(wanted),
    )


def moved_to(article: TrackedArticle, page: Page, extracted: Article | None) -> str | None:
    """The article's new address, when a check shows it moved; None otherwise.

    Moved means a permanent redirect (301/308 all the way) or a rel=canonical naming another
    URL on the same site, seen after the first version (before it, the canonical URL is simply
    adopted as the article's address).
    """
    if article.version_count == 0:
        return None
    candidates = []
    if page.moved_permanently:
        candidates.append(page.final_url)
    if extracted is not None and extracted.canonical_url:
        candidates.append(extracted.canonical_url)
    for candidate in candidates:
        try:
            url = canonical_url(candidate, base=page.final_url)
        except InvalidURL:
            continue
        if url != article.url and same_site(url, article.url):
            return url
    return None


def lifecycle_notices(
    settings: Settings, article: TrackedArticle, events: tuple[LifecycleEvent, ...]
) -> tuple[Notice, ...]:
    found = (event_notice(settings, article, event) for event in events)
    return tuple(notice for notice in found if notice is not None)
