"""What every view needs: settings, the store, the clock and the template environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from copydesk.clock import Clock
from copydesk.publish import wording
from copydesk.records import ArticleStatus, TrackedArticle
from copydesk.settings import Settings
from copydesk.store import Store

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def template_environment() -> jinja2.Environment:
    """Autoescaping everywhere: article text is hostile input."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = wording.long_date
    env.filters["iso"] = wording.iso
    env.filters["clean"] = wording.clean
    env.filters["safe_url"] = safe_url
    env.globals["distance"] = wording.distance
    return env


def safe_url(url: str) -> str:
    """Only http(s) links reach an href: a `javascript:` article URL becomes a dead link."""
    return url if url.lower().startswith(("http://", "https://")) else "#"


@dataclass(frozen=True, slots=True)
class Site:
    settings: Settings
    store: Store
    clock: Clock
    templates: jinja2.Environment

    def render(
        self, request: Request, name: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        html = self.templates.get_template(name).render(request=request, **context)
        return HTMLResponse(html, status_code=status)

    def article(self, article_id: int) -> TrackedArticle:
        """The article, or 404."""
        article = self.store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        return article

    def readable(self, article_id: int) -> TrackedArticle:
        """The article if its text may be shown; 410 when it was hidden for legal reasons."""
        article = self.article(article_id)
        if article.status is ArticleStatus.HIDDEN:
            reason = article.hidden_reason or "no reason given"
            raise HTTPException(410, f"this article has been hidden: {reason}")
        return article


def site_of(request: Request) -> Site:
    site = request.app.state.site
    if not isinstance(site, Site):
        raise RuntimeError("the app was not started through create_app's lifespan")
    return site


def public_base(request: Request) -> str | None:
    """Where absolute links start; None when the request's Host is not to be trusted.

    web.base_url, else this request's own address when its Host is in web.trusted_hosts.
    """
    web = site_of(request).settings.web
    if web.base_url:
        return web.base_url.rstrip("/")
    host = (request.url.hostname or "").strip("[]").rstrip(".").lower()
    if host and host in {h.strip("[]").rstrip(".").lower() for h in web.trusted_hosts}:
        return str(request.base_url).rstrip("/")
    return None


def int_param(request: Request, name: str) -> int:
    """A path parameter that must be a positive integer, or 404."""
    raw = str(request.path_params[name])
    # ASCII digits only: str.isdigit takes "²" (int() raises) and "٣" (int() reads 3).
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise HTTPException(404, f"not found: {name}={raw[:40]}")
    return int(raw)
