"""Write docs/api.md: the JSON API's operations from publish/openapi.py, with the feeds beside them.

Run after changing the API or its OpenAPI description: python scripts/api_doc.py
(tests/test_docs.py fails while docs/api.md differs from what this renders, and while a route
under /api/ is missing from it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copydesk.publish.openapi import openapi_document

HEADER = """# JSON API and feeds

`copydesk serve` answers the web pages, the feeds below and a JSON API under `/api/`. The
operations are generated from the OpenAPI 3.1 description the server itself serves at
`/api/openapi.json` (`src/copydesk/publish/openapi.py`), by `python scripts/api_doc.py`; do not
edit that part by hand (`tests/test_docs.py` checks it is current and lists every `/api/` route).
The command line is in [cli.md](cli.md), the settings (`web.*`) in [settings.md](settings.md).

## Conventions

- **Envelope.** Every answer is a JSON object. Success: `{"ok": true, ...}` with the data under
  named keys (`changes`, `source`, `article`, `version`, `diff`, `results`, ...). Every error,
  from any route: `{"ok": false, "error": "what was wrong", "status": N}` with the same HTTP
  status N.
- **Paging.** Lists come newest first, 50 at a time; `next` is where the following page starts
  (or `null`): pass it back as `?before=`.
- **Writes.** `POST` and `DELETE` need `Authorization: Bearer TOKEN` with the token set as
  `web.admin_token` (or `COPYDESK_ADMIN_TOKEN`): 401 without one, 403 with a wrong one or when no
  token is configured. Bodies are JSON objects (`Content-Type: application/json`).
- **Busy.** 503 with `Retry-After` when the server is saturated or the database is unavailable.
- **Hidden articles** (`copydesk hide`) answer 410 on their text and diffs.
"""

FEEDS = """## Feeds

Atom 1.0 (`.atom`) and RSS 2.0 (`.rss`) carry the same entries, the 50 newest, each linking to
the change's diff page. Links are absolute: they use `web.base_url`, or the request's host when
it is listed in `web.trusted_hosts`; any other `Host` gets 400.

| feed | entries | parameters |
|---|---|---|
| `/changes.atom`, `/changes.rss` | every change (the front page as a feed) | `source`, `kind` (as `/api/changes`; `gone`, `moved`, `restored`, `events` list lifecycle events) |
| `/sources/{name}/changes.atom`, `/sources/{name}/changes.rss` | one source's changes | |
| `/articles/{id}/changes.atom`, `/articles/{id}/changes.rss` | one article's changes | |
| `/search.atom`, `/search.rss` | the newest versions matching a search | `q`, `source`, `since`, `until` (as `/api/search`) |

Also served: `/healthz` (liveness, and each source's freshness: stale when nothing was checked or
polled lately) and `/metrics` (Prometheus text).
"""


def _schema(schema: dict[str, Any]) -> str:
    """A parameter's schema in a few words: type, allowed values, bounds, pattern."""
    words = [str(schema.get("type", ""))]
    if "enum" in schema:
        words = ["one of " + ", ".join(f"`{v}`" for v in schema["enum"])]
    if "format" in schema:
        words.append(f"({schema['format']})")
    keys = ("minimum", "maximum", "minLength", "maxLength", "maxItems")
    bounds = [f"{k} {schema[k]}" for k in keys if k in schema]
    if bounds:
        words.append("; ".join(bounds))
    if "pattern" in schema:
        words.append(f"pattern `{schema['pattern']}`")
    if "not" in schema:
        words.append("not " + ", ".join(f"`{v}`" for v in schema["not"].get("enum", [])))
    return " ".join(w for w in words if w)


def _body(schema: dict[str, Any]) -> list[str]:
    """A JSON body's fields as a table (an array's items as `field[].item`)."""
    fields = schema.get("properties", {})
    if not fields:
        return ["Body: a JSON object (no field is read; `{}` will do).", ""]
    lines = ["| body field | required | schema |", "|---|---|---|"]
    required = set(schema.get("required", []))
    for name, sub in fields.items():
        lines.append(f"| `{name}` | {'yes' if name in required else ''} | {_schema(sub)} |")
        items = sub.get("items", {})
        for item, item_schema in items.get("properties", {}).items():
            need = "yes" if item in items.get("required", []) else ""
            lines.append(f"| `{name}[].{item}` | {need} | {_schema(item_schema)} |")
    return [*lines, ""]


def _operation(method: str, path: str, op: dict[str, Any]) -> str:
    lines = [f"### `{method.upper()} {path}`", "", op["summary"] + ".", ""]
    params = op.get("parameters", [])
    if params:
        lines += ["| parameter | in | required | schema |", "|---|---|---|---|"]
        for p in params:
            required = "yes" if p.get("required") else ""
            lines.append(f"| `{p['name']}` | {p['in']} | {required} | {_schema(p['schema'])} |")
        lines.append("")
    body = op.get("requestBody")
    if body:
        lines += _body(body["content"]["application/json"]["schema"])
    if op.get("security"):
        lines += ["Needs the admin token.", ""]
    statuses = ", ".join(
        f"{code} {answer['description']}" for code, answer in sorted(op["responses"].items())
    )
    lines += [f"Answers: {statuses}.", ""]
    return "\n".join(lines)


def render() -> str:
    doc = openapi_document()
    parts = [HEADER, "## Operations\n"]
    parts.append(
        "### `GET /api/openapi.json`\n\nThis API's OpenAPI 3.1 description.\n\nAnswers: 200.\n"
    )
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            parts.append(_operation(method, path, op))
    parts.append(FEEDS)
    return "\n".join(parts)


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "docs" / "api.md"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
