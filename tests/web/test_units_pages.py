"""单位名录 pages: the list (search, region and state filters, pages), a unit's page, and an administrator's
edit, move and merge — refused without the CSRF token or for a reviewer, who sees their region read-only."""

from __future__ import annotations

import re

from tests.parse.builders import text_with
from tests.store.test_registry import FIVE, credit, write_csv
from tests.web.conftest import db_digest, page_csrf
from zfxxgk import api
from zfxxgk.store import StoreError
from zfxxgk.store import users as users_mod
from zfxxgk.store.registry import import_registry
from zfxxgk.store.units_edit import unit_detail, unit_history

QIAOGUAN = "昌乐县乔官镇人民政府"  # seed 000, in the reviewer's 昌乐县
DAFENG = "武陟县大封镇人民政府"  # seed 001, outside it


def uid(store, name):
    return unit_detail(store, name).id


def names(html):
    return re.findall(r'data-testid="unit-link">([^<]+)<', html)


def test_admin_lists_searches_filters_and_pages(client_for, store, tmp_path):
    import_registry(store, write_csv(tmp_path / "r.csv", FIVE))
    api.import_bytes(text_with(unit="朝阳区财政局", year=2024).encode(), "c.txt", store)
    admin = client_for("admin")
    page = admin.get("/units")
    assert page.status_code == 200 and 'data-testid="nav-units"' in page.text
    assert len(names(page.text)) == 8 and re.search(r"共 <strong>8</strong> 个单位", page.text)
    assert re.search(r'data-testid="unit-state-pending"[^>]*>待确认 1<', page.text)
    assert names(admin.get("/units?q=乔官").text) == [QIAOGUAN]
    assert names(admin.get("/units?state=pending").text) == ["朝阳区财政局"]
    assert "可能是：" in admin.get("/units?state=pending").text
    assert names(admin.get("/units?region=none").text) == ["朝阳区财政局"]
    assert len(names(admin.get("/units?region=山东省/潍坊市/昌乐县&state=registered").text)) == 3
    typo = admin.get("/units?region=山东省/潍坊市/昌东县")
    assert typo.status_code == 200 and "您是否要找" in typo.text and "昌乐县" in typo.text and len(names(typo.text)) == 8
    paged = admin.get("/units?per_page=20&page=1")
    assert 'data-testid="pager"' not in paged.text  # 8 units: one page
    assert admin.get("/units?page=abc&per_page=7&state=x").status_code == 200  # bad values are ignored


def test_pages_of_many_units(client_for, store):
    admin = client_for("admin")
    for k in range(23):
        api.import_bytes(text_with(unit=f"昌乐县测试{k:02d}局", year=2024).encode(), f"t{k}.txt", store)
    first = admin.get("/units?q=测试&per_page=20")
    assert len(names(first.text)) == 20 and 'data-testid="pager-next"' in first.text and "共 23 个单位" in first.text
    second = admin.get("/units?q=测试&per_page=20&page=2")
    assert names(second.text) == ["昌乐县测试20局", "昌乐县测试21局", "昌乐县测试22局"]


def test_reviewer_sees_their_region_read_only(client_for, store):
    rev = client_for("rev")
    listed = names(rev.get("/units").text)
    assert QIAOGUAN in listed and DAFENG not in listed
    page = rev.get(f"/units/{uid(store, QIAOGUAN)}")
    assert page.status_code == 200 and QIAOGUAN in page.text
    assert 'data-testid="unit-edit-form"' not in page.text and 'data-testid="unit-merge-form"' not in page.text
    assert rev.get(f"/units/{uid(store, DAFENG)}").status_code == 404  # outside their region: not revealed
    token = page_csrf(rev)
    before = db_digest(store)
    for path, data in ((f"/units/{uid(store, QIAOGUAN)}", {"name": "x"}),
                       (f"/units/{uid(store, QIAOGUAN)}/move", {"region": "临朐县"}),
                       (f"/units/{uid(store, QIAOGUAN)}/merge", {"other": DAFENG, "confirm": "1"})):
        assert rev.post(path, data={**data, "csrf_token": token}).status_code == 403
    assert db_digest(store) == before
    assert client_for("filer").get("/units").status_code == 403
    assert client_for(None).get("/units").status_code == 303  # to the login page


