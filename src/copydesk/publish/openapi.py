"""The hand-written OpenAPI 3.1 description of /api/ (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

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


def _write(method: str, summary: str, params: list[dict[str, Any]], body: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": params,
        "security": [{"admin": []}],
        "responses": _responses(400, 401, 403, 404),
    }
    if body:
        operation["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    return {method: operation}


_ID = _param("id", "path", "integer")
_PAGING = [_param("source", "query"), _param("kind", "query"), _param("before", "query")]
_SEARCH = [
    _param("q", "query", required=True),
    _param("source", "query"),
    _param("since", "query"),
    _param("until", "query"),
    _param("before", "query", "integer"),
]


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
                **_conflict(_write("post", "Add a source", [], body=True)),
            },
            "/api/sources/{name}": {
                **_get("One source", [_param("name", "path")], 404),
                **_write("delete", "Remove a source", [_param("name", "path")], body=False),
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
            "/api/articles/{id}/{action}": _write(
                "post",
                "Pause, hide (with a reason) or unhide an article",
                [
                    _ID,
                    {**_param("action", "path"), "schema": {"enum": ["pause", "hide", "unhide"]}},
                ],
                body=True,
            ),
            "/api/search": _get("Full-text search over all versions", _SEARCH, 400),
        },
        "components": {
            "schemas": {
                "Ok": {
                    "type": "object",
                    "required": ["ok"],
                    "properties": {"ok": {"const": True}},
                },
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
