"""HTML views: changes, sources, an article's change log, one version, a diff, search."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from copydesk.diff import detect_flipflops
from copydesk.publish import wording
from copydesk.publish.cards import card_alt
from copydesk.publish.diffview import diff_view, fold_unchanged, summary
from copydesk.publish.params import (
    EVENT_KINDS,
    day_start,
    decode_cursor,
    encode_cursor,
    int_query,
    kind_param,
    search_query,
    text_param,
)
from copydesk.publish.site import Site, int_param, site_of
from copydesk.publish.timeline import bar_chart, moments, timeline_svg
from copydesk.records import (
    ArticleStatus,
    ChangeCursor,
    ChangePage,
    EventKind,
    EventRow,
    LifecycleEvent,
    TrackedArticle,
    Version,
    VersionSummary,
)

PAGE_SIZE = 50


def home(request: Request) -> HTMLResponse:
    site = site_of(request)
    source, kind = text_param(request, "source"), kind_param(request)
    if kind in EVENT_KINDS:
        return _events_home(request, source, kind)
    page = site.store.changes(
        source=source,
        kind=kind,
        before=decode_cursor(text_param(request, "before")),
        limit=PAGE_SIZE,
    )
    return site.render(
        request,
        "index.html",
        page=page,
        next_before=encode_cursor(page.next_cursor),
        source=source,
        kind=kind,
        sources=[s.name for s in site.store.list_sources()],
        summary=summary,
        excerpts=site.store.excerpts([row.version_id for row in page.rows]),
        events=None,
        filters=_filters(source, kind),
    )


def _filters(source: str | None, kind: str | None) -> str:
    """The page's filters as a query string, for its feed link (`?source=…&kind=…` or "")."""
    query = urlencode({k: v for k, v in (("source", source), ("kind", kind)) if v})
    return f"?{query}" if query else ""


def event_page(
    request: Request, source: str | None, kind: str
) -> tuple[list[EventRow], ChangeCursor | None]:
    """One page of lifecycle events (`kind`: gone, moved, restored, or events for all)."""
    site = site_of(request)
    cursor = decode_cursor(text_param(request, "before"))
    found = site.store.recent_events(
        source=source,
        kinds=EVENT_KINDS[kind],
        before=None if cursor is None else (cursor.captured_at, cursor.version_id),
        limit=PAGE_SIZE + 1,
    )
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    last = found[-1].event if more and found else None
    next_cursor = None
    if last is not None and last.id is not None:
        next_cursor = ChangeCursor(captured_at=last.at, version_id=last.id)
    return found, next_cursor


def _events_home(request: Request, source: str | None, kind: str) -> HTMLResponse:
    site = site_of(request)
    found, cursor = event_page(request, source, kind)
    return site.render(
        request,
        "index.html",
        page=ChangePage(rows=(), next_cursor=None),
        next_before=encode_cursor(cursor),
        source=source,
        kind=kind,
        sources=[s.name for s in site.store.list_sources()],
        summary=summary,
        excerpts={},
        events=[{"row": row, "sentence": wording.event_sentence(row.event)} for row in found],
        filters=_filters(source, kind),
    )


def sources_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    return site.render(request, "sources.html", figures=site.store.source_figures())


def source_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    name = str(request.path_params["name"])
    figures = next(iter(site.store.source_figures(name=name)), None)
    if figures is None:
        raise HTTPException(404, f"no source named {name[:100]}")
    stats = site.store.source_statistics(name, now=site.clock.now())
    page = site.store.changes(
        source=name,
        before=decode_cursor(text_param(request, "before")),
        limit=PAGE_SIZE,
    )
    return site.render(
        request,
        "source.html",
        figures=figures,
        stats=stats,
        chart=bar_chart(stats.edits_per_day),
        page=page,
        next_before=encode_cursor(page.next_cursor),
        summary=summary,
        excerpts=site.store.excerpts([row.version_id for row in page.rows]),
    )


