"""Queries over the store: unit reports, year over year (with carry-over checks), unit against unit, roll-ups."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SEEDS_DIR
from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.app.compare import year_over_year
from zfxxgk.check import is_cross_year
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.model import CELL, CELL_IDS
from zfxxgk.model.ids import t3, t4
from zfxxgk.store import StoreError
from zfxxgk.store import queries as q

RED = "临朐县红旗镇人民政府"  # two consecutive years
WHITE = "临朐县白云镇人民政府"  # same county, 2024 only
LINQU = "山东省/潍坊市/临朐县"  # their official division (a township is a unit, not a region)

GRANTED, PARTIAL, PROCESSED = t3("granted", "total"), t3("partially_granted", "total"), t3("total_processed", "total")
NEW, CARRIED_OVER, CARRIED_FORWARD = t3("new_received", "total"), t3("carried_over", "total"), t3("carried_forward", "total")
CARRIED_OVER_NP, CARRIED_FORWARD_NP = t3("carried_over", "natural_person"), t3("carried_forward", "natural_person")
REVIEW, REVIEW_CORRECTED = t4("review", "total"), t4("review", "corrected")
FEE = "t2.fee.amount"

RED_2023 = {GRANTED: 3, PARTIAL: 1, PROCESSED: 4, NEW: 5, CARRIED_FORWARD: 2, CARRIED_FORWARD_NP: 2, FEE: Decimal("1.25")}
# carried_over.total 1 ≠ 2 carried forward in 2023 (XY-CARRY-total fails); natural_person 2 = 2 (passes)
RED_2024 = {GRANTED: 6, PARTIAL: 2, PROCESSED: 10, NEW: 9, CARRIED_OVER: 1, CARRIED_OVER_NP: 2, REVIEW: 3,
            REVIEW_CORRECTED: 1, FEE: None, t3("granted", "commercial"): None}
WHITE_2024 = {GRANTED: 4, PARTIAL: 0, PROCESSED: 5, NEW: None, REVIEW: 2, REVIEW_CORRECTED: 2}


def write(tmp_path: Path, name: str, values: dict, unit: str, year: int) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / f"{name}.txt").write_text(text_with(values, layout="cells", year=year, unit=unit), encoding="utf-8")
    return d


def load(store, *dirs: Path) -> list[int]:
    outcomes = list(api.import_paths(list(dirs), store))
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    return [o.report_id for o in outcomes]


@pytest.fixture
def built(store, tmp_path):
    """Seeds, then 红旗镇 2023 and 2024 (in that order) and 白云镇 2024."""
    load(store, SEEDS_DIR)
    load(store, write(tmp_path, "red2023", RED_2023, RED, 2023))
    load(store, write(tmp_path, "red2024", RED_2024, RED, 2024))
    load(store, write(tmp_path, "white2024", WHITE_2024, WHITE, 2024))
    return store


def yoy_of(store, unit, year, recheck=False, min_denominator=None):
    return year_over_year(store, unit, year, recheck, min_denominator)


# --- unit reports --------------------------------------------------------------------------------


def test_unit_reports_by_name_part_and_year(built):
    views = q.unit_reports(built, "红旗镇")
    assert [v.year for v in views] == [2023, 2024]
    v2023, v2024 = views
    assert v2024.name == RED and v2024.unit.region == LINQU and v2024.unit.unit_type == "township"
    assert v2023.cells[GRANTED] == 3 and v2023.cells[FEE] == Decimal("1.25") and isinstance(v2023.cells[NEW], int)
    assert v2024.cells[FEE] is None and v2024.states[FEE] == "blank"
    assert len(v2024.cells) == 200 and v2024.version == 0
    assert [v.id for v in q.unit_reports(built, RED, 2024)] == [v2024.id]
    assert q.unit_reports(built, RED, 2020) == []
    counts = {s: sum(1 for f in q.findings(built, [v2024.id]) if f.severity == s) for s in q.SEVERITIES}
    assert v2024.counts == counts


def test_unit_lookup_errors(built):
    with pytest.raises(StoreError, match="没有单位"):
        q.unit_reports(built, "西风县")
    with pytest.raises(StoreError, match="多个单位"):
        q.unit_reports(built, "临朐县")
    uid = q.unit_reports(built, WHITE)[0].unit.id
    assert q.unit_reports(built, str(uid))[0].name == WHITE


def test_seed_unit_report(built):
    (v,) = q.unit_reports(built, "武陟县大封镇人民政府")
    assert v.year == 2024 and v.unit.region == "河南省/焦作市/武陟县"
    assert v.cells[t3("new_received", "natural_person")] is None and v.cells[NEW] == 1
    assert v.cells[REVIEW] == 1 and v.cells[REVIEW_CORRECTED] == 1
    assert sum(1 for s in v.states.values() if s == "blank") == 6


# --- year over year ------------------------------------------------------------------------------


def test_year_over_year_cells_metrics_and_carry_over(built):
    yoy = yoy_of(built, RED, 2024, True)
    assert yoy.previous.year == 2023 and yoy.current.year == 2024 and len(yoy.cells) == 200
    by_id = {c.id: c for c in yoy.cells}
    assert [c.id for c in yoy.cells] == list(CELL_IDS)
    g = by_id[GRANTED]
    assert (g.previous, g.value, g.change) == (3, 6, 3) and g.label == "表三·（一）予以公开·总计"
    assert (by_id[CARRIED_FORWARD].previous, by_id[CARRIED_FORWARD].value, by_id[CARRIED_FORWARD].change) == (2, 0, -2)
    fee = by_id[FEE]
    assert fee.previous == Decimal("1.25") and fee.value is None and fee.change is None  # blank is not 0
    assert by_id[t3("granted", "commercial")].change is None
    assert by_id[t3("withheld_state_secret", "total")].change == 0
    assert {c.id for c in yoy.changed} == {GRANTED, PARTIAL, PROCESSED, NEW, CARRIED_OVER, CARRIED_OVER_NP,
                                           CARRIED_FORWARD, CARRIED_FORWARD_NP, REVIEW, REVIEW_CORRECTED, FEE,
                                           t3("granted", "commercial")}
    metrics = {m.id: (p, v) for m, p, v in yoy.metrics}
    prev, cur = metrics["disclosure_rate"]
    assert prev.value is None and prev.reason == q.TOO_FEW and (prev.numerator, prev.denominator) == (4, 4)
    assert cur.value == Decimal("0.8") and (cur.numerator, cur.denominator) == (8, 10) and cur.display == "80.0%"
    assert metrics["review_correction_rate"][1].reason == q.TOO_FEW  # 1 of 3: tiny sample refused
    carry = {x.rule: x for x in yoy.cross_year}
    assert yoy.cross_year_source == "check"
    assert carry["XY-CARRY-total"].outcome == "fail" and carry["XY-CARRY-total"].severity == "warning"
    assert "上年结转1件" in carry["XY-CARRY-total"].message and "结转下年度2件" in carry["XY-CARRY-total"].message
    assert carry["XY-CARRY-natural_person"].outcome == "pass"
    assert all(is_cross_year(r) for r in carry)


def test_year_over_year_from_stored_findings(built):
    yoy = yoy_of(built, RED, 2024)  # 2023 was imported first: the import checked the carry-over
    assert yoy.cross_year_source == "stored"
    assert [x.rule for x in yoy.cross_year] == ["XY-CARRY-total"]


def test_year_over_year_checks_when_previous_year_came_later(store, tmp_path):
    load(store, write(tmp_path, "red2024", RED_2024, RED, 2024))  # no 2023 yet
    load(store, write(tmp_path, "red2023", RED_2023, RED, 2023))  # importing 2023 re-checks the stored 2024
    stored = yoy_of(store, RED, 2024).cross_year
    assert "XY-CARRY-total" in [x.rule for x in stored]
    rechecked = yoy_of(store, RED, 2024, True)
    assert [x.rule for x in rechecked.cross_year if x.outcome == "fail"] == ["XY-CARRY-total"]


def test_year_over_year_reads_the_corrected_version(built):
    rid = q.unit_reports(built, RED, 2024)[0].id
    built.correct(rid, {GRANTED: 7, FEE: Decimal("0.5")}, "李四", "对照原件")
    yoy = yoy_of(built, RED, 2024)
    by_id = {c.id: c for c in yoy.cells}
    assert yoy.current.version == 1
    assert by_id[GRANTED].change == 4 and by_id[FEE].value == Decimal("0.5") and by_id[FEE].change == Decimal("-0.75")


def test_year_over_year_needs_both_years(built):
    with pytest.raises(StoreError, match="上一年度"):
        yoy_of(built, WHITE, 2024)
    with pytest.raises(StoreError, match="2022年度"):
        yoy_of(built, WHITE, 2022)


# --- unit against unit ---------------------------------------------------------------------------


def test_compare_units(built):
    cmp = q.compare_units(built, RED, WHITE, 2024)
    by_id = {c.id: c for c in cmp.cells}
    assert (by_id[GRANTED].a, by_id[GRANTED].b, by_id[GRANTED].difference) == (6, 4, 2)
    assert by_id[NEW].b is None and by_id[NEW].difference is None
    assert {c.id for c in cmp.different} == {GRANTED, PARTIAL, PROCESSED, NEW, CARRIED_OVER, CARRIED_OVER_NP,
                                             REVIEW, REVIEW_CORRECTED, FEE, t3("granted", "commercial")}
    metrics = {m.id: (a, b) for m, a, b in cmp.metrics}
    assert metrics["disclosure_rate"][0].value == Decimal("0.8")
    assert metrics["disclosure_rate"][1].value == Decimal("0.8") and metrics["disclosure_rate"][1].numerator == 4
    assert q.common_latest_year(built, RED, WHITE) == 2024
    with pytest.raises(StoreError, match="2023年度"):
        q.compare_units(built, RED, WHITE, 2023)
    with pytest.raises(StoreError, match="不同的单位"):
        q.compare_units(built, RED, "红旗镇", 2024)


# --- roll-ups ------------------------------------------------------------------------------------


def test_rollup_sums_known_values_and_counts_nulls(built):
    regions = {r.path: r for r in q.rollup(built, 2024)}
    county = regions[LINQU]
    assert (county.level, county.units, county.reports) == ("county", 2, 2)
    assert county.sums[GRANTED] == 10 and county.nulls[GRANTED] == 0
    assert county.sums[PROCESSED] == 15
    assert county.sums[NEW] == 9 and county.nulls[NEW] == 1  # 白云镇 left it blank: not 0, but counted
    assert county.sums[FEE] == 0 and county.nulls[FEE] == 1
    assert county.sums[REVIEW] == 5 and county.sums[REVIEW_CORRECTED] == 3
    disclosure = county.metrics["disclosure_rate"]
    assert (disclosure.value, disclosure.numerator, disclosure.denominator) == (Decimal("0.8"), 12, 15)
    review = county.metrics["review_correction_rate"]
    assert (review.value, review.numerator, review.denominator) == (Decimal("0.6"), 3, 5)
    carried = county.metrics["carried_over_share"]  # 白云镇's blank 新收 leaves it out of the rate
    assert (carried.reports, carried.excluded, carried.numerator, carried.denominator) == (1, 1, 1, 10)
    assert carried.value == Decimal("0.1")
    assert regions["山东省/潍坊市"].sums[GRANTED] == 10 + 1  # with the seed 乔官镇 of 昌乐县 (予以公开 1)
    # the seeds of 2024: 乔官镇, 大封镇, 涧头集镇 — 安丘 (2023) and 鄌郚镇 (2022) are other years
    assert {"山东省/潍坊市/昌乐县", "河南省/焦作市/武陟县", "山东省/枣庄市", "山东省/枣庄市/台儿庄区"} <= set(regions)
    assert "山东省/潍坊市/安丘市" not in regions
    zaozhuang = regions["山东省/枣庄市"]
    assert zaozhuang.reports == 1 and zaozhuang.sums[PROCESSED] is None and zaozhuang.nulls[PROCESSED] == 1
    assert zaozhuang.metrics["disclosure_rate"].reason == q.MISSING
    assert zaozhuang.incomplete == 99


def test_rollup_by_level_and_minimum(built):
    counties = q.rollup(built, 2024, "county")
    assert {r.level for r in counties} == {"county"}
    assert {r.path for r in counties} == {"山东省/潍坊市/昌乐县", LINQU, "山东省/枣庄市/台儿庄区", "河南省/焦作市/武陟县"}
    assert sum(r.reports for r in counties) == 5
    assert q.rollup(built, 2024, "township") == []  # townships are units: the division table stops at counties
    assert [r.path for r in q.rollup(built, 2023, "city")] == ["山东省/潍坊市"]  # 安丘市 and 临朐县
    strict = {r.path: r for r in q.rollup(built, 2024, "county", min_denominator=6)}
    assert strict[LINQU].metrics["review_correction_rate"].reason == q.TOO_FEW  # 5 cases < 6
    assert q.rollup(built, 1999) == []
    with pytest.raises(StoreError, match="级别"):
        q.rollup(built, 2024, "village")


def test_rollup_counts_a_unit_once_per_year(store, tmp_path):
    load(store, write(tmp_path, "a", {GRANTED: 5, PROCESSED: 5}, RED, 2024))
    load(store, write(tmp_path, "b", {GRANTED: 7, PROCESSED: 7}, RED, 2024))  # re-published: the newest counts
    (county,) = q.rollup(store, 2024, "county")
    assert (county.units, county.reports, county.sums[GRANTED]) == (1, 1, 7)


def test_rollup_unassigned_reports(store, tmp_path):
    load(store, write(tmp_path, "a", {GRANTED: 5, PROCESSED: 5}, "东风水利局", 2024))
    regions = q.rollup(store, 2024)
    assert [(r.path, r.region_id, r.units, r.sums[GRANTED]) for r in regions] == [(q.UNASSIGNED, None, 1, 5)]
    assert q.rollup(store, 2024, "county") == []


# --- metrics -------------------------------------------------------------------------------------


def test_metric_registry_is_documented_and_derived():
    assert len({m.id for m in q.METRICS}) == len(q.METRICS) >= 8
    for m in q.METRICS:
        assert m.name in m.formula and "÷" in m.formula and m.note.startswith("分母")
        assert m.numerator and m.denominator and all(c in CELL for c in m.operands)
        assert m.min_denominator == q.MIN_DENOMINATOR == 5
    d = q.METRIC["disclosure_rate"]
    assert d.formula == "公开率 =（予以公开 + 部分公开）÷ 办理结果总计"
    assert d.numerator == (GRANTED, PARTIAL) and d.denominator == (PROCESSED,)
    assert len(q.METRIC["withheld_rate"].numerator) == 8 and len(q.METRIC["declined_rate"].numerator) == 5
    assert q.METRIC["litigation_correction_rate"].denominator == (t4("litigation_direct", "total"),
                                                                  t4("litigation_after_review", "total"))


def test_rates_refuse_tiny_samples_and_nulls():
    d = q.METRIC["disclosure_rate"]
    cells = {GRANTED: 3, PARTIAL: 1, PROCESSED: 4}
    small = q.evaluate(d, [cells])
    assert small.value is None and small.reason == q.TOO_FEW and small.display == "样本过少"
    assert q.evaluate(d, [cells], min_denominator=4).value == Decimal("1")
    five = q.evaluate(d, [{GRANTED: 2, PARTIAL: 0, PROCESSED: 5}])
    assert five.value == Decimal("0.4") and five.display == "40.0%"
    blank = q.evaluate(d, [{GRANTED: None, PARTIAL: 0, PROCESSED: 50}])
    assert blank.value is None and blank.reason == q.MISSING and blank.excluded == 1
    zero = q.evaluate(d, [{GRANTED: 0, PARTIAL: 0, PROCESSED: 0}], min_denominator=0)
    assert zero.value is None and zero.reason == q.TOO_FEW
    mixed = q.evaluate(d, [{GRANTED: 4, PARTIAL: 1, PROCESSED: 6}, {GRANTED: 9, PARTIAL: None, PROCESSED: 9}])
    assert (mixed.value, mixed.reports, mixed.excluded) == (Decimal("0.8333"), 1, 1)
    assert mixed.to_dict()["value"] == 0.8333


def test_cell_labels():
    assert q.cell_label(t3("granted", "natural_person")) == "表三·（一）予以公开·自然人"
    assert q.cell_label(t3("withheld_state_secret", "total")) == "表三·（三）不予公开1.属于国家秘密·总计"
    assert q.cell_label(t4("review", "corrected")) == "表四·行政复议·结果纠正"
    assert q.cell_label(CELL_IDS[0]) == "表二·规章·本年制发件数"
    assert len({q.cell_label(c) for c in CELL_IDS}) == 200


# --- CLI -----------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_show_compare_rollup(built):
    db = built.url
    shown = runner.invoke(app, ["show", "红旗镇", "--year", "2024", "--db", db])
    assert shown.exit_code == EXIT_OK, shown.output
    assert RED in shown.stdout and "公开率" in shown.stdout and "80.0%（8/10）" in shown.stdout
    assert "样本过少" in shown.stdout and "XY-CARRY-total" in shown.stdout
    rec = json.loads(runner.invoke(app, ["show", RED, "--json", "--db", db]).stdout.splitlines()[0])
    assert rec["year"] == 2023 and rec["cells"][FEE] == 1.25 and rec["metrics"]["disclosure_rate"]["reason"] == "样本过少"

    yoy = runner.invoke(app, ["compare", RED, "--yoy", "--db", db])
    assert yoy.exit_code == EXIT_OK, yoy.output
    assert "2023年度" in yoy.stdout and "XY-CARRY-total" in yoy.stdout and "不通过 1" in yoy.stdout
    data = json.loads(runner.invoke(app, ["compare", RED, "--yoy", "--year", "2024", "--json", "--db", db]).stdout)
    assert data["previous_year"] == 2023 and len(data["cells"]) == 200 and data["cross_year_source"] == "check"

    pair = runner.invoke(app, ["compare", RED, WHITE, "--json", "--db", db])
    assert pair.exit_code == EXIT_OK and json.loads(pair.stdout)["year"] == 2024
    bad = runner.invoke(app, ["compare", RED, "--db", db])
    assert bad.exit_code == EXIT_INPUT
    missing = runner.invoke(app, ["compare", WHITE, "--yoy", "--db", db])
    assert missing.exit_code == EXIT_INPUT and "上一年度" in missing.stderr

    table = runner.invoke(app, ["rollup", "--year", "2024", "--level", "county", "--db", db])
    assert table.exit_code == EXIT_OK and "县级" in table.stdout and "公开率" in table.stdout
    lines = runner.invoke(app, ["rollup", "--year", "2024", "--level", "county", "--json", "--db", db]).stdout
    east = next(json.loads(x) for x in lines.splitlines() if json.loads(x)["path"] == LINQU)
    assert east["sums"][NEW] == 9 and east["nulls"][NEW] == 1 and east["metrics"]["disclosure_rate"]["value"] == 0.8
    assert runner.invoke(app, ["rollup", "--year", "2024", "--level", "x", "--db", db]).exit_code == EXIT_INPUT
    assert runner.invoke(app, ["rollup", "--year", "2024", "--cell", "t9.x", "--db", db]).exit_code == EXIT_INPUT


def test_cli_unknown_unit_and_missing_database(tmp_path):
    result = runner.invoke(app, ["show", "红旗镇", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == EXIT_INPUT and "数据库不存在" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_readme_documents_the_commands_and_formulas():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for cmd in ("show", "compare", "rollup", "export"):
        assert f"zfxxgk {cmd}" in readme
        assert runner.invoke(app, [cmd, "--help"]).exit_code == EXIT_OK
    for m in q.METRICS:
        assert m.formula in readme, m.id


def test_an_id_longer_than_the_database_holds_is_not_found_not_a_crash(store):
    from zfxxgk.store import StoreError
    from zfxxgk.store.queries import resolve_unit
    from zfxxgk.store.regions import resolve_region
    from zfxxgk.store.users import resolve_unit_id

    huge = "9" * 30
    with store.session() as s:
        for lookup in (lambda: resolve_unit(s, huge), lambda: resolve_region(s, huge),
                       lambda: resolve_unit_id(s, huge)):
            try:
                lookup()
            except StoreError as e:
                assert huge in str(e)
            else:
                raise AssertionError("a 30-digit id was found")
