from __future__ import annotations

import pytest

from copydesk.discover import looks_like_article_url, matches_source
from copydesk.errors import DiscoverError
from copydesk.records import Source
from tests.support.pages import HERALD as SITE


@pytest.mark.parametrize(
    ("include", "exclude", "url", "expected"),
    [
        ((), (), f"{SITE}/anything", True),
        ((), (r"/sport/",), f"{SITE}/sport/football/a-b-c", False),
        ((), (r"/sport/", r"/live/"), f"{SITE}/news/live/a-b-c", False),
        ((r"/news/",), (), f"{SITE}/news/a-b-c", True),
        ((r"/news/",), (), f"{SITE}/opinion/a-b-c", False),
        ((r"/news/", r"/opinion/"), (), f"{SITE}/opinion/a-b-c", True),
        ((r"/news/",), (r"/live/",), f"{SITE}/news/live/a-b-c", False),  # exclude wins
        ((r"^https://www\.",), (), f"{SITE}/x", True),  # re.search, anchors allowed
    ],
)
def test_matches_source(include, exclude, url, expected):
    source = Source(name="s", include=include, exclude=exclude)
    assert matches_source(url, source) is expected


def test_invalid_pattern_is_a_discover_error():
    with pytest.raises(DiscoverError, match="invalid URL pattern"):
        matches_source(f"{SITE}/x", Source(name="s", exclude=("(unclosed",)))


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay",
        f"{SITE}/business/shipyard-order-book-fills-up-for-2025",
        f"{SITE}/news/crime-88231",
        f"{SITE}/environment/2024/mar/12/seal-pups",
        f"{SITE}/2024/03/12/seal-pups",
        f"{SITE}/news/20240312-seal-pups",
        f"{SITE}/1/hi/uk_politics/7984711.stm",
        f"{SITE}/politics/2017/01/06/5f591416-d41a-11e6-9cb0-54ab630851e8_story.html",
        f"{SITE}/dd3713cc12f24a4090d1a34b650bdd5f",
        f"{SITE}/?p=12345",
        f"{SITE}/contributors/jane-doe/why-the-library-vote-matters.html",
        f"{SITE}/news/time-for...a-new-harbour-master",
        "https://m.northbridgeherald.com/news/2024/03/12/quay",
        "https://northbridgeherald.com/news/2024/03/12/quay",
    ],
)
def test_article_urls(url):
    assert looks_like_article_url(url, site_url=f"{SITE}/")


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/",
        f"{SITE}",
        f"{SITE}/news/",
        f"{SITE}/world/europe",
        f"{SITE}/us-news",
        f"{SITE}/arts-and-culture/",
        f"{SITE}/tag/flooding-and-storm-damage",
        f"{SITE}/author/tom-ashworth",
        f"{SITE}/profile/helen-marsh-smith",
        f"{SITE}/category/local-news-and-views",
        f"{SITE}/search?q=flood-defences-breached-at-the-quay",
        f"{SITE}/login?return=/news/2024/03/12/x",
        f"{SITE}/subscribe/digital-print-bundle-offer",
        f"{SITE}/feeds/news-2024-03-12.rss",
        f"{SITE}/images/2024/03/12/quay-flood-picture.jpg",
        f"{SITE}/news/2024/03/12/flood-defences-breached-at-saltmarsh-quay.pdf",
        f"{SITE}/wp-content/uploads/2024/03/quay-flood-picture.png",
        f"{SITE}/2024/03/12/",
        f"{SITE}/news/2024/",
        f"{SITE}/news/page/2",
        f"{SITE}/privacy-policy",
        "https://www.bbc.co.uk/news/2024/03/12/flood-defences-breached",
        "https://cdn.northbridgeherald.com/news/2024/03/12/flood-defences-breached",
        "mailto:newsdesk@northbridgeherald.com",
        "javascript:void(0)",
        "ftp://www.northbridgeherald.com/news/2024/03/12/flood",
        "http://[broken/news/2024/03/12/x",
    ],
)
def test_non_article_urls(url):
    assert not looks_like_article_url(url, site_url=f"{SITE}/")
