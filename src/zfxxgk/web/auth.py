"""Who is asking: session or API token, CSRF tokens, role checks and login rate limiting.

Every route passes through :func:`authenticate` (app-level dependency) and then
:func:`check_csrf`; only the routes named in :data:`PUBLIC_ROUTES` may be reached without a
user. A request authenticated by ``Authorization: Bearer`` carries no ambient credential and is
exempt from the CSRF check; everything else that changes state must echo the session's token
in the ``csrf_token`` form field or the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import FormData

from ..store import Store
from ..store import users as users_mod
from ..store.users import Account

PUBLIC_ROUTES = {"login_page", "login_submit", "health"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
FORM_LIMITS = {"max_files": 1000, "max_fields": 200, "max_part_size": 1024 * 1024}


class NotAuthenticated(Exception):
    """No valid session or token: pages redirect to the login page, the API answers 401."""


def store_of(request: Request) -> Store:
    """The app's store."""
    return request.app.state.store


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def sign_in(request: Request, account: Account) -> None:
    """Start a fresh session for the account (a new CSRF token too: no session fixation)."""
    request.session.clear()
    request.session.update({"uid": account.id, "stamp": account.stamp, "csrf": secrets.token_urlsafe(32)})


def sign_out(request: Request) -> None:
    """End the session."""
    request.session.clear()


def authenticate(request: Request) -> Account | None:
    """App-level dependency: the user of a bearer token or of the session; refuses anonymous access."""
    store = store_of(request)
    account: Account | None = None
    request.state.via_token = False
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        request.state.via_token = True
        account = users_mod.token_user(store, header[7:].strip())
    elif (uid := request.session.get("uid")) is not None:
        found = users_mod.get_user(store, int(uid))
        if found is not None and found.active and hmac.compare_digest(found.stamp, str(request.session.get("stamp", ""))):
            account = found
        else:  # deactivated, or the password changed since: the session ends
            sign_out(request)
    request.state.user = account
    route = request.scope.get("route")
    if account is None and getattr(route, "name", None) not in PUBLIC_ROUTES:
        raise NotAuthenticated()
    return account


async def read_form(request: Request) -> FormData:
    """The request's form (parsed once, with limits; uploads are spooled to disk by Starlette)."""
    return await request.form(**FORM_LIMITS)


async def check_csrf(request: Request) -> None:
    """App-level dependency: a state-changing request must carry the session's CSRF token."""
    if request.method in SAFE_METHODS or getattr(request.state, "via_token", False):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not sent and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await read_form(request)).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(403, "安全校验未通过（页面已过期或来源不明），请刷新页面后重试。")


def current_user(request: Request) -> Account:
    """The signed-in user (set by :func:`authenticate`)."""
    account = getattr(request.state, "user", None)
    if account is None:
        raise NotAuthenticated()
    return account


def require_roles(*roles: str) -> Callable[[Request], Account]:
    """A dependency admitting only these roles (403 otherwise)."""

    def check(request: Request) -> Account:
        account = current_user(request)
        if account.role not in roles:
            raise HTTPException(403, "您的账号没有执行此操作的权限。")
        return account

    return check


require_admin = require_roles("admin")
require_reviewer = require_roles("admin", "reviewer")
CurrentUser = Annotated[Account, Depends(current_user)]  # anyone signed in
ReviewerUser = Annotated[Account, Depends(require_reviewer)]  # administrators and reviewers
AdminUser = Annotated[Account, Depends(require_admin)]  # administrators


class LoginLimiter:
    """Failed logins per client address and per user name in a sliding window (in memory)."""

    def __init__(self, attempts: int = 5, window: float = 300.0, per_address: int = 30) -> None:
        self.attempts, self.window, self.per_address = attempts, window, per_address
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, address: str, name: str) -> int:
        """Seconds until another try is allowed (0: allowed now)."""
        now = time.monotonic()
        waits = []
        for key, limit in ((f"n:{name.lower()}", self.attempts), (f"a:{address}", self.per_address)):
            q = self._recent(key, now)
            if len(q) >= limit:
                waits.append(int(self.window - (now - q[0])) + 1)
        return max(waits, default=0)

    def failed(self, address: str, name: str) -> None:
        """Count a failed login."""
        now = time.monotonic()
        for key in (f"n:{name.lower()}", f"a:{address}"):
            self._recent(key, now).append(now)
        if len(self._failures) > 10_000:  # forget idle keys so that the table stays small
            for key in [k for k, q in self._failures.items() if not q or now - q[-1] > self.window]:
                del self._failures[key]

    def succeeded(self, name: str) -> None:
        """A correct login clears the name's failures."""
        self._failures.pop(f"n:{name.lower()}", None)
