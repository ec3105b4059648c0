"""Commands that manage sources and run the tracker.

Heavy modules (the pipeline, the fetcher, the web app) are imported inside the commands that
use them, so `sources` or `stats` start without them (see cli/commands.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import TYPE_CHECKING, Annotated, Any

import typer

from copydesk.cli.app import canonical_or_error, clock, settings_of, source_name_for
from copydesk.cli.context import install_stop_signals, open_store, open_tracker, wayback_saver
from copydesk.cli.output import plain, print_json, sentence, table
from copydesk.errors import BlockedURLError, FetchError, UsageError
from copydesk.records import CheckOutcome, Endpoint, EndpointKind, Source

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app

if TYPE_CHECKING:
    from copydesk.pipeline import CheckReport
    from copydesk.records import TrackedArticle
    from copydesk.settings import Settings
    from copydesk.store import Store
    from copydesk.worker import RunStats

logger = logging.getLogger("copydesk.tracker")

_JSON = typer.Option("--json", help="Print JSON instead of a table.")


def _console() -> Any:
    from copydesk.cli.context import console

    return console


@commands.command()
def add(
    ctx: typer.Context,
    url: Annotated[
        str, typer.Argument(metavar="URL", help="A feed, sitemap, front page or single article.")
    ],
    source: Annotated[
        str | None, typer.Option("--source", metavar="NAME", help="Source name.")
    ] = None,
) -> None:
    """Add a feed, sitemap or front page (detected from the content) or a single article."""
    settings = settings_of(ctx)
    url = canonical_or_error(url)
    name = source or source_name_for(url)
    with open_store(settings) as store:
        if _already_tracked(store, url):
            return
        kind = asyncio.run(_detect(settings, store, url))
        now = clock.now()
        store.add_source(settings.source(name) or Source(name=name), now=now)
        if kind is None:
            article = store.add_article(name, url, now=now)
            _console().print(sentence("Tracking article ", article.url, f" (source '{name}')."))
        else:
            store.add_endpoint(Endpoint(url=url, kind=kind, source=name), now=now)
            _console().print(sentence(f"Added {kind.value} ", url, " to source '", name, "'."))


def _already_tracked(store: Store, url: str) -> bool:
    """Say where `url` is tracked already (an endpoint or an article); nothing is changed."""
    for endpoint in store.list_endpoints():
        if endpoint.url == url:
            _console().print(
                sentence(
                    f"Already tracked: {endpoint.kind.value} ",
                    url,
                    " in source '",
                    endpoint.source,
                    "'. Nothing changed.",
                )
            )
            return True
    article = store.find_article(url)
    if article is not None:
        _console().print(
            sentence(
                "Already tracked: article ",
                url,
                " in source '",
                article.source,
                f"' ({article.status.value}). Nothing changed.",
            )
        )
        return True
    return False


async def _detect(settings: Settings, store: Store, url: str) -> EndpointKind | None:
    from copydesk.discover import detect_kind
    from copydesk.pipeline import describe_error

    async with open_tracker(settings, store) as tracker:
        try:
            page = await tracker.fetcher.fetch(url)
        except BlockedURLError as exc:
            hint = "list the host in fetch.allow_hosts to allow it"
            raise UsageError(f"refused {url}: {exc} ({hint})") from exc
        except FetchError as exc:
            raise UsageError(f"cannot fetch {url}: {describe_error(exc)}") from exc
    return detect_kind(page.body, content_type=page.content_type, url=page.final_url)


@commands.command()
def sources(ctx: typer.Context, as_json: Annotated[bool, _JSON] = False) -> None:
    """List sources with their endpoints and figures."""
    with open_store(settings_of(ctx)) as store:
        figures = {f.name: f for f in store.source_figures()}
        found: list[dict[str, Any]] = [
            {
                "name": src.name,
                "endpoints": [
                    {"kind": e.kind.value, "url": e.url} for e in store.list_endpoints(src.name)
                ],
                "articles": figures[src.name].articles if src.name in figures else 0,
                "versions": figures[src.name].versions if src.name in figures else 0,
                "last_check_at": figures[src.name].last_check_at if src.name in figures else None,
            }
            for src in store.list_sources()
        ]
    if as_json:
        print_json(found)
        return
    console = _console()
    rows = [
        (
            item["name"],
            ("\n" if console.is_terminal else ", ").join(
                f"{e['kind']} {e['url']}" for e in item["endpoints"]
            )
            or "-",
            item["articles"],
            item["versions"],
            item["last_check_at"] or "-",
        )
        for item in found
    ]
    table(console, ("source", "endpoints", "articles", "versions", "last check"), rows)


@commands.command()
def remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME", help="Source name.")]
) -> None:
    """Stop tracking a source (its recorded versions are kept)."""
    with open_store(settings_of(ctx)) as store:
        store.remove_source(name)
    _console().print(sentence("Removed source '", name, "'."))


def report_check(report: CheckReport) -> None:
    """Print a new version; log (-v) every check that recorded a fault, with its reason."""
    url = report.article.url
    if report.version is not None and not report.version.trivial:
        _console().print(sentence(plain(f"v{report.version.number}", style="green"), " ", url))
    if report.error or report.outcome in (CheckOutcome.ERROR, CheckOutcome.GONE):
        reason = (report.error or report.outcome.value).partition(":")[0]
        logger.info(
            "%s: %s",
            url,
            report.error or report.outcome.value,
            extra={"url": url, "outcome": report.outcome.value, "reason": reason},
        )


_METRICS = typer.Option(
    "--metrics",
    metavar="HOST:PORT",
    help="Serve this process's Prometheus metrics (fetch latency, checks) at HOST:PORT/metrics.",
)


@commands.command()
def run(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="One pass over what is due, then exit.")
    ] = False,
    for_: Annotated[
        str | None,
        typer.Option("--for", metavar="DURATION", help="Stop after this long, e.g. 90s, 2h."),
    ] = None,
    metrics: Annotated[str | None, _METRICS] = None,
) -> None:
    """Run the tracker: poll endpoints and check due articles until stopped."""
    from copydesk.settings import parse_duration

    settings = settings_of(ctx)
    duration = parse_duration(for_).total_seconds() if for_ else None
    with open_store(settings) as store:
        # `run` is the only tracker on its database: checks claimed by a run that was killed
        # are due again at once. (`copydesk worker` shares the database and waits for leases.)
        store.release_leases(clock.now())
        store.release_delivery_leases(clock.now())
        stats = asyncio.run(
            run_worker(settings, store, duration=duration, once=once, metrics=metrics)
        )
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(stats.outcomes.items())) or "none"
    summary = f"{stats.polls} polls, {stats.new_articles} new articles, {stats.checks} checks"
    _console().print(plain(f"{summary} ({outcomes})."))


async def run_worker(
    settings: Settings,
    store: Store,
    *,
    duration: float | None,
    once: bool,
    metrics: str | None = None,
) -> RunStats:
    """The tracker loop with its notification courier, live status line and metrics."""
    from copydesk.cli.progress import live_status
    from copydesk.delivery import Courier
    from copydesk.publish.metrics import TrackerMetrics, serve_metrics
    from copydesk.worker import Worker

    if await asyncio.to_thread(store.search_index_behind):  # a database from before #11
        await asyncio.to_thread(store.sync_search_index)
    live = TrackerMetrics() if metrics else None
    stop_metrics = None
    if live is not None and metrics:
        url, stop_metrics = serve_metrics(metrics, live.registry)
        _console().print(plain(f"Metrics at {url}"))

    def on_report(report: CheckReport) -> None:
        if live is not None:
            live.observe_report(report)
        report_check(report)

    # Everything loaded so far lives as long as the process: keep it out of the collector's
    # passes, which otherwise walk every module and compiled statement again and again.
    gc.freeze()
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
            async with live_status(_console(), lambda: worker.stats, store, clock):
                return await worker.run(duration=duration, once=once)
    finally:
        if stop_metrics is not None:
            stop_metrics()


@commands.command()
def worker(ctx: typer.Context, metrics: Annotated[str | None, _METRICS] = None) -> None:
    """One of many tracker processes sharing one PostgreSQL database."""
    settings = settings_of(ctx)
    with open_store(settings) as store:
        asyncio.run(run_worker(settings, store, duration=None, once=False, metrics=metrics))


@commands.command()
def check(
    ctx: typer.Context, url: Annotated[str, typer.Argument(metavar="URL", help="Article URL.")]
) -> None:
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
        _console().print(sentence(f"{report.outcome.value}: ", article.url))
    else:
        kind = report.change.kind if report.change else "trivial"
        _console().print(plain(f"{report.outcome.value}: version {report.version.number} ({kind})"))


async def _check_one(settings: Settings, store: Store, article: TrackedArticle) -> CheckReport:
    async with open_tracker(settings, store) as tracker:
        return await tracker.check_article(article)
