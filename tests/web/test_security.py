"""Security audit fixes: server-side session revocation, a lockout nobody can turn against someone else,
no glimpse of reports outside the uploader's scope, per-request unpacking limits, storable file names."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import sqlite3
import zipfile

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from tests.conftest import SEEDS
from tests.web.conftest import PASSWORDS, csrf_of, login, page_csrf
from zfxxgk.store import users as users_mod
from zfxxgk.web import UploadLimits, create_app
from zfxxgk.web.auth import LoginLimiter
from zfxxgk.web.uploads import Budget, expand, fit_name

SEED_FILES = [(p.name, p.read_bytes()) for p in SEEDS]


class Clock:
    """A hand-moved clock for the limiter (no sleeping in tests)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _client(app, address: str = "testclient") -> TestClient:
    return TestClient(app, follow_redirects=False, client=(address, 50000))


def _rows(html: str) -> list[tuple[str, str, str]]:
    rows = re.findall(r'<tr data-status="(\w+)" data-testid="upload-row">\s*<td class="filename">([^<]*)</td>'
                      r'.*?<td class="reason">([^<]*)</td>', html, re.S)
    return [(name, status, reason) for status, name, reason in rows]


def _post(client: TestClient, files: list[tuple[str, bytes]]):
    return client.post("/upload", data={"csrf_token": page_csrf(client, "/upload")},
                       files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _sql(store, query: str) -> list[tuple]:
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        return conn.execute(query).fetchall()


# --- 1. sessions end on the server ---------------------------------------------------------------


def test_a_copied_session_cookie_stops_working_after_logout(app, client_for):
    c = client_for("rev")
    thief = TestClient(app, follow_redirects=False, cookies={"zfxxgk_session": c.cookies["zfxxgk_session"]})
    assert thief.get("/reports").status_code == 200  # the copy works while the session lives
    assert c.post("/logout", data={"csrf_token": page_csrf(c)}).status_code == 303
    assert thief.get("/reports").status_code == 303  # ... and not after the owner signed out
    assert thief.get("/api/me").status_code == 401
    thief.close()


def test_logout_ends_only_that_session(client_for):
    first, second = client_for("rev"), client_for("rev")
    first.post("/logout", data={"csrf_token": page_csrf(first)})
    assert first.get("/reports").status_code == 303
    assert second.get("/reports").status_code == 200  # signing out on one computer leaves the other


def test_sessions_are_stored_as_hashes_only(store, client_for):
    c = client_for("rev")
    assert c.get("/reports").status_code == 200
    rows = _sql(store, "SELECT id_hash, revoked_at FROM web_sessions")
    assert rows and all(len(h) == 64 and r is None for h, r in rows)
    assert not any(c.cookies["zfxxgk_session"].find(h) >= 0 for h, _ in rows)


def test_own_password_change_ends_other_sessions_and_revokes_tokens(store, client_for):
    me, elsewhere = client_for("rev"), client_for("rev")
    token = users_mod.create_token(store, "rev", "脚本")
    api = client_for()
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    r = me.post("/account/password", data={"csrf_token": page_csrf(me), "current": PASSWORDS["rev"],
                                           "password": "new-pass-123", "password2": "new-pass-123"})
    assert r.status_code == 303
    assert me.get("/account").status_code == 200  # the changer goes on, in a new session
    assert elsewhere.get("/reports").status_code == 303
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert users_mod.list_tokens(store, "rev") == []
    assert users_mod.live_sessions(store, "rev") == 1


def test_admin_password_reset_ends_sessions_and_revokes_tokens(store, admin, client_for):
    rev = users_mod.get_user(store, "rev")
    c = client_for("rev")
    token = users_mod.create_token(store, "rev")
    r = admin.post(f"/users/{rev.id}/password", data={"csrf_token": page_csrf(admin, f"/users/{rev.id}"),
                                                      "password": "reset-pass-77"})
    assert r.status_code == 303
    assert c.get("/reports").status_code == 303
    assert users_mod.token_user(store, token) is None
    assert admin.get("/users").status_code == 200  # the administrator's own session is untouched


def test_admin_resetting_own_password_stays_signed_in(store, admin):
    me = users_mod.get_user(store, "admin")
    r = admin.post(f"/users/{me.id}/password", data={"csrf_token": page_csrf(admin, f"/users/{me.id}"),
                                                     "password": "admin-pass-new"})
    assert r.status_code == 303 and admin.get("/users").status_code == 200
    assert users_mod.live_sessions(store, "admin") == 1


def test_deactivation_ends_sessions_and_revokes_tokens_for_good(store, client_for):
    c = client_for("rev")
    cookie = c.cookies["zfxxgk_session"]
    token = users_mod.create_token(store, "rev")
    users_mod.update_user(store, "rev", active=False)
    assert c.get("/reports").status_code == 303
    assert users_mod.token_user(store, token) is None
    users_mod.update_user(store, "rev", active=True)  # reactivating brings back neither
    replay = client_for()
    replay.cookies.set("zfxxgk_session", cookie)
    assert replay.get("/reports").status_code == 303
    assert users_mod.token_user(store, token) is None
    assert users_mod.list_tokens(store, "rev") == []


def test_sessions_expire_on_the_server(store):
    t0 = dt.datetime(2025, 1, 1, 8, 0)
    sid = users_mod.open_session(store, "rev", now=t0)
    assert users_mod.session_user(store, sid, now=t0 + dt.timedelta(hours=3)).name == "rev"
    assert users_mod.session_user(store, sid, now=t0 + dt.timedelta(hours=3 + 5)) is None  # idle too long
    busy = users_mod.open_session(store, "rev", now=t0)
    for hour in range(1, 12):  # used every hour: still ends after its lifetime
        assert users_mod.session_user(store, busy, now=t0 + dt.timedelta(hours=hour)) is not None
    assert users_mod.session_user(store, busy, now=t0 + dt.timedelta(hours=12, minutes=1)) is None
    assert users_mod.session_user(store, "not-a-session") is None
    assert not users_mod.revoke_session(store, busy)  # already ended


def test_an_old_style_cookie_is_signed_out(store, app):
    # a validly signed cookie made before server-side sessions (uid + stamp) no longer signs anyone in
    rev = users_mod.get_user(store, "rev")

    def cookie(content: dict) -> str:
        return TimestampSigner("test-secret").sign(base64.b64encode(json.dumps(content).encode())).decode()

    live = TestClient(app, follow_redirects=False, cookies={"zfxxgk_session": cookie(
        {"sid": users_mod.open_session(store, "rev"), "stamp": rev.stamp, "csrf": "y"})})
    assert live.get("/reports").status_code == 200  # the cookie is made as the app makes it
    replay = TestClient(app, follow_redirects=False, cookies={"zfxxgk_session": cookie(
        {"uid": rev.id, "stamp": rev.stamp, "csrf": "y"})})
    assert replay.get("/reports").status_code == 303
    live.close()
    replay.close()


def test_migration_0007_adds_and_removes_the_sessions_table(tmp_path):
    from sqlalchemy import inspect

    from tests.store.conftest import migrated

    engine, down = migrated(tmp_path, "0006")
    assert "web_sessions" in inspect(engine).get_table_names()
    down()
    assert "web_sessions" not in inspect(engine).get_table_names()
    engine.dispose()


# --- 2. a lockout that cannot lock someone else out ------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited_app(store, clock):
    app = create_app(store, secret="s")
    app.state.limiter = LoginLimiter(attempts=3, window=60, per_address=10, clock=clock)
    return app


def test_failures_from_another_address_do_not_lock_the_owner_out(limited_app):
    attacker, owner = _client(limited_app, "10.0.0.66"), _client(limited_app, "10.0.0.7")
    for _ in range(3):
        assert login(attacker, "rev", "wrong-password").status_code == 401
    locked = login(attacker, "rev")  # the attacker's own address waits, even with the right password
    assert locked.status_code == 429 and "登录失败次数过多" in locked.text
    assert login(owner, "rev").status_code == 303  # the owner, elsewhere, is not held up
    attacker.close()
    owner.close()


def test_backoff_doubles_and_success_clears(clock):
    limiter = LoginLimiter(attempts=3, window=60, clock=clock)
    for _ in range(3):
        assert limiter.blocked("a", "rev") == 0
        limiter.failed("a", "rev")
    assert 59 <= limiter.blocked("a", "rev") <= 61
    clock.t += 61
    assert limiter.blocked("a", "rev") == 0
    limiter.failed("a", "rev")  # the fourth failure: twice as long
    assert 119 <= limiter.blocked("a", "rev") <= 121
    clock.t += 121
    limiter.failed("a", "REV ")  # names are compared case-insensitively
    assert 239 <= limiter.blocked("a", "rev") <= 241
    assert limiter.blocked("b", "rev") == 0  # per address
    clock.t += 241
    limiter.succeeded("a", "rev")
    assert limiter.blocked("a", "rev") == 0
    limiter.failed("a", "rev")
    assert limiter.blocked("a", "rev") == 0  # counting starts again


def test_backoff_is_capped_and_forgotten_after_a_quiet_spell(clock):
    limiter = LoginLimiter(attempts=1, window=60, max_delay=300, clock=clock, per_address=1000)
    for _ in range(20):
        limiter.failed("a", "rev")
        clock.t += limiter.blocked("a", "rev")
    limiter.failed("a", "rev")
    assert limiter.blocked("a", "rev") <= 301
    clock.t += 300 + 60
    assert limiter.blocked("a", "rev") == 0
    limiter.failed("a", "rev")
    assert 59 <= limiter.blocked("a", "rev") <= 61  # the count started over


def test_one_address_is_capped_across_names(limited_app, clock):
    sprayer, owner = _client(limited_app, "10.0.0.66"), _client(limited_app, "10.0.0.7")
    for i in range(10):
        assert login(sprayer, f"user{i}", "wrong-password").status_code == 401
    assert login(sprayer, "rev").status_code == 429  # any name, from that address
    assert login(owner, "rev").status_code == 303
    clock.t += 61
    assert login(sprayer, "rev").status_code == 303  # the window passed
    sprayer.close()
    owner.close()


def test_an_administrator_unlocks_from_the_users_page(limited_app):
    user = _client(limited_app, "10.0.0.8")
    for _ in range(3):
        login(user, "rev", "wrong-password")
    assert login(user, "rev").status_code == 429
    admin = _client(limited_app, "10.0.0.1")
    assert login(admin, "admin").status_code == 303
    page = admin.get("/users").text
    assert 'data-testid="login-lock" data-name="rev" data-address="10.0.0.8"' in page
    r = admin.post("/users/unlock", data={"csrf_token": csrf_of(page), "name": "rev", "address": "10.0.0.8"})
    assert r.status_code == 303
    assert "已解除" in admin.get("/users").text
    assert 'data-testid="login-lock"' not in admin.get("/users").text
    assert login(user, "rev").status_code == 303
    anyone = _client(limited_app, "10.0.0.9")  # only administrators unlock
    login(anyone, "filer")
    assert anyone.post("/users/unlock", data={"csrf_token": page_csrf(anyone), "name": "rev"}).status_code == 403
    for c in (user, admin, anyone):
        c.close()


def test_the_current_password_check_is_rate_limited(limited_app):
    c = _client(limited_app, "10.0.0.5")
    assert login(c, "rev").status_code == 303
    token = page_csrf(c)
    form = {"csrf_token": token, "current": "guess-guess", "password": "new-pass-123", "password2": "new-pass-123"}
    for _ in range(3):
        assert c.post("/account/password", data=form).status_code == 400
    r = c.post("/account/password", data={**form, "current": PASSWORDS["rev"]})
    assert r.status_code == 429 and "失败次数过多" in r.text  # even the right password waits now
    assert login(_client(limited_app, "10.0.0.6"), "rev").status_code == 303  # the password did not change
    c.close()


# --- 3. a duplicate outside the scope reveals nothing -----------------------------------------------


def test_a_duplicate_outside_the_scope_names_no_unit_and_links_nothing(client_for):
    c = client_for("rev2")  # 枣庄市: seed 000 is 昌乐县乔官镇 (report 1)
    page = _post(c, [SEED_FILES[0]]).text
    ((name, status, reason),) = _rows(page)
    assert name == SEED_FILES[0][0] and status == "failed" and "不在您的管辖范围" in reason
    table = page[page.index('data-testid="upload-results"'):]
    for leak in ("昌乐", "乔官", "/reports/1", "已存在（重复）</span>", "data-findings"):
        assert leak not in table
    inside = _post(c, [SEED_FILES[4]]).text  # seed 004 is in 枣庄市: a duplicate it may see, with its link
    ((_, status, _),) = _rows(inside)
    assert status == "duplicate" and 'href="/reports/' in inside


# --- 4. one budget for every archive of a request ---------------------------------------------------


def test_the_unpacking_budget_spans_all_archives_of_a_request(uploader_with):
    per_file = max(len(d) for _, d in SEED_FILES)
    # each archive on its own is well within the per-archive limits; together they are not
    c, store = uploader_with(UploadLimits(request_max_unpacked=3 * per_file, zip_max_total=10 * per_file))
    zips = [(f"包{i}.zip", _zip({SEED_FILES[i][0]: SEED_FILES[i][1]})) for i in range(5)]
    rows = _rows(_post(c, zips).text)
    assert [s for _, s, _ in rows] == ["imported"] * 3 + ["failed"] * 2
    for name, _, reason in rows[3:]:
        assert "›" in name and "解压后总大小超过上限" in reason and "未导入" in reason
    assert store.count_reports() == 3


def test_the_entry_count_spans_all_archives_of_a_request(uploader_with):
    c, store = uploader_with(UploadLimits(request_max_entries=2))
    zips = [("甲.zip", _zip({n: d for n, d in SEED_FILES[:2]})), ("乙.zip", _zip({n: d for n, d in SEED_FILES[2:4]}))]
    rows = _rows(_post(c, zips).text)
    assert [s for _, s, _ in rows] == ["imported", "imported", "failed", "failed"]
    assert rows[2][0] == f"乙.zip › {SEED_FILES[2][0]}" and "文件总数超过上限（2 个）" in rows[2][2]
    assert store.count_reports() == 2


def test_expand_reads_no_more_than_the_budget_left():
    data = b"x" * 5000
    budget = Budget(bytes_left=6000, entries_left=10)
    first = expand("a.zip", _zip({"a.txt": data}), UploadLimits(), budget)
    assert first[0].data == data and budget.bytes_left == 1000 and budget.entries_left == 9
    (second,) = expand("b.zip", _zip({"b.txt": data}), UploadLimits(), budget)
    assert second.data is None and "b.zip › b.txt" == second.shown and "总大小超过上限" in second.error
    assert budget.bytes_left == 1000  # nothing was spent on the refused entry


# --- 5. file names short enough to store --------------------------------------------------------------


def test_fit_name_keeps_the_extension():
    assert fit_name("短.txt") == "短.txt"
    cut = fit_name("长" * 600 + ".docx")
    assert len(cut) == 200 and cut.endswith("….docx")
    assert len(fit_name("x" * 600)) == 200
    assert len(fit_name("a." + "b" * 600)) == 200  # no real extension


def test_a_very_long_file_name_is_cut_before_it_is_stored(uploader_with):
    c, store = uploader_with(UploadLimits())
    long = "年" * 600 + ".txt"
    inner = "报" * 600 + ".txt"
    rows = _rows(_post(c, [(long, SEED_FILES[0][1]), ("包" * 600 + ".zip", _zip({inner: SEED_FILES[1][1]})),
                           ("坏" * 600 + ".txt", b"")]).text)
    assert [s for _, s, _ in rows] == ["imported", "imported", "failed"]
    names = [n for (n,) in _sql(store, "SELECT source_name FROM reports")]
    names += [n for (n,) in _sql(store, "SELECT source_name FROM import_errors")]
    assert len(names) == 3 and all(len(n) <= 500 and n.endswith(".txt") for n in names)


@pytest.fixture
def uploader_with(empty_store):
    made = []

    def make(limits: UploadLimits):
        c = TestClient(create_app(empty_store, secret="s", limits=limits), follow_redirects=False)
        made.append(c)
        assert login(c, "admin").status_code == 303
        return c, empty_store

    yield make
    for c in made:
        c.close()
