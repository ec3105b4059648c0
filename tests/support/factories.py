"""Small builders for the records store tests pass in."""

from __future__ import annotations

from datetime import datetime

from copydesk.records import Article, Check, CheckOutcome, CheckResult


def article(
    title: str = "Minister resigns", *paragraphs: str, byline: str | None = None
) -> Article:
    return Article(
        title=title,
        byline=byline,
        published_at="2026-01-01T08:00:00+00:00",
        paragraphs=paragraphs or ("The minister resigned on Tuesday.", "More follows."),
        extractor="trafilatura 2.0.0",
    )


def result(
    article_id: int,
    at: datetime,
    *,
    outcome: CheckOutcome = CheckOutcome.NEW_VERSION,
    content: Article | None = None,
    trivial: bool = False,
    html: bytes | None = None,
    etag: str | None = None,
    error: str | None = None,
    next_check_at: datetime | None = None,
    retired: bool = False,
) -> CheckResult:
    return CheckResult(
        check=Check(
            article_id=article_id,
            checked_at=at,
            outcome=outcome,
            status=200 if error is None else 503,
            error=error,
            etag=etag,
            elapsed=0.25,
        ),
        article=content,
        trivial=trivial,
        change_kind="trivial" if trivial else None,
        raw_html=html,
        next_check_at=next_check_at,
        retired=retired,
    )
