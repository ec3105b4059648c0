"""Revision 8 (embeds kept, block boundaries, glued related lines) is no publisher's edit.

A version stored by revision 7 lacks the embedded post's text; the tracker re-extracts the
stored capture with today's extractor before comparing, so the upgrade alone makes no version,
while a real edit afterwards still does. Pages are written for the test.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from copydesk.clock import SystemClock
from copydesk.extract import EXTRACTOR_ID, extract_article
from copydesk.records import Check, CheckOutcome, CheckResult, Source
from copydesk.store import Store
from tests.support.loopback import run_once, settings_for

_PARAS = (
    "A ferry struck the harbour wall on Monday evening as it arrived from the island, "
    "injuring passengers and closing the main pier for the night.",
    "The coastguard said the vessel had lost power in strong winds shortly before it reached "
    "the breakwater, and that the crew had dropped anchor to stop it drifting.",
    "The harbour master said repairs to the pier would take at least a week and that "
    "services would run from the old quay in the meantime.",
)
_POST = "{n} passengers were taken to hospital after the ferry hit the harbour wall tonight."
# What revision 7 stored for the page: the post's text was dropped with its wrapper.
_REVISION_7 = EXTRACTOR_ID.replace("+copydesk 8", "+copydesk 7")


def _page(injured: int) -> bytes:
    tweet = (
        '<div class="social-media-embed"><blockquote class="twitter-tweet"><p lang="en">'
        f"{_POST.format(n=injured)}</p>&mdash; Harbour Coastguard (@HarbourCG) "
        '<a href="https://twitter.com/HarbourCG/status/1790000000000000001">May 13, 2024</a>'
        "</blockquote></div>"
    )
    return (
        "<!doctype html><html><head><title>Ferry hits harbour wall</title></head><body>"
        "<article><h1>Ferry hits harbour wall</h1>"
        f"<p>{_PARAS[0]}</p><p>{_PARAS[1]}</p>{tweet}<p>{_PARAS[2]}</p>"
        "</article></body></html>"
    ).encode()


def test_the_revision_is_bumped() -> None:
    assert EXTRACTOR_ID.endswith("+copydesk 8")


async def _stored_by_revision_7(store: Store, url: str) -> int:
    now = SystemClock().now()
    store.add_source(Source(name="local"), now=now)
    article = store.add_article("local", url, now=now)
    old = replace(extract_article(_page(12), url=url), paragraphs=_PARAS, extractor=_REVISION_7)
    store.record_check(
        CheckResult(
            check=Check(article_id=article.id, checked_at=now, outcome=CheckOutcome.NEW_VERSION),
            article=old,
            raw_html=_page(12),
            change_kind="new",
            next_check_at=now,
        )
    )
    return article.id


async def test_upgrading_the_extractor_makes_no_version(site, tmp_path: Path) -> None:
    state, base = site
    state.pages["/a"] = (200, {"Content-Type": "text/html"}, _page(12))
    settings = settings_for(tmp_path)
    with Store.open(settings.db) as store:
        article_id = await _stored_by_revision_7(store, base + "/a")
        await run_once(settings, store)
        versions = store.versions(article_id, include_trivial=True)
        assert len(versions) == 1  # the embed's text appearing is the upgrade, not an edit
        assert store.checks(article_id)[0].outcome is CheckOutcome.UNCHANGED
        state.pages["/a"] = (200, {"Content-Type": "text/html"}, _page(15))
        store.set_article_status(
            article_id, store.get_article(article_id).status, next_check_at=SystemClock().now()
        )
        await run_once(settings, store)
        versions = store.versions(article_id)
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].extractor == EXTRACTOR_ID
    assert _POST.format(n=15) in versions[1].paragraphs
    assert "numbers" in versions[1].change_flags


async def test_without_the_bump_the_same_upgrade_would_be_a_false_edit(
    site,
    tmp_path: Path,
) -> None:
    """Why the id must change: text stored under today's id is compared as it is."""
    state, base = site
    state.pages["/a"] = (200, {"Content-Type": "text/html"}, _page(12))
    settings = settings_for(tmp_path)
    with Store.open(settings.db) as store:
        article_id = await _stored_by_revision_7(store, base + "/a")
        store.record_check(  # the same old text, but labelled with today's extractor id
            CheckResult(
                check=Check(
                    article_id=article_id,
                    checked_at=SystemClock().now(),
                    outcome=CheckOutcome.NEW_VERSION,
                ),
                article=replace(extract_article(_page(12), url=base + "/a"), paragraphs=_PARAS),
                raw_html=_page(12),
                change_kind="minor",
                next_check_at=SystemClock().now(),
            )
        )
        await run_once(settings, store)
        versions = store.versions(article_id)
    assert len(versions) == 3
    assert _POST.format(n=12) in versions[-1].paragraphs
