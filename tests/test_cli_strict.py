"""CLI strictness: a typo in a rule selector, a cell id or a decision word is refused with suggestions (exit 2)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.conftest import SEEDS, SEEDS_DIR
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.store import Store

runner = CliRunner()


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_selector_is_refused_with_suggestions(option):
    result = runner.invoke(app, ["check", str(SEEDS[0]), option, "NOPE"])
    assert result.exit_code == EXIT_INPUT
    assert "没有这样的规则：NOPE" in result.stderr
    assert result.stdout == ""  # refused before any file is read
    typo = runner.invoke(app, ["check", str(SEEDS[0]), option, "T3-IMPLYED"])
    assert typo.exit_code == EXIT_INPUT and "是否想写：T3-IMPLIED" in typo.stderr


def test_unknown_selector_in_a_list_is_refused_and_known_prefixes_pass():
    bad = runner.invoke(app, ["check", str(SEEDS[0]), "--select", "T3,T9"])
    assert bad.exit_code == EXIT_INPUT
    assert "没有这样的规则：T9" in bad.stderr and "没有这样的规则：T3" not in bad.stderr
    ok = runner.invoke(app, ["check", str(SEEDS[0]), "--select", "t3", "--json"])
    assert ok.exit_code != EXIT_INPUT, ok.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("strict") / "z.db")
    assert runner.invoke(app, ["import", str(SEEDS_DIR), "--db", path]).exit_code == EXIT_OK
    return path


def _report(db: str) -> tuple[int, str]:
    store = Store(db)
    rid = store.find_report("武陟县大封镇人民政府", 2024)
    assert rid is not None
    fingerprint = store.findings(rid)[0][0].fingerprint
    store.close()
    return rid, fingerprint


def test_correct_refuses_an_unknown_cell_id_with_suggestions(db):
    rid, _ = _report(db)
    result = runner.invoke(app, ["correct", str(rid), "t3.granted.natural_persn=3", "--by", "李四", "--why", "核对", "--db", db])
    assert result.exit_code == EXIT_INPUT
    assert "没有这样的单元格：t3.granted.natural_persn" in result.stderr
    assert "是否想写：t3.granted.natural_person" in result.stderr
    far = runner.invoke(app, ["correct", str(rid), "表三=3", "--by", "李四", "--why", "核对", "--db", db])
    assert far.exit_code == EXIT_INPUT and "zfxxgk cells" in far.stderr
    store = Store(db)
    assert store.corrections(rid) == []  # nothing written
    store.close()


def test_correct_refuses_an_item_without_a_value(db):
    rid, _ = _report(db)
    result = runner.invoke(app, ["correct", str(rid), "t3.granted.natural_person", "--by", "李四", "--why", "核对", "--db", db])
    assert result.exit_code == EXIT_INPUT and "单元格编号=数值" in result.stderr


def test_review_refuses_an_unknown_decision_with_suggestions(db):
    rid, fingerprint = _report(db)
    result = runner.invoke(app, ["review", str(rid), fingerprint, "--decision", "confirm", "--by", "张三", "--db", db])
    assert result.exit_code == EXIT_INPUT
    assert "未知的审核结论：confirm" in result.stderr and "confirmed" in result.stderr
    other = runner.invoke(app, ["review", str(rid), fingerprint, "--decision", "同意", "--by", "张三", "--db", db])
    assert other.exit_code == EXIT_INPUT and "确认/confirmed" in other.stderr


@pytest.mark.parametrize(("word", "stored"), [("确认", "confirmed"), ("驳回", "rejected"), ("Rejected", "rejected")])
def test_review_accepts_the_chinese_words(db, word, stored):
    rid, fingerprint = _report(db)
    result = runner.invoke(app, ["review", str(rid), fingerprint, "--decision", word, "--by", "张三", "--db", db])
    assert result.exit_code == EXIT_OK, result.output
    store = Store(db)
    decision = dict((f.fingerprint, d) for f, d in store.findings(rid))[fingerprint]
    store.close()
    assert decision is not None and decision.decision == stored


def test_rollup_refuses_an_unknown_cell_with_suggestions(db):
    result = runner.invoke(app, ["rollup", "--year", "2024", "--cell", "t3.new_recieved.total", "--db", db])
    assert result.exit_code == EXIT_INPUT and "是否想写：t3.new_received.total" in result.stderr
