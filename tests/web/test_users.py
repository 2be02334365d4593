"""用户管理 pages and the user store (roles, scopes, passwords, the last administrator)."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import login, page_csrf
from zfxxgk.store import Store, StoreError
from zfxxgk.store import users as users_mod


def test_admin_adds_a_reviewer_with_a_generated_password(admin, store, client_for):
    token = page_csrf(admin, "/users")
    page = admin.get("/users").text
    region = re.search(r'<option value="(\d+)">山东省/枣庄市/台儿庄区</option>', page).group(1)
    r = admin.post("/users", data={"csrf_token": token, "name": "王审核", "password": "", "role": "reviewer",
                                   "region": region, "unit": ""})
    assert r.status_code == 200 and "已创建用户“王审核”" in r.text
    password = re.search(r'data-testid="secret-value">([^<]+)<', r.text).group(1)
    c = client_for()
    assert login(c, "王审核", password).status_code == 303
    assert {int(x) for x in re.findall(r'data-report-id="(\d+)"', c.get("/reports").text)} == {5}


def test_add_user_errors_are_shown(admin):
    token = page_csrf(admin, "/users")
    r = admin.post("/users", data={"csrf_token": token, "name": "x1", "password": "short", "role": "admin"})
    assert r.status_code == 400 and "密码至少 8 位" in r.text
    r = admin.post("/users", data={"csrf_token": token, "name": "rv", "password": "long-enough-1", "role": "reviewer"})
    assert r.status_code == 400 and "审核人员必须指定负责的地区" in r.text
    r = admin.post("/users", data={"csrf_token": token, "name": "rev", "password": "long-enough-1", "role": "admin"})
    assert r.status_code == 400 and "已存在" in r.text
    r = admin.post("/users", data={"csrf_token": token, "name": "f2", "password": "long-enough-1", "role": "filer",
                                   "unit": "不存在的单位"})
    assert r.status_code == 400 and "库中没有单位" in r.text


def test_admin_changes_role_scope_and_deactivates(admin, store, client_for):
    rev = users_mod.get_user(store, "rev")
    token = page_csrf(admin, f"/users/{rev.id}")
    r = admin.post(f"/users/{rev.id}", data={"csrf_token": token, "role": "filer", "region": "",
                                             "unit": "武陟县大封镇人民政府", "active": "1"})
    assert r.status_code == 303
    changed = users_mod.get_user(store, "rev")
    assert changed.role == "filer" and changed.unit == "武陟县大封镇人民政府" and changed.region_id is None
    assert "已保存" in admin.get(f"/users/{rev.id}").text
    r = admin.post(f"/users/{rev.id}", data={"csrf_token": token, "role": "filer", "unit": "武陟县大封镇人民政府"})
    assert r.status_code == 303 and not users_mod.get_user(store, "rev").active  # unticked: deactivated
    assert login(client_for(), "rev").status_code == 401


def test_admin_resets_a_password(admin, store, client_for):
    rev = users_mod.get_user(store, "rev")
    signed_in = client_for("rev")
    token = page_csrf(admin, f"/users/{rev.id}")
    r = admin.post(f"/users/{rev.id}/password", data={"csrf_token": token, "password": ""})
    password = re.search(r'data-testid="secret-value">([^<]+)<', r.text).group(1)
    assert signed_in.get("/reports").status_code == 303  # the old session ended
    assert login(client_for(), "rev", password).status_code == 303


def test_admin_creates_and_revokes_a_token_for_a_user(admin, store, client_for):
    rev = users_mod.get_user(store, "rev")
    token = page_csrf(admin, f"/users/{rev.id}")
    r = admin.post(f"/users/{rev.id}/tokens", data={"csrf_token": token, "label": "接口"})
    secret = re.search(r'data-testid="secret-value">([^<]+)<', r.text).group(1)
    api = client_for()
    assert api.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).json()["name"] == "rev"
    (info,) = users_mod.list_tokens(store, "rev")
    admin.post(f"/users/{rev.id}/tokens/{info.id}/delete", data={"csrf_token": token})
    assert api.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_the_last_administrator_stays(admin, store):
    me = users_mod.get_user(store, "admin")
    token = page_csrf(admin, f"/users/{me.id}")
    r = admin.post(f"/users/{me.id}", data={"csrf_token": token, "role": "admin"})  # active unticked
    assert r.status_code == 400 and "最后一个管理员" in r.text
    with pytest.raises(StoreError, match="最后一个管理员"):
        users_mod.update_user(store, "admin", role="reviewer", region="昌乐县")
    users_mod.add_user(store, "admin2", "admin-pass-2", "admin")
    users_mod.update_user(store, "admin", active=False)  # now there is another one


def test_store_users_validation(store):
    with pytest.raises(StoreError, match="用户名"):
        users_mod.add_user(store, "a b", "long-enough-1", "admin")
    with pytest.raises(StoreError, match="角色"):
        users_mod.add_user(store, "zz", "long-enough-1", "boss")
    with pytest.raises(StoreError, match="填报单位账号必须指定单位"):
        users_mod.add_user(store, "zz", "long-enough-1", "filer")
    with pytest.raises(StoreError, match="对应多个地区|库中没有地区"):
        users_mod.add_user(store, "zz", "long-enough-1", "reviewer", region="火星")
    with pytest.raises(StoreError, match="昌乐县"):  # a typo is refused with the nearest divisions, never created
        users_mod.add_user(store, "zz", "long-enough-1", "reviewer", region="山东省/潍坊市/昌东县", create_scope=True)
    made = users_mod.add_user(store, "zz", "long-enough-1", "reviewer", region="山东省/潍坊市", create_scope=True)
    assert made.region == "山东省/潍坊市"
    assert users_mod.add_user(store, "zz2", "long-enough-1", "reviewer", region="临朐县", create_scope=True).region == \
        "山东省/潍坊市/临朐县"  # an official division not yet in the store: added with its parents
    assert users_mod.authenticate(store, "zz", "long-enough-1") is not None
    assert users_mod.authenticate(store, "zz", "wrong-password") is None
    stored = users_mod.get_user(store, "zz")
    assert stored.last_login_at is not None


def test_first_start_creates_admin_once(tmp_path):
    s = Store(str(tmp_path / "n.db"))
    name, password = users_mod.ensure_admin(s)
    assert name == "admin" and len(password) >= 12
    assert users_mod.authenticate(s, "admin", password) is not None
    assert users_mod.ensure_admin(s) is None
    s.close()


def test_passwords_are_argon2_hashed(store):
    import sqlite3

    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        hashes = [h for (h,) in conn.execute("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
