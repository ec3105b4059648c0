"""Diff cards: one change as a 1200×675 PNG for social posts, with its alt text.

The card shows the source and time, the headline (old struck through above new underlined when
it changed) and the excerpt chosen by copydesk.diff.excerpt. Deletions are red, struck through
and tinted; insertions green, underlined and tinted, so the marks survive greyscale and every
kind of colour blindness. Text that does not fit is cut with an ellipsis; nothing overflows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from copydesk.notify import fonts
from copydesk.notify.message import plain, when
from copydesk.records import Notice

WIDTH, HEIGHT = 1200, 675
MARGIN = 56
INK, GREY, RULE = (20, 20, 20), (95, 95, 95), (210, 210, 210)
DEL_INK, DEL_TINT = (170, 20, 30), (253, 226, 228)
INS_INK, INS_TINT = (10, 110, 50), (222, 246, 228)
_STYLES = {  # ink, tint, mark
    "equal": (INK, None, None),
    "delete": (DEL_INK, DEL_TINT, "strike"),
    "insert": (INS_INK, INS_TINT, "underline"),
}
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    op: str  # equal | delete | insert
    script: str | None  # None: whitespace

    @property
    def rtl(self) -> bool:
        return self.script == fonts.ARABIC


@dataclass(frozen=True, slots=True)
class _Box:
    """A block of wrapped text: where it goes and how big."""

    top: int
    lines: int
    size: int
    bold: bool = False


def alt_text(notice: Notice) -> str:
    """What the card shows, in words, for screen readers and image-less targets."""
    parts = [f"Diff card: {plain(notice.source, 80)}, {when(notice.at)}."]
    excerpt = notice.excerpt
    if excerpt is not None and excerpt.headline_changed:
        parts.append(
            f"Headline changed from “{plain(excerpt.title_old, 200)}” "
            f"to “{plain(excerpt.title_new, 200)}”."
        )
    else:
        parts.append(f"Headline: “{plain(notice.title, 200)}”.")
    if excerpt is not None and excerpt.spans:
        removed = " … ".join(
            plain(t, 200) for op, t in excerpt.spans if op == "delete" and t.strip()
        )
        added = " … ".join(plain(t, 200) for op, t in excerpt.spans if op == "insert" and t.strip())
        if removed:
            parts.append(f"Removed: “{removed}”.")
        if added:
            parts.append(f"Added: “{added}”.")
    if notice.old_version and notice.new_version:
        parts.append(f"Version {notice.old_version} to {notice.new_version}.")
    return " ".join(parts)


def render_card(notice: Notice) -> bytes:
    """The PNG card of one change (or lifecycle event)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    _header(draw, notice)
    top = 150
    excerpt = notice.excerpt
    if excerpt is not None and excerpt.headline_changed:
        top = _block(draw, [("delete", excerpt.title_old or "")], _Box(top, 2, 36, True))
        top = _block(draw, [("insert", excerpt.title_new or "")], _Box(top + 6, 2, 36, True))
    else:
        top = _block(draw, [("equal", notice.title)], _Box(top, 2, 40, True))
    draw.line([(MARGIN, top + 14), (WIDTH - MARGIN, top + 14)], fill=RULE, width=2)
    spans: list[tuple[str, str]] = list(excerpt.spans) if excerpt else []
    if spans and excerpt is not None:
        # the excerpt is a window on the paragraph: say so at the ends that were cut
        spans = [("equal", "… ")] * excerpt.cut_start + spans + [("equal", " …")] * excerpt.cut_end
        lines = max(1, (HEIGHT - 80 - (top + 40)) // 46)
        _block(draw, spans, _Box(top + 40, lines, 30))
    _footer(draw, notice)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _header(draw: ImageDraw.ImageDraw, notice: Notice) -> None:
    source = plain(notice.source, 60)
    _block(draw, [("equal", source)], _Box(44, 1, 30, True), width=WIDTH // 2)
    stamp = when(notice.at)
    small = fonts.font(fonts.LATIN, 24)
    draw.text((MARGIN, 104), stamp, font=small, fill=GREY, anchor="ls")
    label = {"gone": "removed", "moved": "moved", "restored": "restored"}.get(
        notice.kind, f"{notice.kind} change" if notice.kind != "new" else "new article"
    )
    right = f"copydesk · {label}"
    draw.text((WIDTH - MARGIN, 70), right, font=small, fill=GREY, anchor="rs")


def _footer(draw: ImageDraw.ImageDraw, notice: Notice) -> None:
    small = fonts.font(fonts.LATIN, 22)
    bits = []
    if notice.old_version and notice.new_version:
        bits.append(f"from version {notice.old_version} to {notice.new_version}")
    if notice.flags:
        bits.append(", ".join(notice.flags))
    bits.append("red struck: removed · green underlined: added")
    text = _fit_plain(" · ".join(bits), small, WIDTH - 2 * MARGIN)
    draw.text((MARGIN, HEIGHT - 34), text, font=small, fill=GREY, anchor="ls")


def _fit_plain(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    while text and font.getlength(text) > width:
        text = text[:-2] + _ELLIPSIS
    return text


# ---- text layout --------------------------------------------------------------------------


def _tokens(spans: Iterable[tuple[str, str]]) -> list[_Token]:
    """Words, spaces and single CJK characters (break points), each with its font script."""
    out: list[_Token] = []
    for op, text in spans:
        if not text.strip():
            op = "equal"  # a removed or added space alone is not worth a mark
        if out and out[-1].op != op and "equal" not in (op, out[-1].op):
            out.append(_Token(" ", "equal", None))  # a removal and its replacement: apart
        current, script = "", None
        for ch in _one_line(text)[:5000]:
            kind = fonts.script_of(ch)
            if current and (kind != script or kind == fonts.CJK):
                out.append(_Token(current, op, script))
                current = ""
            current, script = current + ch, kind
        if current:
            out.append(_Token(current, op, script))
    return out


def _one_line(text: str) -> str:
    """Like message.plain, but keeping the spaces at the ends (spans meet at them)."""
    inner = plain(text, 10**9)
    if not inner:
        return " " if text[:1].isspace() or text[-1:].isspace() else ""
    head = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    return head + inner + tail


def _width(token: _Token, size: int, bold: bool) -> float:
    font = fonts.font(token.script or fonts.LATIN, size, bold)
    if token.rtl and fonts.raqm():
        return float(font.getlength(token.text, direction="rtl"))
    return float(font.getlength(token.text))


def _wrap(tokens: list[_Token], box: _Box, width: int) -> list[list[_Token]]:
    """Greedy lines; the last allowed line ends with an ellipsis when text is left over."""
    lines: list[list[_Token]] = [[]]
    used = 0.0
    for token in tokens:
        size = _width(token, box.size, box.bold)
        if lines[-1] and used + size > width and token.script is not None:
            if len(lines) == box.lines:
                lines[-1] = _ellipsize(lines[-1], box, width)
                return lines
            lines.append([])
            used = 0.0
        if not lines[-1] and token.script is None:
            continue  # no space at the start of a line
        if size > width:  # one word longer than a line: cut it, and the text after it
            lines[-1].append(_cut_token(token, box, width - used))
            return lines
        lines[-1].append(token)
        used += size
    return lines


def _cut_token(token: _Token, box: _Box, room: float) -> _Token:
    text = token.text
    while (
        text and _width(_Token(text + _ELLIPSIS, token.op, token.script), box.size, box.bold) > room
    ):
        text = text[:-1]
    return _Token(text + _ELLIPSIS, token.op, token.script)


def _ellipsize(line: list[_Token], box: _Box, width: int) -> list[_Token]:
    """The line with an ellipsis appended, dropping tokens from its end until it fits."""
    line = list(line)
    while True:
        while line and line[-1].script is None:
            line.pop()
        mark = _Token(_ELLIPSIS, line[-1].op if line else "equal", fonts.LATIN)
        total = sum(_width(t, box.size, box.bold) for t in [*line, mark])
        if total <= width or not line:
            return [*line, mark]
        line.pop()


def _visual(line: list[_Token], rtl: bool) -> list[_Token]:
    """Tokens in drawing order.

    In a right-to-left paragraph, runs of left-to-right words keep their order while the runs,
    and the right-to-left words, are reversed.
    """
    if not rtl:
        return line
    runs: list[list[_Token]] = []
    for token in line:
        direction = token.rtl if token.script is not None else None
        if runs and (direction is None or _run_rtl(runs[-1]) in (None, direction)):
            runs[-1].append(token)
        else:
            runs.append([token])
    ordered: list[_Token] = []
    for run in reversed(runs):
        ordered.extend(reversed(run) if _run_rtl(run) is not False else run)
    return ordered


def _run_rtl(run: list[_Token]) -> bool | None:
    for token in run:
        if token.script is not None:
            return token.rtl
    return None


def _block(
    draw: ImageDraw.ImageDraw,
    spans: Sequence[tuple[str, str]],
    box: _Box,
    *,
    width: int = WIDTH - 2 * MARGIN,
) -> int:
    """Draw wrapped, marked text from `box.top`; returns the bottom of the last line."""
    tokens = _tokens(spans)
    rtl = next((t.rtl for t in tokens if t.script is not None), False)
    leading = int(box.size * 1.45)
    baseline = box.top + box.size
    for line in _wrap(tokens, box, width):
        widths = [_width(t, box.size, box.bold) for t in _visual(line, rtl)]
        x = float(WIDTH - MARGIN - sum(widths)) if rtl else float(MARGIN)
        for token, size in zip(_visual(line, rtl), widths, strict=True):
            _draw_token(draw, token, x, baseline, size, box)
            x += size
        baseline += leading
    return baseline - leading + int(box.size * 0.35)


def _draw_token(
    draw: ImageDraw.ImageDraw, token: _Token, x: float, baseline: int, width: float, box: _Box
) -> None:
    ink, tint, mark = _STYLES.get(token.op, _STYLES["equal"])
    size = box.size
    if tint is not None:
        draw.rectangle([x, baseline - size * 0.95, x + width, baseline + size * 0.3], fill=tint)
    if token.script is not None:
        font = fonts.font(token.script, size, box.bold)
        direction = "rtl" if token.rtl and fonts.raqm() else None
        draw.text((x, baseline), token.text, font=font, fill=ink, anchor="ls", direction=direction)
    thickness = max(2, size // 14)
    if mark == "strike":
        y = baseline - size * 0.32
        draw.line([(x, y), (x + width, y)], fill=ink, width=thickness)
    elif mark == "underline":
        y = baseline + size * 0.14
        draw.line([(x, y), (x + width, y)], fill=ink, width=thickness)
