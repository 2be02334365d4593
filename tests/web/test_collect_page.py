"""采集 page: an administrator adds a portal column, starts a run in the background and sees what it
fetched; the fixture portal is served on 127.0.0.1 by the test; other roles cannot start anything."""

from __future__ import annotations

from tests.collect.fixture_portal import UNITS, Portal, build
from tests.web.conftest import page_csrf
from zfxxgk.collect.http import Polite
from zfxxgk.store import collecting as rec


def test_admin_adds_a_column_runs_it_and_sees_the_reports(app, client_for, store):
    pages, _ = build()
    with Portal(pages) as portal:
        app.state.collect_client = lambda: Polite(delay=0.01, allowed_hosts=frozenset({"127.0.0.1"}))
        admin = client_for("admin")
        token = page_csrf(admin, "/collect")
        assert "还没有采集来源" in admin.get("/collect").text
        r = admin.post("/collect/sources", data={"urls": f"{portal.base}/xxgk/gknb/index.htm\nftp://nope", "csrf_token": token})
        assert r.status_code == 303 and "不是 http(s) 网址" in admin.get("/collect").text
        admin.post("/collect/sources", data={"urls": f"{portal.base}/xxgk/gknb/index.htm", "csrf_token": token})
        page = admin.get("/collect").text
        assert page.count('data-testid="collect-source"') == 1
        assert admin.post("/collect/start", data={"delay": "0.01", "csrf_token": token}).status_code == 303
        app.state.collect_job.thread.join(60)
        page = admin.get("/collect").text
        assert 'data-testid="collect-running"' not in page
        assert page.count('data-state="done"') >= 6 and "robots.txt 不允许采集" in page
        listed = admin.get("/reports").text
        assert all(u in listed for u in UNITS)
        docs = {d.url.removeprefix(portal.base): d for d in rec.documents(store)}
        shown = admin.get(f"/reports/{docs['/attach/2025/report102.pdf'].report_id}").text
        assert 'data-testid="report-collected"' in shown and "门户发布日期 2025-01-20" in shown


def test_only_administrators_collect(client_for):
    rev = client_for("rev")
    assert rev.get("/collect").status_code == 403
    token = page_csrf(rev)
    assert rev.post("/collect/start", data={"csrf_token": token}).status_code == 403
    assert 'href="/collect"' not in rev.get("/reports").text


def test_a_forged_request_starts_nothing(client_for, app):
    admin = client_for("admin")
    assert admin.post("/collect/start", data={"csrf_token": "forged"}).status_code == 403
    assert not hasattr(app.state, "collect_job") or not app.state.collect_job.running
