"""A report's 索引号 names its publishing organ (the 统一社会信用代码 it begins with): it attaches the
report to the registry unit with that code — a renamed unit keeps its code — unless the report says
otherwise, and its characters 3–8 place a name that names several divisions or none."""

from __future__ import annotations

import pytest

from tests.parse.builders import report_with, text_with
from tests.parse.portals import gov_portal
from tests.store.test_registry import credit, write_csv
from zfxxgk import api
from zfxxgk.model.units import index_credit_code
from zfxxgk.parse import parse_bytes
from zfxxgk.store.placing import pending_units
from zfxxgk.store.registry import import_registry

OFFICE = credit("11370725004385523")  # a 昌乐县 (370725) organ
BEIJING_CHAOYANG = credit("11110105000012345")  # registered in 北京市朝阳区 (110105)


def with_index(text: str, index_no: str) -> bytes:
    return f"索引号：{index_no}\n{text}".encode()


def placed(store, report_id: int) -> tuple[str, str | None]:
    """The unit a stored report is attached to, and that unit's region path."""
    from sqlalchemy import select

    from zfxxgk.store.regions import region_paths
    from zfxxgk.store.schema import ReportRow, Unit

    with store.session() as s:
        name, region = s.execute(select(Unit.name, Unit.region_id).join(ReportRow, ReportRow.unit_id == Unit.id)
                                 .where(ReportRow.id == report_id)).one()
        return name, region_paths(s).get(region) if region is not None else None


def attached(store, report_id: int) -> str:
    return placed(store, report_id)[0]


@pytest.mark.parametrize(("index_no", "expected"), [
    (f"{OFFICE}/2025-00012", OFFICE),
    (f"{OFFICE.lower()}/2025-00012", OFFICE),
    (OFFICE[:-1] + ("0" if OFFICE[-1] != "0" else "1") + "/2025-00012", None),  # check character wrong
    ("000014349/2025-00012", None),  # an older catalogue's own numbering
    (f"{OFFICE}1/2025", None),  # 19 characters: no code
    (None, None),
])
def test_the_credit_code_a_index_number_begins_with(index_no, expected):
    assert index_credit_code(index_no) == expected


def test_readers_find_the_index_number_in_a_text_copy_and_on_a_portal_page():
    text = text_with(unit="昌乐县市场监督管理局", year=2024)
    assert parse_bytes(with_index(text, f"{OFFICE}/2025-00012"), "a.txt").index_no == f"{OFFICE}/2025-00012"
    assert parse_bytes(f"索 引 号: {OFFICE}/2025-00012 分类：年度报告\n{text}".encode(), "b.txt").index_no == f"{OFFICE}/2025-00012"
    assert parse_bytes(text.encode(), "c.txt").index_no is None
    page = gov_portal(report_with(unit="昌乐县市场监督管理局", year=2024))
    page = page.replace("<body>".encode("gbk"), f"<body><table><tr><td>索引号：{OFFICE}/2025-00007</td></tr></table>".encode("gbk"), 1)
    report = parse_bytes(page, "d.html")
    assert report.index_no == f"{OFFICE}/2025-00007"
    assert report.unit == "昌乐县市场监督管理局"


def registry(tmp_path, store, rows):
    import_registry(store, write_csv(tmp_path / "r.csv", rows))


def test_a_renamed_unit_is_found_by_its_code(store, tmp_path):
    registry(tmp_path, store, [["昌乐县市场监督管理局", OFFICE, "政府部门", "山东省/潍坊市/昌乐县", "", ""]])
    old_name = text_with(unit="昌乐县食品药品监督管理局", year=2024)
    o = api.import_bytes(with_index(old_name, f"{OFFICE}/2025-00012"), "old.txt", store)
    assert o.error is None
    assert attached(store, o.report_id) == "昌乐县市场监督管理局"
    plain = api.import_bytes(old_name.replace("2024", "2023").encode(), "plain.txt", store)
    assert attached(store, plain.report_id) == "昌乐县食品药品监督管理局"  # no 索引号: by its name


@pytest.mark.parametrize("unit", [
    "昌乐县乔官镇人民政府",  # a township numbered with the county organ's code: another type
    "武陟县市场监督管理局",  # names another county
])
def test_a_code_the_report_contradicts_attaches_nothing(store, tmp_path, unit):
    registry(tmp_path, store, [["昌乐县市场监督管理局", OFFICE, "政府部门", "山东省/潍坊市/昌乐县", "", ""]])
    o = api.import_bytes(with_index(text_with(unit=unit, year=2024), f"{OFFICE}/2025-00012"), "x.txt", store)
    assert attached(store, o.report_id) == unit


def test_a_report_naming_another_known_unit_keeps_its_name(store, tmp_path):
    registry(tmp_path, store, [["昌乐县市场监督管理局", OFFICE, "政府部门", "山东省/潍坊市/昌乐县", "", ""],
                               ["昌乐县教育局", "", "政府部门", "山东省/潍坊市/昌乐县", "", ""]])
    o = api.import_bytes(with_index(text_with(unit="昌乐县教育局", year=2024), f"{OFFICE}/2025-00012"), "x.txt", store)
    assert attached(store, o.report_id) == "昌乐县教育局"


def test_the_code_places_an_ambiguous_name(store):
    o = api.import_bytes(with_index(text_with(unit="朝阳区财政局", year=2024), f"{BEIJING_CHAOYANG}/2025-1"), "a.txt", store)
    assert o.error is None
    assert placed(store, o.report_id) == ("朝阳区财政局", "北京市/朝阳区")
    assert not pending_units(store)


def test_without_a_code_an_ambiguous_name_waits(store):
    api.import_bytes(text_with(unit="朝阳区财政局", year=2024).encode(), "a.txt", store)
    assert [p.name for p in pending_units(store)] == ["朝阳区财政局"]


def test_a_name_without_a_division_is_placed_by_its_code(store):
    o = api.import_bytes(with_index(text_with(unit="县市场监督管理局", year=2024), f"{OFFICE}/2025-1"), "a.txt", store)
    assert placed(store, o.report_id) == ("县市场监督管理局", "山东省/潍坊市/昌乐县")


def test_a_code_contradicting_an_unambiguous_name_is_ignored(store):
    o = api.import_bytes(with_index(text_with(unit="武陟县财政局", year=2024), f"{OFFICE}/2025-1"), "a.txt", store)
    assert placed(store, o.report_id) == ("武陟县财政局", "河南省/焦作市/武陟县")


def test_a_retired_division_code_places_by_its_successor(store):
    """A credit code keeps the division code of its registration year: 滦县 (130223) is 滦州市 since 2018."""
    luan = credit("11130223000012345")
    o = api.import_bytes(with_index(text_with(unit="县财政局", year=2024), f"{luan}/2025-1"), "a.txt", store)
    assert placed(store, o.report_id) == ("县财政局", "河北省/唐山市/滦州市")
