"""The five seeds give exactly the PARSE/STRUCT/VAL/T3/T4 findings of spec §5 (and the NA sets of §4.4).

The corpus is bundled in the package (``zfxxgk/samples``); a missing corpus is an error, not a skip.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.check.seedcheck import seed_result
from zfxxgk.check import CheckResult
from zfxxgk.model import Outcome
from zfxxgk.model.ids import OUTCOME_ROWS, T3_COLUMNS, T3_ROWS, t3

FAMILIES = ("PARSE", "STRUCT", "VAL", "T3", "T4")

COLUMNS = [c.key for c in T3_COLUMNS]
ROWS = [r.key for r in T3_ROWS]
T3_IDENTITIES = (
    [f"T3-BALANCE-{c}" for c in COLUMNS] + [f"T3-OUTCOMES-{c}" for c in COLUMNS] + [f"T3-ROWSUM-{r}" for r in ROWS]
)
T4_SUMS = ["T4-SUM-review", "T4-SUM-litigation_direct", "T4-SUM-litigation_after_review"]

# spec §5: (rule instance, severity) → count, restricted to FAMILIES
EXPECTED = {
    "000": {("STRUCT-LABEL-VARIANT", "warning"): 1},
    "001": {
        ("STRUCT-CELL-BLANK-t3", "warning"): 1,
        ("STRUCT-LABEL-VARIANT", "warning"): 1,
        ("T3-IMPLIED", "info"): 5,
        ("PARSE-HEADER-GARBLED", "info"): 1,
        ("PARSE-ROW-SPLIT", "info"): 1,
    },
    "002": {},
    "003": {("STRUCT-LABEL-VARIANT", "warning"): 8},
    "004": {
        ("STRUCT-SECTION-MISSING-4", "error"): 1,
        ("STRUCT-TABLE-MISSING-t4", "error"): 1,
        ("STRUCT-TABLE-TRUNCATED-t3", "error"): 1,
        ("STRUCT-LABEL-VARIANT", "warning"): 1,
        ("PARSE-ROW-SPLIT", "info"): 1,
    },
}

# 004's table 3 ends after 1.本机关不掌握相关政府信息: the last 12 rows are absent.
ABSENT_ROWS_004 = ROWS[ROWS.index("unavailable_needs_creation"):]


def result(seed: str) -> CheckResult:
    return seed_result(seed, None)


def failed(seed: str, rule: str | None = None):
    return [
        f for f in result(seed).findings
        if f.rule.split("-")[0] in FAMILIES and (rule is None or f.rule == rule)
    ]


def outcomes(seed: str, instances) -> dict[str, set[Outcome]]:
    res = result(seed)
    return {i: set(res.outcome_of(i)) for i in instances}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_fail_findings_equal_the_spec(seed):
    got = Counter((f.rule, f.severity.value) for f in failed(seed))
    assert dict(got) == EXPECTED[seed]


@pytest.mark.parametrize("seed", ["000", "002", "003"])
def test_all_t3_identities_pass(seed):
    assert outcomes(seed, T3_IDENTITIES) == {i: {Outcome.PASS} for i in T3_IDENTITIES}
    assert outcomes(seed, T4_SUMS) == {i: {Outcome.PASS} for i in T4_SUMS}


def test_001_blank_cells():
    (f,) = failed("001", "STRUCT-CELL-BLANK-t3")
    assert f.cells == [
        t3("new_received", "natural_person"),
        t3("granted", "natural_person"),
        t3("partially_granted", "natural_person"),
        t3("total_processed", "natural_person"),
        t3("total_processed", "commercial"),
        t3("carried_forward", "natural_person"),
    ]
    assert "表三有6个单元格为空" in f.message


def test_001_implied_values():
    implied = {f.cells[0]: f.evidence["implied"] for f in failed("001", "T3-IMPLIED")}
    values = {cell: set(v.values()) for cell, v in implied.items()}
    assert values == {
        t3("new_received", "natural_person"): {1},
        t3("granted", "natural_person"): {0},
        t3("partially_granted", "natural_person"): {0},
        t3("carried_forward", "natural_person"): {0},
        t3("total_processed", "commercial"): {0},
    }
    # total_processed.commercial is solved by two identities that agree
    assert set(implied[t3("total_processed", "commercial")]) == {"T3-BALANCE-commercial", "T3-OUTCOMES-commercial"}


def test_001_not_assessable_and_pass_sets():
    na = {
        "T3-BALANCE-natural_person", "T3-BALANCE-commercial", "T3-OUTCOMES-natural_person",
        "T3-OUTCOMES-commercial", "T3-ROWSUM-new_received", "T3-ROWSUM-granted", "T3-ROWSUM-partially_granted",
        "T3-ROWSUM-total_processed", "T3-ROWSUM-carried_forward",
    }
    got = outcomes("001", T3_IDENTITIES)
    assert {i for i, o in got.items() if o == {Outcome.NOT_ASSESSABLE}} == na
    assert {i for i, o in got.items() if o == {Outcome.PASS}} == set(T3_IDENTITIES) - na  # the other 30
    assert outcomes("001", ["T4-SUM-review"]) == {"T4-SUM-review": {Outcome.PASS}}


def test_001_note_findings():
    (garbled,) = failed("001", "PARSE-HEADER-GARBLED")
    assert garbled.message.startswith("表四表头“") and garbled.evidence["span"]["line"] > 0
    (split,) = failed("001", "PARSE-ROW-SPLIT")
    assert "三、本年度办理结果" in split.message
    (variant,) = failed("001", "STRUCT-LABEL-VARIANT")
    assert variant.message == "“(七)总记”应为标准表述“（七）总计”。"


def test_004_truncated_table3():
    (f,) = failed("004", "STRUCT-TABLE-TRUNCATED-t3")
    assert f.evidence["rows"] == ABSENT_ROWS_004 and len(ABSENT_ROWS_004) == 12
    assert f.evidence["suffix"] is True
    assert len(f.cells) == 84
    assert f.message.startswith("表三缺少12行：")


def test_004_not_assessable_sets():
    got = outcomes("004", T3_IDENTITIES)
    na = {i for i, o in got.items() if o == {Outcome.NOT_ASSESSABLE}}
    passed = {i for i, o in got.items() if o == {Outcome.PASS}}
    balance_outcomes = {i for i in T3_IDENTITIES if not i.startswith("T3-ROWSUM-")}
    absent_rowsums = {f"T3-ROWSUM-{r}" for r in ABSENT_ROWS_004}
    assert na == balance_outcomes | absent_rowsums
    assert len(balance_outcomes) == 14 and len(absent_rowsums) == 12
    assert passed == {f"T3-ROWSUM-{r}" for r in ROWS if r not in ABSENT_ROWS_004}
    assert len(passed) == 13
    assert outcomes("004", T4_SUMS) == {i: {Outcome.NOT_ASSESSABLE} for i in T4_SUMS}
    # the 12 absent rows include 10 of the 21 outcome leaves (T3-OUTCOMES cannot be assessed)
    assert len([r for r in OUTCOME_ROWS if r in ABSENT_ROWS_004]) == 10


def test_004_structure():
    (missing,) = failed("004", "STRUCT-SECTION-MISSING-4")
    assert missing.message == "缺少第四部分“政府信息公开行政复议、行政诉讼情况”。"
    (table,) = failed("004", "STRUCT-TABLE-MISSING-t4")
    assert table.message == "未找到表四“政府信息公开行政复议、行政诉讼情况”。"
    (variant,) = failed("004", "STRUCT-LABEL-VARIANT")
    assert "本年度止件数" in variant.message
    (split,) = failed("004", "PARSE-ROW-SPLIT")
    assert "行政事业性收费" in split.message
    assert set(result("004").outcome_of("STRUCT-CELL-BLANK-t4")) == {Outcome.NOT_ASSESSABLE}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_fingerprints_are_distinct(seed):
    prints = [f.fingerprint for f in result(seed).findings]
    assert len(prints) == len(set(prints))


# Spec §5, all families at once: the complete list of findings per seed (error / warning / info).
# 000 carries two TXT-DUP-WORD infos (§4.10): its title repeats 公开 and §一 says “正确领导领导下”.
SEED_SUMMARY = {
    "000": {("STRUCT-LABEL-VARIANT", "warning"): 1, ("SEC1-GOV-ACCOUNTABILITY", "warning"): 1,
            ("HDR-TITLE", "info"): 1, ("SEC5-PREV-RECTIFICATION", "info"): 1, ("TXT-DUP-WORD", "info"): 2},
    "001": {("STRUCT-CELL-BLANK-t3", "warning"): 1, ("STRUCT-LABEL-VARIANT", "warning"): 1,
            ("SEC1-GOV-ACCOUNTABILITY", "warning"): 1, ("SEC6-FEE-MISSING", "warning"): 1, ("T3-IMPLIED", "info"): 5,
            ("PARSE-HEADER-GARBLED", "info"): 1, ("PARSE-ROW-SPLIT", "info"): 1, ("DATE-PUBDATE-MISSING", "info"): 1,
            ("HDR-SIGNATURE-MISSING", "info"): 1, ("HDR-CONTACT-MISSING", "info"): 1, ("SEC5-PREV-RECTIFICATION", "info"): 1,
            ("SEC6-ITEM-MISSING-work_points", "info"): 1, ("SEC6-ITEM-MISSING-proposals", "info"): 1,
            ("SEC6-ITEM-MISSING-innovation", "info"): 1},
    "002": {("TXT-GROWTH-NEW", "info"): 1},
    "003": {("STRUCT-LABEL-VARIANT", "warning"): 8, ("SEC1-GOV-ACCOUNTABILITY", "warning"): 1},
    "004": {("STRUCT-SECTION-MISSING-4", "error"): 1, ("STRUCT-TABLE-MISSING-t4", "error"): 1,
            ("STRUCT-TABLE-TRUNCATED-t3", "error"): 1, ("STRUCT-LABEL-VARIANT", "warning"): 1,
            ("SEC1-GOV-ACCOUNTABILITY", "warning"): 1, ("PARSE-ROW-SPLIT", "info"): 1, ("SEC5-PREV-RECTIFICATION", "info"): 1},
}


@pytest.mark.parametrize("seed", sorted(SEED_SUMMARY))
def test_complete_seed_summary(seed):
    from collections import Counter

    got = Counter((f.rule, f.severity.value) for f in result(seed).findings)
    assert dict(got) == SEED_SUMMARY[seed]
    absence = ("STRUCT-SECTION-MISSING", "STRUCT-TABLE-MISSING", "DATE-PUBDATE-MISSING", "HDR-SIGNATURE-MISSING",
               "HDR-CONTACT-MISSING")
    for f in result(seed).findings:  # every finding points at the source, except those about something absent
        where = [c for c in f.cells if result(seed).report.cells[c].span] or f.evidence.get("span") or f.evidence.get("text")
        assert where or f.rule.startswith(absence), f.rule
