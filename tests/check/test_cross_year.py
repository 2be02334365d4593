"""Cross-year comparison: the duplicate-text measure and pairing of consecutive years on the CLI."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.parse.builders import text_with
from zfxxgk.check.overlap import copied_shares
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


def _naive_share(text: str, previous: str, n: int = 8) -> float:
    """The definition, character by character: covered when inside a window of n characters found in previous."""
    a, b = "".join(text.split()), "".join(previous.split())
    if len(a) < n or len(b) < n:
        return 0.0
    covered = [any(a[j:j + n] in b for j in range(max(0, i - n + 1), min(i, len(a) - n) + 1)) for i in range(len(a))]
    return sum(covered) / len(a)


@settings(max_examples=300, deadline=None)
@given(st.text("甲乙丙丁 戊", max_size=60), st.text("甲乙丙丁 戊", max_size=60), st.integers(2, 8))
def test_copied_share_is_the_definition(text, previous, n):
    assert copied_share(text, previous, n) == _naive_share(text, previous, n)


@settings(max_examples=300, deadline=None)
@given(st.text("甲乙丙丁 戊", max_size=60), st.text("甲乙丙丁 戊", max_size=60), st.integers(2, 8))
def test_both_shares_at_once_are_the_two_measures(text, other, n):
    """The copy finder's pair measure (both ways in one pass) is the definition applied each way."""
    assert copied_shares(text, other, n) == (_naive_share(text, other, n), _naive_share(other, text, n))
