from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.errors import CopydeskError
from copydesk.urls import InvalidURL, canonical_url, host_of, same_site

SITE = "https://www.northbridgeherald.com"
STORY = f"{SITE}/news/2024/03/12/flood-defences-breached"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # tracking parameters go, real ones stay (sorted)
        (f"{STORY}?utm_source=rss&utm_medium=feed", STORY),
        (f"{STORY}?UTM_Campaign=x&fbclid=abc&gclid=1&ito=most-read", STORY),
        (f"{STORY}?page=2&utm_source=x&id=7", f"{STORY}?id=7&page=2"),
        (f"{STORY}?b=2&a=1&a=0", f"{STORY}?a=0&a=1&b=2"),
        (f"{STORY}?at_medium=social&ns_mchannel=x&mc_cid=1", STORY),
        # scheme and host case, path case kept
        ("HTTPS://WWW.NorthbridgeHerald.COM/News/Story", f"{SITE}/News/Story"),
        # default ports dropped, others kept
        ("https://www.northbridgeherald.com:443/a", f"{SITE}/a"),
        ("http://www.northbridgeherald.com:80/a", "http://www.northbridgeherald.com/a"),
        ("https://www.northbridgeherald.com:8443/a", "https://www.northbridgeherald.com:8443/a"),
        ("http://www.northbridgeherald.com:443/a", "http://www.northbridgeherald.com:443/a"),
        # fragments dropped
        (f"{STORY}#comments", STORY),
        (f"{STORY}?id=1#top", f"{STORY}?id=1"),
        # dot segments, also percent-encoded ones
        (f"{SITE}/news/./2024/../2024/03/12/x", f"{SITE}/news/2024/03/12/x"),
        (f"{SITE}/news/%2E%2E/opinion/x", f"{SITE}/opinion/x"),
        (f"{SITE}/../../x", f"{SITE}/x"),
        # empty path, trailing slash kept, duplicate slashes at the start collapsed
        (SITE, f"{SITE}/"),
        (f"{SITE}/news/", f"{SITE}/news/"),
        # percent-encoding normalised
        (f"{SITE}/%7Eeditor/caf%c3%a9", f"{SITE}/~editor/caf%C3%A9"),
        (f"{SITE}/a b", f"{SITE}/a%20b"),
        # userinfo and trailing dot in host dropped; IDN hosts in punycode
        ("https://user:pw@www.northbridgeherald.com./a", f"{SITE}/a"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("http://[::1]:8000/a", "http://[::1]:8000/a"),
        ("  https://www.northbridgeherald.com/a\n", f"{SITE}/a"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("/news/x", f"{SITE}/index.html", f"{SITE}/news/x"),
        ("x", f"{SITE}/news/", f"{SITE}/news/x"),
        ("../x", f"{SITE}/news/2024/", f"{SITE}/news/x"),
        (
            "//www.northbridgeherald.com/x",
            "http://www.northbridgeherald.com/",
            "http://www.northbridgeherald.com/x",
        ),
        ("?id=3", f"{SITE}/news/story", f"{SITE}/news/story?id=3"),
        ("https://other.example/y", f"{SITE}/", "https://other.example/y"),
    ],
)
def test_relative_resolution(href, base, expected):
    assert canonical_url(href, base=base) == expected


@pytest.mark.parametrize(
    "url",
    [
        "mailto:newsdesk@northbridgeherald.com",
        "javascript:void(0)",
        "tel:+441632960123",
        "ftp://www.northbridgeherald.com/x",
        "/news/x",
        "news/x",
        "",
        "https://",
        "http:///path-only",
        "http://./x",
        "http://[::1",
        "https://www.northbridgeherald.com:99999/x",
        f"{SITE}/\ud800",
    ],
)
def test_invalid_urls(url):
    with pytest.raises(InvalidURL):
        canonical_url(url)


def test_invalid_base_raises_invalid_url():
    with pytest.raises(InvalidURL):
        canonical_url("story", base="http://[::1")


def test_invalid_url_is_a_copydesk_error_and_a_value_error():
    assert issubclass(InvalidURL, CopydeskError)
    assert issubclass(InvalidURL, ValueError)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (SITE, "https://northbridgeherald.com/x", True),
        (SITE, "https://m.northbridgeherald.com/x", True),
        (SITE, "https://amp.northbridgeherald.com/x", True),
        (SITE, "https://mobile.northbridgeherald.com/x", True),
        ("http://WWW.Northbridgeherald.com", "https://m.northbridgeherald.com:8443/", True),
        (SITE, "https://cdn.northbridgeherald.com/x", False),
        (SITE, "https://northbridgeherald.co.uk/x", False),
        (SITE, "https://www.bbc.co.uk/news", False),
        ("https://m.co/x", "https://co/x", False),  # m. before a bare TLD is the site itself
        ("mailto:x@northbridgeherald.com", SITE, False),
        ("", "", False),
    ],
)
def test_same_site(a, b, expected):
    assert same_site(a, b) is expected


def test_host_of():
    assert host_of("https://WWW.Example.com:8080/x") == "www.example.com"
    assert host_of("/relative") == ""
    assert host_of("http://[::1") == ""


_PIECES = (
    "http://", "https://", "HTTP://", "www.", "m.", "Example.com", ":80", ":443", ":8080", "/",
    "//", ".", "..", "%2e", "%2F", "%", "%zz", "%C3%A9", "%ff", "?", "&", "=", "#", "utm_source",
    "fbclid", "a", "Ä", "ß", "[", "]", "::1", "@", " ", "\t", "~", "+", ";",
)  # fmt: skip
_URL_PIECES = st.lists(st.sampled_from(_PIECES) | st.text(max_size=4), max_size=14).map("".join)


@settings(max_examples=200, deadline=None)
@given(url=st.one_of(_URL_PIECES, st.text()), base=st.one_of(st.none(), _URL_PIECES))
def test_canonical_url_only_raises_invalid_url_and_is_idempotent(url, base):
    try:
        canonical = canonical_url(url, base=base)
    except InvalidURL:
        return
    assert canonical.startswith(("http://", "https://"))
    assert "#" not in canonical
    assert canonical_url(canonical) == canonical
    assert canonical_url(canonical, base=base) == canonical
