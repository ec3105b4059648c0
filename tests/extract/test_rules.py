from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.errors import ConfigError, ExtractError
from copydesk.extract import extract_article
from copydesk.extract.rules import check_rules, rules_fingerprint
from copydesk.records import ExtractRules

PAGE = """<html><head><title>Ferry fares</title></head><body>
<div class="story">
  <p>Ferry fares will rise by five percent in July, the operator announced on Wednesday morning.</p>
  <p class="promo">Our award-winning podcast explains what the fare rise means for commuters.</p>
  <p>Season tickets bought before the end of June will keep the old price, the operator said.</p>
</div>
<div class="sidebar">
  <p>Weather: sunny spells with a chance of showers later in the afternoon today.</p>
</div>
</body></html>"""


def test_drop_removes_matching_elements() -> None:
    article = extract_article(PAGE, url="https://x.example/a", rules=ExtractRules(drop=(".promo",)))
    assert not any("podcast" in p for p in article.paragraphs)
    assert any("Season tickets" in p for p in article.paragraphs)


def test_keep_restricts_to_matching_elements() -> None:
    rules = ExtractRules(keep=(".sidebar",))
    article = extract_article(PAGE, url="https://x.example/a", rules=rules)
    assert article.paragraphs == (
        "Weather: sunny spells with a chance of showers later in the afternoon today.",
    )


def test_keep_and_drop_combine() -> None:
    rules = ExtractRules(keep=(".story",), drop=(".promo",))
    article = extract_article(PAGE, url="https://x.example/a", rules=rules)
    assert article.paragraphs == (
        "Ferry fares will rise by five percent in July, the operator announced on Wednesday "
        "morning.",
        "Season tickets bought before the end of June will keep the old price, the operator said.",
    )


def test_keep_matching_nothing_falls_back_to_generic(ledger: Path, ledger_url: str) -> None:
    html = (ledger / "bridge.v1.html").read_bytes()
    generic = extract_article(html, url=ledger_url)
    fallback = extract_article(html, url=ledger_url, rules=ExtractRules(keep=(".no-such-thing",)))
    assert fallback.paragraphs == generic.paragraphs
    assert fallback.extractor != generic.extractor


def test_invalid_selector() -> None:
    with pytest.raises(ConfigError):
        check_rules(ExtractRules(drop=("p[[",)))
    with pytest.raises(ExtractError):
        extract_article(PAGE, url="https://x.example/a", rules=ExtractRules(drop=("p[[",)))


def test_fingerprint_stable_and_sensitive() -> None:
    assert rules_fingerprint(ExtractRules()) == ""
    a = rules_fingerprint(ExtractRules(keep=("article",)))
    assert a == rules_fingerprint(ExtractRules(keep=("article",)))
    assert a != rules_fingerprint(ExtractRules(drop=("article",)))
    assert a != rules_fingerprint(ExtractRules(keep=("article", ".body")))
