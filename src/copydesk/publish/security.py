"""Security headers on every response, the admin-token check and CSRF for HTML forms."""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copydesk.settings import Settings

CSRF_COOKIE = "copydesk_csrf"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'; script-src 'none'; object-src 'none'"
)
_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def secure(response: Response) -> Response:
    """Add the security headers to a response built outside the middleware (the 500 page).

    Starlette runs the catch-all exception handler outside every user middleware.
    """
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers without buffering the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def check_admin(settings: Settings, token: str | None) -> None:
    """403 unless admin actions are enabled and `token` is the configured one."""
    expected = settings.web.admin_token
    if not expected:
        raise HTTPException(403, "admin actions disabled")
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(403, "a valid admin token is required")


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def csrf_token(request: Request) -> str:
    """The reader's CSRF token (from the cookie), or a fresh one the response must set."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Double-submit check, plus Origin when the browser sends it."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise HTTPException(403, "the form expired or came from another site; reload and retry")
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise HTTPException(403, "cross-site form submission refused")
