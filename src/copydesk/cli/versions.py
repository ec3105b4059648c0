"""Commands over the recorded versions: history, diff and export.

Each command imports what it uses when it runs (see cli/commands.py): `history` never loads
the extractor.
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from copydesk.cli.app import canonical_or_error, mistake, settings_of
from copydesk.cli.context import open_store
from copydesk.cli.files import atomic_path
from copydesk.cli.output import WORD_DIFF_MODES, plain, print_json, sentence, table, word_diff
from copydesk.errors import UsageError

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app

if TYPE_CHECKING:
    from copydesk.records import TrackedArticle, Version
    from copydesk.store import Store

_JSON = typer.Option("--json", help="Print JSON.")
_WHAT = ("versions", "edits")


def _console() -> Any:
    from copydesk.cli.context import console

    return console


def _article_or_error(store: Store, url: str) -> TrackedArticle:
    article = store.find_article(canonical_or_error(url))
    if article is None:
        raise UsageError(f"not tracked: {url}")
    return article


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


@commands.command()
def history(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(metavar="URL", help="Article URL.")],
    all_: Annotated[bool, typer.Option("--all", help="Include trivial versions.")] = False,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """An article's versions."""
    from copydesk.diff import detect_flipflops
    from copydesk.publish.wording import event_sentence

    with open_store(settings_of(ctx)) as store:
        article = _article_or_error(store, url)
        versions = store.versions(article.id, include_trivial=all_)
        events = store.events(article.id)
        old_urls = store.old_urls(article.id)
    alternations = detect_flipflops([v.title for v in versions])
    if as_json:
        print_json(
            {
                "url": article.url,
                "source": article.source,
                "status": article.status.value,
                "earlier_urls": list(old_urls),
                "versions": [_version_json(v) for v in versions],
                "events": [
                    {"event": e.kind.value, "at": e.at, "sentence": event_sentence(e)}
                    for e in events
                ],
                "headline_alternations": [list(alt.variants) for alt in alternations],
            }
        )
        return
    rows: list[tuple[datetime, list[object]]] = []
    for version in versions:
        label = f"{version.number}{' (trivial)' if version.trivial else ''}"
        cells: list[object] = [
            label,
            _when(version.captured_at),
            version.title,
            version.change_kind or "",
            len(version.paragraphs),
        ]
        rows.append((version.captured_at, cells))
    for event in events:
        rows.append((event.at, ["–", _when(event.at), event_sentence(event), event.kind.value, ""]))
    console = _console()
    console.print(sentence(article.url, f" ({article.source}, {article.status.value})"))
    if old_urls:
        console.print(sentence("Earlier addresses: ", ", ".join(old_urls)))
    headers = ("version", "captured at", "title", "change", "paragraphs")
    table(console, headers, [cells for _, cells in sorted(rows, key=lambda row: row[0])])
    for alt in alternations:
        variants = " / ".join(f"“{text}”" for text in alt.variants)
        console.print(sentence(f"The headline alternates between {alt.n} variants: ", variants))


def _version_json(version: Version) -> dict[str, Any]:
    return {
        "version": version.number,
        "captured_at": version.captured_at,
        "title": version.title,
        "byline": version.byline,
        "published_at": version.published_at,
        "change": version.change_kind,
        "flags": list(version.change_flags),
        "trivial": version.trivial,
        "paragraphs": len(version.paragraphs),
    }


def _pick(versions: list[Version], number: int | None, default: int) -> Version:
    if not versions:
        raise UsageError("the article has no versions yet")
    wanted = number if number is not None else versions[default].number
    for version in versions:
        if version.number == wanted:
            return version
    raise UsageError(f"no version {wanted} (the article has {versions[-1].number})")