def _version_rows(versions: list[VersionSummary]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    previous = None
    for version in versions:
        rows.append(
            {
                "version": version,
                "period": wording.period(previous, version.captured_at),
                "summary": "first version"
                if version.number == 1
                else summary(version.change_kind, version.change_flags),
            }
        )
        previous = version.captured_at
    return rows


def _event_rows(events: list[LifecycleEvent]) -> list[dict[str, object]]:
    return [
        {"event": e, "at": e.at, "sentence": wording.event_sentence(e), "kind": e.kind.value}
        for e in events
    ]


def _log_rows(
    versions: list[VersionSummary], events: list[LifecycleEvent], show: str | None
) -> list[dict[str, object]]:
    """Versions and lifecycle events in time order; `show` keeps only one of them."""
    rows = [] if show == "events" else _version_rows(versions)
    if show != "versions":
        rows += _event_rows(events)
    return sorted(rows, key=_row_time)


def _row_time(row: dict[str, object]) -> datetime:
    version = row.get("version")
    moment = version.captured_at if isinstance(version, VersionSummary) else row["at"]
    assert isinstance(moment, datetime)
    return moment


def article_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    article = site.article(int_param(request, "id"))
    hidden = article.status is ArticleStatus.HIDDEN
    versions = [] if hidden else site.store.version_summaries(article.id)
    events = [] if hidden else site.store.events(article.id)
    show = request.query_params.get("show")
    if show not in (None, "events", "versions"):
        raise HTTPException(400, "'show' must be events or versions")
    now = site.clock.now()
    return site.render(
        request,
        "article.html",
        article=article,
        hidden=hidden,
        origin=wording.origin_sentence(article),
        check=wording.check_sentence(article, now, site.settings.schedule),
        changed=wording.changed_sentence(len(versions) if not hidden else article.version_count),
        rows=_log_rows(versions, events, show),
        show=show,
        lifecycle=_lifecycle(article, events),
        old_urls=[] if hidden else site.store.old_urls(article.id),
        timeline=timeline_svg(
            moments(
                versions,
                [] if hidden else site.store.text_sizes(article.id),
                events,
                article_id=article.id,
            ),
            now=now,
        ),
        alternations=headline_alternations(versions),
    )


def _lifecycle(article: TrackedArticle, events: list[LifecycleEvent]) -> str | None:
    """The sentence about the article's address now: removed, or moved (None: as it was)."""
    if article.gone_at is not None:
        gone = next((e for e in reversed(events) if e.kind is EventKind.GONE), None)
        if gone is not None:
            return wording.event_sentence(gone)
    return None


def headline_alternations(versions: list[VersionSummary]) -> list[dict[str, object]]:
    """Headline A/B tests and flip-flops (A→B→A), named on the change log, never hidden."""
    found = detect_flipflops([v.title for v in versions])
    return [
        {
            "n": alt.n,
            "returns": alt.returns,
            "variants": alt.variants,
            "first_number": versions[alt.first].number,
            "last_number": versions[alt.last].number,
        }
        for alt in found
    ]


def _version(site: Site, article: TrackedArticle, number: int) -> Version:
    found = site.store.get_version(article.id, number)
    if found is None:
        raise HTTPException(404, f"article {article.id} has no version {number}")
    return found


def version_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    article = site.readable(int_param(request, "id"))
    version = _version(site, article, int_param(request, "n"))
    count = article.version_count  # visible versions are numbered 1 … version_count
    return site.render(request, "version.html", article=article, version=version, count=count)


def diff_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    article = site.readable(int_param(request, "id"))
    a, b = int_param(request, "a"), int_param(request, "b")
    old, new = _version(site, article, a), _version(site, article, b)
    inline = request.query_params.get("view") == "inline"
    count = article.version_count  # visible versions are numbered 1 … version_count
    view = diff_view(old, new)
    return site.render(
        request,
        "diff.html",
        article=article,
        old=old,
        new=new,
        view=view,
        blocks=fold_unchanged(view.rows),
        card_alt=card_alt(article, old, new),
        inline=inline,
        view_query="?view=inline" if inline else "",
        numbers=range(1, count + 1),
        prev_pair=(a - 1, a) if a > 1 else None,
        next_pair=(b, b + 1) if b < count else None,
    )


def diff_picker(request: Request) -> Response:
    """The no-JavaScript picker submits ?a=&b=; send the reader to the canonical diff URL."""
    article_id = int_param(request, "id")
    a, b = int_query(request, "a"), int_query(request, "b")
    if a is None or b is None:
        raise HTTPException(400, "pick two versions: ?a=1&b=2")
    view = "?view=inline" if request.query_params.get("view") == "inline" else ""
    return RedirectResponse(f"/articles/{article_id}/diff/{a}/{b}{view}", status_code=303)


def search_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    query = search_query(request)
    hits = (
        site.store.search(
            query.q,
            source=query.source,
            since=day_start(query.since),
            until=day_start(query.until, after=True),
            before_id=query.before,
            limit=PAGE_SIZE,
        )
        if query.q
        else []
    )
    return site.render(
        request,
        "search.html",
        query=query,
        hits=hits,
        next_before=hits[-1].version_id if len(hits) == PAGE_SIZE else None,
        sources=[s.name for s in site.store.list_sources()],
    )
