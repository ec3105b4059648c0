"""Issue 11, items 6, 7, 8 and the web part of "also seen": hostile requests get 4xx, never 500.

Before the fix: superscript and other non-ASCII digits in ids, versions and cursors, a 20-digit
cursor, `until=9999-12-31`, deeply nested JSON, a lone surrogate in a source name, a 5,000-digit
form target and a non-ASCII CSRF cookie all answered 500; `/articles/٣` served article 3; feeds
took their links from the Host header; `/api/articles/123/remove-source` removed the source
named "123"; `Origin: null` passed the CSRF check; a hidden article's URL was in the API; 405s
had no Allow header; a missing Authorization header was 403; uvicorn's own 400 had no
security headers.
"""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest

from copydesk.publish import create_app, serve_in_thread
from copydesk.records import ArticleStatus, Source
from copydesk.settings import Settings, WebSettings
from tests.support.web import TOKEN, TestClient

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _envelope(response, status: int) -> None:
    assert response.status_code == status, (response.request.url, response.text[:300])
    if response.request.url.path.startswith("/api/"):
        body = response.json()
        assert body["ok"] is False
        assert body["status"] == status
        assert body["error"]
    else:
        assert "Traceback" not in response.text


# ── item 6: bad ids, versions, cursors and dates ─────────────────────────────────────────


@pytest.mark.parametrize(
    "path",
    [
        "/articles/%C2%B2",  # superscript two
        "/articles/%D9%A3",  # Arabic-Indic three: must not serve article 3
        "/articles/%EF%BC%93",  # full-width three
        "/articles/1/versions/%C2%B2",
        "/articles/1/diff/%C2%B2/2",
        "/articles/1/diff/1/%D9%A3.png",
        "/articles/%C2%B2/changes.atom",
        "/api/articles/%C2%B2",
        "/api/articles/%D9%A3",
        "/api/articles/1/versions/%C2%B2",
        "/api/articles/1/diff/1/%C2%B2",
        "/articles/99999999999999999999999",
        "/api/articles/" + "9" * 5000,
    ],
)
def test_non_ascii_and_huge_ids_are_404(client, path):
    _envelope(client.get(path), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/articles/1/diff?a=%C2%B2&b=1",
        "/?before=%C2%B2.1",
        "/?before=1.%D9%A3",
        "/api/changes?before=99999999999999999999.1",
        "/api/changes?before=1." + "9" * 30,
        "/sources/daily?before=99999999999999999999.1",
        "/search?q=zebra&before=%C2%B2",
        "/api/search?q=zebra&before=" + "9" * 5000,
        "/search?q=zebra&since=2026-%D9%A3-01",
    ],
)
def test_bad_cursors_and_query_numbers_are_400(client, path):
    _envelope(client.get(path), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=zebra&until=9999-12-31",
        "/api/search?q=zebra&until=9999-12-31",
        "/search.atom?q=zebra&until=9999-12-31",
        "/search?q=zebra&since=0001-01-01",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]


def test_arabic_three_does_not_serve_article_three(client, newsroom):
    assert client.get(f"/articles/{newsroom.other}").status_code == 200
    assert str(newsroom.other) == "3"
    assert client.get("/articles/\u0663").status_code == 404


def test_deeply_nested_json_is_400(client):
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.post(
        "/api/sources", headers=AUTH | {"content-type": "application/json"}, content=body
    )
    _envelope(response, 400)
    deep = b'{"name": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    _envelope(client.post("/api/articles/1/hide", headers=AUTH, content=deep), 400)


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "\\ud800", "endpoints": []}',
        b'{"name": "ok\\udfff", "endpoints": []}',
        b'{"name": "gazette", "endpoints": [{"url": "https://g.example/\\ud800", "kind": "feed"}]}',
    ],
)
def test_lone_surrogates_are_400(client, body):
    _envelope(client.post("/api/sources", headers=AUTH, content=body), 400)


def test_lone_surrogate_in_a_reason_is_400(client, newsroom):
    body = b'{"reason": "court \\ud800 order"}'
    _envelope(client.post(f"/api/articles/{newsroom.calm}/hide", headers=AUTH, content=body), 400)
    assert newsroom.store.get_article(newsroom.calm).status is ArticleStatus.ACTIVE


