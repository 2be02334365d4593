"""An area report against its area's units (app/scope.py) through a real store: sums, missing units, what counts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.parse.builders import text_with
from tests.store.test_registry import write_csv
from zfxxgk import api
from zfxxgk.app.scope import COMPARED_IDS, area_comparison
from zfxxgk.check.scope import ScopeKind
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.model.ids import t3, t4
from zfxxgk.store import StoreError
from zfxxgk.store.registry import import_registry

NEW, PROCESSED, GRANTED = t3("new_received", "total"), t3("total_processed", "total"), t3("granted", "total")
REVIEW = t4("review", "total")
COUNTY = "临朐县人民政府"
AREA_INTRO = "本报告由临朐县人民政府办公室综合本县各乡镇人民政府、县政府各部门政府信息公开工作年度报告编制而成。"
OWN_INTRO = "本报告所列数据为县政府本级数据，不含县政府各部门和各乡镇人民政府。"
TOWNSHIPS = {  # new received, processed, review; None is a blank cell
    "临朐县红旗镇人民政府": (3, 3, 1),
    "临朐县白云镇人民政府": (4, 4, 0),
    "临朐县青山镇人民政府": (None, 2, 0),
}
MISSING = "临朐县绿水镇人民政府"  # registered, no 2024 report


def report_text(unit: str, values: dict, prose: str | None = None, year: int = 2024) -> bytes:
    """A report in the cells layout with ``prose`` as the body of section 一 (the rest of the cells 0)."""
    text = text_with(values, layout="cells", unit=unit, year=year)
    if prose:
        text = text.replace("一、总体情况\n\n（无）", "一、总体情况\n\n" + prose, 1)
    return text.encode()


def put(store, unit: str, values: dict, prose: str | None = None, year: int = 2024) -> int:
    outcome = api.import_bytes(report_text(unit, values, prose, year), f"{unit}{year}.txt", store)
    assert outcome.error is None, outcome.error
    return outcome.report_id


def register(store, tmp_path, units):
    rows = [[u, "", "", "山东省/潍坊市/临朐县" if u == COUNTY else "", "", ""] for u in units]
    import_registry(store, write_csv(tmp_path / "registry.csv", rows))


@pytest.fixture
def county(store, tmp_path):
    """临朐县: its area report (new 20, processed 5 — fewer than its townships' 9), three townships, one missing."""
    register(store, tmp_path, [COUNTY, *TOWNSHIPS, MISSING])
    gov = put(store, COUNTY, {NEW: 20, PROCESSED: 5, GRANTED: None, REVIEW: 1}, AREA_INTRO)
    for unit, (new, processed, review) in TOWNSHIPS.items():
        put(store, unit, {NEW: new, PROCESSED: processed, REVIEW: review})
    put(store, "临朐县红旗镇人民政府", {NEW: 99}, year=2023)  # another year: not this year's unit sum
    put(store, "昌乐县乔官镇人民政府", {NEW: 50})  # another county: not in the area
    return gov


def cell(result, cid):
    return next(c for c in result.cells if c.id == cid)


def test_area_report_against_its_townships(store, county):
    r = area_comparison(store, county)
    assert r.scope.kind is ScopeKind.AREA and r.compared
    assert r.region == "山东省/潍坊市/临朐县"
    assert sorted(m.unit for m in r.counted) == sorted(TOWNSHIPS) and r.left_out == []
    assert r.missing == [MISSING] and r.registered == 4
    assert "3 个下级单位已报送并计入合计" in r.summary and "1 个下级单位未报送" in r.summary
    assert [c.id for c in r.cells] == list(COMPARED_IDS)

    new = cell(r, NEW)  # 3 + 4, the blank of 青山镇 left out and counted, never 0
    assert (new.area, new.children_sum, new.children_known, new.children_null) == (20, 7, 2, 1)
    assert new.verdict == "consistent" and new.difference == 13

    processed = cell(r, PROCESSED)  # 5 < 3 + 4 + 2: an area cannot process fewer than its parts
    assert (processed.area, processed.children_sum, processed.verdict) == (5, 9, "suspicious")
    assert processed.difference == -4 and processed.verdict_cn == "少于下级合计"
    assert r.suspicious == [processed] and "办理结果总计" in r.summary

    granted = cell(r, GRANTED)  # the area's own blank is not compared
    assert granted.area is None and granted.area_state == "blank" and granted.verdict == "not_comparable"
    assert granted.area_text == "空白"

    review = cell(r, REVIEW)
    assert (review.area, review.children_sum, review.verdict) == (1, 1, "consistent")
    assert r.to_dict()["missing"] == [MISSING] and json.dumps(r.to_dict(), ensure_ascii=False)


def test_own_scope_report_has_no_comparison(store, tmp_path):
    register(store, tmp_path, [COUNTY, *TOWNSHIPS])
    gov = put(store, COUNTY, {NEW: 1}, OWN_INTRO)
    put(store, "临朐县红旗镇人民政府", {NEW: 3})
    r = area_comparison(store, gov)
    assert r.scope.kind is ScopeKind.OWN and not r.compared and r.cells == [] and r.members == []
    assert r.summary == r.reason == "本级报告只统计本机关，不与下级单位的合计比较"


def test_unknown_scope_and_townships_have_no_comparison(store, county):
    vague = put(store, "临朐县人民政府", {NEW: 2}, "2024年，县政府认真贯彻落实《条例》。", year=2023)
    r = area_comparison(store, vague)
    assert r.scope.kind is ScopeKind.UNKNOWN and not r.compared and "范围无法判断" in r.reason
    township = next(m.report_id for m in area_comparison(store, county).counted)
    r = area_comparison(store, township)
    assert r.scope.kind is ScopeKind.NOT_APPLICABLE and not r.compared


def test_without_a_registry_the_missing_count_is_unknown(store):
    gov = put(store, COUNTY, {NEW: 20}, AREA_INTRO)
    put(store, "临朐县红旗镇人民政府", {NEW: 3})
    r = area_comparison(store, gov)
    assert r.compared and r.registered == 0 and r.missing == []
    assert "单位名册中没有该地区的单位" in r.summary and "未报送" in r.summary


def test_city_counts_units_once(store, tmp_path):
    """A city's area report: a county's own area report is not counted beside its townships (twice), a county's
    本级 report is, a 垂直管理部门 (by its name) is not, and neither is missing from the city."""
    city = put(store, "潍坊市人民政府", {NEW: 100}, "2024年，全市各级行政机关共收到政府信息公开申请100件。")
    county_area = put(store, COUNTY, {NEW: 50}, AREA_INTRO)
    county_own = put(store, "昌乐县人民政府", {NEW: 6}, OWN_INTRO)
    put(store, "临朐县红旗镇人民政府", {NEW: 10})
    put(store, "潍坊市财政局", {NEW: 4})
    weather = put(store, "潍坊市气象局", {NEW: 70})
    register(store, tmp_path, ["潍坊市气象局"])
    r = area_comparison(store, city)
    assert r.region == "山东省/潍坊市"
    counted = {m.report_id for m in r.counted}
    left_out = {m.report_id: m.note for m in r.left_out}
    assert county_own in counted and county_area in left_out and weather in left_out
    assert "全区域年报" in left_out[county_area] and "垂直管理部门" in left_out[weather]
    assert cell(r, NEW).children_sum == 6 + 10 + 4 and cell(r, NEW).verdict == "consistent"
    assert r.registered == 0 and r.missing == []  # the registered weather office owes the city nothing


def test_unknown_report_is_refused(store):
    with pytest.raises(StoreError):
        area_comparison(store, 999)


def test_cli_scope(store, county):
    if not store.url.startswith("sqlite"):
        pytest.skip("the CLI opens the SQLite file")
    db = store.url.removeprefix("sqlite:///")
    runner = CliRunner()
    done = runner.invoke(app, ["scope", str(county), "--db", db])
    assert done.exit_code == EXIT_OK, done.output
    assert "报告范围：全区域" in done.stdout and "1 个下级单位未报送" in done.stdout
    assert "少于下级合计" in done.stdout and MISSING in done.stdout
    record = json.loads(runner.invoke(app, ["scope", str(county), "--json", "--db", db]).stdout)
    assert record["scope"]["kind"] == "area" and record["reported"] == 3 and record["missing"] == [MISSING]
    assert {c["id"]: c["children_sum"] for c in record["cells"]}[NEW] == 7
    assert runner.invoke(app, ["scope", "999", "--db", db]).exit_code == EXIT_INPUT
