"""Embedded posts and pull-quotes are article text; their chrome (buttons, counts, times) is not.

Every page here is written for the test (an invented harbour newsroom quoting invented
accounts); the embed markup follows the shape of each platform's published embed code. Two
loads of one article differ only in what each test varies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copydesk.cli.app import app
from copydesk.extract import extract_article
from copydesk.extract.embeds import is_chrome

_URL = "https://www.harbourledger.example/news/2024/05/ferry-hits-harbour-wall"
_BODY = (
    "A ferry struck the harbour wall on Monday evening as it arrived from the island, "
    "injuring passengers and closing the main pier for the night.",
    "The coastguard said the vessel had lost power in strong winds shortly before it reached "
    "the breakwater, and that the crew had dropped anchor to stop it drifting.",
    "The harbour master said repairs to the pier would take at least a week and that "
    "services would run from the old quay in the meantime.",
)


def _post(figure: int) -> str:
    return (
        f"{figure} passengers were taken to hospital after the ferry hit the harbour wall "
        "tonight. Please keep away from the pier while crews work."
    )


Embed = Callable[[str, str, str], str]  # (post text, like count, time shown) -> markup


def _tweet(text: str, likes: str, when: str) -> str:
    return (
        '<div class="social-media-embed embed--twitter"><blockquote class="twitter-tweet">'
        f'<p lang="en" dir="ltr">{text} <a href="https://t.co/Ab12">pic.twitter.com/Ab12</a></p>'
        "&mdash; Harbour Coastguard (@HarbourCG) "
        f'<a href="https://twitter.com/HarbourCG/status/1790000000000000001">{when}</a>'
        '<div class="tweet-actions"><button>Follow</button> '
        f'<a href="https://twitter.com/intent/like?tweet_id=1">{likes} Likes</a> '
        '<span>Reply</span> <span>Copy link</span> <a href="https://twitter.com/HarbourCG/'
        'status/1790000000000000001">Read 31 replies</a></div></blockquote></div>'
    )


def _instagram(text: str, likes: str, when: str) -> str:
    link = "https://www.instagram.com/p/C6harbour1/"
    return (
        '<blockquote class="instagram-media" data-instgrm-captioned '
        f'data-instgrm-permalink="{link}"><div><a href="{link}"><div>View this post on '
        f"Instagram</div></a><div><span>{likes} likes</span></div>"
        f'<p><a href="{link}">{text}</a></p><p>A post shared by Harbour Ferries '
        f'(@harbourferries) on <time datetime="2024-05-13T18:00:00+00:00">{when}</time></p>'
        "</div></blockquote>"
    )


def _facebook(text: str, likes: str, when: str) -> str:
    post = "https://www.facebook.com/harbourferries/posts/1234567"
    return (
        f'<div class="fb-post" data-href="{post}" data-width="500">'
        f'<blockquote cite="{post}" class="fb-xfbml-parse-ignore"><p>{text}</p>Posted by '
        f'<a href="https://www.facebook.com/harbourferries">Harbour Ferries</a> on&nbsp;'
        f'<a href="{post}">{when}</a> · <span>{likes} reactions</span></blockquote></div>'
    )


def _bluesky(text: str, likes: str, when: str) -> str:
    profile = "https://bsky.app/profile/did:plc:harbour"
    return (
        '<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:harbour/'
        'app.bsky.feed.post/3kharbour" data-bluesky-cid="bafyharbour">'
        f'<p lang="en">{text}</p>&mdash; Harbour Coastguard (<a href="{profile}?ref_src=embed">'
        f'@harbourcg.bsky.social</a>) <a href="{profile}/post/3kharbour?ref_src=embed">{when}'
        f"</a><div>{likes} likes · 12 reposts</div></blockquote>"
    )


def _mastodon(text: str, likes: str, when: str) -> str:
    post = "https://mastodon.example/@harbourcg/112345678"
    return (
        f'<blockquote class="mastodon-embed" data-embed-url="{post}/embed">'
        f'<a href="{post}" target="_blank"><svg viewBox="0 0 79 75"><path d="M63 0"/></svg>'
        "<div>Post by @harbourcg@mastodon.example</div><div>View on Mastodon</div></a>"
        f"<p>{text}</p><div>{likes} boosts · {when}</div></blockquote>"
    )


def _pullquote(text: str, likes: str, when: str) -> str:
    return f'<aside class="pullquote"><p>“{text}”</p><cite>— The harbour master</cite></aside>'


def _figure_pullquote(text: str, likes: str, when: str) -> str:
    return (
        '<figure class="wp-block-pullquote"><blockquote><p>'
        f"{text}</p><cite>The harbour master</cite></blockquote></figure>"
    )


EMBEDS: dict[str, Embed] = {
    "twitter": _tweet,
    "instagram": _instagram,
    "facebook": _facebook,
    "bluesky": _bluesky,
    "mastodon": _mastodon,
    "pullquote-aside": _pullquote,
    "pullquote-figure": _figure_pullquote,
}


def _page(embed: str) -> str:
    return (
        "<html><head><title>Ferry hits harbour wall, injuring passengers</title>"
        f'<link rel="canonical" href="{_URL}"></head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        "<article><h1>Ferry hits harbour wall, injuring passengers</h1>"
        f'<div class="article-body"><p>{_BODY[0]}</p><p>{_BODY[1]}</p>{embed}<p>{_BODY[2]}</p>'
        "</div></article><footer><a href='/about'>About us</a></footer></body></html>"
    )


def _compare(old: str, new: str, tmp_path: Path) -> dict[str, object]:
    (tmp_path / "old.html").write_text(old, encoding="utf-8")
    (tmp_path / "new.html").write_text(new, encoding="utf-8")
    args = ["compare", str(tmp_path / "old.html"), str(tmp_path / "new.html"), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    verdict: dict[str, object] = json.loads(result.stdout)
    return verdict


@pytest.mark.parametrize("kind", EMBEDS)
def test_embedded_post_text_is_kept_in_place(kind: str) -> None:
    article = extract_article(_page(EMBEDS[kind](_post(12), "1,204", "May 13, 2024")), url=_URL)
    texts = article.paragraphs
    assert texts[:2] == _BODY[:2]
    assert texts[-1] == _BODY[2]
    embedded = " ".join(texts[2:-1])
    assert "12 passengers were taken to hospital" in embedded


@pytest.mark.parametrize("kind", EMBEDS)
def test_embed_chrome_is_left_out(kind: str) -> None:
    article = extract_article(_page(EMBEDS[kind](_post(12), "1,204", "May 13, 2024")), url=_URL)
    text = "\n".join(article.paragraphs)
    for chrome in (
        "Follow",
        "1,204",
        "Likes",
        "Reply",
        "Copy link",
        "Read 31 replies",
        "May 13, 2024",
        "View this post",
        "View on Mastodon",
        "Post by @",
        "Posted by",
        "A post shared by",
        "reactions",
        "boosts",
        "reposts",
    ):
        assert chrome not in text, (kind, chrome)


@pytest.mark.parametrize("kind", EMBEDS)
def test_a_figure_changed_inside_an_embed_is_an_edit(kind: str, tmp_path: Path) -> None:
    """`copydesk compare`: the held-out shape, a figure in a quoted post corrected."""
    old = _page(EMBEDS[kind](_post(12), "1,204", "May 13, 2024"))
    new = _page(EMBEDS[kind](_post(15), "1,204", "May 13, 2024"))
    verdict = _compare(old, new, tmp_path)
    assert verdict["changed"] is True
    assert verdict["kind"] == "substantive"
    assert "numbers" in verdict["flags"]  # type: ignore[operator]
    assert verdict["paragraphs_changed"] == 1


@pytest.mark.parametrize("kind", EMBEDS)
def test_embed_chrome_that_changes_per_load_is_no_change(kind: str, tmp_path: Path) -> None:
    """Counts and relative times move on every load; the article did not change."""
    old = _page(EMBEDS[kind](_post(12), "1,204", "2h"))
    new = _page(EMBEDS[kind](_post(12), "1,380", "3h"))
    verdict = _compare(old, new, tmp_path)
    assert verdict["changed"] is False
    assert verdict["kind"] == "identical"


def test_an_embed_removed_from_the_article_is_an_edit(tmp_path: Path) -> None:
    with_post = _page(_tweet(_post(12), "1,204", "May 13, 2024"))
    verdict = _compare(with_post, _page(""), tmp_path)
    assert verdict["changed"] is True
    assert verdict["paragraphs_removed"] >= 1


def test_the_tweet_attribution_stays_without_its_date() -> None:
    article = extract_article(_page(_tweet(_post(12), "1,204", "May 13, 2024")), url=_URL)
    assert "— Harbour Coastguard (@HarbourCG)" in article.paragraphs


def test_share_buttons_named_like_tweets_are_not_embeds() -> None:
    """A "Tweet this" share box is not a quoted post and stays out of the text."""
    share = (
        '<div class="share-tweet social"><a href="https://twitter.com/intent/tweet?u=x">'
        "Tweet this story to your followers now</a></div>"
    )
    article = extract_article(_page(share), url=_URL)
    assert article.paragraphs == _BODY


@pytest.mark.parametrize(
    "text",
    [
        "Follow",
        "Follow @HarbourCG",
        "1,204 Likes",
        "12.3K",
        "Read 31 replies",
        "2h",
        "5 minutes ago",
        "May 13, 2024",
        "3:04 PM · May 13, 2024",
        "Jun 16, 2019 at 7:30am PDT",
        "1,204 boosts · 2h",
        "View this post on Instagram",
        "A post shared by Harbour Ferries (@harbourferries)",
        "View on Mastodon",
        "Copy link to post",
    ],
)
def test_chrome_lines(text: str) -> None:
    assert is_chrome(text)


@pytest.mark.parametrize(
    "text",
    [
        _post(12),
        "— Harbour Coastguard (@HarbourCG)",
        "The pier stays closed",
        "Follow the coastguard's advice and stay away from the pier tonight",
        "",
    ],
)
def test_post_text_is_not_chrome(text: str) -> None:
    assert not is_chrome(text)


def test_a_typo_fixed_in_an_embed_beside_touch_ups_is_minor(tmp_path: Path) -> None:
    """Issue 12's third miss in page form: the fixed word sat in a dropped embed, the rest of
    the page changed only trivially, and the whole edit was hidden as trivial."""
    post = "The new strain is {} for shellfish, so the beds stay closed until the autumn."
    old = _page(_tweet(post.format("lehtal"), "1,204", "May 13, 2024"))
    new = _page(_tweet(post.format("lethal"), "1,204", "May 13, 2024"))
    old = old.replace("closing the main pier", "closing  the ‘main’ pier")
    new = new.replace("closing the main pier", "closing the 'main' pier")
    verdict = _compare(old, new, tmp_path)
    assert verdict["kind"] == "minor"
    assert verdict["changed"] is True
    assert verdict["trivial"] is False
