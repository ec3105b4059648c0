"""schemathesis against /api/openapi.json, in-process over ASGI: no request may cause a 5xx.

schemathesis.pytest.from_fixture does not work under pytest 9 (it reads a private pytest
attribute), so each operation's hypothesis strategy is driven here directly.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from copydesk.publish import create_app

EXAMPLES = 12


def _no_server_error(case, calls: list[int]) -> None:
    response = case.call()
    calls.append(response.status_code)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    if response.status_code >= 400:
        assert "error" in response.json()  # the one error envelope


def test_no_api_operation_answers_with_a_server_error(newsroom, settings, web_clock):
    app = create_app(settings, store=newsroom.store, clock=web_clock)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    calls: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            _no_server_error(case, calls)

        check()
    assert len(calls) >= 2 * len(operations)  # really exercised, and some succeeded:
    assert 200 in calls  # the run's size is bounded by EXAMPLES, never by the wall clock


def test_every_answer_conforms_to_the_openapi_document(newsroom, settings, web_clock):
    """schemathesis's own checks on every operation: status codes, headers and bodies as
    documented, schema-valid requests accepted (so what the document allows, the server takes)."""
    from tests.support.web import TOKEN

    app = create_app(settings, store=newsroom.store, clock=web_clock)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            # raises schemathesis's FailureGroup, naming the check and a curl command
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})

        check()


def test_the_document_lists_exactly_the_api_routes(newsroom, settings, web_clock):
    """Every /api route of the app is documented with its methods, and nothing else is."""
    from starlette.routing import Route

    from copydesk.publish.openapi import openapi_document

    app = create_app(settings, store=newsroom.store, clock=web_clock)
    served: set[tuple[str, str]] = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            served |= {(route.path, m.lower()) for m in route.methods or () if m != "HEAD"}
    served.discard(("/api/openapi.json", "get"))
    documented = set()
    for path, operations in openapi_document()["paths"].items():
        # /api/articles/{id}/pause, /hide and /unhide are one route: /api/articles/{id}/{action}
        route = path
        for action in ("pause", "hide", "unhide"):
            route = route.replace(f"/{{id}}/{action}", "/{id}/{action}")
        documented |= {(route, method) for method in operations}
    assert documented == served
