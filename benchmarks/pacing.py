"""A newsroom script that waits for its audience: held while a version is about to be lost.

The newsroom plays its script on a HeldClock in real time. On a loaded machine a tracker can
fall behind the script, and an edit that replaces a version nobody has looked at yet makes a
miss that says nothing about copydesk. The pacer reads the store every tenth of a second and
pauses the script clock just before such an edit (the next edit of an article whose live
version is not stored yet), and lets it run again once the version is stored. On a quiet
machine it never pauses, so runs take the script's own time.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from copydesk.clock import HeldClock

if TYPE_CHECKING:
    from copydesk.newsroom import Newsroom
    from copydesk.newsroom.script import TruthVersion

MARGIN = timedelta(seconds=1.0)  # pause this long before an edit would replace an unseen version
MAX_HOLD = 30.0  # seconds one hold for risk may last: then the run goes on and misses (no hang)


class AudiencePacer:
    """Pause `clock` while the tracker storing into `db_url` would miss a live version.

    Use as a context manager around the tracker's run; on exit the clock runs freely again.
    Tests that kill the tracker hold() the script while none runs and release() it after; they
    pass follow=False, since a killed tracker's claimed checks are leased for a minute and
    waiting for them would only make the test slow.
    """

    def __init__(
        self,
        newsroom: Newsroom,
        clock: HeldClock,
        base_url: str,
        db_url: str,
        *,
        every: float = 0.1,
        follow: bool = True,
    ) -> None:
        self.newsroom, self.clock, self.db_url, self.every = newsroom, clock, db_url, every
        self.follow = follow  # False: hold only while told to (no tracker runs), never for risk
        self.truth = newsroom.ground_truth(base_url=base_url)
        self._held = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audience-pacer", daemon=True)

    def __enter__(self) -> AudiencePacer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.clock.resume()

    def hold(self) -> None:
        """Keep the script still whatever the store says (no tracker is running)."""
        self._held = True
        self.clock.pause()

    def release(self) -> None:
        """Let the script run again wherever the tracker keeps up (a tracker is working)."""
        self._held = False

    def _run(self) -> None:
        from copydesk.errors import StoreError
        from copydesk.publish import export_rows
        from copydesk.store import Store

        risk_since: float | None = None
        with Store.open(self.db_url, migrate=False) as store:
            while not self._stop.wait(self.every):
                try:
                    rows = list(export_rows(store.iter_export()))
                except StoreError:  # not created yet, or busy: hold the script, look again
                    self.clock.pause()
                    continue
                risk = self.follow and at_risk(self.truth, rows, self._script_now())
                risk_since = (risk_since or time.monotonic()) if risk else None
                if risk_since is not None and time.monotonic() - risk_since > MAX_HOLD:
                    risk = False  # the tracker is not coming for it: let the test see the miss
                if self._held or risk:
                    self.clock.pause()
                else:
                    self.clock.resume()

    def _script_now(self) -> datetime:
        return self.newsroom.real_time(self.newsroom.elapsed())


def at_risk(truth: list[TruthVersion], rows: list[dict[str, object]], now: datetime) -> bool:
    """Whether an article's next edit is within MARGIN of replacing a version not yet stored."""
    from copydesk.newsroom import score_capture

    missed = set(score_capture(truth, rows).missed)
    by_article: dict[str, list[TruthVersion]] = defaultdict(list)
    for version in truth:
        by_article[version.article_url].append(version)
    for versions in by_article.values():
        live = [v for v in versions if v.live_at <= now]
        if not live or (live[-1].article_url, live[-1].version) not in missed:
            continue
        upcoming = [v for v in versions if v.live_at > now and v.version != live[-1].version]
        if upcoming and upcoming[0].live_at - now <= MARGIN:
            return True
    return False
