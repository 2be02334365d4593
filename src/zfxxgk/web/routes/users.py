"""用户管理 (administrators) and 我的账号 (everyone): accounts, roles, scopes, passwords, API tokens.

A generated password or a new API token is shown once, on the page that answers the POST;
it is never put into the (signed, not encrypted) session cookie.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...store import StoreError
from ...store import users as users_mod
from ...store.queries import unit_names
from ...store.regions import region_paths
from ...store.users import ROLE_CN, Account
from ..auth import AdminUser, CurrentUser, client_address, read_form, sign_in, store_of, wait_message
from ..templating import render
from .common import DbId

router = APIRouter(include_in_schema=False)


def flash(request: Request, text: str) -> None:
    """A one-time notice for the next page."""
    request.session["flash"] = text


def _choices(request: Request) -> dict:
    store = store_of(request)
    with store.session() as s:
        regions = sorted(region_paths(s).items(), key=lambda kv: kv[1])
    units = unit_names(store)
    return {"regions": regions, "units": units, "roles": ROLE_CN}


def _users_page(request: Request, status_code: int = 200, **context) -> Response:
    store = store_of(request)
    return render(request, "users.html", status_code=status_code, title="用户管理", users=users_mod.list_users(store),
                  locked=request.app.state.limiter.locked(), **_choices(request), **context)


@router.get("/users", name="user_list")
def user_list(request: Request, account: AdminUser) -> Response:
    """All accounts and the form to add one."""
    return _users_page(request, error=None, created=None)


@router.post("/users", name="user_add")
async def user_add(request: Request, account: AdminUser) -> Response:
    """Add an account; without a password one is generated and shown once."""
    form = await read_form(request)
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    generated = not password
    password = password or users_mod.generate_password()
    role = str(form.get("role") or "")
    try:
        new = await run_in_threadpool(users_mod.add_user, store_of(request), name, password, role,
                                      str(form.get("region") or "") or None, str(form.get("unit") or "").strip() or None)
    except StoreError as e:
        return _users_page(request, status_code=400, error=str(e), created=None, form=dict(form))
    return _users_page(request, error=None, created={"name": new.name, "password": password if generated else None})


@router.post("/users/unlock", name="user_unlock")
async def user_unlock(request: Request, account: AdminUser) -> Response:
    """Clear the failed-login counters of a user name and/or a client address (the user may try again at once)."""
    form = await read_form(request)
    name = str(form.get("name") or "").strip()[:64]
    address = str(form.get("address") or "").strip()[:100]
    request.app.state.limiter.unlock(name, address)
    flash(request, f"已解除“{name or address}”的登录限制。" if name or address else "请指定用户名或地址。")
    return RedirectResponse("/users", status_code=303)


def _target(request: Request, user_id: int) -> Account:
    found = users_mod.get_user(store_of(request), user_id)
    if found is None:
        raise HTTPException(404, "没有这个用户。")
    return found


def _user_page(request: Request, target: Account, status_code: int = 200, **context) -> Response:
    context.setdefault("error", None)
    context.setdefault("secret", None)
    return render(request, "user.html", status_code=status_code, title=f"用户 {target.name}", target=target,
                  tokens=users_mod.list_tokens(store_of(request), target.id), **_choices(request), **context)


@router.get("/users/{user_id}", name="user_edit")
def user_edit(user_id: DbId, request: Request, account: AdminUser) -> Response:
    """One account: role, scope, active, password reset, API tokens."""
    return _user_page(request, _target(request, user_id))


@router.post("/users/{user_id}", name="user_update")
async def user_update(user_id: DbId, request: Request, account: AdminUser) -> Response:
    """Change role, scope or active flag."""
    target = _target(request, user_id)
    form = await read_form(request)
    try:
        await run_in_threadpool(
            users_mod.update_user, store_of(request), user_id, str(form.get("role") or "") or None,
            str(form.get("region") or "") or None, str(form.get("unit") or "").strip() or None,
            form.get("active") == "1")
    except StoreError as e:
        return _user_page(request, target, status_code=400, error=str(e))
    flash(request, f"已保存用户“{target.name}”的设置。" + ("该账号已停用，其登录会话和 API 令牌均已失效。"
                                                       if target.active and form.get("active") != "1" else ""))
    return RedirectResponse(f"/users/{user_id}", status_code=303)


@router.post("/users/{user_id}/password", name="user_reset_password")
async def user_reset_password(user_id: DbId, request: Request, account: AdminUser) -> Response:
    """Set a new password (typed, or generated and shown once); the user's sessions end."""
    target = _target(request, user_id)
    form = await read_form(request)
    password = str(form.get("password") or "")
    generated = not password
    password = password or users_mod.generate_password()
    try:
        await run_in_threadpool(users_mod.set_password, store_of(request), user_id, password)
    except StoreError as e:
        return _user_page(request, target, status_code=400, error=str(e))
    if target.id == account.id:  # keep the administrator's own session alive
        me = users_mod.get_user(store_of(request), user_id)
        assert me is not None  # set_password just found this account (it raises StoreError otherwise)
        await run_in_threadpool(sign_in, request, me)
    secret = {"label": "新密码", "value": password} if generated else None
    if not generated:
        flash(request, f"已重设用户“{target.name}”的密码，其登录会话和 API 令牌均已失效。")
        return RedirectResponse(f"/users/{user_id}", status_code=303)
    return _user_page(request, _target(request, user_id), secret=secret)


