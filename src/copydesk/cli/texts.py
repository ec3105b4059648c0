"""Commands that read and compare texts: history, diff, extract, compare, export."""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.table import Table
from rich.text import Text

from copydesk.cli.app import app, canonical_or_error, settings_of
from copydesk.cli.context import console, open_store
from copydesk.cli.evidence import run_warc_export
from copydesk.cli.output import clean, plain, sentence
from copydesk.diff import classify, compare, detect_flipflops, render_terminal
from copydesk.errors import CopydeskError, UsageError
from copydesk.extract import extract_article
from copydesk.pipeline import compare_pages
from copydesk.publish import export_rows
from copydesk.publish.exports import EDIT_FORMATS, edit_rows, event_rows, write_edits
from copydesk.publish.wording import event_sentence
from copydesk.records import Article, TrackedArticle, Version
from copydesk.store import Store

_STYLES = {"insert": "bold green", "delete": "bold red strike", "heading": "bold", "": ""}


def _article_or_error(store: Store, url: str) -> TrackedArticle:
    article = store.find_article(canonical_or_error(url))
    if article is None:
        raise UsageError(f"not tracked: {url}")
    return article


@app.command()
def history(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Article URL.")],
    all_: Annotated[bool, typer.Option("--all", help="Include trivial versions.")] = False,
) -> None:
    """An article's versions."""
    with open_store(settings_of(ctx)) as store:
        article = _article_or_error(store, url)
        versions = store.versions(article.id, include_trivial=all_)
        events = store.events(article.id)
        old_urls = store.old_urls(article.id)
    table = Table("version", "captured at", "title", "change", "paragraphs")
    rows: list[tuple[datetime, list[str | Text]]] = []
    for version in versions:
        label = f"{version.number}{' (trivial)' if version.trivial else ''}"
        rows.append(
            (
                version.captured_at,
                [
                    label,
                    version.captured_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                    plain(version.title),
                    version.change_kind or "",
                    str(len(version.paragraphs)),
                ],
            )
        )
    for event in events:
        when = event.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        rows.append((event.at, ["–", when, plain(event_sentence(event)), event.kind.value, ""]))
    for _, cells in sorted(rows, key=lambda row: row[0]):
        table.add_row(*cells)
    console.print(plain(f"{article.url} ({article.source}, {article.status.value})"))
    if old_urls:
        console.print(plain(f"Earlier addresses: {', '.join(old_urls)}"))
    console.print(table)
    for alt in detect_flipflops([v.title for v in versions]):
        variants = " / ".join(f"“{text}”" for text in alt.variants)
        console.print(
            f"The headline alternates between {alt.n} variants: {variants}", highlight=False
        )


def _pick(versions: list[Version], number: int | None, default: int) -> Version:
    if not versions:
        raise UsageError("the article has no versions yet")
    wanted = number if number is not None else versions[default].number
    for version in versions:
        if version.number == wanted:
            return version
    raise UsageError(f"no version {wanted} (the article has {versions[-1].number})")


@app.command()
def diff(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Article URL.")],
    a: Annotated[
        int | None, typer.Argument(help="Old version (default: the one before B).")
    ] = None,
    b: Annotated[int | None, typer.Argument(help="New version (default: the latest).")] = None,
) -> None:
    """A coloured word diff of two versions in the terminal, with its classification."""
    with open_store(settings_of(ctx)) as store:
        article = _article_or_error(store, url)
        versions = store.versions(article.id)
    new = _pick(versions, b, -1)
    old = _pick(versions, a if a is not None else max(1, new.number - 1), 0)
    verdict = classify(old, new)
    flags = f" [{', '.join(verdict.flags)}]" if verdict.flags else ""
    console.print(
        sentence(
            plain(article.url, "bold"), f"  v{old.number} → v{new.number}: {verdict.kind}{flags}"
        )
    )
    words = Text()
    for style, text in render_terminal(compare(old, new)):
        words.append(clean(text), style=_STYLES.get(style, ""))
    console.print(words)


def _read_input(path: str) -> bytes:
    """The page's bytes: extraction decodes them as the fetcher would (copydesk.charset)."""
    if path == "-":
        return sys.stdin.buffer.read()
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such file: {path}")
    return file.read_bytes()


def article_json(article: Article, url: str | None = None) -> dict[str, Any]:
    return {
        "url": url,
        "title": article.title,
        "byline": article.byline,
        "published_at": article.published_at,
        "paragraphs": list(article.paragraphs),
        "text": article.text,
    }


