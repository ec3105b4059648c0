"""Commands that manage sources and run the tracker."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.table import Table

from copydesk.cli.app import app, canonical_or_error, clock, settings_of, source_name_for
from copydesk.cli.context import (
    console,
    install_stop_signals,
    open_store,
    open_tracker,
    wayback_saver,
)
from copydesk.cli.output import plain, sentence
from copydesk.delivery import Courier
from copydesk.discover import detect_kind
from copydesk.errors import BlockedURLError, FetchError, UsageError
from copydesk.pipeline import CheckReport, describe_error
from copydesk.publish.metrics import TrackerMetrics, serve_metrics
from copydesk.records import Delivery, Endpoint, EndpointKind, Source, TrackedArticle
from copydesk.settings import Settings, parse_duration
from copydesk.store import Store, search_index_behind, sync_search_index
from copydesk.worker import RunStats, Worker


@app.command()
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="A feed, sitemap, front page or single article.")],
    source: Annotated[str | None, typer.Option("--source", help="Source name.")] = None,
) -> None:
    """Add a feed, sitemap or front page (detected from the content) or a single article."""
    settings = settings_of(ctx)
    url = canonical_or_error(url)
    name = source or source_name_for(url)
    with open_store(settings) as store:
        kind = asyncio.run(_detect(settings, store, url))
        now = clock.now()
        store.add_source(settings.source(name) or Source(name=name), now=now)
        if kind is None:
            article = store.add_article(name, url, now=now)
            console.print(f"Tracking article {article.url} (source '{name}').")
        else:
            store.add_endpoint(Endpoint(url=url, kind=kind, source=name), now=now)
            console.print(f"Added {kind.value} {url} to source '{name}'.")


async def _detect(settings: Settings, store: Store, url: str) -> EndpointKind | None:
    async with open_tracker(settings, store) as tracker:
        try:
            page = await tracker.fetcher.fetch(url)
        except BlockedURLError as exc:
            hint = "list the host in fetch.allow_hosts to allow it"
            raise UsageError(f"refused {url}: {exc} ({hint})") from exc
        except FetchError as exc:
            raise UsageError(f"cannot fetch {url}: {describe_error(exc)}") from exc
    return detect_kind(page.body, content_type=page.content_type, url=page.final_url)


@app.command()
def sources(ctx: typer.Context) -> None:
    """List sources with their endpoints and figures."""
    settings = settings_of(ctx)
    with open_store(settings) as store:
        figures = {str(row["name"]): row for row in store.stats()}
        table = Table("source", "endpoints", "articles", "versions", "last check")
        for src in store.list_sources():
            row = figures.get(src.name, {})
            endpoints = "\n".join(f"{e.kind.value} {e.url}" for e in store.list_endpoints(src.name))
            table.add_row(
                src.name,
                endpoints or "-",
                str(row.get("articles", 0)),
                str(row.get("versions", 0)),
                str(row.get("last_check_at") or "-"),
            )
        console.print(table)


@app.command()
def remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Source name.")]) -> None:
    """Stop tracking a source (its recorded versions are kept)."""
    with open_store(settings_of(ctx)) as store:
        store.remove_source(name)
    console.print(f"Removed source '{name}'.")


def _print_report(report: CheckReport) -> None:
    if report.version is not None and not report.version.trivial:
        console.print(
            sentence(plain(f"v{report.version.number}", "green"), " ", report.article.url)
        )


_METRICS = typer.Option(
    "--metrics",
    metavar="HOST:PORT",
    help="Serve this process's Prometheus metrics (fetch latency, checks) at HOST:PORT/metrics.",
)


@app.command()
def run(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="One pass over what is due, then exit.")
    ] = False,
    for_: Annotated[
        str | None, typer.Option("--for", help="Stop after this long, e.g. 90s, 2h.")
    ] = None,
    metrics: Annotated[str | None, _METRICS] = None,
) -> None:
    """Run the tracker: poll endpoints and check due articles until stopped."""
    settings = settings_of(ctx)
    duration = parse_duration(for_).total_seconds() if for_ else None
    with open_store(settings) as store:
        # `run` is the only tracker on its database: checks claimed by a run that was killed
        # are due again at once. (`copydesk worker` shares the database and waits for leases.)
        store.release_leases(clock.now())
        store.release_delivery_leases(clock.now())
        stats = asyncio.run(
            _run_worker(settings, store, duration=duration, once=once, metrics=metrics)
        )
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(stats.outcomes.items())) or "none"
    summary = f"{stats.polls} polls, {stats.new_articles} new articles, {stats.checks} checks"
    console.print(f"{summary} ({outcomes}).")


async def _run_worker(
    settings: Settings,
    store: Store,
    *,
    duration: float | None,
    once: bool,
    metrics: str | None = None,
) -> RunStats:
    if await asyncio.to_thread(search_index_behind, store):  # a database from before #11
        await asyncio.to_thread(sync_search_index, store)
    live = TrackerMetrics() if metrics else None
    stop_metrics = None
    if live is not None and metrics:
        url, stop_metrics = serve_metrics(metrics, live.registry)
        console.print(f"Metrics at {url}", highlight=False)

    def on_report(report: CheckReport) -> None:
        if live is not None:
            live.observe_report(report)
        _print_report(report)

    try:
        async with open_tracker(settings, store, metrics=live) as tracker:
            courier = Courier(store=store, settings=settings, clock=clock)
            worker = Worker(
                tracker,
                clock=clock,
                concurrency=settings.fetch.concurrency,
                on_report=on_report,
                courier=courier,
                saver=wayback_saver(settings, tracker),
            )
            install_stop_signals(worker)
            return await worker.run(duration=duration, once=once)
    finally:
        if stop_metrics is not None:
            stop_metrics()


@app.command()
def worker(ctx: typer.Context, metrics: Annotated[str | None, _METRICS] = None) -> None:
    """One of many tracker processes sharing one PostgreSQL database."""
    settings = settings_of(ctx)
    with open_store(settings) as store:
        asyncio.run(_run_worker(settings, store, duration=None, once=False, metrics=metrics))


@app.command()
def check(ctx: typer.Context, url: Annotated[str, typer.Argument(help="Article URL.")]) -> None:
    """Check one article now and say what changed."""
    settings = settings_of(ctx)
    url = canonical_or_error(url)
    with open_store(settings) as store:
        article = store.find_article(url)
        if article is None:
            name = source_name_for(url)
            store.add_source(settings.source(name) or Source(name=name), now=clock.now())
            article = store.add_article(name, url, now=clock.now())
        report = asyncio.run(_check_one(settings, store, article))
    if report.error:
        raise UsageError(f"check failed: {report.error}")
    if report.version is None:
        console.print(f"{report.outcome.value}: {article.url}")
    else:
        kind = report.change.kind if report.change else "trivial"
        console.print(f"{report.outcome.value}: version {report.version.number} ({kind})")


async def _check_one(settings: Settings, store: Store, article: TrackedArticle) -> CheckReport:
    async with open_tracker(settings, store) as tracker:
        return await tracker.check_article(article)


@app.command()
def stats(ctx: typer.Context) -> None:
    """Per-source figures."""
    with open_store(settings_of(ctx)) as store:
        rows = store.stats()
        counts = store.delivery_counts()
        failures = store.delivery_failures(limit=5)
    if not rows:
        console.print("No sources yet.")
    else:
        table = Table(*[str(key) for key in rows[0]])
        for row in rows:
            table.add_row(*[str(value) for value in row.values()])
        console.print(table)
    _print_notifications(counts, failures)


def _print_notifications(counts: dict[str, int], failures: list[Delivery]) -> None:
    console.print(
        f"Notifications: {counts['sent']} sent, {counts['pending']} pending "
        f"({counts['retrying']} retrying after a failure), {counts['failed']} failed.",
        highlight=False,
    )
    for failure in failures:
        state = "failed" if failure.status == "failed" else "retrying"
        console.print(
            plain(
                f"  {state}: {failure.target_label} {failure.notice.message_id} after "
                f"{failure.attempts} attempt(s): {failure.last_error}"
            )
        )
