"""The unit registry (who must report) and 报送情况 (did they): the template in and out, every row's
problem listed before anything is written, reports attached by name or former name, and coverage."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.conftest import SEEDS_DIR
from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.app.coverage import coverage
from zfxxgk.check import check
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.model.units import credit_code_error
from zfxxgk.parse import parse_bytes
from zfxxgk.store import Store, StoreError
from zfxxgk.store.registry import RegistryError, export_registry, import_registry, registry_units

runner = CliRunner()
HEADER = ["单位名称", "统一社会信用代码", "单位类型", "所属地区", "上级单位", "年报栏目网址"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit(first17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters (GB 32100 check character)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + ALPHABET[(31 - total % 31) % 31]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


FIVE = [  # the three 2024 samples and two units without a 2024 report
    ["昌乐县乔官镇人民政府", "", "乡镇人民政府", "", "昌乐县人民政府", "http://www.changle.gov.cn/zfxxgknb/"],
    ["武陟县大封镇人民政府", "", "乡镇人民政府", "", "", ""],
    ["枣庄市台儿庄区涧头集镇人民政府", "", "", "", "", ""],
    ["昌乐县五图街道办事处", "", "街道办事处", "", "昌乐县人民政府", ""],
    ["昌乐县人民政府", credit("11370725004199045"), "县级人民政府", "山东省/潍坊市/昌乐县", "", ""],
]


@pytest.fixture
def seeded(store):
    assert all(o.error is None for o in api.import_paths([SEEDS_DIR], store))
    return store


def test_credit_code_check_character():
    code = credit("91350100M000100Y4")
    assert credit_code_error(code) is None and code == "91350100M000100Y43"
    assert "校验位" in credit_code_error(code[:-1] + "X") and "18 位" in credit_code_error(code[:-2])
    assert "字符" in credit_code_error("I" * 18)


def test_five_expected_units_three_published_two_missing(seeded, tmp_path):
    done = import_registry(seeded, write_csv(tmp_path / "r.csv", FIVE))
    assert (done.added, done.updated) == (2, 3)  # the three sample units were already there, from their reports
    cov = coverage(seeded, 2024)
    status = {r.unit: r.status for r in cov.rows}
    assert sorted(u for u, st in status.items() if st == "missing") == sorted(["昌乐县五图街道办事处", "昌乐县人民政府"])
    assert cov.counts["missing"] == 2 and len(cov.rows) == 5
    assert status["武陟县大封镇人民政府"] == "undated"  # the sample carries no date at all
    assert status["昌乐县乔官镇人民政府"] == "on_time"
    by_region = {r.path: r for r in cov.regions}
    assert by_region["山东省"].expected == 4 and by_region["河南省"].counts["undated"] == 1
    # drill down: a province's cities, a county's own units
    assert {r.path for r in coverage(seeded, 2024, "山东省").regions} == {"山东省/潍坊市", "山东省/枣庄市"}
    assert len(coverage(seeded, 2024, "山东省/潍坊市/昌乐县").rows) == 3
    units = {u.name: u for u in registry_units(seeded)}
    assert units["昌乐县五图街道办事处"].parent == "昌乐县人民政府"
    assert units["昌乐县乔官镇人民政府"].portal_urls == ("http://www.changle.gov.cn/zfxxgknb/",)
    assert units["昌乐县人民政府"].credit_code.startswith("11370725")


def test_late_image_only_and_years_owed(store, tmp_path):
    rows = [["临朐县甲镇人民政府", "", "", "", "", ""], ["临朐县乙镇人民政府", "", "", "", "", ""],
            ["临朐县丙镇人民政府", "", "", "", "", ""]]
    header = [*HEADER, "起始年度", "终止年度"]
    write_csv(tmp_path / "r.csv", [rows[0] + ["", ""], rows[1] + ["", ""], rows[2] + ["2025", ""]], header)
    import_registry(store, tmp_path / "r.csv")
    late = parse_bytes(text_with(unit="临朐县甲镇人民政府", year=2024).encode(), "a.txt")
    late.published_on = dt.date(2025, 2, 10)
    scan = parse_bytes(text_with(unit="临朐县乙镇人民政府", year=2024).encode(), "b.txt")
    scan.format = "pdf-scan"
    for name, r in (("a.txt", late), ("b.txt", scan)):
        store.import_report(name, name.encode(), r, check(r).findings)
    cov = {r.unit: r for r in coverage(store, 2024).rows}
    assert (cov["临朐县甲镇人民政府"].status, cov["临朐县甲镇人民政府"].days_late) == ("late", 10)
    assert cov["临朐县甲镇人民政府"].published_basis == "发布日期"
    assert cov["临朐县乙镇人民政府"].status == "image_only"
    assert "临朐县丙镇人民政府" not in cov  # it owes reports from 2025 on
    assert coverage(store, 2025).counts["missing"] == 3


def test_every_problem_is_listed_and_nothing_is_written(store, tmp_path):
    rows = [
        ["昌乐县乔官镇人民政府", "", "", "山东省/潍坊市/昌东县", "", ""],  # a typo: the nearest divisions
        ["某局", credit("11370725004199045")[:-1] + "0", "", "", "", ""],  # a wrong check character
        ["朝阳区财政局", "", "政府部门", "", "", ""],  # several 朝阳区: 所属地区 needed
        ["某局", "", "", "", "", ""],  # the same name again
        ["某办", "", "部门?", "", "不存在的单位", "ftp://x"],  # type, parent, URL
    ]
    with pytest.raises(RegistryError) as e:
        import_registry(store, write_csv(tmp_path / "r.csv", rows))
    text = str(e.value)
    for part in ("第 2 行“所属地区”", "昌乐县", "第 3 行“统一社会信用代码”", "校验位", "第 4 行“单位名称”", "多个地区",
                 "第 5 行“单位名称”：与第 3 行重复", "第 6 行“单位类型”", "第 6 行“上级单位”", "第 6 行“年报栏目网址”"):
        assert part in text, part
    assert registry_units(store) == [] and store.count_reports() == 0
    with pytest.raises(StoreError, match="至少要有“单位名称”"):
        import_registry(store, write_csv(tmp_path / "bad.csv", [["x"]], ["单位名字"]))
    with pytest.raises(StoreError, match="不认识的列“备注”"):
        import_registry(store, write_csv(tmp_path / "bad2.csv", [["x", "y"]], ["单位名称", "备注"]))


def test_credit_code_places_the_unit_and_a_former_name_finds_it(store, tmp_path):
    code = credit("11370724004199045")  # characters 3–8: 370724 临朐县
    write_csv(tmp_path / "r.csv", [["某某局", code, "政府部门", "", "", "", "临朐县旧名局(2019-2022)"]],
              [*HEADER, "曾用名"])
    import_registry(store, tmp_path / "r.csv")
    (unit,) = registry_units(store)
    assert unit.region == "山东省/潍坊市/临朐县" and unit.aliases == ("临朐县旧名局(2019-2022)",)
    api.import_bytes(text_with(unit="临朐县旧名局", year=2022).encode(), "old.txt", store)
    (row,) = coverage(store, 2022).rows
    assert row.unit == "某某局" and row.status != "missing"  # the report under the former name counts


def test_export_is_the_import_template(seeded, tmp_path):
    import_registry(seeded, write_csv(tmp_path / "r.csv", FIVE))
    for ext in ("xlsx", "csv"):
        out = tmp_path / f"out.{ext}"
        assert export_registry(registry_units(seeded), out) == 5
        again = Store(str(tmp_path / f"again-{ext}.db"))
        assert import_registry(again, out).added == 5
        assert [u.to_dict() | {"id": 0} for u in registry_units(again)] == \
            [u.to_dict() | {"id": 0} for u in registry_units(seeded)]
        again.close()
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert [c.value for c in next(book.active.iter_rows(max_row=1))][:6] == HEADER


def test_cli_units_and_coverage(tmp_path):
    db = str(tmp_path / "z.db")
    assert runner.invoke(app, ["import", str(SEEDS_DIR), "--db", db]).exit_code == EXIT_OK
    write_csv(tmp_path / "r.csv", FIVE)
    done = runner.invoke(app, ["units", "import", str(tmp_path / "r.csv"), "--db", db])
    assert done.exit_code == EXIT_OK and "新增 2" in done.stdout
    lines = runner.invoke(app, ["coverage", "--year", "2024", "--json", "--db", db]).stdout.splitlines()
    recs = [json.loads(x) for x in lines]
    assert sum(r["status"] == "missing" for r in recs) == 2
    assert set(recs[0]) >= {"unit", "region", "status", "published", "report_id"}
    table = runner.invoke(app, ["coverage", "--year", "2024", "--db", db, "--output", str(tmp_path / "c.xlsx")])
    assert table.exit_code == EXIT_OK and "未发布" in table.stdout
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").active.max_row == 6
    listed = runner.invoke(app, ["units", "list", "--json", "--db", db]).stdout.splitlines()
    assert len(listed) == 5
    bad = write_csv(tmp_path / "bad.csv", [["昌乐县乔官镇人民政府", "", "", "昌东县", "", ""]])
    refused = runner.invoke(app, ["units", "import", str(bad), "--db", db])
    assert refused.exit_code == EXIT_INPUT and "第 2 行" in refused.stderr and "昌乐县" in refused.stderr


def test_migration_0010_adds_the_registry_and_goes_back(tmp_path):
    from sqlalchemy import inspect

    from tests.store.conftest import migrated

    engine, down = migrated(tmp_path, "0009")
    columns = {c["name"] for c in inspect(engine).get_columns("units")}
    assert {"registered", "credit_code", "parent_id", "portal_urls", "since", "until"} <= columns
    assert "unit_aliases" in inspect(engine).get_table_names()
    down()
    assert "unit_aliases" not in inspect(engine).get_table_names()
    assert "registered" not in {c["name"] for c in inspect(engine).get_columns("units")}
    engine.dispose()


def test_reports_outside_the_registry_wait_with_the_nearest_registry_names(tmp_path):
    """Once a registry is imported, a report whose unit it does not list waits (units pending), with the
    registry's nearest names — here a report signed with a short form of a registered name."""
    db = str(tmp_path / "z.db")
    assert runner.invoke(app, ["import", str(SEEDS_DIR), "--db", db]).exit_code == EXIT_OK
    listed = runner.invoke(app, ["units", "pending", "--json", "--db", db])
    assert listed.stdout.strip() == ""  # no registry yet: nothing waits
    assert runner.invoke(app, ["units", "import", str(write_csv(tmp_path / "r.csv", [
        ["昌乐县乔官镇人民政府", "", "乡镇人民政府", "", "", ""],
        ["武陟县大封镇政府", "", "乡镇人民政府", "", "", ""],
    ])), "--db", db]).exit_code == EXIT_OK
    rows = [json.loads(x) for x in runner.invoke(app, ["units", "pending", "--json", "--db", db]).stdout.splitlines()]
    outside = {r["unit"]: r for r in rows if r["kind"] == "registry"}
    assert "昌乐县乔官镇人民政府" not in outside
    assert outside["武陟县大封镇人民政府"]["nearest"][0] == "武陟县大封镇政府"
    text = runner.invoke(app, ["units", "pending", "--db", db]).stdout
    assert "不在单位名册中的单位" in text and "units merge" in text
