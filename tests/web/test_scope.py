"""Roles and scopes: a reviewer sees its region subtree, a filer its own unit, on pages, downloads and the API."""

from __future__ import annotations

import io
import re

import pytest

from tests.web.conftest import page_csrf

QIAOGUAN, DAFENG, GUANZHUANG, WUWU, JIANTOUJI = 1, 2, 3, 4, 5


def _listed(html: str) -> set[int]:
    return {int(x) for x in re.findall(r'<tr data-report-id="(\d+)"', html)}


def test_reviewer_sees_only_the_region_subtree(client_for):
    c = client_for("rev")  # 昌乐县: 乔官镇 and 鄌郚镇
    assert _listed(c.get("/reports").text) == {QIAOGUAN, WUWU}
    tree = c.get("/reports").text
    assert ">昌乐县<" in tree and ">枣庄市<" not in tree and ">武陟县<" not in tree
    assert c.get(f"/reports/{QIAOGUAN}").status_code == 200
    for rid in (DAFENG, GUANZHUANG, JIANTOUJI):
        assert c.get(f"/reports/{rid}").status_code == 404
        assert c.get(f"/reports/{rid}/download/docx").status_code == 404
        assert c.get(f"/reports/{rid}/source").status_code == 404
        assert c.get(f"/api/reports/{rid}").status_code == 404
        assert c.get(f"/api/reports/{rid}/findings").status_code == 404
    assert {i["id"] for i in c.get("/api/reports").json()["items"]} == {QIAOGUAN, WUWU}


def test_nested_region_subtree(client_for):
    c = client_for("rev2")  # 枣庄市 → 台儿庄区 → 涧头集镇
    assert _listed(c.get("/reports").text) == {JIANTOUJI}


def test_reviewer_cannot_review_outside_the_region(client_for, store):
    c = client_for("rev")
    token = page_csrf(c)
    fp = store.findings(DAFENG)[0][0].fingerprint
    r = c.post(f"/reports/{DAFENG}/findings/{fp}/review", data={"csrf_token": token, "decision": "confirmed"})
    assert r.status_code == 404
    r = c.post(f"/api/reports/{DAFENG}/findings/{fp}/review", json={"decision": "confirmed"},
               headers={"X-CSRF-Token": token})
    assert r.status_code == 404
    assert all(d is None for _, d in store.findings(DAFENG))
    own = store.findings(QIAOGUAN)[0][0].fingerprint
    ok = c.post(f"/reports/{QIAOGUAN}/findings/{own}/review", data={"csrf_token": token, "decision": "confirmed"})
    assert ok.status_code == 303 and store.findings(QIAOGUAN)[0][1].reviewer == "rev"


def test_reviewer_exports_only_its_reports(client_for):
    from openpyxl import load_workbook

    c = client_for("rev")
    wb = load_workbook(io.BytesIO(c.get("/export/xlsx").content))
    assert sorted(row[0] for row in wb["报告数据"].iter_rows(min_row=3, values_only=True)) == [QIAOGUAN, WUWU]
    found = c.get("/export/findings.csv").content.decode("utf-8-sig").splitlines()[1:]
    assert found and {int(line.split(",")[0]) for line in found} == {QIAOGUAN, WUWU}


def test_filer_sees_only_its_unit_and_cannot_review(client_for, store):
    c = client_for("filer")  # 武陟县大封镇人民政府
    assert _listed(c.get("/reports").text) == {DAFENG}
    assert c.get(f"/reports/{QIAOGUAN}").status_code == 404
    html = c.get(f"/reports/{DAFENG}").text
    assert 'data-testid="review-form"' not in html
    fp = store.findings(DAFENG)[0][0].fingerprint
    r = c.post(f"/reports/{DAFENG}/findings/{fp}/review", data={"csrf_token": page_csrf(c), "decision": "rejected"})
    assert r.status_code == 403
    assert all(d is None for _, d in store.findings(DAFENG))
    nav = c.get("/reports").text
    assert 'data-testid="nav-upload"' not in nav and 'data-testid="nav-users"' not in nav


@pytest.mark.parametrize("who", ["rev", "filer"])
def test_only_administrators_manage_users(client_for, who):
    c = client_for(who)
    assert c.get("/users").status_code == 403
    assert "没有权限" in c.get("/users").text
    r = c.post("/users", data={"csrf_token": page_csrf(c), "name": "eve", "password": "eve-pass-123", "role": "admin"})
    assert r.status_code == 403
    assert c.get("/users/1").status_code == 403


def test_unit_years_respect_the_scope(client_for, store):
    from zfxxgk.store.queries import report_views

    units = {v.id: v.unit.id for v in report_views(store)}
    filer = client_for("filer")
    assert filer.get(f"/api/units/{units[DAFENG]}/years").status_code == 200
    assert filer.get(f"/api/units/{units[QIAOGUAN]}/years").status_code == 404
    rev = client_for("rev")
    body = rev.get(f"/api/units/{units[QIAOGUAN]}/years").json()
    assert body["name"] == "昌乐县乔官镇人民政府" and [y["year"] for y in body["years"]] == [2024]
    assert rev.get(f"/api/units/{units[JIANTOUJI]}/years").status_code == 404
    assert rev.get("/api/units/99999/years").status_code == 404
