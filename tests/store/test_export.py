"""Exports: one row per report with all 200 cells (xlsx/csv/jsonl), the 问题清单 and the metric sheet."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.conftest import SEEDS, SEEDS_DIR, gold_for
from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.check import check
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.model import CELL_IDS
from zfxxgk.model.ids import t3
from zfxxgk.parse import parse_file
from zfxxgk.store import StoreError
from zfxxgk.store import export as ex
from zfxxgk.store import queries as q

FEE = "t2.fee.amount"
GRANTED = t3("granted", "total")
GOLD = {g["source"]: g for g in map(gold_for, SEEDS)}


@pytest.fixture
def seeded(store):
    outcomes = list(api.import_paths([SEEDS_DIR], store))
    assert [o.created for o in outcomes] == [True] * 5
    return store


def _gold_cells(source: str) -> dict:
    return dict(GOLD[source]["cells"])


def test_export_rows_hold_every_cell_as_in_the_gold(seeded):
    rows = ex.export_rows(seeded)
    assert len(rows) == 5
    for r in rows:
        assert list(r) == list(ex.REPORT_COLUMNS)
        gold = _gold_cells(r["source_name"])
        assert {c: r[c] for c in CELL_IDS} == {c: gold[c] for c in CELL_IDS}
        assert r["unit"] == GOLD[r["source_name"]]["unit"] and r["year"] == GOLD[r["source_name"]]["year"]
        assert r["period_start"].isoformat() == GOLD[r["source_name"]]["period"][0]
        assert all(isinstance(r[c], int) for c in CELL_IDS if r[c] is not None)
    counts = {r["source_name"][:3]: (r["errors"], r["warnings"], r["infos"]) for r in rows}
    findings = q.findings(seeded)
    for r in rows:
        mine = [f.severity for f in findings if f.report_id == r["report_id"]]
        assert counts[r["source_name"][:3]] == (mine.count("error"), mine.count("warning"), mine.count("info"))
    assert counts["004"][0] == 3  # the seed with error-severity findings


def test_xlsx_has_five_rows_of_200_cells_with_chinese_headers(seeded, tmp_path):
    path = tmp_path / "out.xlsx"
    assert ex.to_xlsx(seeded, path) == 5
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["报告数据", "问题清单", "指标说明"]
    ws = wb["报告数据"]
    assert ws.max_row == 2 + 5 and ws.max_column == len(ex.HEADER_FIELDS) + 200
    labels = [c.value for c in ws[1]]
    ids = [c.value for c in ws[2]]
    assert ids == list(ex.REPORT_COLUMNS) and ws.row_dimensions[2].hidden
    assert labels[:3] == ["报告编号", "单位", "年度"]
    assert labels[ids.index(t3("granted", "natural_person"))] == "表三·（一）予以公开·自然人"
    assert ws.freeze_panes == "D3"
    assert ws.column_dimensions["B"].width == 30 and ws.column_dimensions["Z"].width == 14
    for row in ws.iter_rows(min_row=3, values_only=True):
        rec = dict(zip(ids, row))
        gold = _gold_cells(rec["source_name"])
        assert {c: rec[c] for c in CELL_IDS} == {c: gold[c] for c in CELL_IDS}  # blank stays empty, never 0
        assert rec["unit_type"] == "乡镇（街道）"
    blanks = sum(1 for row in ws.iter_rows(min_row=3, min_col=len(ex.HEADER_FIELDS) + 1, values_only=True)
                 for v in row if v is None)
    assert blanks == sum(1 for g in GOLD.values() for v in g["cells"].values() if v is None)

    wf = wb["问题清单"]
    header = [c.value for c in wf[1]]
    assert header == ["报告编号", "单位", "年度", "规则", "严重程度", "问题描述", "单元格", "审核结论", "审核人",
                      "审核意见", "指纹"]
    assert wf.max_row - 1 == len(q.findings(seeded)) and wf.freeze_panes == "A2"
    severities = {r[4] for r in wf.iter_rows(min_row=2, values_only=True)}
    assert severities <= {"错误", "警告", "提示"} and "错误" in severities

    wm = wb["指标说明"]
    formulas = {r[1]: r[2] for r in wm.iter_rows(min_row=2, values_only=True) if r[1]}
    assert formulas["disclosure_rate"] == "公开率 =（予以公开 + 部分公开）÷ 办理结果总计"
    assert set(formulas) == {m.id for m in q.METRICS}


def test_findings_sheet_carries_review_decisions(seeded, tmp_path):
    rid = seeded.find_report("枣庄市台儿庄区涧头集镇人民政府", 2024)
    target = next(f for f, _ in seeded.findings(rid) if f.severity == "error")
    seeded.review(rid, target.fingerprint, "rejected", "张三", "原件如此")
    path = tmp_path / "out.xlsx"
    ex.to_xlsx(seeded, path)
    rows = list(openpyxl.load_workbook(path)["问题清单"].iter_rows(min_row=2, values_only=True))
    row = next(r for r in rows if r[10] == target.fingerprint)
    assert row[:5] == (rid, "枣庄市台儿庄区涧头集镇人民政府", 2024, target.rule, "错误")
    assert row[7:10] == ("驳回", "张三", "原件如此")
    assert {r[7] for r in rows if r[10] != target.fingerprint} == {"未审核"}


def test_csv_round_trips_values_and_blanks(seeded, tmp_path):
    path, fpath = tmp_path / "out.csv", tmp_path / "findings.csv"
    assert ex.to_csv(seeded, path, findings_path=fpath) == 5
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 and list(rows[0]) == list(ex.REPORT_COLUMNS)
    for r in rows:
        gold = _gold_cells(r["source_name"])
        for c in CELL_IDS:
            assert r[c] == ("" if gold[c] is None else str(gold[c])), c
    with open(fpath, encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(q.findings(seeded))


def test_jsonl_round_trips_values_and_blanks(seeded, tmp_path):
    path = tmp_path / "out.jsonl"
    assert ex.to_jsonl(seeded, path) == 5
    recs = [json.loads(line, parse_float=Decimal) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 5
    for r in recs:
        gold = _gold_cells(r["source_name"])
        assert {c: r[c] for c in CELL_IDS} == {c: gold[c] for c in CELL_IDS}
        assert sum(r[k] for k in ("errors", "warnings", "infos")) == len(r["findings"])
    assert sum(len(r["findings"]) for r in recs) == len(q.findings(seeded))


def test_fees_stay_decimal_and_blank_stays_empty(store, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(text_with({FEE: Decimal("1.25"), GRANTED: None}, layout="cells", year=2024,
                                       unit="东风县红旗镇人民政府"), encoding="utf-8")
    list(api.import_paths([d], store))
    (row,) = ex.export_rows(store)
    assert row[FEE] == Decimal("1.25") and row[GRANTED] is None and row[t3("granted", "natural_person")] == 0
    ex.to_xlsx(store, tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["报告数据"]
    rec = dict(zip([c.value for c in ws[2]], [c.value for c in ws[3]]))
    assert rec[FEE] == 1.25 and rec[GRANTED] is None and rec[t3("granted", "natural_person")] == 0
    ex.to_csv(store, tmp_path / "o.csv")
    with open(tmp_path / "o.csv", encoding="utf-8-sig", newline="") as fh:
        (r,) = list(csv.DictReader(fh))
    assert r[FEE] == "1.25" and r[GRANTED] == "" and r[t3("granted", "natural_person")] == "0"
    ex.to_jsonl(store, tmp_path / "o.jsonl")
    j = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"), parse_float=Decimal)
    assert j[FEE] == Decimal("1.25") and j[GRANTED] is None


def test_export_by_year_and_format(seeded, tmp_path):
    assert len(ex.export_rows(seeded, year=2024)) == 3
    assert ex.export(seeded, tmp_path / "a.jsonl") == 5
    assert ex.export(seeded, tmp_path / "a.csv", year=2023) == 1
    assert ex.findings_csv_path(tmp_path / "a.csv").exists()
    with pytest.raises(ValueError, match="不支持"):
        ex.export(seeded, tmp_path / "a.txt")


runner = CliRunner()


def test_cli_export(seeded, tmp_path):
    out = tmp_path / "报告.xlsx"
    result = runner.invoke(app, ["export", str(out), "--db", seeded.url])
    assert result.exit_code == EXIT_OK, result.output
    assert "已导出 5 份报告" in result.stdout and openpyxl.load_workbook(out)["报告数据"].max_row == 7
    as_csv = runner.invoke(app, ["export", str(tmp_path / "r.csv"), "--db", seeded.url])
    assert as_csv.exit_code == EXIT_OK and "问题清单" in as_csv.stdout
    lines = runner.invoke(app, ["export", str(tmp_path / "r.out"), "--format", "jsonl", "--year", "2024",
                                "--db", seeded.url])
    assert lines.exit_code == EXIT_OK and len((tmp_path / "r.out").read_text(encoding="utf-8").splitlines()) == 3
    bad = runner.invoke(app, ["export", str(tmp_path / "r.doc"), "--db", seeded.url])
    assert bad.exit_code == EXIT_INPUT and "不支持" in bad.stderr


HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点此\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_no_export_holds_a_live_formula(store, tmp_path):
    """Unit, region and file names come from the reports: they stay text in every export (OWASP)."""
    for k, name in enumerate(HOSTILE):
        (tmp_path / f"{k}.txt").write_text(text_with(unit=f"{name}镇人民政府", year=2024), encoding="utf-8")
        hostile_file = tmp_path / f"{name.strip().replace('/', '_')}.txt"
        hostile_file.write_text(text_with(unit=f"镇{k}人民政府", year=2023), encoding="utf-8")
    hostile_region = "=cmd|' /C calc'!A0"
    with pytest.raises(StoreError):  # no door takes such a region any more …
        list(api.import_paths([tmp_path], store, region=hostile_region))
    list(api.import_paths([tmp_path], store))
    extra = tmp_path / "extra" / "x.txt"  # … but a store made before the division table may hold one
    extra.parent.mkdir()
    extra.write_text(text_with(unit="某某办公室", year=2022), encoding="utf-8")
    report = parse_file(extra)
    store.import_report("x.txt", extra.read_bytes(), report, check(report).findings, hostile_region)
    ex.to_xlsx(store, tmp_path / "out.xlsx")
    ex.to_csv(store, tmp_path / "out.csv", findings_path=tmp_path / "f.csv")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in t for t in texts) and any("calc" in t for t in texts)  # the names are there …
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]  # … as text
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    for path in (tmp_path / "out.csv", tmp_path / "f.csv"):
        fields = [f for row in csv.reader(open(path, encoding="utf-8-sig")) for f in row]
        assert any("HYPERLINK" in f for f in fields) or path.name == "f.csv"
        assert not [f for f in fields if f.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert ex.neutralise("=1") == "'=1" and ex.neutralise("乔官镇") == "乔官镇" and ex.neutralise(-5) == -5
