"""The web app factory: FastAPI with server-rendered pages and a JSON API under ``/api/``.

Adding a page is one line in :data:`ROUTERS`: its router and, optionally, its navigation entry.
Every route is behind the login (see :mod:`.auth`), every state-changing request is checked
for its CSRF token, and errors are shown as friendly Chinese pages (or JSON under ``/api/``),
never as stack traces.
"""

from __future__ import annotations

import logging
import os

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store import Store
from ..store.users import session_secret
from .auth import LoginLimiter, NotAuthenticated, authenticate, check_csrf
from .routes import (
    api,
    collect,
    compare,
    coverage,
    dashboard,
    filing,
    rectify,
    reports,
    rules,
    scores,
    session,
    units,
    upload,
    users,
)
from .templating import STATIC_DIR, NavItem, make_templates, render
from .uploads import UploadLimits

log = logging.getLogger("zfxxgk.web")

# (router, navigation entry or None), in navigation order. Add a page here.
ROUTERS = [
    (reports.router, NavItem("报告列表", "/reports", testid="nav-reports")),
    (upload.router, NavItem("上传报告", "/upload", ("admin", "reviewer"), testid="nav-upload")),
    (dashboard.router, NavItem("统计", "/stats", ("admin", "reviewer"), testid="nav-stats")),
    (coverage.router, NavItem("报送情况", "/coverage", ("admin", "reviewer"), testid="nav-coverage")),
    (scores.router, NavItem("评分排名", "/scores", ("admin", "reviewer"), testid="nav-scores")),
    (units.router, NavItem("单位名录", "/units", ("admin", "reviewer"), testid="nav-units")),
    (collect.router, NavItem("采集", "/collect", ("admin",), testid="nav-collect")),
    (compare.router, NavItem("对比", "/compare", ("admin", "reviewer"), testid="nav-compare")),
    (rectify.router, NavItem("整改", "/rectify", ("admin", "reviewer"), testid="nav-rectify")),
    (filing.router, NavItem("在线填报", "/filing", ("admin", "filer"), testid="nav-filing")),
    (rules.router, NavItem("校验规则", "/rules", testid="nav-rules")),
    (users.router, NavItem("用户管理", "/users", ("admin",), testid="nav-users")),
    (session.router, None),
    (api.router, None),
]

