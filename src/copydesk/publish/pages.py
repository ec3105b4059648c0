"""HTML views: changes, sources, an article's change log, one version, a diff, search."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from copydesk.diff import detect_flipflops
from copydesk.publish import wording
from copydesk.publish.diffview import diff_view, summary
from copydesk.publish.params import (
    day_start,
    decode_cursor,
    encode_cursor,
    int_query,
    kind_param,
    search_query,
    text_param,
)
from copydesk.publish.site import int_param, site_of
from copydesk.publish.timeline import bar_chart, timeline
from copydesk.records import ArticleStatus, TrackedArticle, Version
from copydesk.store import recent_changes, search, source_figures, source_statistics

PAGE_SIZE = 50


def home(request: Request) -> HTMLResponse:
    site = site_of(request)
    source, kind = text_param(request, "source"), kind_param(request)
    page = recent_changes(
        site.store,
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
    )


def sources_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    return site.render(request, "sources.html", figures=source_figures(site.store))


def source_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    name = str(request.path_params["name"])
    figures = next((f for f in source_figures(site.store) if f.name == name), None)
    if figures is None:
        raise HTTPException(404, f"no source named {name[:100]}")
    stats = source_statistics(site.store, name, now=site.clock.now())
    page = recent_changes(
        site.store,
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
    )


def _version_rows(versions: list[Version]) -> list[dict[str, object]]:
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


def article_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    article = site.article(int_param(request, "id"))
    hidden = article.status is ArticleStatus.HIDDEN
    versions = [] if hidden else site.store.versions(article.id)
    now = site.clock.now()
    return site.render(
        request,
        "article.html",
        article=article,
        hidden=hidden,
        origin=wording.origin_sentence(article),
        check=wording.check_sentence(article, now, site.settings.schedule),
        changed=wording.changed_sentence(len(versions) if not hidden else article.version_count),
        rows=_version_rows(versions),
        picture=timeline([v.captured_at for v in versions], now=now),
        alternations=headline_alternations(versions),
    )


def headline_alternations(versions: list[Version]) -> list[dict[str, object]]:
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


def _version(site_article: TrackedArticle, versions: list[Version], number: int) -> Version:
    found = next((v for v in versions if v.number == number), None)
    if found is None:
        raise HTTPException(404, f"article {site_article.id} has no version {number}")
    return found


def version_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    article = site.readable(int_param(request, "id"))
    number = int_param(request, "n")
    versions = site.store.versions(article.id)
    version = _version(article, versions, number)
    return site.render(
        request, "version.html", article=article, version=version, count=len(versions)
    )


def diff_page(request: Request) -> HTMLResponse:
    site = site_of(request)
    article = site.readable(int_param(request, "id"))
    a, b = int_param(request, "a"), int_param(request, "b")
    versions = site.store.versions(article.id)
    old, new = _version(article, versions, a), _version(article, versions, b)
    inline = request.query_params.get("view") == "inline"
    count = len(versions)
    return site.render(
        request,
        "diff.html",
        article=article,
        old=old,
        new=new,
        view=diff_view(old, new),
        inline=inline,
        view_query="?view=inline" if inline else "",
        numbers=[v.number for v in versions],
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
        search(
            site.store,
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
