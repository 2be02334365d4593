"""Jinja2 set-up (autoescaping everywhere) and the one helper that renders a page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .auth import csrf_token

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class NavItem:
    """An entry of the top navigation: label, path, the roles that see it (None: everyone)."""

    label: str
    path: str
    roles: tuple[str, ...] | None = None
    testid: str = ""

    def visible_to(self, role: str | None) -> bool:
        """Whether a user of this role sees the entry."""
        return role is not None and (self.roles is None or role in self.roles)


def beijing_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in Beijing time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(BEIJING).strftime(fmt)


def make_templates() -> Jinja2Templates:
    """The template loader with autoescaping on for every template."""
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["bjt"] = beijing_time
    env.filters["date"] = lambda d: d.isoformat() if d else ""
    return Jinja2Templates(env=env)


def render(request: Request, template: str, /, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the user, the navigation and the CSRF token in its context."""
    templates: Jinja2Templates = request.app.state.templates
    user = getattr(request.state, "user", None)
    context.setdefault("title", "")
    has_session = "session" in request.scope
    context.update(
        flash=request.session.pop("flash", None) if has_session else None,
        user=user,
        nav=[n for n in request.app.state.nav if n.visible_to(user.role if user else None)],
        csrf=csrf_token(request) if has_session else "",
        path=request.url.path,
    )
    return templates.TemplateResponse(request, template, context, status_code=status_code)