def _admin_form(client) -> dict[str, str]:
    client.get("/admin")
    return {"csrf": client.cookies.get("copydesk_csrf"), "token": TOKEN}


@pytest.mark.parametrize("target", ["9" * 5000, "\u0663", "\u00b2", "1" * 40])
def test_admin_form_bad_targets_are_4xx(client, target):
    form = _admin_form(client) | {"action": "pause", "target": target}
    response = client.post("/admin", data=form)
    assert response.status_code in (400, 404), response.text[:300]


@pytest.mark.parametrize("encoded", ["%ED%B2%80", "%FF%FE", "%C0%AF"])
def test_admin_form_undecodable_bytes_are_4xx(client, encoded):
    """A lone surrogate or invalid UTF-8, percent-encoded in a form field."""
    form = _admin_form(client)
    body = (
        f"csrf={form['csrf']}&token={TOKEN}&action=add-source&target=x{encoded}"
        f"&url=https%3A%2F%2Fg.example%2F{encoded}&kind=feed"
    )
    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/admin", content=body.encode(), headers=headers)
    assert response.status_code in (303, 400, 404), response.text[:300]


# ── item 7: a non-ASCII CSRF cookie ──────────────────────────────────────────────────────


@pytest.mark.parametrize("cookie", ["é", "\u2603snow", "ü" * 50])
def test_non_ascii_csrf_cookie_is_403(client, cookie):
    form = {"csrf": cookie, "token": TOKEN, "action": "pause", "target": "1"}
    client.cookies.clear()
    raw = f"copydesk_csrf={cookie}".encode()
    response = client.post("/admin", data=form, headers={"cookie": raw})  # type: ignore[dict-item]
    assert response.status_code == 403


def test_origin_null_is_refused(client, newsroom):
    form = _admin_form(client) | {"action": "pause", "target": str(newsroom.calm)}
    response = client.post("/admin", data=form, headers={"Origin": "null"})
    assert response.status_code == 403
    assert newsroom.store.get_article(newsroom.calm).status is ArticleStatus.ACTIVE


# ── item 8: the Host header is not trusted ───────────────────────────────────────────────


@pytest.mark.parametrize(
    "path",
    [
        "/changes.atom",
        "/changes.rss",
        "/sources/daily/changes.atom",
        "/articles/1/changes.rss",
        "/search.atom?q=zebra",
    ],
)
def test_feeds_never_take_links_from_an_untrusted_host(newsroom, settings, web_clock, path):
    untrusted = replace(settings, web=replace(settings.web, base_url="", trusted_hosts=()))
    app = create_app(untrusted, store=newsroom.store, clock=web_clock)
    with TestClient(app) as client:
        response = client.get(path, headers={"Host": "forged-host.example"})
    assert "forged-host.example" not in response.text
    assert response.status_code == 400
    assert "web.base_url" in response.text


def test_feeds_use_base_url_whatever_the_host(newsroom, settings, web_clock):
    configured = replace(settings, web=replace(settings.web, base_url="https://news.example.org"))
    app = create_app(configured, store=newsroom.store, clock=web_clock)
    with TestClient(app) as client:
        response = client.get("/changes.atom", headers={"Host": "forged-host.example"})
    assert response.status_code == 200
    assert "forged-host.example" not in response.text
    assert "https://news.example.org/articles/" in response.text


def test_feeds_use_a_trusted_host(newsroom, settings, web_clock):
    trusting = replace(
        settings, web=replace(settings.web, base_url="", trusted_hosts=("news.example",))
    )
    app = create_app(trusting, store=newsroom.store, clock=web_clock)
    with TestClient(app) as client:
        good = client.get("/changes.rss", headers={"Host": "news.example:8080"})
        bad = client.get("/changes.rss", headers={"Host": "forged-host.example"})
    assert good.status_code == 200
    assert "http://news.example:8080/articles/" in good.text
    assert bad.status_code == 400


