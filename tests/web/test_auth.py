"""Signing in and out, sessions, CSRF, rate limiting, API tokens, cookie flags."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORDS, csrf_of, login, page_csrf
from zfxxgk.store import users as users_mod
from zfxxgk.web import create_app


def test_pages_redirect_to_login_and_back_after_signing_in(client_for):
    c = client_for()
    r = c.get("/reports/1?x=1")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Freports%2F1%3Fx%3D1"
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and "登录" in page.text
    r = c.post("/login", data={"username": "admin", "password": PASSWORDS["admin"], "csrf_token": csrf_of(page.text),
                               "next": "/reports/1?x=1"})
    assert r.status_code == 303 and r.headers["location"] == "/reports/1?x=1"
    assert c.get("/reports/1").status_code == 200


def test_wrong_password_is_refused_in_chinese(client_for):
    c = client_for()
    r = login(c, "admin", "not-the-password")
    assert r.status_code == 401 and "用户名或密码不正确" in r.text
    assert c.get("/reports").status_code == 303
    assert login(c, "nobody", "whatever-1").status_code == 401


def test_logout_ends_the_session(admin):
    assert admin.get("/reports").status_code == 200
    token = page_csrf(admin)
    r = admin.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert admin.get("/reports").status_code == 303


def test_login_form_needs_its_csrf_token(client_for):
    c = client_for()
    c.get("/login")
    r = c.post("/login", data={"username": "admin", "password": PASSWORDS["admin"]})
    assert r.status_code == 403 and "安全校验未通过" in r.text
    assert c.get("/reports").status_code == 303


def test_next_never_leaves_the_site(client_for):
    c = client_for()
    page = c.get("/login")
    r = c.post("/login", data={"username": "admin", "password": PASSWORDS["admin"], "csrf_token": csrf_of(page.text),
                               "next": "//evil.example/x"})
    assert r.headers["location"] == "/reports"


def test_too_many_failures_lock_the_name(store):
    app = create_app(store, secret="s", login_attempts=3, login_window=600)
    c = TestClient(app, follow_redirects=False)
    for _ in range(3):
        assert login(c, "admin", "wrong-password").status_code == 401
    locked = login(c, "admin")  # even the right password waits now
    assert locked.status_code == 429 and "登录失败次数过多" in locked.text
    other = TestClient(app, follow_redirects=False)
    assert login(other, "rev").status_code == 303  # another name is not affected


def test_session_cookie_flags(client_for):
    c = client_for()
    r = login(c, "admin")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "zfxxgk_session=" in cookie
    assert "secure" not in cookie  # plain http by default; --secure-cookie sets it


def test_secure_cookie_option(store):
    c = TestClient(create_app(store, secret="s", https_only=True), base_url="https://testserver", follow_redirects=False)
    assert "secure" in login(c, "admin").headers["set-cookie"].lower()


def test_security_headers(admin):
    r = admin.get("/reports")
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_deactivated_user_is_signed_out_and_cannot_sign_in(store, client_for):
    c = client_for("rev")
    assert c.get("/reports").status_code == 200
    users_mod.update_user(store, "rev", active=False)
    assert c.get("/reports").status_code == 303
    assert login(client_for(), "rev").status_code == 401


def test_a_new_password_ends_existing_sessions(store, client_for):
    c = client_for("rev")
    users_mod.set_password(store, "rev", "another-pass-9")
    assert c.get("/reports").status_code == 303
    assert login(client_for(), "rev", "another-pass-9").status_code == 303


def test_change_own_password(client_for):
    c = client_for("rev")
    token = page_csrf(c)
    wrong = c.post("/account/password", data={"csrf_token": token, "current": "nope-nope",
                                              "password": "new-pass-123", "password2": "new-pass-123"})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.text
    ok = c.post("/account/password", data={"csrf_token": token, "current": PASSWORDS["rev"],
                                           "password": "new-pass-123", "password2": "new-pass-123"})
    assert ok.status_code == 303
    assert c.get("/account").status_code == 200  # the changer stays signed in
    assert login(client_for(), "rev", "new-pass-123").status_code == 303


def test_session_secret_is_kept_in_the_database(store):
    first = TestClient(create_app(store), follow_redirects=False)
    assert login(first, "admin").status_code == 303
    second = TestClient(create_app(store), follow_redirects=False)  # a restart: same store, no secret given
    second.cookies = first.cookies
    assert second.get("/reports").status_code == 200
    stranger = TestClient(create_app(store, secret="another"), follow_redirects=False)
    stranger.cookies = first.cookies
    assert stranger.get("/reports").status_code == 303


def test_api_token_authenticates_without_csrf_and_can_be_revoked(store, client_for):
    anonymous = client_for()
    token = users_mod.create_token(store, "rev", "脚本")
    headers = {"Authorization": f"Bearer {token}"}
    r = anonymous.get("/api/me", headers=headers)
    assert r.status_code == 200 and r.json()["name"] == "rev" and r.json()["role"] == "reviewer"
    assert anonymous.get("/api/me", headers={"Authorization": "Bearer zfx_wrong"}).status_code == 401
    findings = anonymous.get("/api/reports/1/findings", headers=headers).json()
    fp = findings[0]["fingerprint"]
    r = anonymous.post(f"/api/reports/1/findings/{fp}/review", json={"decision": "rejected", "comment": "脚本复核"},
                       headers=headers)
    assert r.status_code == 200 and r.json()["decision"]["reviewer"] == "rev"
    (info,) = users_mod.list_tokens(store, "rev")
    assert info.last_used_at is not None and info.label == "脚本"
    assert users_mod.revoke_token(store, "rev", info.id)
    assert anonymous.get("/api/me", headers=headers).status_code == 401


def test_tokens_are_stored_hashed(store):
    token = users_mod.create_token(store, "admin")
    path = store.url.removeprefix("sqlite:///")
    import sqlite3

    with sqlite3.connect(path) as conn:
        stored = [row[0] for row in conn.execute("SELECT token_hash FROM api_tokens")]
    assert stored and token not in stored and all(len(h) == 64 for h in stored)


def test_token_created_on_the_account_page_is_shown_once(client_for):
    c = client_for("rev")
    r = c.post("/account/tokens", data={"csrf_token": page_csrf(c), "label": "统计"})
    assert r.status_code == 200
    import re

    token = re.search(r'data-testid="secret-value">([^<]+)<', r.text).group(1)
    assert token.startswith("zfx_")
    assert token not in c.get("/account").text
    api = client_for()
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["name"] == "rev"
