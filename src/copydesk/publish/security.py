"""Security headers on every response, the admin-token check and CSRF for HTML forms."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit, urlunsplit

from starlette.datastructures import URL, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copydesk.publish.site import public_base
from copydesk.settings import Settings

CSRF_COOKIE = "copydesk_csrf"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'; script-src 'none'; object-src 'none'"
)
SECURITY_HEADERS = _HEADERS = {
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
                if "location" in headers:
                    headers["location"] = own_relative(headers["location"], scope)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def own_relative(location: str, scope: Scope) -> str:
    """A redirect to this server as a path: never an address taken from the Host header.

    Starlette's trailing-slash redirect (`/sources/` -> `/sources`) is absolute on the
    request's Host, which a shared cache would then hand to every reader. Links elsewhere
    are left alone; a path is never let start with `//` (another host, to a browser).
    """
    parts = urlsplit(location)
    if not parts.scheme or parts.netloc.lower() != URL(scope=scope).netloc.lower():
        return location
    path = "/" + parts.path.lstrip("/")
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def check_admin(settings: Settings, token: str | None) -> None:
    """403 unless admin actions are enabled and `token` is the configured one."""
    expected = settings.web.admin_token
    if not expected:
        raise HTTPException(403, "admin actions disabled")
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(403, "a valid admin token is required")


def check_bearer(settings: Settings, request: Request) -> None:
    """API write actions: 401 without a bearer token, 403 with a wrong one (RFC 6750).

    401 carries `WWW-Authenticate: Bearer`; admin actions switched off are 403 for everyone.
    """
    if not settings.web.admin_token:
        raise HTTPException(403, "admin actions disabled")
    token = bearer_token(request)
    if token is None:
        raise HTTPException(
            401,
            "an admin token is required: Authorization: Bearer TOKEN",
            headers={"WWW-Authenticate": 'Bearer realm="copydesk admin"'},
        )
    check_admin(settings, token)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def csrf_token(request: Request) -> str:
    """The reader's CSRF token (from the cookie), or a fresh one the response must set."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Double-submit check, plus Origin when the browser sends it."""
    cookie = request.cookies.get(CSRF_COOKIE)
    # Bytes: compare_digest refuses non-ASCII str (a cookie of "é" was a 500).
    if not cookie or not submitted or not hmac.compare_digest(_utf8(cookie), _utf8(submitted)):
        raise HTTPException(403, "the form expired or came from another site; reload and retry")
    origin = request.headers.get("origin")
    if origin is None:
        return
    # "null" (a sandboxed frame, a data: page, some redirects) is never our own page, and the
    # Host header is not to be trusted: our origin is web.base_url or a trusted host.
    own = public_base(request)
    if origin == "null" or own is None or _origin(origin) != _origin(own):
        raise HTTPException(403, "cross-site form submission refused")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _origin(url: str) -> str:
    """scheme://host[:port], lower-case, for comparing an Origin header with our address."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return ""
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{suffix}"