def test_loopback_hosts_are_trusted_by_default(newsroom, web_clock):
    app = create_app(Settings(db="sqlite://"), store=newsroom.store, clock=web_clock)
    with TestClient(app) as client:
        response = client.get("/changes.atom", headers={"Host": "127.0.0.1:8000"})
    assert response.status_code == 200
    assert "http://127.0.0.1:8000/" in response.text


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/static", "/static/"),
        ("/sources/", "/sources"),
        ("/api/changes/", "/api/changes"),
        ("/articles/1/", "/articles/1"),
        ("/search/?q=zebra", "/search?q=zebra"),
    ],
)
def test_redirects_never_carry_the_host(newsroom, settings, web_clock, path, location):
    """Starlette's trailing-slash redirect built an absolute Location on the Host header.

    A shared cache would keep `307 -> http://forged-host.example/...` for every reader.
    """
    untrusted = replace(settings, web=replace(settings.web, base_url="", trusted_hosts=()))
    app = create_app(untrusted, store=newsroom.store, clock=web_clock)
    with TestClient(app, follow_redirects=False) as client:
        response = client.get(path, headers={"Host": "forged-host.example"})
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["location"] == location


def test_csrf_origin_is_checked_against_the_configured_base_not_the_host(newsroom, web_clock):
    settings = Settings(
        db="sqlite://", web=WebSettings(admin_token=TOKEN, base_url="https://news.example.org")
    )
    app = create_app(settings, store=newsroom.store, clock=web_clock)
    with TestClient(app, base_url="https://news.example.org", follow_redirects=False) as client:
        form = _admin_form(client) | {"action": "pause", "target": str(newsroom.calm)}
        forged = client.post(
            "/admin",
            data=form,
            headers={"Host": "forged-host.example", "Origin": "https://forged-host.example"},
        )
        assert forged.status_code == 403
        good = client.post("/admin", data=form, headers={"Origin": "https://news.example.org"})
        assert good.status_code == 303


# ── also seen ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ["a/b", "..", "x\\y", "tab\there", "in\u0085side", ""])
def test_source_names_that_cannot_have_pages_are_refused(client, name):
    response = client.post("/api/sources", headers=AUTH, json={"name": name, "endpoints": []})
    _envelope(response, 400)


def test_remove_source_through_the_article_route_does_not_remove_a_source(client, newsroom):
    newsroom.store.add_source(Source(name="123"), now=newsroom.store.list_sources()[0].created_at)
    response = client.post("/api/articles/123/remove-source", headers=AUTH, json={})
    assert response.status_code == 404
    assert newsroom.store.get_source("123") is not None


def test_a_hidden_articles_url_is_not_in_the_api(client, newsroom):
    url = newsroom.store.get_article(newsroom.calm).url
    client.post(f"/api/articles/{newsroom.calm}/hide", headers=AUTH, json={"reason": "court"})
    response = client.get(f"/api/articles/{newsroom.calm}")
    assert response.status_code == 200
    assert url not in response.text
    assert response.json()["article"]["url"] is None
    assert response.json()["article"]["hidden_reason"] == "court"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/changes", {"GET", "HEAD"}),
        ("DELETE", "/admin", {"GET", "HEAD", "POST"}),
        ("PATCH", "/api/sources", {"GET", "HEAD", "POST"}),
        ("GET", "/api/articles/1/pause", {"POST"}),
        ("POST", "/articles/1", {"GET", "HEAD"}),
        ("POST", "/static/site.css", {"GET", "HEAD"}),  # the mounted static files too
    ],
)
def test_405_names_the_allowed_methods(client, method, path, allowed):
    response = client.request(method, path)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


def test_missing_authorization_is_401_and_a_wrong_token_403(client, newsroom):
    for method, path in (
        ("POST", f"/api/articles/{newsroom.calm}/pause"),
        ("POST", "/api/sources"),
        ("DELETE", "/api/sources/daily"),
    ):
        missing = client.request(method, path, json={})
        _envelope(missing, 401)
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = client.request(method, path, json={}, headers={"Authorization": "Bearer nope"})
        _envelope(wrong, 403)
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                assert "401" in operation["responses"], (method, path)
                assert "403" in operation["responses"], (method, path)


def test_uvicorns_own_400_carries_the_security_headers(newsroom, settings, web_clock):
    app = create_app(settings, store=newsroom.store, clock=web_clock)
    base, stop = serve_in_thread(app)
    try:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    finally:
        stop()
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    assert head.startswith("http/1.1 400")
    assert "content-security-policy: default-src 'none'" in head
    assert "x-content-type-options: nosniff" in head
    assert "x-frame-options: deny" in head
