"""CLI: zfxxgk import / correct / review against a database file."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.conftest import SEEDS_DIR
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.store import Store

runner = CliRunner()


def test_import_is_idempotent_and_reports_a_summary(tmp_path):
    db = str(tmp_path / "z.db")
    first = runner.invoke(app, ["import", str(SEEDS_DIR), "--db", db])
    assert first.exit_code == EXIT_OK, first.output
    assert "新增 5 份" in first.stdout and "数据库共 5 份报告" in first.stdout
    again = runner.invoke(app, ["import", str(SEEDS_DIR), "--db", db])
    assert "新增 0 份，已存在 5 份" in again.stdout


def test_import_bad_file_exit_2_others_kept(tmp_path):
    bad = tmp_path / "in" / "bad.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4 broken")
    db = str(tmp_path / "z.db")
    result = runner.invoke(app, ["import", str(SEEDS_DIR), str(bad.parent), "--db", db])
    assert result.exit_code == EXIT_INPUT
    assert "导入失败" in result.stderr and "新增 5 份" in result.stdout


def test_correct_and_review(tmp_path):
    db = str(tmp_path / "z.db")
    runner.invoke(app, ["import", str(SEEDS_DIR), "--db", db])
    store = Store(db)
    rid = store.find_report("武陟县大封镇人民政府", 2024)
    fingerprint = next(f.fingerprint for f, _ in store.findings(rid) if f.rule == "STRUCT-LABEL-VARIANT")
    store.close()
    fixed = runner.invoke(app, ["correct", str(rid), "t3.granted.natural_person=0", "--by", "李四", "--why", "补录", "--db", db])
    assert fixed.exit_code == EXIT_OK and "第 1 版" in fixed.stdout
    refused = runner.invoke(app, ["correct", str(rid), "t3.granted.natural_person=0", "--db", db])
    assert refused.exit_code == EXIT_INPUT and "更正人和原因" in refused.stderr
    ok = runner.invoke(app, ["review", str(rid), fingerprint, "--decision", "rejected", "--by", "张三", "--db", db])
    assert ok.exit_code == EXIT_OK and "驳回" in ok.stdout
    bad = runner.invoke(app, ["review", str(rid), "ffff", "--decision", "confirmed", "--by", "张三", "--db", db])
    assert bad.exit_code == EXIT_INPUT
