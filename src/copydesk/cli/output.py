"""Printing data in the terminal: as text, never as Rich markup or terminal control sequences.

Article text, titles, source names, URLs and error messages come from publishers and users.
`[/x]` in a headline must not crash the printer, `[link=…]` must not become a hyperlink,
`:fire:` must not become an emoji, and ESC sequences must not recolour, retitle or rewrite the
terminal. The CLI's consoles are SafeConsoles: every str they print is plain text with control
characters removed. Styled output is built from Text objects, with data put in through `plain`
(one piece of data) or `sentence` (a sentence with data in it).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.text import Text

# C0 controls except tab and newline, DEL, and C1 controls (0x9b is a one-byte CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FLAT = re.compile(r"[\t\r\n]+")


def clean(text: object) -> str:
    """The text with control characters removed (ESC and CSI start every terminal sequence)."""
    return _CONTROL.sub("", str(text))


def plain(text: object, style: str = "") -> Text:
    """One piece of data as a Rich Text: printed as written, with control characters removed."""
    return Text(clean(text), style=style)


def sentence(*parts: object) -> Text:
    """A sentence: str parts are data (never markup); Text parts keep their own styles."""
    out = Text()
    for part in parts:
        out.append(part if isinstance(part, Text) else plain(part))
    return out


class SafeConsole(Console):
    """A Console for which every str is data: no markup, emoji codes, highlighting or controls."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False, highlight=False)
        return super().render_str(clean(text), **kwargs)


# ── terminals and pipes ─────────────────────────────────────────────────────────────────────


def make_console(*, stderr: bool = False) -> Console:
    """A Rich console: styled and wrapped in a terminal; plain and unwrapped in a pipe.

    In a pipe or file there is no colour, no control sequence and no wrapping, so a URL or a
    summary stays on one line for grep and cut (NO_COLOR and FORCE_COLOR work as in Rich).
    """
    # SafeConsole in both cases: a str printed here is data (an --out path, a summary with a
    # source name in it), never markup.
    console: Console = SafeConsole(stderr=stderr)
    if not console.is_terminal:
        console = SafeConsole(stderr=stderr, soft_wrap=True, width=10_000)
    return console


def table(console: Console, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A table: drawn in a terminal; tab-separated lines in a pipe.

    In a pipe: a header line, then one line per row; tabs and line breaks inside a cell become
    spaces, so every row stays on one line.
    """
    if console.is_terminal:
        from rich.table import Table

        drawn = Table(*headers)
        for row in rows:
            drawn.add_row(*(cell if isinstance(cell, Text) else plain(_cell(cell)) for cell in row))
        console.print(drawn)
        return
    for row in [headers, *rows]:
        cells = (_FLAT.sub(" ", clean(_cell(cell))) for cell in row)
        console.file.write("\t".join(cells) + "\n")  # as written: Rich would expand the tabs


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, timedelta):
        return value.total_seconds()
    return str(value)


def _cell(value: object) -> str:
    if isinstance(value, Text):
        return value.plain
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(value)


def print_json(value: object) -> None:
    """One JSON document on standard output (data, never markup); times in ISO 8601 UTC."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=_json_value) + "\n")


# ── word diffs ──────────────────────────────────────────────────────────────────────────────

WORD_DIFF_MODES = ("plain", "color", "porcelain")
_STYLES = {"insert": "bold green", "delete": "bold red strike", "heading": "bold"}
_PLAIN_MARKS = {"insert": ("{+", "+}"), "delete": ("[-", "-]")}
_PORCELAIN = {"insert": "+", "delete": "-"}


def word_diff(console: Console, mode: str, head: Text, segments: Iterable[tuple[str, str]]) -> None:
    """Print a word diff: `segments` are (op, text) with op insert, delete, heading or "".

    color: Rich styles (forced, even in a pipe, when asked for). plain: git's
    `--word-diff=plain`, `[-old-]{+new+}`. porcelain: git's `--word-diff=porcelain`, one run
    per line starting with " ", "-" or "+", and "~" alone on a line for each line break.
    """
    if mode == "porcelain":
        console.print(head)
        sys.stdout.flush()
        sys.stdout.write(_porcelain(segments))
        return
    out = Text()
    for op, text in segments:
        text = clean(text)
        if mode == "plain" and op in _PLAIN_MARKS:
            start, end = _PLAIN_MARKS[op]
            out.append(f"{start}{text}{end}")
        elif mode == "color":
            out.append(text, style=_STYLES.get(op, ""))
        else:
            out.append(text)
    if mode == "color" and not console.is_terminal:
        console = SafeConsole(force_terminal=True, soft_wrap=True, width=10_000)
    if mode == "plain":
        head = Text(head.plain)
    console.print(head)
    console.print(out, end="")


def _porcelain(segments: Iterable[tuple[str, str]]) -> str:
    runs: list[tuple[str, str]] = []  # adjacent segments of one kind make one run
    for op, text in segments:
        prefix = _PORCELAIN.get(op, " ")
        if runs and runs[-1][0] == prefix:
            runs[-1] = (prefix, runs[-1][1] + text)
        else:
            runs.append((prefix, text))
    lines: list[str] = []
    for prefix, text in runs:
        for index, part in enumerate(clean(text).split("\n")):
            if index:
                lines.append("~")
            if part:
                lines.append(prefix + part)
    return "\n".join(lines) + "\n"
