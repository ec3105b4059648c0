"""Printing data in the terminal: as text, never as Rich markup or terminal control sequences.

Article text, titles, source names, URLs and error messages come from publishers and users.
`[/x]` in a headline must not crash the printer, `[link=…]` must not become a hyperlink,
`:fire:` must not become an emoji, and ESC sequences must not recolour, retitle or rewrite the
terminal. The CLI's consoles are SafeConsoles: every str they print is plain text with control
characters removed. Styled output is built from Text objects, with data put in through `plain`
(one piece of data) or `sentence` (a sentence with data in it).
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

# C0 controls except tab and newline, DEL, and C1 controls (0x9b is a one-byte CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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
