"""Cross-year comparison: the duplicate-text measure and pairing of consecutive years on the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.parse.builders import text_with
from zfxxgk.check.rules.cross_year import copied_share
from zfxxgk.cli import app
from zfxxgk.model.ids import t3


def test_copied_share_counts_runs_of_eight_or_more():
    assert copied_share("甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚辛") == 1.0
    assert copied_share("甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚X") == 0.0  # a 7-character run does not count
    assert copied_share("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳", "甲乙丙丁戊己庚辛") == 0.5
    assert copied_share("甲 乙丙丁戊己庚辛", "甲乙丙丁\n戊己庚辛") == 1.0  # whitespace ignored
    assert copied_share("", "任何文字任何文字") == 0.0


def test_check_pairs_consecutive_years_of_the_same_unit(tmp_path):
    (tmp_path / "2023.txt").write_text(text_with({t3("carried_forward", "total"): 2, t3("carried_forward", "natural_person"): 2,
                                                  t3("new_received", "total"): 2, t3("new_received", "natural_person"): 2}, year=2023),
                                       encoding="utf-8")
    (tmp_path / "2024.txt").write_text(text_with(year=2024), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--json", "--select", "XY-CARRY"])
    recs = {json.loads(line)["year"]: json.loads(line) for line in result.stdout.splitlines()}
    assert [f["rule"] for f in recs[2024]["findings"]] == ["XY-CARRY-natural_person", "XY-CARRY-total"]
    assert "XY-CARRY-total" in recs[2023]["not_assessable"]  # no 2022 report given
