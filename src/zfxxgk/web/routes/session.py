"""Signing in and out, and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...store import users as users_mod
from ..auth import client_address, read_form, sign_in, sign_out, store_of, wait_message
from ..templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no ``//host`` or scheme): an open redirect is a phishing aid."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/reports"


@router.get("/login", name="login_page")
def login_page(request: Request, next: str | None = None) -> Response:
    """The login form."""
    if getattr(request.state, "user", None) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", title="登录", next=_safe_next(next), error=None, name="")


@router.post("/login", name="login_submit")
async def login_submit(request: Request) -> Response:
    """Check the name and password; too many failures from one address make that address wait."""
    form = await read_form(request)
    name = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or ""))
    limiter = request.app.state.limiter
    address = client_address(request)
    wait = limiter.blocked(address, name)  # counted per name and address: nobody else's failures block this one
    if wait:
        return render(request, "login.html", status_code=429, title="登录", next=target, name=name,
                      error=wait_message(wait))
    account = await run_in_threadpool(users_mod.authenticate, store_of(request), name, password)
    if account is None:
        limiter.failed(address, name)
        return render(request, "login.html", status_code=401, title="登录", next=target, name=name,
                      error="用户名或密码不正确，或账号已停用。")
    limiter.succeeded(address, name)
    await run_in_threadpool(sign_in, request, account)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    """End the session (revoked on the server: a copy of the cookie no longer works)."""
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/health", name="health")
def health() -> dict[str, str]:
    """For load balancers and monitoring: no login needed, nothing revealed."""
    return {"status": "ok"}
