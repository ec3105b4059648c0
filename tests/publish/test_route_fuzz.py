"""Fuzz every web route: path and query parameters of arbitrary Unicode and integers, no 5xx.

Issue 11 ("Done when"): hypothesis drives each route of the app (read from the app itself, so
a new route is fuzzed without touching this file) with path parameters and query strings of
any Unicode (lone surrogates and invalid UTF-8 included, percent-encoded as raw bytes), huge
and negative integers and non-ASCII digits; write routes also get the admin token and random
JSON or form bodies. Every answer must be below 500, and an API error must use the envelope;
a 405 names its methods and a redirect stays on this server (a path, never the Host).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.routing import Mount, Route

from copydesk.publish import create_app
from tests.support.web import TOKEN, TestClient

EXAMPLES = 40
SOURCE = Path(__file__).resolve().parents[2] / "src" / "copydesk" / "publish"
# Every query parameter the web code reads (checked against the code below), and some noise.
QUERY_NAMES = [
    "a", "b", "before", "done", "inline", "kind", "q", "show", "since", "source", "until",
    "view", "page", "limit", "id", "name", "format", "chart", "x",
]  # fmt: skip

DIGITS = "0123456789²³¹٠١٢٣٤٥٦٧٨٩０１２３４５６７８９߀०১"
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=5).map(str),
    st.text(alphabet=DIGITS, min_size=1, max_size=25),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 10**25), st.integers(0, 10**25)),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "2026-03-01", "-1", "1e309"]),
)
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
values = st.one_of(
    numbers, texts, st.sampled_from(["daily", "weekly", "all", "inline", "hours", ""])
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        texts,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            texts | st.sampled_from(["name", "reason", "endpoints", "url", "kind"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


def _encode(value: str) -> str:
    """Percent-encode every byte, lone surrogates as the bytes a sloppy client would send."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _route_list(app) -> list[tuple[str, str, tuple[str, ...]]]:
    """(method, path template, parameter names) of every route, mounted apps included.

    A route of a kind this test does not know fails it, so nothing is left out unseen.
    """
    routes = []
    for route in app.routes:
        if isinstance(route, Route):
            names = tuple(route.param_convertors)
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    routes.append((method, route.path, names))
        elif isinstance(route, Mount):  # static files: any path below, and a wrong method
            routes += [(m, route.path + "/{path}", ("path",)) for m in ("GET", "POST")]
        else:
            raise AssertionError(f"a route this fuzz test does not drive: {route!r}")
    return routes


def test_every_query_parameter_the_code_reads_is_fuzzed():
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.glob("*.py"))
    read = set(re.findall(r"query_params\.get\(\"(\w+)\"", code))
    read |= set(re.findall(r"(?:text_param|int_query|date_param)\(request, \"(\w+)\"\)", code))
    assert read, "the patterns no longer find the parameters"
    assert read <= set(QUERY_NAMES), read - set(QUERY_NAMES)


def _fuzzer(client, method: str, template: str, names, csrf: str, seen: dict[int, int]):
    """A hypothesis test of one route and method."""

    @given(
        params=st.fixed_dictionaries({name: values for name in names}),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES) | texts, values, max_size=4),
        body=json_values,
        form=st.dictionaries(
            st.sampled_from(["action", "target", "reason", "url", "kind"]), values
        ),
    )
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(params, query, body, form) -> None:
        path = template
        for name, value in params.items():
            path = path.replace("{" + name + "}", _encode(value))
        if query:
            path += "?" + "&".join(f"{_encode(k)}={_encode(v)}" for k, v in query.items())
        headers = {"Authorization": f"Bearer {TOKEN}"}
        if template == "/admin" and method == "POST":
            fields = {**form, "csrf": csrf, "token": TOKEN}
            encoded = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in fields.items())
            form_type = {"content-type": "application/x-www-form-urlencoded"}
            response = client.post(path, content=encoded.encode(), headers=form_type)
        elif method in ("POST", "DELETE"):
            response = client.request(method, path, json=body, headers=headers)
        else:
            response = client.request(method, path)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (method, path, response.text[:300])
        if response.status_code == 405:
            assert response.headers.get("allow"), (method, path)
        location = response.headers.get("location", "/")
        assert location.startswith("/"), (path, location)
        assert not location.startswith("//"), (path, location)
        if template.startswith("/api/") and response.status_code >= 400:
            assert response.json()["ok"] is False

    return check


def test_no_route_answers_5xx_to_arbitrary_path_and_query_values(newsroom, settings, web_clock):
    app = create_app(settings, store=newsroom.store, clock=web_clock)
    routes = _route_list(app)
    assert len(routes) >= 25
    seen: dict[int, int] = {}
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        client.get("/admin")  # the CSRF cookie, so admin forms get past the first check
        csrf = client.cookies.get("copydesk_csrf") or ""
        for method, template, names in routes:
            _fuzzer(client, method, template, names, csrf, seen)()
    assert sum(seen.values()) >= EXAMPLES * len(routes) // 2
    assert {200, 400, 404} <= set(seen)
