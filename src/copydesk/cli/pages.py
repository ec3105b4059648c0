"""Commands over saved pages, with no database: extract and compare.

Each command imports what it uses when it runs (see cli/commands.py): neither loads the
database layer.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from copydesk.cli.output import plain, print_json, sentence
from copydesk.errors import CopydeskError, UsageError

commands = typer.Typer()  # this module's commands; cli/commands.py lists them for the app

if TYPE_CHECKING:
    from copydesk.records import Article

_JSON = typer.Option("--json", help="Print JSON.")


def _console() -> Any:
    from copydesk.cli.context import console

    return console


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


def _extract_line(number: int, text: str) -> str:
    """The output line for input line `number`: its article, or an error naming the line."""
    from copydesk.extract import extract_article

    item: Any = None
    try:
        item = json.loads(text)
        url, html = str(item.get("url") or ""), str(item["html"])
        row = article_json(extract_article(html, url=url or "http://unknown.invalid/"), url)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        row = {"url": None, "error": f"line {number}: bad input ({exc})"}
    except CopydeskError as exc:  # one bad page never stops the stream
        row = {"url": item.get("url"), "error": str(exc)}
    return json.dumps(row, ensure_ascii=False)


def _extract_stream(lines: TextIO, out: TextIO, *, jobs: int = 1) -> None:
    """`{"url","html"}` lines in, extracted lines out, in the same order; bad lines get an error.

    With `jobs` > 1 the pages are extracted by that many processes (a batch is CPU work, and
    one Python process uses one core); the output order is still the input order.
    """
    import copydesk.extract  # noqa: F401  (loaded once here: forked workers inherit it)

    numbered = ((n, text) for n, text in enumerate(lines, start=1) if text.strip())
    results = (
        _in_workers(numbered, jobs) if jobs > 1 else (_extract_line(*item) for item in numbered)
    )
    for line in results:
        out.write(line + "\n")
        out.flush()


def _in_workers(items: Iterator[tuple[int, str]], jobs: int) -> Iterator[str]:
    """`_extract_line` over `items` in `jobs` processes, the results in input order.

    At most four pages per process are read ahead: a stream of any length runs in bounded
    memory, and the first lines come out while the rest are still being read.
    """
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        pending: deque[Future[str]] = deque()
        for number, text in items:
            pending.append(pool.submit(_extract_line, number, text))
            if len(pending) >= 4 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _default_jobs() -> int:
    """One extraction process per CPU this process may run on."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@commands.command()
def extract(
    path: Annotated[
        str, typer.Argument(metavar="FILE", help="HTML file, or - for standard input.")
    ] = "-",
    url: Annotated[str, typer.Option("--url", metavar="URL", help="The page's address.")] = "",
    as_json: Annotated[bool, _JSON] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help='Read {"url","html"} lines.')] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=0,
            help="--jsonl: pages extracted at once, one process each (0: one per CPU).",
        ),
    ] = 0,
) -> None:
    """Extracted headline, byline, date and text of one page (or of a JSONL stream)."""
    from copydesk.extract import extract_article

    if jsonl:
        _extract_stream(sys.stdin, sys.stdout, jobs=jobs or _default_jobs())
        return
    article = extract_article(_read_input(path), url=url or "http://unknown.invalid/")
    if as_json:
        print_json(article_json(article, url or None))
        return
    console = _console()
    console.print(plain(article.title, style="bold"))
    console.print(
        sentence("By: ", article.byline or "-", "    Published: ", article.published_at or "-")
    )
    console.print()
    for paragraph in article.paragraphs:
        console.print(plain(paragraph))
        console.print()


@commands.command("compare")
def compare_command(
    old: Annotated[str, typer.Argument(metavar="OLD", help="Old page (HTML file).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="New page (HTML file).")],
    url: Annotated[str, typer.Option("--url", metavar="URL", help="The page's address.")] = "",
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Whether and how the article changed between two saved pages."""
    from copydesk.pipeline import compare_pages

    result = compare_pages(_read_input(old), _read_input(new), url=url or None)
    if as_json:
        print_json(result)
        return
    console = _console()
    if not result["changed"]:
        console.print("No change in the article.")
        return
    console.print(
        plain(
            f"Changed ({result['kind']}): title "
            f"{'changed' if result['title_changed'] else 'same'}, "
            f"{result['paragraphs_added']} paragraphs added, {result['paragraphs_removed']} "
            f"removed, {result['paragraphs_changed']} changed."
        )
    )