ERROR_TEXT = {
    400: ("请求有误", "提交的内容不完整或格式不正确，请返回检查后重试。"),
    401: ("请先登录", "登录已失效，请重新登录。"),
    403: ("没有权限", "您的账号没有访问此页面或执行此操作的权限。"),
    404: ("页面不存在", "您要找的页面或报告不存在，或不在您的管辖范围内。"),
    405: ("操作不允许", "此页面不支持这种操作。"),
    413: ("上传内容过大", "上传的文件总大小超过了上限，请分批上传。"),
    422: ("请求有误", "提交的内容不完整或格式不正确，请返回检查后重试。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("系统出错了", "服务器处理请求时发生错误，请稍后重试；如果问题一再出现，请联系系统管理员。"),
}


def create_app(
    store: Store,
    *,
    secret: str | None = None,
    https_only: bool = False,
    limits: UploadLimits | None = None,
    login_attempts: int = 5,
    login_window: float = 300.0,
) -> FastAPI:
    """The web app on a store.

    Args:
        store: the report database (its migrations, including the users tables, already applied).
        secret: key that signs session cookies; default ``$ZFXXGK_SECRET``, else a secret generated
            once and kept in the database (restarts keep users signed in).
        https_only: send the session cookie only over HTTPS (set it behind an HTTPS proxy).
        limits: upload limits (defaults: 64 MB per file, 256 MB per request, zip-bomb limits).
        login_attempts: failed logins allowed per user name and client address within ``login_window``
            seconds, before that pair waits (doubling with each further failure; an administrator can unlock).
        login_window: the rate-limiting window in seconds.

    """
    app = FastAPI(
        title="zfxxgk 政府信息公开工作年度报告审核系统",
        description="年报的解析结果、校验问题与审核结论的 JSON 接口。认证：登录会话（写操作需带 X-CSRF-Token 请求头）"
                    "或个人 API 令牌（Authorization: Bearer …，在“我的账号”页面创建）。",
        version="0.1.0",
        docs_url=None, redoc_url=None, openapi_url=None,  # the schema is served behind the login (/api/openapi.json)
        dependencies=[Depends(authenticate), Depends(check_csrf)],
    )
    app.state.store = store
    app.state.templates = make_templates()
    app.state.limits = limits or UploadLimits()
    app.state.limiter = LoginLimiter(login_attempts, login_window)
    app.state.nav = [nav for _, nav in ROUTERS if nav is not None]
    for router, _ in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _error_handlers(app)
    key = secret or os.environ.get("ZFXXGK_SECRET") or session_secret(store)
    # Innermost first: the body limit and headers wrap everything, the session wraps the routes.
    app.add_middleware(SessionMiddleware, secret_key=key, session_cookie="zfxxgk_session", same_site="lax",
                       https_only=https_only, max_age=12 * 3600)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=app.state.limits.max_request, small_limit=2 * 1024 * 1024,
                       large_paths=("/upload",))
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "未登录或登录已失效：请先登录，或在请求头中提供有效的 API 令牌。"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        target = "/login"
        if request.method == "GET" and request.url.path not in ("/", "/login"):
            from urllib.parse import quote

            target += "?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) and _is_chinese(exc.detail) else None
        if _wants_json(request):
            return JSONResponse({"detail": detail or ERROR_TEXT.get(exc.status_code, ("出错了", ""))[0]},
                                status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return error_page(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            errors = [{"位置": ".".join(str(x) for x in e.get("loc", ())), "说明": e.get("msg", "")} for e in exc.errors()]
            return JSONResponse({"detail": "请求参数有误", "errors": errors}, status_code=422)
        return error_page(request, 400, None)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if _wants_json(request):
            return JSONResponse({"detail": ERROR_TEXT[500][0]}, status_code=500)
        return error_page(request, 500, None, plain=True)


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def error_page(request: Request, status: int, detail: str | None, plain: bool = False) -> Response:
    """A friendly error page (no stack trace)."""
    heading, text = ERROR_TEXT.get(status, ("出错了", "请求无法完成。"))
    if plain:  # outside the session middleware (a crash): no user, no navigation
        from html import escape

        body = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(heading)}</title>'
                f'<link rel="stylesheet" href="/static/app.css"></head><body class="error-only"><main class="panel">'
                f'<h1>{escape(heading)}</h1><p>{escape(text)}</p><p><a href="/reports">返回报告列表</a></p></main></body></html>')
        return Response(body, status_code=status, media_type="text/html; charset=utf-8")
    return render(request, "error.html", status_code=status, title=heading, heading=heading, text=detail or text,
                  status=status)


class SecurityHeaders:
    """Headers that keep pages from being framed, sniffed or given foreign scripts."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to every HTTP response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse request bodies over a limit (413) by the declared length, or while they stream in."""

    def __init__(self, app: ASGIApp, limit: int, small_limit: int, large_paths: tuple[str, ...]) -> None:
        self.app, self.limit, self.small_limit, self.large_paths = app, limit, small_limit, large_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a counting ``receive``, or answer 413 at once."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit if scope["path"] in self.large_paths else self.small_limit
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(scope, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise StarletteHTTPException(413, "上传的文件总大小超过上限，请分批上传。")
            return message

        await self.app(scope, limited, send)


async def _too_large(scope: Scope, send: Send) -> None:
    heading, text = ERROR_TEXT[413]
    if scope["path"].startswith("/api/"):
        import json

        body = json.dumps({"detail": heading}, ensure_ascii=False).encode()
        ctype = b"application/json"
    else:
        from html import escape

        body = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{heading}</title>'
                f'<link rel="stylesheet" href="/static/app.css"></head><body class="error-only"><main class="panel">'
                f'<h1>{heading}</h1><p>{escape(text)}</p><p><a href="/upload">返回上传页面</a></p></main></body></html>').encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