@commands.command()
def diff(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(metavar="URL", help="Article URL.")],
    a: Annotated[
        int | None, typer.Argument(metavar="A", help="Old version (default: the one before B).")
    ] = None,
    b: Annotated[
        int | None, typer.Argument(metavar="B", help="New version (default: the latest).")
    ] = None,
    word_diff_mode: Annotated[
        str | None,
        typer.Option(
            "--word-diff",
            metavar="plain|color|porcelain",
            help="How words are marked: color (the default in a terminal), plain "
            "([-old-]{+new+}, the default in a pipe, as git's) or porcelain (git's "
            "line-based format for scripts).",
        ),
    ] = None,
) -> None:
    """A word diff of two versions, with its classification."""
    from copydesk.diff import classify, compare, render_terminal

    if word_diff_mode is not None and word_diff_mode not in WORD_DIFF_MODES:
        raise typer.BadParameter(
            f"{word_diff_mode!r} is not one of plain, color, porcelain", param_hint="--word-diff"
        )
    with open_store(settings_of(ctx)) as store:
        article = _article_or_error(store, url)
        versions = store.versions(article.id)
    new = _pick(versions, b, -1)
    old = _pick(versions, a if a is not None else max(1, new.number - 1), 0)
    verdict = classify(old, new)
    console = _console()
    mode = word_diff_mode or ("color" if console.is_terminal else "plain")
    flags = f" [{', '.join(verdict.flags)}]" if verdict.flags else ""
    head = f"  v{old.number} → v{new.number}: {verdict.kind}{flags}"
    word_diff(
        console,
        mode,
        plain(article.url, style="bold") + plain(head),
        render_terminal(compare(old, new)),
    )


@commands.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="jsonl|csv|parquet|warc",
            help="jsonl, csv or parquet (of what --what says), or warc (every version's raw "
            "capture as a WARC 1.1 response record).",
        ),
    ] = "jsonl",
    what: Annotated[
        str,
        typer.Option(
            "--what",
            metavar="versions|edits",
            help="versions (one record per version; in jsonl the lifecycle events follow), or "
            "edits (one record per sentence-level edit between consecutive visible versions).",
        ),
    ] = "versions",
    out: Annotated[
        str, typer.Option("--out", metavar="PATH", help="Output file, or - for standard output.")
    ] = "-",
    all_: Annotated[
        bool, typer.Option("--all", help="Include trivial versions (--what versions).")
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="NAME", help="Only this source's articles (warc only)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", help="Only versions captured at or after DATE (warc only)."
        ),
    ] = None,
) -> None:
    """Data for researchers and archives."""
    if fmt == "edits-jsonl":  # the old name, kept so scripts keep working
        fmt, what = "jsonl", "edits"
    if what not in _WHAT:
        raise mistake(ctx, "--what", f"{what!r} is not one of versions, edits")
    if fmt == "warc":
        from copydesk.cli.evidence import run_warc_export

        run_warc_export(ctx, out, source, since)
        return
    if fmt not in ("jsonl", "csv", "parquet"):
        raise mistake(ctx, "--format", f"{fmt!r} is not one of jsonl, csv, parquet, warc")
    if source is not None or since is not None:
        raise mistake(ctx, "--source/--since", "they apply to --format warc")
    if what == "edits" and all_:
        raise mistake(ctx, "--all", "it applies to --what versions: edits compare visible ones")
    if fmt == "parquet" and out == "-":
        raise mistake(ctx, "--out", "--format parquet writes a file: give --out PATH")
    _export(ctx, fmt, what, out, all_)


def _export(ctx: typer.Context, fmt: str, what: str, out: str, all_: bool) -> None:
    import itertools

    from copydesk.cli.context import err_console
    from copydesk.cli.progress import counting
    from copydesk.publish.exports import (
        edit_rows,
        event_rows,
        export_rows,
        write_edits,
        write_versions,
    )

    with open_store(settings_of(ctx)) as store, counting(err_console, f"{what} written") as count:
        pairs = store.iter_export(include_trivial=all_ and what == "versions")
        with contextlib.ExitStack() as stack:
            # Written beside the target and renamed over it once whole (cli/files.py).
            path = out if out == "-" else str(stack.enter_context(atomic_path(out)))
            stream: TextIO | None = None
            if fmt != "parquet":
                stream = sys.stdout if out == "-" else stack.enter_context(open_output(path))
            if what == "edits":
                write_edits((count(r) for r in edit_rows(pairs)), fmt, stream, path)
            elif fmt == "jsonl":
                assert stream is not None
                rows = itertools.chain(export_rows(pairs), event_rows(store.iter_events()))
                for row in rows:
                    stream.write(json.dumps(count(row), ensure_ascii=False) + "\n")
            else:
                write_versions((count(r) for r in export_rows(pairs)), fmt, stream, path)


def open_output(path: str) -> TextIO:
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
