"""Web test support: a small store of hand-made versions (hostile ones too), a TestClient,
and the system Chromium's flags for Playwright."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from copydesk.records import Article, Check, CheckOutcome, CheckResult, Source
from copydesk.store import Store

with warnings.catch_warnings():  # starlette warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: F401  (re-exported for the web tests)

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TOKEN = "s3cret-token"
HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'
HOSTILE_URL = "https://evil.example/a?x=<b>&y=\"'"


@dataclass
class Newsroom:
    store: Store
    calm: int  # article id: three visible versions
    hostile: int  # article id: script tags everywhere
    other: int  # article id in a second source


def article(title: str, *paragraphs: str) -> Article:
    return Article(
        title=title,
        byline="By A Reporter",
        published_at="2026-03-01",
        paragraphs=paragraphs,
        extractor="test 1",
    )


def record(store: Store, article_id: int, at: datetime, article: Article, **kw) -> None:
    store.record_check(
        CheckResult(
            check=Check(
                article_id=article_id, checked_at=at, outcome=CheckOutcome.NEW_VERSION, status=200
            ),
            article=article,
            next_check_at=at + timedelta(minutes=30),
            **kw,
        )
    )


def fill(store: Store) -> Newsroom:
    store.add_source(Source(name="daily"), now=START)
    store.add_source(Source(name="weekly"), now=START)
    calm = store.add_article("daily", "https://daily.example/news/mayor", now=START).id
    record(
        store,
        calm,
        START,
        article(
            "Mayor opens bridge",
            "The mayor opened the bridge on Monday.",
            "It cost 5 million pounds.",
            "Residents cheered.",
        ),
    )
    record(
        store,
        calm,
        START + timedelta(hours=1),
        article(
            "Mayor opens new bridge",
            "The mayor opened the bridge on Tuesday.",
            "It cost 5 million pounds.",
            "Residents cheered.",
        ),
        change_kind="substantive",
        change_flags=("headline", "stealth"),
    )
    record(
        store,
        calm,
        START + timedelta(hours=3),
        article(
            "Mayor opens new bridge",
            "The mayor opened the bridge on Tuesday.",
            "It cost 7 million pounds.",
            "Residents cheered loudly.",
        ),
        change_kind="substantive",
        change_flags=("numbers",),
    )
    hostile = store.add_article("daily", HOSTILE_URL, now=START).id
    record(
        store,
        hostile,
        START + timedelta(minutes=5),
        article(
            HOSTILE_TITLE,
            "<script>document.title='pwned'</script> zebra",
            '<a href="javascript:alert(2)">click</a>',
        ),
    )
    record(
        store,
        hostile,
        START + timedelta(minutes=50),
        article(
            HOSTILE_TITLE + " v2",
            "<script>document.title='pwned'</script> zebra crossing",
            "<div onclick=alert(3)>broken <b>markup",
        ),
        change_kind="minor",
    )
    other = store.add_article("weekly", "https://weekly.example/story", now=START).id
    record(
        store, other, START + timedelta(hours=2), article("Weekly zebra story", "A zebra escaped.")
    )
    return Newsroom(store=store, calm=calm, hostile=hostile, other=other)


CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
