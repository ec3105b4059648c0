"""The Newsroom: the script, its timeline against a Clock, ground truth, and the Starlette app.

The clock starts when the Newsroom is constructed: the script's times are real seconds after
that moment (``clock.monotonic()``), and ``clock.now()`` at construction anchors them to dates.
Displayed dates (pages, feeds, sitemap, URL dates) run on a virtual clock `speed` times faster
that meets real time at `script_end`, so "a day in a minute" never shows a date in the future
while the script runs.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from copydesk.clock import Clock
from copydesk.errors import UsageError
from copydesk.newsroom.faults import Faults
from copydesk.newsroom.lifecycle import Lifecycle
from copydesk.newsroom.pages import LiveArticle, Noise
from copydesk.newsroom.routes import routes
from copydesk.newsroom.script import (
    NewsroomConfig,
    ScriptedArticle,
    ScriptedVersion,
    TruthVersion,
    build_script,
)


@dataclass(frozen=True, slots=True)
class Access:
    """One request as the newsroom saw it arrive (time.monotonic() seconds)."""

    at: float
    host: str  # the Host header: which of several newsrooms on one machine was asked
    path: str
    user_agent: str


class Newsroom:
    """A fake news site that publishes and edits articles on a seeded, timed script."""

    def __init__(self, config: NewsroomConfig, *, clock: Clock) -> None:
        self.config = config
        self._clock = clock
        self._articles = build_script(config)
        # Before the clock starts: fault mode builds its bombs now, not during a request.
        self.faults = Faults(config, self.elapsed)  # serves nothing while config.faults == 0
        self.lifecycle = Lifecycle()  # deletions, restorations and moves made while it runs
        self._start_wall = clock.now()
        self._start_mono = clock.monotonic()
        self._script_end = max(v.at for a in self._articles for v in a.versions)
        self._by_path = {self.path_of(a): a for a in self._articles}
        self._counts: dict[str, int] = {}
        self._access: list[Access] = []
        self._latency = random.Random(config.seed)
        self._counts_lock = threading.Lock()  # the server thread writes, tests read
        self._noise = random.Random()  # boilerplate only; deliberately not seeded
        self._serial = 0

    @property
    def script_end(self) -> float:
        """Real seconds after start when the last version goes live."""
        return self._script_end

    @property
    def request_counts(self) -> dict[str, int]:
        """Hits per request path so far (a copy)."""
        with self._counts_lock:
            return dict(self._counts)

    @property
    def articles(self) -> tuple[ScriptedArticle, ...]:
        return self._articles

    def elapsed(self) -> float:
        """Real seconds since the newsroom started."""
        return self._clock.monotonic() - self._start_mono

    def real_time(self, offset: float) -> datetime:
        """The wall-clock moment `offset` real seconds after start."""
        return self._start_wall + timedelta(seconds=offset)

    def virtual_time(self, offset: float) -> datetime:
        """The displayed moment for `offset`: real time minus the unplayed script, sped up."""
        lag = (self._script_end - offset) * (self.config.speed - 1.0)
        return self.real_time(offset) - timedelta(seconds=lag)

    def path_of(self, article: ScriptedArticle) -> str:
        """The article's path, dated by its displayed publication day."""
        day = self.virtual_time(article.published_at)
        slug = self.lifecycle.slug(article.key, article.slug)
        return f"/news/{article.section}/{day:%Y/%m/%d}/{slug}"

    def find(self, path: str) -> ScriptedArticle | None:
        return self._by_path.get(path)

    def _article(self, key: int) -> ScriptedArticle:
        found = next((a for a in self._articles if a.key == key), None)
        if found is None:
            raise UsageError(f"the newsroom has no article {key}")
        return found

    def delete(self, key: int, *, status: int = 404) -> str:
        """Take article `key` down: it answers `status` (404, 410 or 451) and leaves listings."""
        self.lifecycle.delete(self._article(key).key, status)
        return self.path_of(self._article(key))

    def restore(self, key: int) -> str:
        """Put a deleted article back at its address."""
        self.lifecycle.restore(self._article(key).key)
        return self.path_of(self._article(key))

    def move(self, key: int, slug: str) -> str:
        """Give article `key` a new address; the old one redirects there with a 301."""
        article = self._article(key)
        old_path = self.path_of(article)
        new_path = old_path.rsplit("/", 1)[0] + "/" + slug
        self.lifecycle.move(article.key, slug, old_path=old_path, new_path=new_path)
        self._by_path[new_path] = article
        return new_path

    def live_view(self, article: ScriptedArticle, version: ScriptedVersion) -> LiveArticle:
        """What a request sees of `article` while `version` is live."""
        return LiveArticle(
            key=article.key,
            path=self.path_of(article),
            section=article.section,
            template=article.template,
            title=version.title,
            byline=version.byline,
            author_role=article.author_role,
            paragraphs=version.paragraphs,
            caption=article.caption,
            published=self.virtual_time(article.published_at),
            modified=self.virtual_time(version.at),
            tracked_link=article.tracked_link,
        )

    def live_articles(self, offset: float) -> list[LiveArticle]:
        """Every article live at `offset`, newest publication first."""
        views = []
        for article in self._articles:
            version = article.live(offset)
            if version is not None and self.lifecycle.gone_status(article.key) is None:
                views.append(self.live_view(article, version))
        return sorted(views, key=lambda v: (v.published, v.key), reverse=True)

    def noise(self) -> Noise:
        """Fresh boilerplate randomness for one request."""
        self._serial += 1
        return Noise(self._noise, self._serial)

    def count(self, path: str) -> None:
        with self._counts_lock:
            self._counts[path] = self._counts.get(path, 0) + 1

    @property
    def access_log(self) -> list[Access]:
        """Every HTTP request so far, in arrival order (a copy)."""
        with self._counts_lock:
            return list(self._access)

    def app(self) -> ASGIApp:
        """The Starlette app serving the site; every HTTP request is counted and logged.

        With `config.latency`, each answer is held back by a random time in that range, like a
        real site far away (the arrival time logged is before the wait).
        """
        inner = self.faults.wrap(Starlette(routes=routes(self)))
        low, high = self.config.latency

        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return
            self.count(scope["path"])
            headers = dict(scope.get("headers") or ())
            entry = Access(
                at=time.monotonic(),
                host=headers.get(b"host", b"").decode("latin-1"),
                path=scope["path"],
                user_agent=headers.get(b"user-agent", b"").decode("latin-1"),
            )
            with self._counts_lock:
                self._access.append(entry)
            if high > 0:
                await asyncio.sleep(self._latency.uniform(low, high))
            await inner(scope, receive, send)

        return counted

    def ground_truth(self, *, base_url: str, until: datetime | None = None) -> list[TruthVersion]:
        """Every version live at or before `until` (default: the whole script), in time order."""
        base = base_url.rstrip("/")
        truth = []
        for article in self._articles:
            url = base + self.path_of(article)
            for version in article.versions:
                live_at = self.real_time(version.at)
                if until is not None and live_at > until:
                    break
                truth.append(_truth(url, version, live_at))
        return sorted(truth, key=lambda t: (t.live_at, t.article_url))

    def write_ground_truth(
        self, path: Path, *, base_url: str, until: datetime | None = None
    ) -> None:
        """Write `ground_truth` (default: the whole script) as JSON lines."""
        truth = self.ground_truth(base_url=base_url, until=until)
        lines = [json.dumps(t.to_json()) + "\n" for t in truth]
        try:
            path.write_text("".join(lines), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write ground truth to {path}: {exc}") from exc


def _truth(url: str, version: ScriptedVersion, live_at: datetime) -> TruthVersion:
    return TruthVersion(
        article_url=url,
        version=version.number,
        live_at=live_at,
        title=version.title,
        byline=version.byline,
        paragraphs=version.paragraphs,
        edit=version.edit,
        trivial=version.trivial,
    )
