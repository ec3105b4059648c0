"""/metrics: per-source totals in the Prometheus text exposition format (version 0.0.4)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response

from copydesk.publish.site import site_of
from copydesk.records import ArticleStatus, CheckOutcome
from copydesk.store import SourceCounts, source_counts

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def label(value: str) -> str:
    """A label value as the format wants it: backslash, quote and newline escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, kind: str, help_text: str, samples: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *samples]


def notification_lines(counts: dict[str, int]) -> list[str]:
    """Notification deliveries (one per notice and target) by state."""
    sent, failed = counts.get("sent", 0), counts.get("failed", 0)
    pending, retrying = counts.get("pending", 0), counts.get("retrying", 0)
    return [
        *_family(
            "copydesk_notifications_sent_total",
            "counter",
            "Notification deliveries sent (one per notice and target).",
            [f"copydesk_notifications_sent_total {sent}"],
        ),
        *_family(
            "copydesk_notifications_failed_total",
            "counter",
            "Notification deliveries given up as failed.",
            [f"copydesk_notifications_failed_total {failed}"],
        ),
        *_family(
            "copydesk_notifications_pending",
            "gauge",
            "Notification deliveries waiting to be sent, retries included.",
            [f"copydesk_notifications_pending {pending}"],
        ),
        *_family(
            "copydesk_notifications_retrying",
            "gauge",
            "Pending notification deliveries whose last attempt failed.",
            [f"copydesk_notifications_retrying {retrying}"],
        ),
    ]


def render(counts: list[SourceCounts], notifications: dict[str, int] | None = None) -> str:
    """Every status and outcome is listed for every source, zeros included, so rates work."""
    articles, versions, checks, active = [], [], [], []
    for source in counts:
        name = label(source.name)
        by_status = dict(source.articles_by_status)
        by_outcome = dict(source.checks_by_outcome)
        for status in ArticleStatus:
            count = by_status.get(status.value, 0)
            articles.append(f'copydesk_articles{{source="{name}",status="{status.value}"}} {count}')
        versions.append(f'copydesk_versions{{source="{name}"}} {source.versions}')
        for outcome in CheckOutcome:
            count = by_outcome.get(outcome.value, 0)
            checks.append(
                f'copydesk_checks_total{{source="{name}",outcome="{outcome.value}"}} {count}'
            )
        active.append(f'copydesk_source_active{{source="{name}"}} {int(source.active)}')
    lines = [
        *_family("copydesk_articles", "gauge", "Tracked articles by status.", articles),
        *_family("copydesk_versions", "gauge", "Visible stored versions.", versions),
        *_family("copydesk_checks_total", "counter", "Article checks by outcome.", checks),
        *_family("copydesk_source_active", "gauge", "1 while a source is tracked.", active),
        *notification_lines(notifications or {}),
    ]
    return "\n".join(lines) + "\n"


def metrics(request: Request) -> Response:
    site = site_of(request)
    text = render(source_counts(site.store), site.store.delivery_counts())
    return Response(text, media_type=CONTENT_TYPE)
