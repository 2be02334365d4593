"""Every route, walked from app.routes: nothing without a login, nothing written without a CSRF token."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import db_digest, page_csrf
from zfxxgk.web.auth import PUBLIC_ROUTES


def _routes(app) -> list[APIRoute]:
    """Every API route of the app, also inside included routers (newer FastAPI keeps them nested)."""
    found: list[APIRoute] = []

    def walk(routes) -> None:
        for r in routes:
            if isinstance(r, APIRoute):
                found.append(r)
            elif hasattr(r, "original_router"):
                walk(r.original_router.routes)

    walk(app.routes)
    return found


def _fill(path: str, fingerprint: str) -> str:
    values = {"report_id": "1", "fingerprint": fingerprint, "fmt": "docx", "kind": "xlsx", "name": "T3-BALANCE",
              "user_id": "2", "token_id": "1", "unit_id": "1", "item_id": "1", "page": "1"}

    def sub(m: re.Match) -> str:
        return values[m.group(1)]

    filled = re.sub(r"\{(\w+)(?::\w+)?\}", sub, path)
    assert "{" not in filled
    return filled


@pytest.fixture
def fingerprint(store):
    return store.findings(1)[0][0].fingerprint


def test_the_walk_covers_the_expected_routes(app):
    paths = {(m, r.path) for r in _routes(app) for m in r.methods}
    assert {("GET", "/reports"), ("GET", "/reports/{report_id}"), ("POST", "/upload"), ("GET", "/users"),
            ("POST", "/reports/{report_id}/findings/{fingerprint}/review"), ("GET", "/api/reports"),
            ("POST", "/api/reports/{report_id}/findings/{fingerprint}/review")} <= paths
    assert len(paths) >= 30


def test_unauthenticated_gets_redirect_to_login_or_401(app, client_for, fingerprint):
    c = client_for()
    for route in _routes(app):
        if "GET" not in route.methods or route.name in PUBLIC_ROUTES:
            continue
        path = _fill(route.path, fingerprint)
        r = c.get(path)
        if path.startswith("/api/"):
            assert r.status_code == 401, path
            assert "未登录" in r.json()["detail"]
        else:
            assert r.status_code == 303, path
            assert r.headers["location"].startswith("/login"), path


def test_unauthenticated_writes_are_refused_and_change_nothing(app, store, client_for, fingerprint):
    c = client_for()
    before = db_digest(store)
    checked = 0
    for route in _routes(app):
        for method in route.methods - {"GET", "HEAD"}:
            if route.name in PUBLIC_ROUTES:
                continue
            path = _fill(route.path, fingerprint)
            body = {"decision": "confirmed", "comment": "x", "name": "eve", "password": "eve-pass-123",
                    "role": "admin", "label": "x", "current": "x", "password2": "eve-pass-123"}
            r = c.request(method, path, data=body) if not path.startswith("/api/") else c.request(method, path, json=body)
            assert r.status_code in (303, 401), (method, path, r.status_code)
            checked += 1
    assert checked >= 10
    assert db_digest(store) == before


@pytest.mark.parametrize("who", ["admin", "rev", "filer"])
def test_writes_without_or_with_a_wrong_csrf_token_are_403(app, store, client_for, fingerprint, who):
    c = client_for(who)
    before = db_digest(store)
    for route in _routes(app):
        for method in route.methods - {"GET", "HEAD"}:
            path = _fill(route.path, fingerprint)
            body = {"decision": "confirmed", "comment": "x", "name": "eve", "password": "eve-pass-123",
                    "role": "admin", "label": "x", "username": who, "current": "x", "password2": "eve-pass-123"}
            if path.startswith("/api/"):
                r = c.request(method, path, json=body)
                wrong = c.request(method, path, json=body, headers={"X-CSRF-Token": "forged"})
            else:
                r = c.request(method, path, data=body)
                wrong = c.request(method, path, data={**body, "csrf_token": "forged"})
            assert r.status_code == 403, (method, path, r.status_code)
            assert wrong.status_code == 403, (method, path, wrong.status_code)
    assert db_digest(store) == before
    assert c.get("/reports").status_code == 200  # still signed in: logout was refused too


def test_public_routes(client_for):
    c = client_for()
    assert c.get("/health").json() == {"status": "ok"}
    assert c.get("/login").status_code == 200
    assert c.get("/static/app.css").status_code == 200
    assert c.get("/static/app.js").status_code == 200


def test_csrf_header_is_accepted_for_scripts(admin, store, fingerprint):
    token = page_csrf(admin)
    r = admin.post(f"/api/reports/1/findings/{fingerprint}/review", json={"decision": "confirmed"},
                   headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["decision"]["decision"] == "confirmed"
    assert store.findings(1)[0][1] is not None


def test_friendly_error_pages(admin, client_for):
    r = admin.get("/reports/99999")
    assert r.status_code == 404 and "不在您的管辖范围内" in r.text and "<html" in r.text
    r = admin.get("/no/such/page")
    assert r.status_code == 404 and "页面不存在" in r.text
    r = admin.get("/api/reports/99999")
    assert r.status_code == 404 and r.json()["detail"]
    r = admin.get("/api/reports?per_page=100000")
    assert r.status_code == 422 and r.json()["detail"] == "请求参数有误"
    r = admin.get("/reports/not-a-number")
    assert r.status_code == 400 and "请求有误" in r.text
    r = admin.get("/reports/1/download/exe")
    assert r.status_code == 404


def test_a_crash_shows_no_stack_trace(store, monkeypatch):
    from fastapi.testclient import TestClient

    from tests.web.conftest import login
    from zfxxgk.web import create_app

    app = create_app(store, secret="s")
    c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    assert login(c, "admin").status_code == 303

    def boom(*a, **k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(type(store), "load", boom)
    r = c.get("/reports/1")
    assert r.status_code == 500 and "系统出错了" in r.text
    assert "Traceback" not in r.text and "secret internal detail" not in r.text
    r = c.get("/api/reports/1")
    assert r.status_code == 500 and "secret internal detail" not in r.text