@router.post("/users/{user_id}/tokens", name="user_token_add")
async def user_token_add(user_id: DbId, request: Request, account: AdminUser) -> Response:
    """Create an API token for the user (shown once)."""
    target = _target(request, user_id)
    form = await read_form(request)
    token = users_mod.create_token(store_of(request), user_id, str(form.get("label") or ""))
    return _user_page(request, target, secret={"label": "API 令牌", "value": token})


@router.post("/users/{user_id}/tokens/{token_id}/delete", name="user_token_delete")
def user_token_delete(user_id: DbId, token_id: DbId, request: Request, account: AdminUser) -> Response:
    """Revoke one of the user's tokens."""
    _target(request, user_id)
    users_mod.revoke_token(store_of(request), user_id, token_id)
    flash(request, "已吊销该 API 令牌。")
    return RedirectResponse(f"/users/{user_id}", status_code=303)


# --- my account --------------------------------------------------------------------------------


def _account_page(request: Request, account: Account, status_code: int = 200, **context) -> Response:
    context.setdefault("error", None)
    context.setdefault("secret", None)
    return render(request, "account.html", status_code=status_code, title="我的账号", target=account,
                  tokens=users_mod.list_tokens(store_of(request), account.id), **context)


@router.get("/account", name="account")
def account_page(request: Request, account: CurrentUser) -> Response:
    """The signed-in user's own account."""
    return _account_page(request, account)


@router.post("/account/password", name="account_password")
async def account_password(request: Request, account: CurrentUser) -> Response:
    """Change one's own password (the current one is asked for, rate limited as logins are: a stolen
    session must not become a way to guess the password). All other sessions and the API tokens end.
    """
    form = await read_form(request)
    store = store_of(request)
    current = str(form.get("current") or "")
    new, again = str(form.get("password") or ""), str(form.get("password2") or "")
    limiter, address = request.app.state.limiter, client_address(request)
    if wait := limiter.blocked(address, account.name):
        return _account_page(request, account, status_code=429, error=wait_message(wait, "当前密码验证"))
    if await run_in_threadpool(users_mod.authenticate, store, account.name, current) is None:
        limiter.failed(address, account.name)
        return _account_page(request, account, status_code=400, error="当前密码不正确。")
    limiter.succeeded(address, account.name)
    if new != again:
        return _account_page(request, account, status_code=400, error="两次输入的新密码不一致。")
    try:
        updated = await run_in_threadpool(users_mod.set_password, store, account.id, new)
    except StoreError as e:
        return _account_page(request, account, status_code=400, error=str(e))
    await run_in_threadpool(sign_in, request, updated)  # a new session: the old one was revoked with the others
    flash(request, "密码已修改；其他设备上的登录和您的 API 令牌均已失效。")
    return RedirectResponse("/account", status_code=303)


@router.post("/account/tokens", name="account_token_add")
async def account_token_add(request: Request, account: CurrentUser) -> Response:
    """Create a personal API token (shown once)."""
    form = await read_form(request)
    token = users_mod.create_token(store_of(request), account.id, str(form.get("label") or ""))
    return _account_page(request, account, secret={"label": "API 令牌", "value": token})


@router.post("/account/tokens/{token_id}/delete", name="account_token_delete")
def account_token_delete(token_id: DbId, request: Request, account: CurrentUser) -> Response:
    """Revoke one of one's own tokens."""
    users_mod.revoke_token(store_of(request), account.id, token_id)
    flash(request, "已吊销该 API 令牌。")
    return RedirectResponse("/account", status_code=303)
