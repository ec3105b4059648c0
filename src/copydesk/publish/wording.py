"""The words on the pages: dates, periods and the News Sniffer change-log sentences.

Pure functions, so the exact wording is pinned by tests and shared by pages, feeds and the API.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from copydesk.records import ArticleStatus, EventKind, Excerpt, LifecycleEvent, TrackedArticle

if TYPE_CHECKING:
    from copydesk.settings import ScheduleSettings

# XML 1.0 forbids most control characters; article text is hostile and may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MINUTE = 60
_HOUR = 3600
_DAY = 86400


def clean(text: str | None) -> str:
    """Text safe to put in HTML or XML: characters XML cannot carry are dropped."""
    return _NOT_XML.sub("", text or "")


def long_date(moment: datetime) -> str:
    """`2 March 2026 14:07 UTC`: unambiguous for readers everywhere."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y %H:%M} UTC"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def distance(delta: timedelta) -> str:
    """Rails' distance_of_time_in_words: `less than a minute`, `about 1 hour`, `3 days`."""
    seconds = abs(delta.total_seconds())
    minutes = round(seconds / _MINUTE)
    if minutes < 1:
        return "less than a minute"
    if minutes < 45:
        return _plural(minutes, "minute")
    if minutes < 90:
        return "about 1 hour"
    if minutes < 1440:
        return f"about {round(minutes / 60)} hours"
    if minutes < 2520:
        return "1 day"
    if minutes < 43200:
        return f"{round(minutes / 1440)} days"
    if minutes < 86400:
        return "about 1 month"
    if minutes < 525600:
        return f"{round(minutes / 43200)} months"
    years = minutes / 525600
    return "about 1 year" if years < 1.25 else f"about {round(years)} years"


def period(previous: datetime | None, moment: datetime) -> str:
    """The versions table's Period column: how long after the previous version."""
    return "" if previous is None else f"{distance(moment - previous)} later"


def origin_sentence(article: TrackedArticle) -> str:
    return (
        f"This article is from the source '{article.source}' and was first published or seen "
        f"on {long_date(article.first_seen_at)}."
    )


def changed_sentence(visible_versions: int) -> str:
    """N = visible versions − 1 (News Sniffer counted one too many)."""
    changes = max(0, visible_versions - 1)
    if changes == 1:
        return "The article has changed once."
    return f"The article has changed {changes} times."


def check_sentence(article: TrackedArticle, now: datetime, settings: ScheduleSettings) -> str:
    """The next-check sentence: the stored plan while it stands, else the scheduler's own text.

    An active article shows the check the scheduler actually planned (never later than its
    retirement); once retirement has passed, or when nothing is planned yet, the sentence is
    copydesk.schedule.check_text, so page and scheduler apply one rule.
    """
    from copydesk.schedule import check_text, retirement_due_at, state_of  # pages, not `history`

    if article.status is ArticleStatus.PAUSED:
        return "Checks for changes are paused."
    if article.status is ArticleStatus.HIDDEN:
        return "This article is no longer checked for changes."
    state = state_of(article, now, settings)
    if article.status is ArticleStatus.ACTIVE:
        retire_at = retirement_due_at(state, settings)
        if article.next_check_at is not None and now < retire_at:
            due = min(article.next_check_at, retire_at)
            return f"The next check for changes will be {long_date(due)}."
        return check_text(state, now, settings)
    quiet_since = article.last_change_at or article.first_seen_at
    days = max(0, (now - quiet_since) // timedelta(days=1))
    return f"It last changed over {days} days ago and won't be checked again for changes."


def event_sentence(event: LifecycleEvent) -> str:
    """A lifecycle event in News Sniffer's plain style."""
    when = long_date(event.at)
    if event.kind is EventKind.GONE:
        return f"This article was removed from its original address on {when}."
    if event.kind is EventKind.RESTORED:
        return f"This article was back at its original address on {when}."
    return f"This article moved from {event.url} to {event.new_url} on {when}."


def excerpt_text(excerpt: Excerpt | None) -> str:
    """A change's excerpt as one line of plain text, marked without colour (for feeds).

    Deleted words are ~~struck~~ and inserted ones **strong**, as in Markdown; the headline's
    old → new comes first when it changed. "" when there is nothing to show.
    """
    if excerpt is None:
        return ""
    parts = []
    if excerpt.headline_changed:
        parts.append(f"Headline: “{_flat(excerpt.title_old)}” → “{_flat(excerpt.title_new)}”.")
    if excerpt.spans:
        marks = {"delete": "~~", "insert": "**"}
        words = []
        for op, text in excerpt.spans:
            flat = _flat(text)
            if op in marks and flat.strip():
                core = flat.strip()
                lead, trail = flat[: len(flat) - len(flat.lstrip())], flat[len(flat.rstrip()) :]
                words.append(f"{lead}{marks[op]}{core}{marks[op]}{trail}")
            else:
                words.append(flat)
        line = "".join(words).strip()
        parts.append(f"{'… ' * excerpt.cut_start}{line}{' …' * excerpt.cut_end}")
    return " ".join(parts)


def _flat(text: str | None) -> str:
    return " ".join(clean(text).split(" ")).replace("\n", " ")
