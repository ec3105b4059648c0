from __future__ import annotations

import pytest

from copydesk.publish.openapi import openapi_document
from copydesk.records import ArticleStatus
from tests.support.web import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _is_error(response, status):
    assert response.status_code == status
    assert response.json() == {"ok": False, "error": response.json()["error"], "status": status}
    assert isinstance(response.json()["error"], str)
    assert response.json()["error"]


def test_read_endpoints(client, newsroom):
    assert [c["number"] for c in client.get("/api/changes").json()["changes"]] == [3, 2, 2]
    assert {s["name"] for s in client.get("/api/sources").json()["sources"]} == {"daily", "weekly"}
    assert client.get("/api/sources/daily").json()["source"]["edits"] == 3
    article = client.get(f"/api/articles/{newsroom.calm}").json()
    assert article["article"]["changes"] == 2
    assert len(article["versions"]) == 3
    version = client.get(f"/api/articles/{newsroom.calm}/versions/3").json()["version"]
    assert version["paragraphs"][1] == "It cost 7 million pounds."
    diff = client.get(f"/api/articles/{newsroom.calm}/diff/2/3").json()["diff"]
    assert ["delete", "5"] in diff["rows"][1]["inline"]
    hits = client.get("/api/search?q=zebra").json()["results"]
    assert {h["article_id"] for h in hits} == {newsroom.hostile, newsroom.other}


def test_api_keyset_pagination(client, monkeypatch):
    monkeypatch.setattr("copydesk.publish.api.PAGE_SIZE", 2)
    first = client.get("/api/changes").json()
    second = client.get(f"/api/changes?before={first['next']}").json()
    assert len(first["changes"]) == 2
    assert len(second["changes"]) == 1
    assert second["next"] is None


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/nope", 404),
        ("/api/articles/999", 404),
        ("/api/articles/abc", 404),
        ("/api/articles/1/versions/99", 404),
        ("/api/changes?kind=zzz", 400),
        ("/api/changes?before=1.x", 400),
        ("/api/search", 400),
        ("/api/search?q=a&since=bad", 400),
        ("/api/sources/nope", 404),
    ],
)
def test_one_error_shape(client, path, status):
    _is_error(client.get(path), status)


def test_method_not_allowed_uses_the_envelope(client):
    _is_error(client.put("/api/changes"), 405)


def test_server_errors_use_the_envelope_and_hide_the_traceback(newsroom, settings, monkeypatch):
    from copydesk.publish import create_app
    from tests.support.web import TestClient

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("copydesk.store.Store.source_figures", boom)
    app = create_app(settings, store=newsroom.store)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/sources")
        page = client.get("/sources")
    _is_error(response, 500)
    assert "secret" not in response.text
    assert page.status_code == 500
    assert "secret" not in page.text
    assert "Traceback" not in page.text


def test_openapi_document_is_served_and_well_formed(client):
    doc = client.get("/api/openapi.json").json()
    assert doc == openapi_document()
    assert doc["openapi"].startswith("3.1")
    for path, operations in doc["paths"].items():
        assert path.startswith("/api/")
        for operation in operations.values():
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == set(__import__("re").findall(r"{(\w+)}", path))


def test_writes_need_the_token(client, newsroom, settings):
    _is_error(client.post(f"/api/articles/{newsroom.calm}/pause"), 401)  # no token: 401 (#11)
    _is_error(
        client.post(
            f"/api/articles/{newsroom.calm}/pause", headers={"Authorization": "Bearer wrong"}
        ),
        403,
    )
    assert client.post(f"/api/articles/{newsroom.calm}/pause", headers=AUTH).json()["ok"] is True
    assert newsroom.store.get_article(newsroom.calm).status is ArticleStatus.PAUSED


def test_writes_are_disabled_without_a_configured_token(newsroom, web_clock):
    from copydesk.publish import create_app
    from copydesk.settings import Settings
    from tests.support.web import TestClient

    with TestClient(create_app(Settings(), store=newsroom.store, clock=web_clock)) as client:
        response = client.post(f"/api/articles/{newsroom.calm}/pause", headers=AUTH)
    _is_error(response, 403)
    assert response.json()["error"] == "admin actions disabled"


def test_hide_gives_410_on_text_pages_and_the_log_says_why(client, newsroom):
    _is_error(client.post(f"/api/articles/{newsroom.calm}/hide", headers=AUTH, json={}), 400)
    client.post(
        f"/api/articles/{newsroom.calm}/hide", headers=AUTH, json={"reason": "court order 12"}
    )
    for path in ("/articles/{}/versions/1", "/articles/{}/diff/1/2", "/api/articles/{}/versions/1"):
        assert client.get(path.format(newsroom.calm)).status_code == 410
    log = client.get(f"/articles/{newsroom.calm}")
    assert log.status_code == 200
    assert "court order 12" in log.text
    assert "Mayor" not in log.text
    assert "Mayor" not in client.get("/").text
    assert "Mayor" not in client.get("/search?q=mayor").text
    client.post(f"/api/articles/{newsroom.calm}/unhide", headers=AUTH)
    assert client.get(f"/articles/{newsroom.calm}/versions/1").status_code == 200


def test_add_and_remove_source(client, newsroom):
    body = {
        "name": "gazette",
        "endpoints": [{"url": "https://gazette.example/feed.xml", "kind": "feed"}],
    }
    assert client.post("/api/sources", headers=AUTH, json=body).json()["ok"] is True
    assert newsroom.store.list_endpoints("gazette")[0].url == "https://gazette.example/feed.xml"
    _is_error(
        client.post(
            "/api/sources", headers=AUTH, json={"name": "x", "endpoints": [{"url": "nope"}]}
        ),
        400,
    )
    _is_error(client.post("/api/sources", headers=AUTH, content=b"[1"), 400)
    # the same feed again, under another name: says where it is, creates nothing
    again = client.post("/api/sources", headers=AUTH, json=body | {"name": "gazette.example"})
    _is_error(again, 409)
    assert "in source 'gazette'" in again.json()["error"]
    assert newsroom.store.get_source("gazette.example") is None
    assert client.delete("/api/sources/gazette", headers=AUTH).json()["ok"] is True
    assert newsroom.store.get_source("gazette") is None
    _is_error(client.delete("/api/sources/gazette", headers=AUTH), 404)  # gone: not found


def test_html_admin_form_needs_csrf_and_token(client, newsroom):
    page = client.get("/admin")
    csrf = page.cookies.get("copydesk_csrf") or client.cookies.get("copydesk_csrf")
    assert csrf
    assert f'value="{csrf}"' in page.text
    form = {"action": "pause", "target": str(newsroom.calm), "token": TOKEN}
    assert client.post("/admin", data=form).status_code == 403  # no CSRF token
    assert client.post("/admin", data={**form, "csrf": csrf, "token": "bad"}).status_code == 403
    cross = client.post(
        "/admin", data={**form, "csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    done = client.post("/admin", data={**form, "csrf": csrf})
    assert done.status_code == 303
    assert done.headers["location"].startswith("/admin?done=")
    assert newsroom.store.get_article(newsroom.calm).status is ArticleStatus.PAUSED
