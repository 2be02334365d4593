"""Docs drift: the rule reference is generated from the registry and the cases, and must be current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from zfxxgk.check import RULES
from zfxxgk.cli import app

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
