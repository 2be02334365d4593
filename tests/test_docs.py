"""Docs drift: the rule reference is generated from the registry and the cases, and must be current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from zfxxgk.check import RULES
from zfxxgk.cli import app
from zfxxgk.model import CELL_IDS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "rules"


def test_rule_reference_is_up_to_date(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rule_docs.py"), str(tmp_path)], check=True, cwd=ROOT)
    generated = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert sorted(committed) == sorted(generated), "run: python scripts/gen_rule_docs.py"
    stale = [name for name in generated if generated[name] != committed[name]]
    assert stale == [], f"stale pages {stale}: run python scripts/gen_rule_docs.py"


def test_rules_command_index_and_registry_agree():
    listed = [json.loads(line)["rule"] for line in CliRunner().invoke(app, ["rules", "--json"]).stdout.splitlines()]
    assert listed == list(RULES)
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    assert all(f"[{rid}]" in index for rid in RULES)


def test_every_rule_page_has_both_examples():
    for rule in RULES.values():
        page = (DOCS / (rule.id.split("-{")[0] + ".md")).read_text(encoding="utf-8")
        assert "### 不合格" in page and "### 合格" in page, rule.id


def test_every_cli_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for cmd in ("parse", "check", "rules", "template", "render"):
        assert f"zfxxgk {cmd}" in readme
        assert CliRunner().invoke(app, [cmd, "--help"]).exit_code == 0


def test_cell_reference_is_generated_from_the_registry():
    generated = CliRunner().invoke(app, ["cells", "--markdown"]).stdout
    assert (ROOT / "docs" / "cells.md").read_text(encoding="utf-8") == generated, \
        "run: zfxxgk cells --markdown > docs/cells.md"
    assert all(f"`{cid}`" in generated for cid in CELL_IDS)


def test_cells_command_lists_every_id_with_its_chinese_label():
    rows = [json.loads(line) for line in CliRunner().invoke(app, ["cells", "--json"]).stdout.splitlines()]
    assert [r["id"] for r in rows] == list(CELL_IDS)
    assert rows[0]["label"] == "表二·规章·本年制发件数"
    assert {r["unit"] for r in rows} == {"件", "万元"}
    plain = CliRunner().invoke(app, ["cells"]).stdout
    assert "t3.withheld_state_secret.research" in plain and "共 200 个单元格" in plain


def test_nothing_a_user_or_the_tests_read_points_outside_the_repository():
    """A clone has no shared folder beside it: the README, the tests and the scripts must not need one."""
    looked_at = [ROOT / "README.md", *ROOT.glob("tests/**/*.py"), *ROOT.glob("scripts/*"), *ROOT.glob("benchmarks/*.py")]
    outside = "../" + "shared"  # spelled apart so that this file does not find itself
    offenders = [str(p.relative_to(ROOT)) for p in looked_at
                 if p.is_file() and outside in p.read_text(encoding="utf-8", errors="replace")]
    assert offenders == []
