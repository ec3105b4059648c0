"""The fast path's bookkeeping: which locator each article's fingerprint was taken with.

copydesk.extract.fast does the work (learn a Locator from a full extraction, fingerprint a page
with it); this keeps each source's locators (shared through the store, refreshed with the
source statistics) and decides, per check, whether a fingerprint may settle it:

- only when the article has a fingerprint, its text was read by today's extractor, and the
  locator it was taken with is known and never missed a change;
- a full extraction verifies every `fetch.verify_every` fast checks, and whenever the
  fingerprint changes; when it finds a change the unchanged fingerprint did not show, that
  locator is marked as having missed and is never used again for the source.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from copydesk.clock import Clock
from copydesk.extract import extractor_id, fingerprint, locate, refit
from copydesk.records import Article, ExtractRules, Locator, Page, TrackedArticle
from copydesk.settings import Settings
from copydesk.store import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class FastOutcome:
    """What a check writes about the fast path (see records.CheckResult)."""

    fast_hash: str | None = None  # this page's fingerprint (None: no locator found)
    fast_path: bool = False  # settled by the fingerprint, no full extraction
    locator: Locator | None = None  # a locator the source has not stored yet
    missed: str | None = None  # digest of a locator whose fingerprint missed a change
    located: Locator | None = None  # the locator `fast_hash` was taken with

    def same_text(self, page: Page) -> bool:
        """Whether another read of the page has the same located text (a confirming read)."""
        if self.fast_hash is None or self.located is None:
            return False
        return fingerprint(page.text or page.body, self.located) == self.fast_hash


class FastPath:
    """One tracker's fast path: fingerprints under each source's known locators."""

    def __init__(self, *, store: Store, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._known: dict[str, tuple[float, dict[str, Locator]]] = {}  # source -> (read, by digest)
        self._lock = threading.Lock()  # checks run in several threads

    def _locators(self, source: str) -> dict[str, Locator]:
        mono = self._clock.monotonic()
        refresh = self._settings.schedule.stats_refresh.total_seconds()
        with self._lock:
            cached = self._known.get(source)
            if cached is not None and mono - cached[0] < refresh:
                return cached[1]
        found = self._store.locators(source)
        with self._lock:
            self._known[source] = (mono, found)
        return found

    def _current(self, article: TrackedArticle) -> Locator | None:
        """The locator the article's last fingerprint was taken with, if known and trusted."""
        if article.fast_hash is None:
            return None
        digest = article.fast_hash.split(":", 1)[0]
        return self._locators(article.source).get(digest)

    def seen(self, article: TrackedArticle, page: Page, rules: ExtractRules) -> str | None:
        """The page's fingerprint when it equals the article's last one, else None."""
        if not self._settings.fetch.fast_path or article.fast_hash is None:
            return None
        if article.content_hash is None or article.extractor != extractor_id(rules):
            return None  # the stored text was read by another extractor: read it anew
        locator = self._current(article)
        if locator is None:
            return None
        found = fingerprint(page.text or page.body, locator)
        return found if found == article.fast_hash else None

    def learn(
        self, article: TrackedArticle, page: Page, extracted: Article, *, seen: str | None
    ) -> FastOutcome:
        """After a full extraction: this page's locator and fingerprint, and any miss found."""
        missed = None
        if seen is not None and extracted.content_hash != article.content_hash:
            # The fingerprint said "as before" and the full extractor disagrees.
            missed = seen.split(":", 1)[0]
            logger.warning(
                "%s: the located text hid a change; locator %s is dropped", article.url, missed
            )
            self._forget(article.source, missed)
        if not self._settings.fetch.fast_path:
            return FastOutcome(missed=missed)
        html = page.text or page.body
        current = self._current(article)
        if current is not None and current.digest != missed:
            fast_hash = refit(html, current, extracted)
            if fast_hash is not None:  # the locator the article used still fits
                return FastOutcome(fast_hash=fast_hash, missed=missed, located=current)
        located = locate(html, extracted)
        if located is None:
            return FastOutcome(missed=missed)
        locator, fast_hash = located
        if locator.digest == missed:
            return FastOutcome(missed=missed)
        new = self._remember(article.source, locator)
        return FastOutcome(
            fast_hash=fast_hash, locator=locator if new else None, missed=missed, located=locator
        )

    def _remember(self, source: str, locator: Locator) -> bool:
        """Add a locator this tracker learned; True when the store may not have it yet."""
        known = self._locators(source)
        if locator.digest in known:
            return False
        with self._lock:
            known[locator.digest] = locator
        return True

    def _forget(self, source: str, digest: str) -> None:
        with self._lock:
            cached = self._known.get(source)
            if cached is not None:
                cached[1].pop(digest, None)
