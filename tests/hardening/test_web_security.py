"""Web security: hostile text renders inert in a real browser, headers everywhere, no tracebacks.

tests/publish/ already checks escaping in HTML, the admin token and CSRF once; this file adds a
payload corpus (in titles, bylines, bodies and URLs) checked in headless Chromium, headers on
every route including errors and feeds, and a 500 page when the store itself fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from copydesk.publish import create_app, serve_in_thread
from copydesk.records import Article, Source
from copydesk.settings import Settings, WebSettings
from copydesk.store import Store
from tests.support.web import ARGS, CHROMIUM, START, TOKEN, TestClient, article, record

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=\"alert('xss-2')\">",
    "<svg/onload=alert('xss-3')>",
    "<svg><script>alert('xss-4')</script></svg>",
    '"><script>alert("xss-5")</script>',
    "'><a href='javascript:alert(6)'>xss-6</a>",
    '<a href="data:text/html,<script>alert(7)</script>">xss-7</a>',
    "<iframe src=javascript:alert('xss-8')></iframe>",
    "<body onload=alert('xss-9')>",
    '<div style="background:url(javascript:alert(10))">xss-10',
    "</textarea></title></style><script>alert('xss-11')</script>",
    "<scr<script>ipt>alert('xss-12')</scr</script>ipt>",
    "<ſcript>alert('xss-13')</ſcript>",  # long s: folds to "s" in some parsers
    "＜script＞alert('xss-14')＜/script＞",  # full-width brackets
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-15')>",
    "{{7*7}} ${7*7} <%= 7*7 %> xss-16",  # template injection must stay literal
    "\u202egnp.exe <b onmouseover=alert('xss-17')>x</b>",
    "<!--<img src=--><img src=x onerror=alert('xss-18')//-->",
    "<meta http-equiv=refresh content='0;url=javascript:alert(19)'>",
    '<form action="javascript:alert(20)"><button>xss-20</button></form>',
]
HOSTILE_URLS = [
    "javascript:alert('url-1')//https://evil.example/",
    "https://evil.example/\"><script>alert('url-2')</script>",
    "https://evil.example/?q=<svg/onload=alert('url-3')>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgndXJsLTQnKTwvc2NyaXB0Pg==",
]


def fill_hostile(store: Store) -> list[int]:
    """One article per payload group: the payloads sit in title, byline, body and URL."""
    store.add_source(Source(name="evil"), now=START)
    ids = []
    for n, payload in enumerate(PAYLOADS):
        url = HOSTILE_URLS[n % len(HOSTILE_URLS)] + f"#{n}"
        article_id = store.add_article("evil", url, now=START).id
        first = article(payload, f"Body {n}: {payload}", f"Quiet paragraph {n}.")
        second = article(payload + " v2", f"Body {n}: {payload} edited", f"Quiet paragraph {n}.")
        record(store, article_id, START + timedelta(minutes=n), replace_byline(first, payload))
        record(
            store,
            article_id,
            START + timedelta(minutes=n, seconds=30),
            replace_byline(second, payload),
            change_kind="substantive",
        )
        ids.append(article_id)
    return ids


def replace_byline(article: Article, payload: str) -> Article:
    return replace(article, byline=f"By {payload}")


@pytest.fixture
def hostile(tmp_path) -> Iterator[tuple[Store, list[int]]]:
    store = Store.open(f"sqlite:///{tmp_path / 'xss.db'}")
    ids = fill_hostile(store)
    yield store, ids
    store.close()


def _settings() -> Settings:
    return Settings(
        db="sqlite://",
        web=WebSettings(admin_token=TOKEN, trusted_hosts=("testserver", "127.0.0.1", "localhost")),
    )


def _paths(ids: list[int]) -> list[str]:
    paths = ["/", "/?kind=all", "/sources", "/sources/evil", "/search?q=xss", "/search?q=Quiet"]
    for article_id in ids:
        paths += [
            f"/articles/{article_id}",
            f"/articles/{article_id}/versions/1",
            f"/articles/{article_id}/diff/1/2",
            f"/articles/{article_id}/diff/1/2?view=inline",
        ]
    return paths


# ── in the browser ───────────────────────────────────────────────────────────────────────

_ACTIVE_DOM = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const ours = tag === 'svg' && /^(timeline|chart)$/.test(el.getAttribute('class') || '');
    if (['script', 'iframe', 'object', 'embed', 'svg', 'math'].includes(tag) && !ours)
      bad.push(tag);
    if (tag === 'meta' && el.getAttribute('http-equiv')) bad.push('meta-refresh');
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(tag + '@' + attr.name);
      const url = ['href', 'src', 'action', 'formaction'].includes(attr.name);
      if (url && /^\\s*(javascript|data):/i.test(attr.value))
        bad.push(tag + '@' + attr.name + '=' + attr.value.slice(0, 30));
    }
  }
  return bad;
}"""


