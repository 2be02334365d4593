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
    """Start a fresh session for the account (a new CSRF token too: no session fixation).

    The cookie carries a random session id that the server keeps (``store.users.open_session``):
    signing out, a new password or a deactivation revoke it there, so a copied cookie stops working.
    """
    store = store_of(request)
    if sid := request.session.get("sid"):
        users_mod.revoke_session(store, str(sid))  # the session this browser had before ends
    request.session.clear()
    sid = users_mod.open_session(store, account.id)
    request.session.update({"sid": sid, "stamp": account.stamp, "csrf": secrets.token_urlsafe(32)})


def sign_out(request: Request) -> None:
    """End the session, on the server too."""
    if sid := request.session.get("sid"):
        users_mod.revoke_session(store_of(request), str(sid))
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
    elif request.session:
        sid = str(request.session.get("sid") or "")
        found = users_mod.session_user(store, sid) if sid else None
        # the stamp too: a password set behind the store's back (not through set_password) still ends it
        if found is not None and hmac.compare_digest(found.stamp, str(request.session.get("stamp", ""))):
            account = found
        elif sid or "uid" in request.session:  # revoked, expired, deactivated, or an old-style cookie: it ends
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
    """Failed password checks, counted so that nobody can lock someone else out (in memory).

    Failures are counted per (user name, client address): after ``attempts`` of them that pair
    waits ``window`` seconds, then twice as long after each further failure (up to ``max_delay``);
    a success clears the pair. An address is also capped across all names: ``per_address``
    failures within ``window`` block that address for every name (one machine trying many names).
    A stranger's failures therefore delay only the stranger: the owner of the name, signing in from
    their own address, is never held up. The same counters guard the current-password check of the
    password-change form (see :meth:`LoginLimiter.blocked`).

    The counters live in the web process (a restart clears them, several worker processes count
    separately): an administrator clears a name's counters from the 用户管理 page (:meth:`unlock`).
    """

    def __init__(self, attempts: int = 5, window: float = 300.0, per_address: int = 30,
                 max_delay: float = 3600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.per_address, self.max_delay = attempts, window, per_address, max_delay
        self.clock = clock
        self._pairs: dict[tuple[str, str], tuple[int, float]] = {}  # (name, address) → (failures, last failure)
        self._addresses: dict[str, deque[float]] = {}  # address → times of its recent failures, any name

    def _delay(self, failures: int) -> float:
        """How long a pair waits after its last failure (0 below the threshold, then doubling)."""
        if failures < self.attempts:
            return 0.0
        return min(self.max_delay, self.window * 2 ** min(failures - self.attempts, 32))

    def _pair(self, name: str, address: str, now: float) -> int:
        """The pair's failure count (forgotten once it has been quiet for a window after its wait)."""
        key = (name.strip().lower(), address)
        found = self._pairs.get(key)
        if found is None:
            return 0
        failures, last = found
        if now - last >= self._delay(failures) + self.window:
            del self._pairs[key]
            return 0
        return failures

    def _recent(self, address: str, now: float) -> deque[float]:
        q = self._addresses.setdefault(address, deque())
        while q and now - q[0] >= self.window:
            q.popleft()
        return q

    def blocked(self, address: str, name: str) -> int:
        """Seconds until this address may try this name again (0: allowed now)."""
        now = self.clock()
        waits = [0.0]
        failures = self._pair(name, address, now)
        if failures >= self.attempts:
            waits.append(self._pairs[(name.strip().lower(), address)][1] + self._delay(failures) - now)
        q = self._recent(address, now)
        if len(q) >= self.per_address:
            waits.append(q[0] + self.window - now)
        wait = max(waits)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, address: str, name: str) -> None:
        """Count a failed password check."""
        now = self.clock()
        failures = self._pair(name, address, now)
        self._pairs[(name.strip().lower(), address)] = (failures + 1, now)
        q = self._recent(address, now)
        q.append(now)
        if len(q) > self.per_address:  # only the newest ones matter for the cap
            q.popleft()
        if len(self._pairs) + len(self._addresses) > 10_000:  # forget idle entries so that the tables stay small
            for n, a in list(self._pairs):
                self._pair(n, a, now)
            for a in [a for a in self._addresses if not self._recent(a, now)]:
                del self._addresses[a]

    def succeeded(self, address: str, name: str) -> None:
        """A correct password clears that pair (not the address's count: one good account must not
        let a machine go on guessing others).
        """
        self._pairs.pop((name.strip().lower(), address), None)

    def locked(self) -> list[tuple[str, str, int]]:
        """(name, address, seconds left) of everything waiting now, for the administrator; a name of
        "" is an address blocked for every name.
        """
        now = self.clock()
        out = []
        for name, address in list(self._pairs):
            failures = self._pair(name, address, now)
            if failures >= self.attempts:
                left = self._pairs[(name, address)][1] + self._delay(failures) - now
                if left > 0:
                    out.append((name, address, int(left) + 1))
        for address in list(self._addresses):
            q = self._recent(address, now)
            if len(q) >= self.per_address:
                out.append(("", address, int(q[0] + self.window - now) + 1))
        return sorted(out)

    def unlock(self, name: str = "", address: str = "") -> int:
        """Clear the counters of a user name (from every address, or one) or of an address (an
        administrator's action); how many entries were cleared.

        Clearing a name clears the addresses it was tried from too: the owner, who is the one
        asking, is usually the one who mistyped, from their own machine.
        """
        key = name.strip().lower()
        pairs = [p for p in self._pairs if (not key or p[0] == key) and (not address or p[1] == address)]
        if not key and not address:
            return 0
        if key:
            for p in pairs:
                del self._pairs[p]
        addresses = {address} if address else {a for _, a in pairs}
        cleared = len(pairs) if key else 0
        for a in addresses:
            if self._addresses.pop(a, None):
                cleared += 1
        return cleared


def wait_message(wait: int, what: str = "登录") -> str:
    """The Chinese refusal of a rate-limited attempt."""
    minutes = max(1, (wait + 59) // 60)
    return f"{what}失败次数过多，请 {minutes} 分钟后再试。"


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "?"
