"""Deliver the notification outbox: lease due deliveries, send each, mark each, back off.

Each delivery (one notice to one target) is marked on its own right after its attempt, so a
crash re-sends at most the message in flight, with the same message id. A failed attempt is
retried after `delivery.retry`, doubling up to `delivery.max_retry`; one still undelivered
`delivery.give_up_after` after its notice is marked failed, which `copydesk stats`, /metrics
and /healthz show.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from copydesk.clock import Clock
from copydesk.errors import CopydeskError
from copydesk.notify import alt_text, render, render_card, send
from copydesk.records import Delivery, Excerpt, Notice, NotifyTarget
from copydesk.settings import Settings
from copydesk.store import Store

logger = logging.getLogger(__name__)

_CARD_KINDS = frozenset({"substantive", "minor", "new"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """How one delivery attempt went (for `notify test` and logs)."""

    target: str  # the URL without credentials
    ok: bool
    detail: str


def configured_targets(settings: Settings) -> dict[str, NotifyTarget]:
    """Every configured Apprise URL by its outbox key."""
    found: dict[str, NotifyTarget] = {}
    for rule in settings.notify:
        for url in rule.urls:
            target = NotifyTarget(url=url, card=rule.card)
            found.setdefault(target.key, target)
    return found


def backoff(attempts: int, settings: Settings) -> timedelta:
    """Wait before the next try after `attempts` failed ones: doubling, capped."""
    exponent = max(0, min(attempts - 1, 30))
    delay: timedelta = settings.delivery.retry * (2**exponent)
    return min(delay, settings.delivery.max_retry)


class Courier:
    """Sends due deliveries from the outbox through Apprise, one at a time."""

    def __init__(self, *, store: Store, settings: Settings, clock: Clock, batch: int = 20) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.batch = batch
        self._targets = configured_targets(settings)
        timeout = settings.delivery.timeout
        # A claimed delivery not marked by then (its sender died) is due to others again.
        self.lease = max(timedelta(minutes=1), 2 * timeout * batch)

    async def deliver_due(self) -> int:
        """One pass over the due deliveries; returns how many were attempted."""
        due = self.store.claim_deliveries(self.clock.now(), limit=self.batch, lease=self.lease)
        for delivery in due:
            await self.deliver(delivery)
        return len(due)

    async def deliver(self, delivery: Delivery) -> Attempt:
        """Attempt one delivery and record the outcome."""
        target = self._targets.get(delivery.target_key)
        if target is None:
            detail = "target no longer configured in [[notify]]"
            self._failed(delivery, detail, final=True)
            return Attempt(target=delivery.target_label, ok=False, detail=detail)
        try:
            attempt = await asyncio.to_thread(self._send, delivery.notice, target, delivery.card)
        except CopydeskError as exc:  # e.g. a card font missing: say so, retry later
            attempt = Attempt(target=target.label, ok=False, detail=str(exc))
        if attempt.ok:
            self.store.mark_delivery(delivery.id, status="sent", at=self.clock.now())
        else:
            logger.warning("notification to %s failed: %s", target.label, attempt.detail)
            self._failed(delivery, attempt.detail, final=False)
        return attempt

    def _send(self, notice: Notice, target: NotifyTarget, card: bool) -> Attempt:
        return deliver_notice(notice, target, self.settings, card=card)

    def _failed(self, delivery: Delivery, detail: str, *, final: bool) -> None:
        now = self.clock.now()
        attempts = delivery.attempts + 1
        expired = now - delivery.notice.at >= self.settings.delivery.give_up_after
        if final or expired:
            self.store.mark_delivery(delivery.id, status="failed", at=now, error=detail)
            return
        self.store.mark_delivery(
            delivery.id,
            status="pending",
            at=now,
            error=detail,
            next_attempt_at=now + backoff(attempts, self.settings),
        )


def deliver_notice(
    notice: Notice, target: NotifyTarget, settings: Settings, *, card: bool
) -> Attempt:
    """Render and send one notice to one target (blocking: Apprise is synchronous)."""
    message = render(notice, base_url=settings.web.base_url)
    body, image = message.body, None
    if card and notice.kind in _CARD_KINDS and notice.excerpt is not None:
        image = render_card(notice)
        body = f"{body}\nCard: {alt_text(notice)}"
    result = send(
        target.url,
        title=message.title,
        body=body,
        message_id=notice.message_id,
        attachment=image,
        attachment_name=message.card_name,
        timeout=settings.delivery.timeout.total_seconds(),
    )
    return Attempt(target=target.label, ok=result.ok, detail=result.detail)


def sample_notice(now: datetime) -> Notice:
    """The made-up change `copydesk notify test` sends."""
    return Notice(
        article_id=0,
        source="copydesk-test",
        kind="substantive",
        title="Test: copydesk can reach this target",
        article_url="https://example.org/news/copydesk-test",
        at=now,
        flags=("headline",),
        excerpt=Excerpt(
            title_old="Test: is copydesk set up?",
            title_new="Test: copydesk can reach this target",
            spans=(
                ("equal", "This is a sample message from "),
                ("delete", "an unconfigured"),
                ("insert", "a working"),
                ("equal", " copydesk notification rule."),
            ),
        ),
        old_version=1,
        new_version=2,
        message_id=f"copydesk:test:{int(now.timestamp())}",
    )


def send_samples(settings: Settings, now: datetime) -> list[Attempt]:
    """Send the sample notice to every configured URL (blocking); one Attempt each."""
    notice = sample_notice(now)
    return [
        deliver_notice(notice, target, settings, card=target.card)
        for target in configured_targets(settings).values()
    ]
