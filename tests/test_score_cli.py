"""`zfxxgk score` end to end on a store made from the bundled samples, and docs/profiles.md kept current."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from zfxxgk import api
from zfxxgk.app.profiles import reference_markdown, shipped_names
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("score") / "z.db")
    assert runner.invoke(app, ["import", str(api.SAMPLES_DIR), "--db", path]).exit_code == EXIT_OK
    return path


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_profile_ranks_the_imported_reports(db, name):
    done = runner.invoke(app, ["score", "--profile", name, "--year", "2024", "--db", db, "--json"])
    assert done.exit_code == EXIT_OK, done.output
    rows = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(rows) == 3 and all(r["profile"] == name and r["year"] == 2024 for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert [r["rank"] for r in rows][0] == 1
    for r in rows:
        lost = sum(i["deducted"] for i in r["indicators"])
        assert r["score"] == max(0, 100 - lost)
        for ind in r["indicators"]:
            for item in ind["items"]:  # every item is traceable: a stored finding, a cell or the report's dates
                assert item["report_id"] == r["report_id"]
                assert item["finding_id"] or item["cells"] or item["evidence"]
                if item["finding_id"]:
                    assert item["rule"] and item["link"] == f"/reports/{r['report_id']}#f-{item['fingerprint']}"


def test_national_minimum_deducts_the_missing_parts_with_their_findings(db):
    rows = [json.loads(x) for x in runner.invoke(
        app, ["score", "--profile", "national-minimum", "--year", "2024", "--db", db, "--json"]).stdout.splitlines()]
    last = rows[-1]
    assert last["unit"] == "枣庄市台儿庄区涧头集镇人民政府" and last["score"] == 70 and last["grade"] == "合格"
    (parts,) = [i for i in last["indicators"] if i["id"] == "missing-parts"]
    assert parts["capped"] is False and parts["deducted"] == 30
    assert {i["rule"] for i in parts["items"]} == {"STRUCT-SECTION-MISSING-4", "STRUCT-TABLE-MISSING-t4", "STRUCT-TABLE-TRUNCATED-t3"}


def test_table_output_and_xlsx(db, tmp_path):
    out = tmp_path / "评分.xlsx"
    done = runner.invoke(app, ["score", "--profile", "suqian", "--year", "2024", "--db", db, "--output", str(out)])
    assert done.exit_code == EXIT_OK
    assert "评分排名" in done.stdout and "武陟县大封镇人民政府" in done.stdout and "表四·行政复议·结果纠正" in done.stdout
    book = openpyxl.load_workbook(out)
    assert book["排名"].max_row == 4 and book["扣分明细"]["C1"].value == "指标"


def test_refusals_exit_2(db, tmp_path):
    unknown = runner.invoke(app, ["score", "--profile", "suqan", "--year", "2024", "--db", db])
    assert unknown.exit_code == EXIT_INPUT and "是否想写：suqian" in unknown.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: 坏\nindicators:\n  - {id: a, name: 甲, deduct: -1, condition: {type: deadline}}\n",
                   encoding="utf-8")
    refused = runner.invoke(app, ["score", "--profile", str(bad), "--year", "2024", "--db", db])
    assert refused.exit_code == EXIT_INPUT and "indicators[0].deduct：应大于 0" in refused.stderr
    assert runner.invoke(app, ["score", "--profile", "suqian", "--db", db]).exit_code == EXIT_INPUT
    region = runner.invoke(app, ["score", "--profile", "suqian", "--year", "2024", "--region", "火星", "--db", db])
    assert region.exit_code == EXIT_INPUT and "火星" in region.stderr


def test_region_and_own_profile(db, tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text("id: own\nname: 自定方案\ntotal: 10\nindicators:\n"
                   "  - {id: lost, name: 败诉, deduct: 4, condition: {type: lost_cases}}\n"
                   "grades:\n  - {name: 好, min: 8}\n", encoding="utf-8")
    rows = [json.loads(x) for x in runner.invoke(
        app, ["score", "--profile", str(own), "--year", "2024", "--region", "河南省", "--db", db, "--json"]).stdout.splitlines()]
    assert [(r["unit"], r["score"], r["grade"]) for r in rows] == [("武陟县大封镇人民政府", 6.0, None)]


def test_list_profiles():
    done = runner.invoke(app, ["score", "--list"])
    assert done.exit_code == EXIT_OK and all(n in done.stdout for n in shipped_names())


def test_profile_reference_is_up_to_date(tmp_path):
    page = tmp_path / "profiles.md"
    assert runner.invoke(app, ["score", "--reference", str(page)]).exit_code == EXIT_OK
    assert page.read_text(encoding="utf-8") == reference_markdown()
    committed = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "run: zfxxgk score --reference docs/profiles.md"