@pytest.mark.browser
@pytest.mark.timeout(240)
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")
def test_payloads_render_inert_in_the_browser(hostile):
    from playwright.sync_api import sync_playwright

    store, ids = hostile
    url, stop = serve_in_thread(create_app(_settings(), store=store), "127.0.0.1", 0)
    dialogs: list[str] = []
    console: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            for path in _paths(ids):
                page.goto(url + path)
                assert page.evaluate(_ACTIVE_DOM) == [], path
                assert page.title() != "pwned"
            for article_id, payload in zip(ids, PAYLOADS, strict=True):
                page.goto(f"{url}/articles/{article_id}/versions/1")
                text = re.sub(r"\s+", " ", page.inner_text("body"))
                assert re.sub(r"\s+", " ", payload).strip() in text, payload
            browser.close()
    finally:
        stop()
    assert dialogs == []
    blocked = [m for m in console if "Content Security Policy" in m or "pageerror" in m]
    assert blocked == []  # nothing even tried to run


# ── headers on every route, errors and feeds included ────────────────────────────────────


@pytest.fixture
def client(hostile) -> Iterator[TestClient]:
    store, _ = hostile
    with TestClient(create_app(_settings(), store=store), follow_redirects=False) as test_client:
        yield test_client


def _routes(ids: list[int]) -> list[str]:
    first = ids[0]
    return [
        *_paths(ids[:2]),
        "/changes.atom",
        "/changes.rss",
        "/sources/evil/changes.atom",
        f"/articles/{first}/changes.rss",
        "/search.atom?q=xss",
        "/admin",
        "/api/openapi.json",
        "/api/changes",
        f"/api/articles/{first}",
        f"/api/articles/{first}/diff/1/2",
        "/api/search?q=xss",
        "/healthz",
        "/static/site.css",
        "/articles/999999",  # 404 page
        "/articles/abc",
        "/api/articles/999999",  # 404 envelope
        "/search?q=x&since=never",  # 400
        "/no/such/page",
        f"/articles/{first}/diff",  # picker redirect
    ]


def test_security_headers_on_every_route(client, hostile):
    _, ids = hostile
    seen = set()
    for path in _routes(ids):
        response = client.get(path)
        seen.add(response.status_code)
        headers = response.headers
        csp = headers.get("content-security-policy", "")
        assert "script-src 'none'" in csp, path
        assert "default-src 'none'" in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("x-frame-options") == "DENY", path
        assert headers.get("referrer-policy"), path
        if headers.get("content-type", "").startswith("text/html"):
            assert "<script" not in response.text.lower(), path
    assert {200, 404, 400} <= seen
    post = client.post("/api/articles/1/pause")
    assert post.status_code == 401  # no token (#11)
    assert "content-security-policy" in post.headers


def test_feeds_escape_payloads_and_carry_headers(client):
    for path in ("/changes.atom", "/changes.rss", "/search.rss?q=xss"):
        response = client.get(path)
        assert response.status_code == 200
        assert "<script" not in response.text.lower()
        assert "<svg" not in response.text.lower()
        assert response.headers["x-content-type-options"] == "nosniff"


def test_admin_needs_token_and_csrf_for_every_action(client, hostile):
    _, ids = hostile
    page = client.get("/admin")
    csrf = client.cookies.get("copydesk_csrf")
    assert csrf
    for action in ("pause", "hide", "unhide", "remove-source"):
        target = "evil" if action == "remove-source" else str(ids[0])
        form = {"action": action, "target": target, "reason": "r", "token": TOKEN}
        assert client.post("/admin", data=form).status_code == 403  # no CSRF field
        assert client.post("/admin", data={**form, "csrf": "forged"}).status_code == 403
        assert client.post("/admin", data={**form, "csrf": csrf, "token": ""}).status_code == 403
        cross = client.post(
            "/admin", data={**form, "csrf": csrf}, headers={"Origin": "https://evil.example"}
        )
        assert cross.status_code == 403
    assert page.status_code == 200
    assert client.get(f"/articles/{ids[0]}/versions/1").status_code == 200  # nothing was hidden
    api = f"/api/articles/{ids[0]}/hide"
    assert client.post(api, json={"reason": "x"}).status_code == 401  # no token (#11)
    wrong = {"Authorization": "Bearer " + TOKEN[:-1]}
    assert client.post(api, json={"reason": "x"}, headers=wrong).status_code == 403


# ── a failing store: a plain 500, never a traceback ─────────────────────────────────────


class BrokenStore:
    """Looks like a Store to the app, and fails with a foreign error on every call."""

    url = "sqlite://"

    def __getattr__(self, name: str):
        def fail(*args: object, **kwargs: object) -> None:
            raise RuntimeError(f"secret-internal-detail in {name} at /srv/copydesk/db.py")

        return fail


@pytest.mark.parametrize(
    "path",
    ["/", "/sources", "/articles/1", "/articles/1/diff/1/2", "/search?q=a", "/changes.atom"],
)
def test_a_failing_store_gives_a_plain_500(path):
    app = create_app(_settings(), store=BrokenStore())  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path)
        api = client.get("/api/changes")
    for answer in (response, api):
        assert answer.status_code == 500, path
        assert "secret-internal-detail" not in answer.text
        assert "Traceback" not in answer.text
        assert "/srv/copydesk" not in answer.text
        assert "script-src 'none'" in answer.headers["content-security-policy"]
