"""The hand-written OpenAPI 3.1 description of /api/ (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from copydesk.publish.params import CURSOR_PATTERN, KINDS, MAX_ID, MAX_INT_QUERY, MAX_QUERY

_ERROR = {"$ref": "#/components/schemas/Error"}
_OK = {"$ref": "#/components/schemas/Ok"}
_ERRORS = {
    400: "Bad request",
    401: "No admin token: send Authorization: Bearer TOKEN",
    403: "Wrong admin token, or admin actions disabled",
    404: "Not found",
    410: "Hidden for legal reasons",
    503: "Busy or database unavailable: retry after Retry-After seconds",
}


def _param(
    name: str, where: str, kind: str = "string", *, required: bool = False
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    if kind == "integer":
        schema["minimum"] = 0
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema}


def _responses(*errors: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": _OK}}}
    }
    for status in errors:
        out[str(status)] = {
            "description": _ERRORS.get(status, "Error"),
            "content": {"application/json": {"schema": _ERROR}},
        }
        if status == 401:
            out["401"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    # Every operation may be told to come back: busy (bounded wait) or database unavailable.
    out["503"] = {
        "description": _ERRORS[503],
        "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
        "content": {"application/json": {"schema": _ERROR}},
    }
    return out


def _get(summary: str, params: list[dict[str, Any]], *errors: int) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params, "responses": _responses(*errors)}}


def _conflict(operation: dict[str, Any]) -> dict[str, Any]:
    """Adding an endpoint that is tracked already answers 409, naming where it is."""
    for method in operation.values():
        method["responses"]["409"] = _responses(409)["409"]
    return operation


def _write(
    method: str, summary: str, params: list[dict[str, Any]], body: dict[str, Any] | None
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": params,
        "security": [{"admin": []}],
        "responses": _responses(400, 401, 403, 404),
    }
    if body is not None:
        operation["requestBody"] = {
            "required": bool(body.get("required")),
            "content": {"application/json": {"schema": body}},
        }
    return {method: operation}


_EMPTY_BODY: dict[str, Any] = {"type": "object"}
_REASON = {
    "type": "object",
    "required": ["reason"],
    "properties": {
        "reason": {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": r"\S"}
    },
}
# A source name (records.SOURCE_NAME_RULE): 1-100 characters, none of / \ or controls, no
# spaces around it. The endpoint URL pattern is a plain http(s) address; others get a 400.
_NAME = r"^[A-Za-z0-9_.-](?:[A-Za-z0-9 _.-]{0,98}[A-Za-z0-9_-])?$"
_URL = r"^https?://[a-z][a-z0-9-]{0,30}(\.[a-z][a-z0-9-]{0,30})+/[a-z0-9/-]{0,60}$"
_NEW_SOURCE = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": _NAME, "not": {"enum": [".", ".."]}},
        "endpoints": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "required": ["url"],
                "properties": {
                    "url": {"type": "string", "pattern": _URL},
                    "kind": {"enum": ["feed", "sitemap", "frontpage"]},
                },
            },
        },
    },
}


def _query(name: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


# The parameters' schemas come from the rules in publish/params.py that validate them.
_TEXT = {"type": "string", "maxLength": MAX_QUERY}
_ID = {
    **_param("id", "path", "integer"),
    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
}
_SOURCE = _query("source", _TEXT)
_PAGING = [
    _SOURCE,
    _query("kind", {"type": "string", "enum": list(KINDS)}),
    _query("before", {"type": "string", "pattern": CURSOR_PATTERN}),
]
_DATE = {"type": "string", "format": "date"}
_SEARCH = [
    _query("q", {**_TEXT, "pattern": r"\S"}, required=True),
    _SOURCE,
    _query("since", _DATE),
    _query("until", _DATE),
    _query("before", {"type": "integer", "minimum": 0, "maximum": MAX_INT_QUERY}),
]


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


_INT = {"type": "integer", "minimum": 0}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_COUNTS = {"type": "array", "items": _object(name={"type": "string"}, count=_INT)}
_SHARES = {
    "type": "array",
    "items": _object(name={"type": "string"}, count=_INT, share=_NUMBER_OR_NULL),
}
_SPREAD = _object(
    count=_INT, median_seconds=_NUMBER_OR_NULL, p90_seconds=_NUMBER_OR_NULL, bins=_COUNTS
)
# The insight report (publish.insight.to_json): what `copydesk stats --json` prints too.
_REPORT = _object(
    source={"type": ["string", "null"]},
    since={"type": "string", "format": "date-time"},
    until={"type": "string", "format": "date-time"},
    articles=_INT,
    changed=_INT,
    changed_share=_NUMBER_OR_NULL,
    changes=_INT,
    versions_per_changed=_COUNTS,
    first_change=_SPREAD,
    last_change=_SPREAD,
    classes=_SHARES,
    flags=_SHARES,
    stealth=_object(
        substantive=_INT,
        stealth=_INT,
        rate=_NUMBER_OR_NULL,
        interval_95={
            "oneOf": [
                {"type": "null"},
                {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
            ]
        },
    ),
    headlines=_object(changes=_INT, flipflops=_INT, flipflop_articles=_INT),
    lifecycle=_COUNTS,
    hours={
        "type": "array",
        "minItems": 7,
        "maxItems": 7,
        "items": {"type": "array", "minItems": 24, "maxItems": 24, "items": _INT},
    },
    weekly={
        "type": "array",
        "items": _object(week={"type": "string", "format": "date"}, changes=_INT),
    },
    most_edited={
        "type": "array",
        "items": _object(
            article_id=_INT,
            source={"type": "string"},
            title={"type": "string"},
            url={"type": "string"},
            edits=_INT,
            link={"type": "string"},
        ),
    },
    sources={
        "type": "array",
        "items": _object(
            name={"type": "string"},
            articles=_INT,
            changed=_INT,
            changed_share=_NUMBER_OR_NULL,
            changes=_INT,
            substantive=_INT,
            stealth=_INT,
            stealth_rate=_NUMBER_OR_NULL,
            median_first_change_seconds=_NUMBER_OR_NULL,
        ),
    },
    charts={"type": "array", "items": {"type": "string"}},
)
_PERIOD = [_query("since", _DATE), _query("until", _DATE)]


def _report_get(summary: str, params: list[dict[str, Any]], *errors: int) -> dict[str, Any]:
    operation = _get(summary, params, *errors)
    operation["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/ReportResponse"
    }
    return operation


def openapi_document() -> dict[str, Any]:
    """A fresh dict each time, so callers may not change a shared copy."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "copydesk", "version": "1", "description": "Changes to news articles."},
        "paths": {
            "/api/changes": _get(
                "Recent changes, newest first; kind=gone|moved|restored|events lists lifecycle "
                "events (removed, moved, back) instead, under `events`",
                _PAGING,
                400,
            ),
            "/api/sources": {
                **_get("Sources with figures", []),
                **_conflict(_write("post", "Add a source", [], body=_NEW_SOURCE)),
            },
            "/api/sources/{name}": {
                **_get("One source", [_param("name", "path")], 404),
                **_write("delete", "Remove a source", [_param("name", "path")], body=None),
            },
            "/api/articles/{id}": _get(
                "An article's change log: versions, lifecycle events and every address it had",
                [_ID],
                404,
            ),
            "/api/articles/{id}/versions/{n}": _get(
                "One version's text", [_ID, _param("n", "path", "integer")], 404, 410
            ),
            "/api/articles/{id}/diff/{a}/{b}": _get(
                "Diff of two versions",
                [_ID, _param("a", "path", "integer"), _param("b", "path", "integer")],
                404,
                410,
            ),
            # One route serves the three actions; each is described with its own body.
            "/api/articles/{id}/pause": _write(
                "post", "Stop checking an article", [_ID], body=_EMPTY_BODY
            ),
            "/api/articles/{id}/hide": _write(
                "post", "Hide an article for legal reasons (410 on its text)", [_ID], body=_REASON
            ),
            "/api/articles/{id}/unhide": _write(
                "post", "Show a hidden article again", [_ID], body=_EMPTY_BODY
            ),
            "/api/search": _get("Full-text search over all versions", _SEARCH, 400),
            "/api/report": _report_get(
                "The insight report of every source: articles first captured in the period "
                "(since/until, inclusive UTC dates; default the last 30 days) and their changes",
                _PERIOD,
                400,
            ),
            "/api/sources/{name}/report": _report_get(
                "One source's insight report", [_param("name", "path"), *_PERIOD], 400, 404
            ),
        },
        "components": {
            "schemas": {
                "Ok": {
                    "type": "object",
                    "required": ["ok"],
                    "properties": {"ok": {"const": True}},
                },
                "ReportResponse": _object(ok={"const": True}, report=_REPORT),
                "Error": {
                    "type": "object",
                    "required": ["ok", "error", "status"],
                    "properties": {
                        "ok": {"const": False},
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                    },
                },
            },
            "securitySchemes": {"admin": {"type": "http", "scheme": "bearer"}},
        },
    }
