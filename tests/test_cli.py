"""End-to-end CLI tests on the real seeds: output shape, gold agreement and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import GOLD_DIR, ROOT, SEEDS, SEEDS_DIR, gold_for
from zfxxgk.cli import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, app
from zfxxgk.model import CELL_IDS

runner = CliRunner()


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_parse_json_matches_gold_for_the_whole_corpus():
    result = runner.invoke(app, ["parse", str(SEEDS_DIR), "--json"])
    assert result.exit_code == EXIT_OK, result.output
    recs = records(result.stdout)
    assert [r["source"] for r in recs] == [str(p) for p in SEEDS]
    for path, rec in zip(SEEDS, recs, strict=True):
        gold = gold_for(path)
        assert list(rec["cells"]) == list(CELL_IDS)
        for key in ("unit", "year", "published", "period", "sections", "cells"):
            assert rec[key] == gold[key], (path.name, key)
    assert GOLD_DIR.is_dir()


def test_check_json_shape_and_exit_status():
    result = runner.invoke(app, ["check", str(SEEDS_DIR), "--json"])
    recs = records(result.stdout)
    assert len(recs) == 5
    by_seed = {r["source"].rsplit("/", 1)[-1][:3]: r for r in recs}
    for rec in recs:
        assert set(rec) >= {"source", "unit", "year", "published", "period", "sections", "cells", "findings"}
        for f in rec["findings"]:
            assert set(f) >= {"rule", "severity", "message", "cells", "evidence", "fingerprint"}
            assert f["severity"] in ("error", "warning", "info")
    errors = {k: [f["rule"] for f in r["findings"] if f["severity"] == "error"] for k, r in by_seed.items()}
    assert errors["002"] == [] and errors["004"] != []
    assert result.exit_code == EXIT_FINDINGS  # 004 has error findings


def test_check_exit_zero_on_a_clean_report():
    clean = next(p for p in SEEDS if p.name.startswith("002"))
    result = runner.invoke(app, ["check", str(clean), "--select", "T3,T4,VAL"])
    assert result.exit_code == EXIT_OK, result.output
    assert "合计" in result.stdout and "错误 0" in result.stdout


def test_human_check_output_is_chinese_and_grouped():
    blanks = next(p for p in SEEDS if p.name.startswith("001"))
    result = runner.invoke(app, ["check", str(blanks)])
    assert "提示" in result.stdout and "T3-IMPLIED" in result.stdout
    assert "推算值未写入数据" in result.stdout
    assert "小结" in result.stdout


def test_select_and_ignore():
    seed = next(p for p in SEEDS if p.name.startswith("001"))
    only = records(runner.invoke(app, ["check", str(seed), "--json", "--select", "T3-IMPLIED"]).stdout)[0]
    assert {f["rule"] for f in only["findings"]} == {"T3-IMPLIED"}
    none = records(runner.invoke(app, ["check", str(seed), "--json", "--ignore", "T3"]).stdout)[0]
    assert not any(f["rule"].startswith("T3") for f in none["findings"])


def test_unreadable_input_exit_2_and_other_files_still_processed(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4 ...")
    good = SEEDS[0]
    result = runner.invoke(app, ["parse", str(empty), str(good), str(pdf), str(tmp_path / "missing.txt"), "--json"])
    assert result.exit_code == EXIT_INPUT
    recs = records(result.stdout)
    assert [("error" in r) for r in recs] == [True, False, True, True]
    assert "文件为空" in recs[0]["error"] and "文件不存在" in recs[3]["error"]
    assert "无法读取" in result.stderr


def test_check_unreadable_beats_findings(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["check", str(SEEDS_DIR), str(empty)])
    assert result.exit_code == EXIT_INPUT
    assert "无法读取 1" in result.stdout


def test_rules_lists_the_registry():
    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0
    rules = records(result.stdout)
    ids = {r["rule"] for r in rules}
    assert {"T3-BALANCE-{c}", "T3-IMPLIED"} <= ids
    assert all(r["title"] for r in rules)


def test_parse_explain_lists_every_cell():
    result = runner.invoke(app, ["parse", str(SEEDS[0]), "--explain"])
    assert result.exit_code == 0
    assert all(cid in result.stdout for cid in CELL_IDS)


def test_help_is_chinese():
    result = runner.invoke(app, ["--help"])
    assert "年度报告" in result.stdout
    for cmd in ("parse", "check", "rules"):
        assert runner.invoke(app, [cmd, "--help"]).exit_code == 0


def test_samples_are_bundled_and_score_1000_of_1000_against_their_gold(tmp_path):
    """The README's accuracy command: the bundled samples, parsed by the CLI, scored by benchmarks/score_gold.py."""
    shown = runner.invoke(app, ["samples"]).stdout.strip()
    assert sorted(p.name for p in Path(shown).iterdir()) == [p.name for p in SEEDS]
    out = tmp_path / "out.jsonl"
    out.write_text(runner.invoke(app, ["parse", shown, "--json"]).stdout, encoding="utf-8")
    scorer = [sys.executable, str(ROOT / "benchmarks" / "score_gold.py"), str(GOLD_DIR), str(out)]
    done = subprocess.run(scorer, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "cells 1000/1000 (100.00%) header 20/20 missing-files 0"
    # the scorer can fail: a blank read as 0 is wrong, and a missing file is counted
    recs = records(out.read_text(encoding="utf-8"))
    recs[1]["cells"]["t3.new_received.natural_person"] = 0  # gold: null (blank in the OCR copy)
    out.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs[1:]), encoding="utf-8")
    done = subprocess.run(scorer, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "cells 799/1000 (79.90%) header 16/20 missing-files 1"


def test_render_and_template_refuse_an_unreadable_input(tmp_path):
    bad = tmp_path / "坏.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    for args in (["render", str(bad)], ["render", str(tmp_path / "没有.txt")],
                 ["template", str(tmp_path / "t.xlsx"), "--from", str(bad)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "无法读取" in res.stderr and res.exception is None or isinstance(res.exception, SystemExit)
