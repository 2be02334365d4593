"""The five seeds give exactly the TXT outcomes of spec §4.7 and §5 (prose against tables).

Every TXT rule instance is pinned per seed: PASS, NOT_STATED or NOT_ASSESSABLE, and the only FAIL
findings are TXT-GROWTH-NEW on 002 (3件 +300%) and TXT-DUP-WORD on 000 (the title's “公开 公开”
and §一's “领导领导”). The corpus is bundled in the package; a missing corpus is an error, not a skip.
"""

from __future__ import annotations

import pytest

from tests.check.seedcheck import seed_result
from zfxxgk.check import RULES, CheckResult
from zfxxgk.model import Outcome
from zfxxgk.model.ids import t3, t4

SEEDS = ("000", "001", "002", "003", "004")
TXT_RULES = [r for r in RULES if r.startswith("TXT-")]

P, F, NS, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_STATED, Outcome.NOT_ASSESSABLE
# Defects of the prose alone: nothing found is a pass (never NOT_STATED).
ALWAYS_ASSESSED = {"TXT-PLACEHOLDER": P, "TXT-DUP-WORD": P}
# spec §4.7 seeds column and §5, with the rules the spec marks “NOT_STATED all” / “none” filled in:
# TXT-YEAR-MENTION passes wherever some statement was matched (001 has none); the fee rules read the
# 信息处理费 statements of §六 (all zero; 001 has none; 004's 其他处理 rows are absent from table 3).
EXPECTED: dict[str, dict[str, Outcome]] = {
    "000": {
        "TXT-NEW-RECEIVED": P, "TXT-ZERO-DISPUTES": P, "TXT-YEAR-MENTION": P,
        "TXT-FEE-T2": P, "TXT-FEE-NOTICE": P, "TXT-DUP-WORD": F,
    },
    "001": {},
    "002": {
        "TXT-NEW-RECEIVED": P, "TXT-REVIEW": P, "TXT-LITIGATION": P, "TXT-YEAR-MENTION": P,
        "TXT-GROWTH-NEW": F, "TXT-FEE-T2": P, "TXT-FEE-NOTICE": P,
    },
    "003": {"TXT-ZERO-APPLICATIONS": P, "TXT-YEAR-MENTION": P, "TXT-FEE-T2": P, "TXT-FEE-NOTICE": P},
    "004": {
        "TXT-ZERO-APPLICATIONS": P, "TXT-ZERO-DISPUTES": NA, "TXT-YEAR-MENTION": P,
        "TXT-FEE-T2": P, "TXT-FEE-NOTICE": NA,
    },
}


def result(seed: str) -> CheckResult:
    return seed_result(seed, ["TXT"])


def expected(seed: str, rule_id: str) -> Outcome:
    return EXPECTED[seed].get(rule_id, ALWAYS_ASSESSED.get(rule_id, NS))


def failed(seed: str, rule_id: str):
    return [f for f in result(seed).findings if f.rule == rule_id]


def test_sixteen_txt_rules():
    assert len(TXT_RULES) == 16


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rule_id", TXT_RULES)
def test_outcome(seed, rule_id):
    assert set(result(seed).outcome_of(rule_id)) == {expected(seed, rule_id)}


@pytest.mark.parametrize("seed", SEEDS)
def test_only_txt_rules_ran(seed):
    assert {f.rule for f in result(seed).results} == set(TXT_RULES)


def test_000_new_received_is_anchored_to_its_clause():
    (passed,) = [f for f in result("000").results if f.rule == "TXT-NEW-RECEIVED"]
    assert passed.cells == [t3("new_received", "total")]


def test_000_repeated_words():
    found = failed("000", "TXT-DUP-WORD")
    assert [f.message for f in found] == ["“政府信息公开公开工作年度”存在重复字词。", "“府的正确领导领导下,乔官”存在重复字词。"]
    title, prose = (f.evidence["text"][0] for f in found)
    assert (title["section"], title["line"], title["span"]["col"]) == (0, 3, 21)
    assert (prose["section"], prose["line"], prose["word"]) == (1, 9, "领导")
    assert prose["clause"][prose["start"]:prose["end"]] == "领导领导"
    assert all(f.severity.value == "info" for f in found)
    assert len({f.fingerprint for f in found}) == 2


def test_002_growth():
    (f,) = failed("002", "TXT-GROWTH-NEW")
    assert f.severity.value == "info"
    assert f.message == "正文称收到申请3件、同比增长300%，推算上年件数为0.75，不是非负整数，件数或增幅有误。"
    (text,) = f.evidence["text"]
    assert (text["section"], text["line"], text["number"], text["kind"]) == (1, 21, 3, "eq")
    assert text["clause"].startswith("2023年共收到依申请公开事项3件,同比增长300%")
    assert f.excerpt == text["clause"]


def test_004_disputes_not_assessable_for_the_absent_table():
    (f,) = [f for f in result("004").results if f.rule == "TXT-ZERO-DISPUTES"]
    assert f.evidence["missing"] == [t4("review", "total"), t4("litigation_direct", "total"), t4("litigation_after_review", "total")]


@pytest.mark.parametrize("seed", SEEDS)
def test_no_other_findings(seed):
    got = sorted((f.rule, f.severity.value) for f in result(seed).findings)
    want = {
        "000": [("TXT-DUP-WORD", "info"), ("TXT-DUP-WORD", "info")],
        "002": [("TXT-GROWTH-NEW", "info")],
    }.get(seed, [])
    assert got == want