def test_admin_edits_a_unit_and_the_csrf_token_is_required(client_for, store):
    admin = client_for("admin")
    unit = uid(store, QIAOGUAN)
    page = admin.get(f"/units/{unit}")
    assert 'data-testid="unit-edit-form"' in page.text and "次年 1 月 31 日前发布" in page.text
    form = {"name": QIAOGUAN, "credit_code": credit("11370725004199046"[:17]), "unit_type": "township", "parent": "",
            "portal_urls": "http://www.changle.gov.cn/nb/", "since": "2019", "until": "", "registered": "1",
            "aliases": "昌乐县乔官乡人民政府(2010-2018)"}
    before = db_digest(store)
    assert admin.post(f"/units/{unit}", data=form).status_code == 403  # no token
    assert admin.post(f"/units/{unit}", data={**form, "csrf_token": "forged"}).status_code == 403
    assert db_digest(store) == before
    done = admin.post(f"/units/{unit}", data={**form, "csrf_token": page_csrf(admin)})
    assert done.status_code == 303 and done.headers["location"] == f"/units/{unit}"
    shown = admin.get(f"/units/{unit}").text
    assert "已保存：" in shown and "昌乐县乔官乡人民政府(2010-2018)" in shown and "操作记录" in shown
    u = unit_detail(store, unit)
    assert u.registered and u.since == 2019 and u.credit_code == form["credit_code"]
    assert unit_history(store, unit)[0].actor == "admin"
    # a refusal lists every problem, keeps what was typed and writes nothing
    before = db_digest(store)
    bad = admin.post(f"/units/{unit}", data={**form, "credit_code": "91370725ABC", "since": "2030", "until": "2020",
                                             "parent": "不存在的单位", "csrf_token": page_csrf(admin)})
    assert bad.status_code == 400 and "18 位" in bad.text and "终止年度早于起始年度" in bad.text and "不存在的单位" in bad.text
    assert 'value="91370725ABC"' in bad.text and db_digest(store) == before
    again = admin.post(f"/units/{unit}", data={**form, "csrf_token": page_csrf(admin)})
    assert "没有改动" in admin.get(again.headers["location"]).text


def test_admin_moves_a_unit_and_a_typo_is_refused_with_suggestions(client_for, store):
    admin = client_for("admin")
    unit = uid(store, QIAOGUAN)
    typo = admin.post(f"/units/{unit}/move", data={"region": "山东省/潍坊市/临朐具", "csrf_token": page_csrf(admin)})
    assert typo.status_code == 400 and "您是否要找" in typo.text and "临朐县" in typo.text
    assert 'value="山东省/潍坊市/临朐具"' in typo.text
    done = admin.post(f"/units/{unit}/move", data={"region": "临朐县", "reason": "区划调整", "csrf_token": page_csrf(admin)})
    assert done.status_code == 303
    assert "已迁移到“山东省/潍坊市/临朐县”" in admin.get(f"/units/{unit}").text
    assert unit_detail(store, unit).region == "山东省/潍坊市/临朐县"
    assert names(client_for("rev").get("/units").text).count(QIAOGUAN) == 0  # out of 昌乐县 now


def test_admin_merges_a_duplicate_both_ways(client_for, store):
    admin = client_for("admin")
    dup = api.import_bytes(text_with(unit="昌乐县乔官镇政府", year=2024).encode(), "dup.txt", store).report_id
    users_mod.add_user(store, "qg", "filer-pass-1", "filer", unit="昌乐县乔官镇政府")
    keep, other = uid(store, QIAOGUAN), uid(store, "昌乐县乔官镇政府")
    page = admin.get(f"/units/{keep}")
    assert "昌乐县乔官镇政府" in page.text.split('data-testid="unit-similar"')[1].split("</p>")[0]
    unconfirmed = admin.post(f"/units/{keep}/merge", data={"other": str(other), "csrf_token": page_csrf(admin)})
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.text
    assert admin.post(f"/units/{keep}/merge", data={"other": str(other), "confirm": "1"}).status_code == 403  # no token
    done = admin.post(f"/units/{keep}/merge", data={"other": str(other), "confirm": "1", "reason": "落款简称",
                                                    "csrf_token": page_csrf(admin)})
    assert done.status_code == 303 and done.headers["location"] == f"/units/{keep}"
    shown = admin.get(f"/units/{keep}").text
    assert "已将“昌乐县乔官镇政府”并入“昌乐县乔官镇人民政府”" in shown and "2024 年度的当前版本已按规则重新确定" in shown
    assert admin.get(f"/units/{other}").status_code == 404
    u = unit_detail(store, keep)
    assert u.users == ("qg",) and [r.id for r in u.reports if r.current] == [dup]
    # the other way round: this unit into another one; the page of the one kept is shown
    api.import_bytes(text_with(unit="昌乐县乔官政府", year=2023).encode(), "dup2.txt", store)
    third = uid(store, "昌乐县乔官政府")
    moved = admin.post(f"/units/{third}/merge", data={"other": QIAOGUAN, "direction": "into_other", "confirm": "1",
                                                       "csrf_token": page_csrf(admin)})
    assert moved.status_code == 303 and moved.headers["location"] == f"/units/{keep}"
    try:
        unit_detail(store, third)
        raise AssertionError("the merged unit is still there")
    except StoreError:
        pass
    refused = admin.post(f"/units/{keep}/merge", data={"other": "不存在的单位", "confirm": "1", "csrf_token": page_csrf(admin)})
    assert refused.status_code == 400 and "库中没有单位" in refused.text
