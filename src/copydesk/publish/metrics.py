"""Prometheus metrics (prometheus_client): what the database holds, and what a tracker is doing.

Two kinds, each in its own registry (never prometheus_client's global one):

- `/metrics` of `copydesk serve` reads the database at each scrape: articles, versions and
  recorded checks by outcome per source, the work queue (due checks, how late the oldest is,
  checks held by trackers, polls due) and the notification outbox.
- A tracker process (`copydesk run/worker --metrics HOST:PORT`) counts live what it does:
  fetch latency by outcome, checks and polls by outcome, checks in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, start_http_server
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from copydesk.clock import Clock
from copydesk.errors import FetchError, UsageError
from copydesk.fetch import Fetcher
from copydesk.pipeline import CheckReport
from copydesk.publish.site import site_of
from copydesk.records import ArticleStatus, CheckOutcome, Page
from copydesk.settings import FetchSettings
from copydesk.store import Store

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
# Fetch latency buckets, seconds: fast pages to the 30 s total timeout.
_FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)


class StoreCollector(Collector):
    """Reads the database at each scrape, so every replica of `serve` reports the same."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        yield from self._sources()
        yield from self._queue()
        yield from self._notifications()

    def _sources(self) -> Iterator[Metric]:
        articles = GaugeMetricFamily(
            "copydesk_articles", "Tracked articles by status.", labels=["source", "status"]
        )
        versions = GaugeMetricFamily(
            "copydesk_versions", "Visible stored versions.", labels=["source"]
        )
        checks = CounterMetricFamily(
            "copydesk_checks", "Article checks recorded, by outcome.", labels=["source", "outcome"]
        )
        active = GaugeMetricFamily(
            "copydesk_source_active", "1 while a source is tracked.", labels=["source"]
        )
        # Every status and outcome for every source, zeros included, so rates work.
        for source in self._store.source_counts():
            by_status, by_outcome = dict(source.articles_by_status), dict(source.checks_by_outcome)
            for status in ArticleStatus:
                articles.add_metric([source.name, status.value], by_status.get(status.value, 0))
            versions.add_metric([source.name], source.versions)
            for outcome in CheckOutcome:
                checks.add_metric([source.name, outcome.value], by_outcome.get(outcome.value, 0))
            active.add_metric([source.name], int(source.active))
        yield from (articles, versions, checks, active)

    def _queue(self) -> Iterator[Metric]:
        queue = self._store.queue_counts(self._clock.now())
        due = GaugeMetricFamily(
            "copydesk_queue_due", "Article checks due now, by source.", labels=["source"]
        )
        for name, count in queue.due_by_source:
            due.add_metric([name], count)
        yield due
        yield GaugeMetricFamily(
            "copydesk_queue_oldest_due_seconds",
            "How late the longest-waiting due check is (0 when none is due).",
            value=queue.oldest_due_seconds,
        )
        yield GaugeMetricFamily(
            "copydesk_queue_leased", "Article checks held by a tracker now.", value=queue.leased
        )
        yield GaugeMetricFamily(
            "copydesk_queue_polls_due",
            "Feed, sitemap and page polls due now.",
            value=queue.endpoints_due,
        )

    def _notifications(self) -> Iterator[Metric]:
        counts = self._store.delivery_counts()
        yield CounterMetricFamily(
            "copydesk_notifications_sent",
            "Notification deliveries sent (one per notice and target).",
            value=counts.sent,
        )
        yield CounterMetricFamily(
            "copydesk_notifications_failed",
            "Notification deliveries given up as failed.",
            value=counts.failed,
        )
        yield GaugeMetricFamily(
            "copydesk_notifications_pending",
            "Notification deliveries waiting to be sent, retries included.",
            value=counts.pending,
        )
        yield GaugeMetricFamily(
            "copydesk_notifications_retrying",
            "Pending notification deliveries whose last attempt failed.",
            value=counts.retrying,
        )


def store_registry(store: Store, clock: Clock) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store, clock))
    return registry


def metrics(request: Request) -> Response:
    site = site_of(request)
    text = generate_latest(store_registry(site.store, site.clock))
    return Response(text, media_type=CONTENT_TYPE)


# ── a tracker process's own metrics ─────────────────────────────────────────────────────────


@dataclass(slots=True)
class TrackerMetrics:
    """Live counters of one tracker process, fed by its fetcher and its worker's reports."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    fetch_seconds: Histogram = field(init=False)
    checks: Counter = field(init=False)
    in_flight: Gauge = field(init=False)

    def __post_init__(self) -> None:
        self.fetch_seconds = Histogram(
            "copydesk_fetch_seconds",
            "Time of one fetch (redirects, robots.txt and body included), by outcome: ok, "
            "not-modified or the error's reason.",
            ["outcome"],
            buckets=_FETCH_BUCKETS,
            registry=self.registry,
        )
        self.checks = Counter(
            "copydesk_tracker_checks",
            "Article checks this process finished, by source and outcome.",
            ["source", "outcome"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "copydesk_tracker_fetches_in_flight",
            "Fetches this process has started and not finished.",
            registry=self.registry,
        )

    def observe_report(self, report: CheckReport) -> None:
        self.checks.labels(report.article.source, report.outcome.value).inc()


class MeasuredFetcher(Fetcher):
    """A Fetcher that times every fetch into TrackerMetrics (rendered pages' requests too)."""

    def __init__(
        self, settings: FetchSettings, *, metrics: TrackerMetrics, clock: Clock, **kwargs: Any
    ) -> None:
        super().__init__(settings, clock=clock, **kwargs)
        self._metrics = metrics
        self._timer = clock

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        render: bool = False,
        proxy: str = "",
    ) -> Page:
        started = self._timer.monotonic()
        outcome = "ok"
        self._metrics.in_flight.inc()
        try:
            page = await super().fetch(
                url, etag=etag, last_modified=last_modified, render=render, proxy=proxy
            )
            outcome = "not-modified" if page.not_modified else "ok"
            return page
        except FetchError as exc:
            outcome = exc.reason
            raise
        finally:
            self._metrics.in_flight.dec()
            seconds = self._timer.monotonic() - started
            self._metrics.fetch_seconds.labels(outcome).observe(seconds)


def serve_metrics(address: str, registry: CollectorRegistry) -> tuple[str, Callable[[], None]]:
    """Serve `registry` at http://HOST:PORT/metrics in a thread: (its URL, the stop function).

    Port 0 takes any free port (the URL says which).

    Raises:
        UsageError: the address is not HOST:PORT, or the port cannot be bound.
    """
    host, _, port = address.rpartition(":")
    host = host.strip("[]")
    if not (port.isascii() and port.isdigit() and len(port) <= 5) or not host:
        raise UsageError(f"--metrics wants HOST:PORT, such as 127.0.0.1:9108, not {address!r}")
    try:
        server, thread = start_http_server(int(port), addr=host, registry=registry)
    except OSError as exc:
        raise UsageError(f"cannot serve metrics on {address}: {exc.strerror}") from exc

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{server.server_port}/metrics", stop
