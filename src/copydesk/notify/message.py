"""The words of a notification: title and plain-text body of one Notice.

Everything from the page (headline, excerpt, URLs) is reduced to one line of plain text with
control and bidi-override characters removed; the message is sent as TEXT, so Apprise escapes
it for targets that speak HTML or Markdown and nothing from the page is read as markup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from copydesk.records import Notice

TITLE_CHARS = 250
LINE_CHARS = 600
_KIND_WORDS = {
    "substantive": "Substantive change",
    "minor": "Minor change",
    "new": "New article",
    "gone": "Article removed",
    "restored": "Article restored",
    "moved": "Article moved",
}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    title: str
    body: str
    diff_url: str | None
    card_name: str  # file name of the attached card


def plain(text: str | None, limit: int = LINE_CHARS) -> str:
    """One line of plain text: no control, format (bidi overrides) or line-break characters."""
    if not text:
        return ""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
        if unicodedata.category(ch) != "Cf" or ch in "\u200c\u200d"  # keep joiners (Arabic, Indic)
    )
    line = _SPACE.sub(" ", kept).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def when(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def links(notice: Notice, base_url: str) -> tuple[str | None, str | None]:
    """(diff page, change log) as absolute URLs from web.base_url; None without it."""
    base = base_url.rstrip("/")
    if not base:
        return None, None
    log = f"{base}/articles/{notice.article_id}"
    if notice.old_version and notice.new_version:
        return f"{log}/diff/{notice.old_version}/{notice.new_version}", log
    return None, log


def render(notice: Notice, *, base_url: str = "") -> Message:
    """Title and body of the notification for `notice`."""
    kind = _KIND_WORDS.get(notice.kind, notice.kind.capitalize())
    headline = plain(notice.title, TITLE_CHARS)
    source = plain(notice.source, 80)
    lines = [f"{kind} in {source}" + (f" ({', '.join(notice.flags)})" if notice.flags else "")]
    lines.extend(_headline_lines(notice, headline))
    lines.extend(_event_lines(notice))
    lines.extend(_excerpt_lines(notice))
    if notice.new_version:
        old = f"version {notice.old_version} → " if notice.old_version else ""
        lines.append(f"Versions: {old}version {notice.new_version}, {when(notice.at)}")
    diff_url, log_url = links(notice, base_url)
    if diff_url:
        lines.append(f"Diff: {diff_url}")
    elif log_url:
        lines.append(f"Change log: {log_url}")
    lines.append(f"Original article: {plain(notice.article_url)}")
    lines.append(f"Message id: {notice.message_id}")
    title = plain(f"{source}: {kind.lower()}: {headline}", TITLE_CHARS)
    name = f"copydesk-{notice.article_id}-{notice.new_version or notice.kind}.png"
    return Message(title=title, body="\n".join(lines), diff_url=diff_url, card_name=name)


def _headline_lines(notice: Notice, headline: str) -> list[str]:
    excerpt = notice.excerpt
    if excerpt is not None and excerpt.headline_changed:
        return [f"Headline: {plain(excerpt.title_old)} → {plain(excerpt.title_new)}"]
    return [f"Headline: {headline}"]


def _event_lines(notice: Notice) -> list[str]:
    if notice.kind == "gone":
        return [f"This article was removed from its original address on {when(notice.at)}."]
    if notice.kind == "restored":
        return [f"This article was back at its original address on {when(notice.at)}."]
    if notice.kind == "moved":
        return [
            f"This article moved to a new address on {when(notice.at)}.",
            f"Old address: {plain(notice.moved_from)}",
        ]
    return []


def _excerpt_lines(notice: Notice) -> list[str]:
    excerpt = notice.excerpt
    if excerpt is None or not excerpt.spans:
        return []
    if notice.kind == "new":
        return [f"Opening: {plain(excerpt.after)}"]
    before = plain(excerpt.before) or "(nothing: the passage was added)"
    after = plain(excerpt.after) or "(nothing: the passage was removed)"
    return [f"Before: {before}", f"After: {after}"]
