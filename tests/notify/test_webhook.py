from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from copydesk.notify import WebhookNotifier
from copydesk.records import Change

CHANGE = Change(
    article_id=1,
    article_url="https://news.example/a",
    source="example",
    old_version=1,
    new_version=2,
    captured_at=datetime(2026, 1, 1, tzinfo=UTC),
    title="Headline <b>",
    kind="substantive",
    flags=("headline", "numbers"),
)


async def test_posts_each_change_as_json():
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(204)

    notifier = WebhookNotifier("https://hooks.example/x", transport=httpx.MockTransport(handler))
    assert await notifier.send([CHANGE, CHANGE]) == 2
    await notifier.aclose()
    assert seen[0]["new_version"] == 2
    assert seen[0]["flags"] == ["headline", "numbers"]
    assert seen[0]["captured_at"] == "2026-01-01T00:00:00+00:00"


async def test_a_failing_hook_is_counted_not_raised():
    notifier = WebhookNotifier(
        "https://hooks.example/x", transport=httpx.MockTransport(lambda r: httpx.Response(500))
    )
    assert await notifier.send([CHANGE]) == 0
    await notifier.aclose()
