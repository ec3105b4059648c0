"""POST each new version as JSON to a webhook; failures are logged, never raised."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from copydesk.records import Change

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    async def send(self, changes: Sequence[Change]) -> int:
        """Send the changes; return how many were delivered."""
        ...


def change_payload(change: Change) -> dict[str, Any]:
    return {
        "article_id": change.article_id,
        "article_url": change.article_url,
        "source": change.source,
        "old_version": change.old_version,
        "new_version": change.new_version,
        "captured_at": change.captured_at.isoformat(),
        "title": change.title,
        "kind": change.kind,
        "flags": list(change.flags),
    }


class WebhookNotifier:
    """Delivers each change with one POST; a failed delivery is logged and counted as not sent."""

    def __init__(
        self, url: str, *, transport: httpx.AsyncBaseTransport | None = None, timeout: float = 10
    ) -> None:
        self.url = url
        self._client = httpx.AsyncClient(transport=transport, timeout=timeout)

    async def send(self, changes: Sequence[Change]) -> int:
        delivered = 0
        for change in changes:
            try:
                response = await self._client.post(self.url, json=change_payload(change))
                response.raise_for_status()
                delivered += 1
            except httpx.HTTPError as exc:
                logger.warning("webhook %s failed for %s: %s", self.url, change.article_url, exc)
        return delivered

    async def aclose(self) -> None:
        await self._client.aclose()
