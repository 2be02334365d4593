"""报送情况 page: the registry's units with their status per region (drill-down, downloads), a reviewer
held to their region, and the 待确认 queue placed by an administrator."""

from __future__ import annotations

import io
import re

import openpyxl

from tests.parse.builders import text_with
from tests.store.test_registry import FIVE, write_csv
from tests.web.conftest import page_csrf
from zfxxgk import api
from zfxxgk.store.placing import pending_units
from zfxxgk.store.registry import import_registry


def test_admin_sees_who_published_and_drills_down(client_for, store, tmp_path):
    import_registry(store, write_csv(tmp_path / "r.csv", FIVE))
    admin = client_for("admin")
    page = admin.get("/coverage?year=2024")
    assert page.status_code == 200 and 'data-testid="nav-coverage"' in page.text
    statuses = re.findall(r'data-testid="coverage-unit" data-status="(\w+)"', page.text)
    assert sorted(statuses) == sorted(["on_time", "on_time", "undated", "missing", "missing"])
    assert re.search(r'data-testid="coverage-total-missing">2<', page.text)
    links = dict((name, href) for href, name in re.findall(
        r'href="/coverage\?([^"]+)" data-testid="coverage-region-link">([^<]+)<', page.text))
    assert set(links) == {"山东省", "河南省"}
    shandong = admin.get(f"/coverage?{links['山东省'].replace('&amp;', '&')}")
    body = shandong.text.split('data-testid="coverage-regions"')[1]
    assert "潍坊市" in body and "枣庄市" in body and "武陟县" not in body
    book = openpyxl.load_workbook(io.BytesIO(admin.get("/coverage/export.xlsx?year=2024").content))
    assert book.active.max_row == 6 and book.active["C1"].value == "情况"
    assert "未发布" in admin.get("/coverage/export.csv?year=2024").content.decode("utf-8-sig")


def test_reviewer_is_held_to_their_region(client_for, store, tmp_path):
    import_registry(store, write_csv(tmp_path / "r.csv", FIVE))
    page = client_for("rev").get("/coverage?year=2024")  # 昌乐县
    units = re.findall(r'data-testid="coverage-unit" data-status="\w+"><td>(?:<a [^>]+>)?([^<]+)<', page.text)
    assert sorted(units) == sorted(["昌乐县乔官镇人民政府", "昌乐县五图街道办事处", "昌乐县人民政府"])
    assert 'data-testid="pending"' not in page.text  # the queue is the administrator's
    assert client_for("filer").get("/coverage").status_code == 403


def test_admin_places_a_pending_unit(client_for, store):
    api.import_bytes(text_with(unit="朝阳区财政局", year=2024).encode(), "c.txt", store)
    admin = client_for("admin")
    page = admin.get("/coverage")
    assert "朝阳区财政局" in page.text.split('data-testid="pending"')[1]
    (pending,) = pending_units(store)
    done = admin.post(f"/units/{pending.id}/place", data={"region": "北京市/朝阳区", "csrf_token": page_csrf(admin)})
    assert done.status_code == 303 and done.headers["location"] == "/coverage#pending"
    assert "已确认地区：北京市/朝阳区" in admin.get("/coverage").text
    assert pending_units(store) == []
    admin.post(f"/units/{pending.id}/place", data={"region": "北京市/朝阳区", "csrf_token": page_csrf(admin)})
    assert "未能确认" in admin.get("/coverage").text  # placed already
    assert client_for("rev").post(f"/units/{pending.id}/place", data={"region": "x"}).status_code in (403, 400)
