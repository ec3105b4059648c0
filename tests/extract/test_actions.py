"""Calls to action in the article: a removed button is an edit, per-request noise is not.

Every page here is written for the test (an invented council newsroom); none is copied from
a corpus. Two loads of a page differ only in what each test varies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from lxml import html

from copydesk.extract import extract_article
from copydesk.extract.actions import action_lines
from copydesk.pipeline import compare_pages

_URL = "https://newsroom.example.gov/2024/flood-maps"
_BODY = (
    "The county published new flood maps on Tuesday, and the planning office said that more "
    "than four hundred homes now sit inside the zone where insurance will be required.",
    "Officials said the maps draw on two years of river gauge readings and a survey of the "
    "levees, and that residents can appeal the boundary through the end of the summer.",
    "The county engineer told the board that the old maps had not been revised since the "
    "levee was raised, which left several streets outside a zone they clearly belong in.",
)
_NAV = (
    '<header><nav><a href="/">Home</a> <a href="/news">News</a> '
    '<a class="btn" href="/tips">Send us a tip</a></nav></header>'
)
_FOOTER = '<footer><a href="/about">About</a> <a href="/privacy">Privacy</a></footer>'


@dataclass(frozen=True)
class Load:
    """What one load of the page holds around the same article text."""

    in_body: str = ""  # a line inside the body, after the second paragraph
    after_body: str = ""  # a block right after the body container
    share: int = 12  # the share counter
    comments: int = 3
    votes: int = 8  # a "Helpful (n)" counter button right after the body
    related: tuple[str, ...] = ("Bridge repairs start in June", "Library hours change")
    ad: str = ""  # an ad slot inside the body


def _page(load: Load) -> str:
    first, second, third = (f"<p>{text}</p>" for text in _BODY)
    share = (
        '<div class="share-tools">'
        f'<a class="btn btn-share" href="https://social.example/s?u=1">Share {load.share}</a> '
        '<a class="button" href="https://social.example/t?u=1">Tweet</a></div>'
        f'<p><a class="btn" href="#comments">Comments ({load.comments})</a></p>'
    )
    related = "".join(
        f'<li><a class="btn btn-link" href="/2024/{n}">{title}</a></li>'
        for n, title in enumerate(load.related)
    )
    return (
        "<html><head><title>New flood maps put 400 homes in the insurance zone</title></head>"
        f"<body>{_NAV}<main><article><h1>New flood maps put 400 homes in the insurance zone</h1>"
        f'<div class="story-body">{first}{second}{load.in_body}{load.ad}{third}</div>'
        f'<p><a class="btn" href="/2024/flood-maps/vote">Helpful ({load.votes})</a></p>'
        f"{load.after_body}{share}"
        f'<div class="box"><h3>Read next</h3><ul>{related}</ul></div>'
        f"</article></main>{_FOOTER}</body></html>"
    )


def _compare(old: Load, new: Load) -> dict[str, object]:
    return compare_pages(_page(old), _page(new), url=_URL)


_DOWNLOAD = '<p><a class="btn btn-primary" href="/files/flood-maps.pdf">Download the maps</a></p>'
_DATASET = '<div class="dataset-link"><a class="btn" href="https://data.example.gov/d/7">View this dataset</a></div>'  # noqa: E501
_FILE_LINK = '<p><a href="/files/appeal-form.docx">Appeal form</a></p>'


# --- a removed button is an edit -------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "markup", "label"),
    [
        ("in_body", _DOWNLOAD, "Download the maps"),
        ("after_body", _DATASET, "View this dataset"),
        ("in_body", _FILE_LINK, "Appeal form"),
    ],
)
def test_call_to_action_is_kept_as_its_own_line(where: str, markup: str, label: str) -> None:
    article = extract_article(_page(replace(Load(), **{where: markup})), url=_URL)
    assert label in article.paragraphs
    assert article.paragraphs[:3] == _BODY  # body text first, in order; the button after it


@pytest.mark.parametrize(("where", "markup"), [("in_body", _DOWNLOAD), ("after_body", _DATASET)])
def test_removed_button_is_a_change(where: str, markup: str) -> None:
    result = _compare(replace(Load(), **{where: markup}), Load())
    assert result["changed"] is True
    assert result["kind"] == "minor"
    assert result["paragraphs_removed"] == 1
    assert result["paragraphs_added"] == result["paragraphs_changed"] == 0


def test_added_button_is_a_change() -> None:
    assert _compare(Load(), Load(after_body=_DATASET))["changed"] is True


# --- per-request noise around a button is not ------------------------------------------------


def test_rotating_related_links_are_no_change() -> None:
    old = Load(after_body=_DATASET)
    new = replace(old, related=("Council votes on budget", "Parade route announced", "Tips"))
    assert _compare(old, new)["kind"] == "identical"


def test_changing_share_and_comment_counts_are_no_change() -> None:
    old = Load(after_body=_DATASET)
    new = replace(old, share=4051, comments=97, votes=310)
    assert _compare(old, new)["kind"] == "identical"


@pytest.mark.parametrize(
    "noise",
    [
        # an advertiser's button in an ad slot, served on one load only
        '<div class="ad-slot"><a class="btn" href="https://ads.example/c?id=9">Kitchen makeovers</a></div>',  # noqa: E501
        '<div class="inline-unit"><a class="cta" rel="sponsored" href="/x">Kitchen makeovers</a></div>',  # noqa: E501
        # the site selling itself, shown to some readers
        '<p><a class="btn" href="/subscribe">Subscribe</a></p>',
        '<p><a class="button" href="/donate">Support our reporting</a></p>',
        '<p><a class="btn" href="/alerts">Sign up for flood alerts</a></p>',
        '<p><a class="btn" href="https://social.example/s?u=1">Share this story</a></p>',
        # page controls and pointers to other pages
        '<p><a class="btn" href="/2024/next-story">Next article</a></p>',
        '<p><a class="btn" href="?page=2">Load more</a></p>',
        '<p><a class="btn" href="/2024/flood-maps/live">Watch live</a></p>',
        '<p><a class="btn" href="/more">Read more</a></p>',
        # a button that is site chrome: the same label is in the page's navigation
        '<p><a class="btn" href="/tips">Send us a tip</a></p>',
        # a list of link buttons
        '<ul><li><a class="btn" href="/a">Bridge repairs</a></li><li><a class="btn" href="/b">Ferries</a></li></ul>',  # noqa: E501
        # a plain link line to another page (neither a button nor a file)
        '<p><a href="/2024/other">Earlier flood coverage</a></p>',
    ],
)
def test_noise_that_comes_and_goes_is_no_change(noise: str) -> None:
    assert _compare(Load(in_body=noise), Load())["kind"] == "identical"
    assert _compare(Load(after_body=noise), Load())["kind"] == "identical"


def test_headline_length_button_after_the_body_is_not_a_call_to_action() -> None:
    pointer = '<p><a class="btn" href="/2024/other">Why the river rose faster than forecast</a></p>'
    assert _compare(Load(after_body=pointer), Load())["kind"] == "identical"


def test_button_inside_a_sentence_stays_prose() -> None:
    """A link in running text is part of its paragraph, never a line of its own."""
    line = '<p>Residents can <a class="btn" href="/appeal">file an appeal</a> until August.</p>'
    article = extract_article(_page(Load(in_body=line)), url=_URL)
    assert "file an appeal" not in article.paragraphs


# --- listings: one button per item, each item a body chunk -----------------------------------


def _listing(buttons: tuple[bool, ...]) -> str:
    words = (
        "This highlight describes a public data set that the agency releases every month, "
        "how analysts and reporters have used it to study {topic}, which fields it holds, "
        "how often it is revised, and where the older releases can be found for comparison "
        "with the current figures across every county in the state."
    )
    topics = ("river levels", "road repairs", "school meals", "bus ridership")
    items = []
    for n, (topic, button) in enumerate(zip(topics, buttons, strict=True)):
        link = (
            f'<div class="dataset-link"><a class="btn" href="/d/{n}">View this dataset</a></div>'
            if button
            else ""
        )
        items.append(
            f'<div class="highlight"><header><h2>{topic.title()}</h2></header>'
            f'<article class="summary"><p>{words.format(topic=topic)}</p></article>{link}</div>'
        )
    return (
        f"<html><head><title>Highlights</title></head><body>{_NAV}<main>"
        f'<div class="listing">{"".join(items)}</div></main>{_FOOTER}</body></html>'
    )


def test_button_removed_from_one_listing_item_is_a_change() -> None:
    """Every item has the same button label: removing one of them still shows."""
    result = compare_pages(_listing((True,) * 4), _listing((True, True, False, True)), url=_URL)
    assert result["changed"] is True
    assert result["paragraphs_removed"] == 1


def test_listing_buttons_follow_their_items() -> None:
    article = extract_article(_listing((True,) * 4), url=_URL)
    assert article.paragraphs.count("View this dataset") == 4
    assert article.paragraphs[-1] == "View this dataset"


def test_action_lines_skip_furniture_inside_the_container() -> None:
    body = html.fragment_fromstring(
        '<div class="story-body"><p>Text of the story goes here.</p>'
        '<div class="social-share"><a class="btn" href="/s">Send</a></div>'
        '<p><a class="btn" href="/files/a.pdf">Budget tables</a></p></div>'
    )
    assert action_lines(body) == ["Budget tables"]
