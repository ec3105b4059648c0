"""[[notify]] rules: parsing with clear errors, and which changes they match."""

from __future__ import annotations

import pytest

from copydesk.announce import targets
from copydesk.errors import ConfigError
from copydesk.settings import NotifyRule, Settings, settings_from_mapping


def rules(*tables):
    return settings_from_mapping({"notify": list(tables)}).notify


def test_the_issue_example_parses():
    [rule] = rules(
        {
            "urls": ["json://127.0.0.1:9000/hook", "mailto://user:pass@example.com"],
            "sources": [],
            "kinds": ["substantive"],
            "flags": [],
            "card": True,
        }
    )
    assert rule == NotifyRule(
        urls=("json://127.0.0.1:9000/hook", "mailto://user:pass@example.com"),
        kinds=("substantive",),
        card=True,
    )


def test_defaults():
    [rule] = rules({"urls": ["json://h/x"]})
    assert rule.kinds == ("substantive",)
    assert (rule.sources, rule.flags, rule.card) == ((), (), True)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"urls": []}, "at least one Apprise URL"),
        ({"urls": "json://h/x"}, "a list of strings"),
        ({"urls": ["json://h/x"], "kinds": ["huge"]}, "kinds among substantive"),
        ({"urls": ["json://h/x"], "card": "maybe"}, "true or false"),
        ({"urls": ["json://h/x"], "url": ["x"]}, "only the keys"),
    ],
)
def test_bad_rules_are_one_clear_error(table, words):
    with pytest.raises(ConfigError, match="notify") as caught:
        rules(table)
    assert words in str(caught.value)


def test_rules_filter_by_source_kind_and_flag():
    settings = Settings(
        notify=(
            NotifyRule(urls=("json://a/1",), sources=("daily",), kinds=("substantive", "gone")),
            NotifyRule(urls=("json://b/2",), kinds=("minor", "substantive"), flags=("numbers",)),
            NotifyRule(urls=("json://a/1",), kinds=("new",), card=False),
        )
    )
    assert [t.url for t in targets(settings, "daily", "substantive", ())] == ["json://a/1"]
    assert [t.url for t in targets(settings, "other", "substantive", ())] == []
    assert [t.url for t in targets(settings, "other", "minor", ("numbers", "quote"))] == [
        "json://b/2"
    ]
    assert [t.url for t in targets(settings, "daily", "substantive", ("numbers",))] == [
        "json://a/1",
        "json://b/2",
    ]
    assert [t.url for t in targets(settings, "daily", "gone", ())] == ["json://a/1"]
    assert targets(settings, "daily", "new", ())[0].card is False
    assert targets(settings, "daily", "restored", ()) == []


def test_a_target_named_twice_is_told_once():
    settings = Settings(
        notify=(
            NotifyRule(urls=("json://a/1",), card=False),
            NotifyRule(urls=("json://a/1",), kinds=("substantive", "minor")),
        )
    )
    found = targets(settings, "s", "substantive", ())
    assert len(found) == 1
    assert found[0].card is True