def _extract_stream(lines: TextIO, out: TextIO) -> None:
    """`{"url","html"}` lines in, extracted lines out, in the same order; bad lines get an error."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            url, html = str(item.get("url") or ""), str(item["html"])
            row = article_json(extract_article(html, url=url or "http://unknown.invalid/"), url)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            row = {"url": None, "error": f"line {number}: bad input ({exc})"}
        except CopydeskError as exc:  # one bad page never stops the stream
            row = {"url": item.get("url"), "error": str(exc)}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="HTML file, or - for standard input.")] = "-",
    url: Annotated[str, typer.Option("--url", help="The page's address.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help='Read {"url","html"} lines.')] = False,
) -> None:
    """Extracted headline, byline, date and text of one page (or of a JSONL stream)."""
    if jsonl:
        _extract_stream(sys.stdin, sys.stdout)
        return
    article = extract_article(_read_input(path), url=url or "http://unknown.invalid/")
    if as_json:
        sys.stdout.write(json.dumps(article_json(article, url or None), ensure_ascii=False) + "\n")
        return
    console.print(plain(article.title, "bold"))
    console.print(f"By: {article.byline or '-'}    Published: {article.published_at or '-'}")
    console.print()
    for paragraph in article.paragraphs:
        console.print(paragraph, highlight=False)
        console.print()


@app.command("compare")
def compare_command(
    old: Annotated[str, typer.Argument(help="Old page (HTML file).")],
    new: Annotated[str, typer.Argument(help="New page (HTML file).")],
    url: Annotated[str, typer.Option("--url", help="The page's address.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Whether and how the article changed between two saved pages."""
    result = compare_pages(_read_input(old), _read_input(new), url=url or None)
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    if not result["changed"]:
        console.print("No change in the article.")
        return
    console.print(
        f"Changed ({result['kind']}): title {'changed' if result['title_changed'] else 'same'}, "
        f"{result['paragraphs_added']} paragraphs added, {result['paragraphs_removed']} removed, "
        f"{result['paragraphs_changed']} changed."
    )


def _rows(store: Store, fmt: str, include_trivial: bool) -> Iterator[dict[str, Any]]:
    if fmt == "jsonl":
        versions = export_rows(store.iter_export(include_trivial=include_trivial))
        return itertools.chain(versions, event_rows(store.iter_events()))
    formats = ", ".join(("jsonl", *EDIT_FORMATS, "warc"))
    raise UsageError(f"unknown export format: {fmt} (use {formats})")


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl (one version a line); sentence-level edits between consecutive "
            "visible versions: edits-jsonl, csv, parquet; or warc (every version's raw "
            "capture as a WARC 1.1 response record).",
        ),
    ] = "jsonl",
    out: Annotated[str, typer.Option("--out", help="Output file, or - for standard output.")] = "-",
    all_: Annotated[
        bool, typer.Option("--all", help="Include trivial versions (jsonl only).")
    ] = False,
    source: Annotated[
        str | None, typer.Option("--source", help="Only this source's articles (warc only).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only versions captured at or after DATE (warc only)."),
    ] = None,
) -> None:
    """Data for researchers and archives."""
    if fmt == "warc":
        run_warc_export(ctx, out, source, since)
        return
    if source is not None or since is not None:
        raise UsageError("--source and --since apply to --format warc")
    if fmt in EDIT_FORMATS:
        _export_edits(ctx, fmt, out, all_)
        return
    with open_store(settings_of(ctx)) as store:
        rows = _rows(store, fmt, all_)
        with contextlib.ExitStack() as stack:
            stream = sys.stdout if out == "-" else stack.enter_context(open_output(out))
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")


def _export_edits(ctx: typer.Context, fmt: str, out: str, all_: bool) -> None:
    """Sentence edit records (NewsEdits style) between consecutive visible versions."""
    if all_:
        raise UsageError("--all applies to --format jsonl only: edits compare visible versions")
    if fmt == "parquet" and out == "-":
        raise UsageError("--format parquet writes a file: give --out PATH")
    with open_store(settings_of(ctx)) as store:
        rows = edit_rows(store.iter_export(include_trivial=False))
        with contextlib.ExitStack() as stack:
            stream: TextIO | None = None
            if fmt != "parquet":
                stream = sys.stdout if out == "-" else stack.enter_context(open_output(out))
            write_edits(rows, fmt, stream, out)


def open_output(path: str) -> TextIO:
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
