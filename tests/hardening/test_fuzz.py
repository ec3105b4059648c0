"""Fuzzing the pure stages with structured hostile input: only copydesk's own errors come out.

Structured strategies (XML-ish feeds and sitemaps, nested HTML, URLs with odd hosts, ports and
escapes) reach deeper than random bytes; the tests in tests/discover, tests/extract,
tests/test_urls.py and tests/diff keep their random-byte and property checks. A hang shows as a
hypothesis deadline or the pytest timeout. Pathological sizes (long runs of one character)
are checked separately, because hypothesis keeps its examples small.

atheris is not used: hypothesis already drives every parser through coverage-relevant shapes,
and a libFuzzer build would add a native toolchain to CI for little extra reach.
"""

from __future__ import annotations

import contextlib
import gzip
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.diff import classify, compare, sentence_edits, split_sentences, word_ops
from copydesk.discover import detect_kind, discover
from copydesk.errors import BlockedURLError, ConnectError, DiscoverError, ExtractError
from copydesk.extract import extract_article
from copydesk.fetch.guard import check_url_allowed
from copydesk.records import Article, EndpointKind, Source
from copydesk.urls import InvalidURL, canonical_url, host_of, same_site

BASE = "https://news.example/"
SOURCE = Source(name="fuzz")
FUZZ = settings(
    max_examples=50,
    deadline=timedelta(seconds=5),  # generous: 2 shared cores; a real hang takes far longer
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ── text pieces ──────────────────────────────────────────────────────────────────────────

_ODD_TEXT = st.sampled_from(
    [
        "", " ", "&amp;", "&lt;b&gt;", "&#0;", "&#x110000;", "&nbsp;", "&unknown;", "\x00",
        "\u202e", "\u200b", "\ufeff", "\ud800", "café", "日本語", "🙂", "]]>", "<![CDATA[x]]>",
        "<!-- c -->", "<?pi x?>", "'", '"', "\\", "\r\n", "\t", "…", "Mr. J. Smith said.",
        "1,234.5", "12 per cent", "“quoted”", "&#x27;",
    ]
)  # fmt: skip
TEXT = st.lists(_ODD_TEXT | st.text(max_size=12), max_size=6).map("".join)

# ── URLs with odd hosts, ports and escapes ───────────────────────────────────────────────

_SCHEMES = st.sampled_from(["http://", "https://", "HTTP://", "hTtPs://", "ftp://", "", "//"])
_HOSTS = st.sampled_from(
    [
        "news.example", "NEWS.Example.", "www.news.example", "m.news.example", "127.0.0.1",
        "2130706433", "0x7f.1", "0177.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[fe80::1%25eth0]",
        "[::1", "::1]", "xn--caf-dma.example", "café.example", "ＥＸＡＭＰＬＥ.com",
        "%31%32%37.0.0.1",
        "a" * 64 + ".example", "a..b", ".", "", "user:pass@news.example", "@news.example",
        "news.example@evil.example", "[v1.x]", "localhost", "256.256.256.256", "1.2.3.4.5",
        "\u0000.example", "exa mple.com", "ex%00ample.com",
    ]
)  # fmt: skip
_PORTS = st.sampled_from(["", ":", ":0", ":80", ":443", ":8080", ":65535", ":65536", ":-1", ":x"])
_PATH_PIECES = st.sampled_from(
    [
        "/", "//", "/..", "/.", "/%2e%2e", "/%2F", "/%", "/%zz", "/%C3%A9", "/%ff", "/%00",
        "/news/2024/03/12/story-slug", "/a b", "/ü", "/;p=1", "/~x", "/a?b", "#frag",
    ]
)  # fmt: skip
_QUERY = st.lists(
    st.tuples(st.sampled_from(["utm_source", "fbclid", "id", "page", "a", "", "%20", "ß"]), TEXT),
    max_size=4,
).map(lambda pairs: ("?" + "&".join(f"{k}={v}" for k, v in pairs)) if pairs else "")
URLS = st.builds(
    lambda scheme, host, port, path, query: scheme + host + port + "".join(path) + query,
    _SCHEMES,
    _HOSTS,
    _PORTS,
    st.lists(_PATH_PIECES | TEXT, max_size=5),
    _QUERY,
) | st.text(max_size=60)

# ── XML-ish feeds and sitemaps ───────────────────────────────────────────────────────────


def _element(name: str, children: list[str], attrs: str = "") -> str:
    return f"<{name}{attrs}>{''.join(children)}</{name}>"


_FEED_TAGS = st.sampled_from(
    ["item", "entry", "link", "guid", "title", "pubDate", "updated", "description", "id",
     "content:encoded", "dc:date", "author", "category", "channel"]
)  # fmt: skip
_ATTRS = st.sampled_from(
    ["", " href='{u}'", ' rel="alternate" href="{u}"', " isPermaLink='false'", " type='html'",
     " href=\"{u}", " xml:base='{u}'", " =x", ' href="javascript:alert(1)"']
)  # fmt: skip
XML_NODES = st.recursive(
    st.one_of(TEXT, URLS),
    lambda inner: st.builds(
        lambda tag, attrs, url, kids: _element(tag, kids, attrs.replace("{u}", url)),
        _FEED_TAGS,
        _ATTRS,
        URLS,
        st.lists(inner, max_size=4),
    ),
    max_leaves=25,
)
_PROLOGS = st.sampled_from(
    [
        "", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>',
        "<?xml version='1.0' encoding='bogus-8'?>", "\ufeff<?xml version='1.0'?>",
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ]
)  # fmt: skip
_ROOTS = st.sampled_from(
    [
        ('<rss version="2.0"><channel>', "</channel></rss>"),
        ('<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>"),
        ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', "</rdf:RDF>"),
        ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', "</urlset>"),
        ("<sitemapindex>", "</sitemapindex>"),
        ("<rss>", ""),  # truncated
    ]
)


@st.composite
def xml_documents(draw: st.DrawFn) -> bytes:
    prolog, (open_root, close_root) = draw(_PROLOGS), draw(_ROOTS)
    text = prolog + open_root + "".join(draw(st.lists(XML_NODES, max_size=5))) + close_root
    data = text.encode("utf-8", "surrogatepass")
    cut = draw(st.none() | st.integers(min_value=0, max_value=len(data)))
    data = data if cut is None else data[:cut]
    return gzip.compress(data) if draw(st.booleans()) and "urlset" in open_root else data


_SITEMAP_NODES = st.builds(
    lambda wrapper, url, date: (
        f"<{wrapper}><loc>{url}</loc><lastmod>{date}</lastmod>"
        "<news:news><news:title>t</news:title></news:news></{wrapper}>"
    ),
    st.sampled_from(["url", "sitemap", "URL", "x"]),
    URLS,
    st.sampled_from(["2024-03-12", "2024-13-45T99:99", "", "yesterday", "2024-03-12T10:00+25:00"]),
)


@st.composite
def sitemaps(draw: st.DrawFn) -> bytes:
    root = draw(st.sampled_from(["urlset", "sitemapindex", "urlset xmlns:news='n'"]))
    nodes = "".join(draw(st.lists(_SITEMAP_NODES | XML_NODES, max_size=6)))
    data = f"<?xml version='1.0'?><{root}>{nodes}</{root.split()[0]}>".encode(
        "utf-8", "surrogatepass"
    )
    return gzip.compress(data) if draw(st.booleans()) else data


# ── HTML-ish pages with nested tags ──────────────────────────────────────────────────────

_HTML_TAGS = st.sampled_from(
    ["div", "p", "article", "main", "section", "span", "b", "a", "h1", "h2", "header", "footer",
     "nav", "aside", "figure", "figcaption", "blockquote", "ul", "li", "table", "td", "script",
     "style", "noscript", "template", "svg", "math", "iframe", "time", "address", "br"]
)  # fmt: skip
_HTML_ATTRS = st.sampled_from(
    ["", " class='article-body'", " class='byline'", " itemprop='articleBody'", " id='main'",
     " class='share social'", " hidden", " onclick='x()'", " class=\"", " href='{u}'",
     " datetime='2024-03-12T10:00:00Z'", " lang='ar' dir='rtl'"]
)  # fmt: skip
HTML_NODES = st.recursive(
    TEXT | st.sampled_from(["Residents said the council voted 7-2 on Tuesday to close it. " * 3]),
    lambda inner: st.builds(
        lambda tag, attrs, url, kids, closed: (
            f"<{tag}{attrs.replace('{u}', url)}>{''.join(kids)}" + (f"</{tag}>" if closed else "")
        ),
        _HTML_TAGS,
        _HTML_ATTRS,
        URLS,
        st.lists(inner, max_size=4),
        st.booleans(),
    ),
    max_leaves=30,
)
_HEADS = st.sampled_from(
    [
        "", "<meta charset='utf-8'>", "<meta charset='x-bogus'>", "<title>T &amp; <b>x</b></title>",
        "<meta property='og:title' content='\"><script>'>", "<link rel='canonical' href='//[::1'>",
        "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": [null, 1, "
        "{\"name\": {}}], \"datePublished\": 12}</script>",
        "<script type='application/ld+json'>{broken</script>", "<base href='javascript:'>",
        "<meta name='author' content=''>", "<meta property='article:published_time' content='0'>",
    ]
)  # fmt: skip


@st.composite
def html_pages(draw: st.DrawFn) -> str | bytes:
    head = "".join(draw(st.lists(_HEADS, max_size=3)))
    body = "".join(draw(st.lists(HTML_NODES, max_size=5)))
    page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    encoding = draw(st.sampled_from([None, "utf-8", "latin-1", "utf-16"]))
    return page if encoding is None else page.encode(encoding, "replace")


def _as_bytes(page: str | bytes) -> bytes:
    return page if isinstance(page, bytes) else page.encode("utf-8", "surrogatepass")


# ── the tests ────────────────────────────────────────────────────────────────────────────

_TIMEOUT = pytest.mark.timeout(120)


@_TIMEOUT
@FUZZ
@given(body=xml_documents(), kind=st.sampled_from(list(EndpointKind)))
def test_feeds_and_xml_raise_only_discover_error(body: bytes, kind: EndpointKind) -> None:
    try:
        found = discover(kind, body, base_url=BASE, source=SOURCE)
    except DiscoverError:
        return
    for candidate in found.candidates:
        assert canonical_url(candidate.url) == candidate.url
    for child in found.sitemaps:
        assert child.startswith(("http://", "https://"))


@_TIMEOUT
@FUZZ
@given(body=sitemaps())
def test_sitemaps_raise_only_discover_error(body: bytes) -> None:
    try:
        found = discover(EndpointKind.SITEMAP, body, base_url=BASE, source=SOURCE)
    except DiscoverError:
        return
    for url in (*(c.url for c in found.candidates), *found.sitemaps):
        assert url.startswith(("http://", "https://"))


@_TIMEOUT
@FUZZ
@given(body=xml_documents() | html_pages().map(_as_bytes))
def test_detect_kind_raises_only_discover_error(body: bytes) -> None:
    try:
        kind = detect_kind(body, content_type=None, url=BASE)
    except DiscoverError:
        return
    assert kind is None or isinstance(kind, EndpointKind)


@_TIMEOUT
@FUZZ
@given(page=html_pages(), url=URLS)
def test_extraction_raises_only_extract_error(page: str | bytes, url: str) -> None:
    try:
        article = extract_article(page, url=url)
    except ExtractError:
        return
    assert article.paragraphs
    assert all(p and p == p.strip() for p in article.paragraphs)
    assert article.title is None or isinstance(article.title, str)


@_TIMEOUT
@FUZZ
@given(page=html_pages())
def test_front_pages_raise_only_discover_error(page: str | bytes) -> None:
    body = _as_bytes(page)
    try:
        found = discover(EndpointKind.FRONTPAGE, body, base_url=BASE, source=SOURCE)
    except DiscoverError:
        return
    assert all(c.url.startswith(("http://", "https://")) for c in found.candidates)


@_TIMEOUT
@settings(FUZZ, max_examples=300)
@given(url=URLS, base=st.none() | URLS)
def test_canonical_url_raises_only_invalid_url(url: str, base: str | None) -> None:
    assert isinstance(host_of(url), str)
    assert isinstance(same_site(url, base or BASE), bool)
    try:
        canonical = canonical_url(url, base=base)
    except InvalidURL:
        return
    assert canonical.startswith(("http://", "https://"))
    assert canonical_url(canonical) == canonical


async def _public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]  # a stub: no test asks the real DNS


@_TIMEOUT
@settings(FUZZ, max_examples=300)
@given(url=URLS)
async def test_ssrf_guard_raises_only_fetch_errors(url: str) -> None:
    try:
        await check_url_allowed(url, allow_hosts=(), resolver=_public)
    except (BlockedURLError, ConnectError):
        return
    # Allowed: then it is an http(s) URL whose host is a name or a public address.
    assert url.strip().lower().startswith(("http://", "https://"))


def _version(title: str, byline: str | None, paragraphs: list[str]) -> Article:
    return Article(
        title=title, byline=byline, published_at=None, paragraphs=tuple(paragraphs), extractor="f"
    )


_PROSE_WORDS = (
    "The", "mayor", "said", "12", "12.5", "per cent", "“no comment”", "Mr.", "U.S.", ".", "!",
    "?", "…", "—", "\n", "  ", "café", "", "'", "a" * 40, "1,000,000", "(", ")",
)  # fmt: skip
_PROSE = st.lists(st.sampled_from(_PROSE_WORDS) | st.text(max_size=10), max_size=40).map(" ".join)
VERSIONS = st.builds(_version, _PROSE, st.none() | _PROSE, st.lists(_PROSE, max_size=8))


@_TIMEOUT
@FUZZ
@given(old=VERSIONS, new=VERSIONS)
def test_diff_and_classification_never_raise(old: Article, new: Article) -> None:
    verdict = classify(old, new)
    diff = compare(old, new)
    edits = sentence_edits(old, new)
    spans = word_ops(" ".join(old.paragraphs), " ".join(new.paragraphs))
    assert verdict.kind is not None
    if (old.title, old.byline, old.paragraphs) == (new.title, new.byline, new.paragraphs):
        assert not diff.changed
    assert all(e.op in ("added", "removed", "edited", "moved") for e in edits)
    assert "".join(s.text for s in spans if s.op != "insert") == " ".join(old.paragraphs)


# ── pathological sizes: long runs that trip backtracking regexes or quadratic scans ──────

_RUNS = [".", "!", "J. ", "a.", "<", "<a", "&", "%", "/", "[", "“", "\u200b", "\n\n", "<p>", "a"]


def _runs(size: int) -> list[str]:
    return [unit * (size // len(unit)) for unit in _RUNS]


def _quick(call: object, limit: float) -> None:
    started = time.perf_counter()
    with contextlib.suppress(ExtractError, DiscoverError, InvalidURL):
        call()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    assert elapsed < limit, f"took {elapsed:.1f} s"


@pytest.mark.timeout(240)
@pytest.mark.parametrize("text", _runs(30_000), ids=lambda text: f"{text[:4]!r}x{len(text)}")
def test_long_runs_stay_fast_in_text_functions(text: str) -> None:
    # 30,000 dots took 20 s in split_sentences before its regex was made linear.
    _quick(lambda: split_sentences(text), 3.0)
    _quick(lambda: classify(_version("t", None, [text]), _version("t", None, [text + " x"])), 8.0)
    _quick(lambda: canonical_url(f"http://news.example/{text}?q={text}"), 3.0)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("text", _runs(30_000), ids=lambda text: f"{text[:4]!r}x{len(text)}")
def test_long_runs_stay_fast_in_parsers(text: str) -> None:
    page = f"<html><body><article><p>{text}</p><a href='{text}'>x</a></article></body></html>"
    _quick(lambda: extract_article(page, url=BASE), 10.0)
    feed = f"<rss version='2.0'><channel><item><link>{BASE}{text}</link></item></channel></rss>"
    for kind in EndpointKind:
        _quick(lambda kind=kind: discover(kind, feed.encode(), base_url=BASE, source=SOURCE), 15.0)
