"""The five seeds give exactly the DATE/HDR/SEC1/SEC5/SEC6 findings of spec §5 (and its PASS/NA outcomes).

The corpus is bundled in the package (``zfxxgk/samples``); a missing corpus is an error, not a skip.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.check.seedcheck import seed_result
from zfxxgk.check import RULES, CheckResult
from zfxxgk.check.registry import matches
from zfxxgk.model import Outcome

FAMILIES = ["DATE", "HDR", "SEC1", "SEC5", "SEC6"]

# spec §5: (rule instance, severity) → count of FAIL findings, restricted to FAMILIES
EXPECTED = {
    "000": {
        ("SEC1-GOV-ACCOUNTABILITY", "warning"): 1,
        ("HDR-TITLE", "info"): 1,
        ("SEC5-PREV-RECTIFICATION", "info"): 1,
    },
    "001": {
        ("SEC1-GOV-ACCOUNTABILITY", "warning"): 1,
        ("SEC6-FEE-MISSING", "warning"): 1,
        ("DATE-PUBDATE-MISSING", "info"): 1,
        ("HDR-SIGNATURE-MISSING", "info"): 1,
        ("HDR-CONTACT-MISSING", "info"): 1,
        ("SEC5-PREV-RECTIFICATION", "info"): 1,
        ("SEC6-ITEM-MISSING-work_points", "info"): 1,
        ("SEC6-ITEM-MISSING-proposals", "info"): 1,
        ("SEC6-ITEM-MISSING-innovation", "info"): 1,
    },
    "002": {},
    "003": {("SEC1-GOV-ACCOUNTABILITY", "warning"): 1},
    "004": {
        ("SEC1-GOV-ACCOUNTABILITY", "warning"): 1,
        ("SEC5-PREV-RECTIFICATION", "info"): 1,
    },
}
# spec §5: the items SEC1-GOV-ACCOUNTABILITY misses (002 passes: 工作考核 / 社会评议 / 责任追究结果)
ACCOUNTABILITY_MISSING = {
    "000": "考核、责任追究",
    "001": "考核、评议、责任追究",
    "003": "评议、责任追究",
    "004": "评议、责任追究",
}
# spec §4.8: DATE-DEADLINE passes on the signature date (townships: default deadline 01-31, info)
DEADLINE_PASS = {
    "000": ("2025-01-14", "2025-01-31"),
    "002": ("2024-01-23", "2024-01-31"),
    "003": ("2023-01-10", "2023-01-31"),
    "004": ("2025-01-18", "2025-01-31"),
}


def result(seed: str) -> CheckResult:
    return seed_result(seed, FAMILIES)


def failed(seed: str, rule: str | None = None):
    return [f for f in result(seed).findings if rule is None or f.rule == rule]


def only(seed: str, instance: str):
    """The single result of a rule instance."""
    (f,) = [f for f in result(seed).results if f.rule == instance]
    return f


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_fail_findings_equal_the_spec(seed):
    got = Counter((f.rule, f.severity.value) for f in failed(seed))
    assert dict(got) == EXPECTED[seed]


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_every_instance_of_the_families_gives_one_result(seed):
    instances = [i for r in RULES.values() for i, _ in r.instances() if matches(i, FAMILIES)]
    assert len(instances) == 28
    assert Counter(f.rule for f in result(seed).results) == Counter(instances)


@pytest.mark.parametrize(("seed", "missing"), sorted(ACCOUNTABILITY_MISSING.items()))
def test_accountability_items(seed, missing):
    (f,) = failed(seed, "SEC1-GOV-ACCOUNTABILITY")
    assert f.message == f"人民政府年报应报告工作考核、社会评议和责任追究结果情况，未见：{missing}。"
    assert f.evidence["unit_type"] == "township"


def test_002_accountability_passes():
    assert only("002", "SEC1-GOV-ACCOUNTABILITY").outcome is Outcome.PASS


@pytest.mark.parametrize(("seed", "dates"), sorted(DEADLINE_PASS.items()))
def test_deadline_passes_on_the_signature_date(seed, dates):
    f = only(seed, "DATE-DEADLINE")
    assert f.outcome is Outcome.PASS
    assert f.severity.value == "info"
    signed, deadline = dates
    assert f.evidence["basis"] == "signature_date"
    assert (f.evidence["date"], f.evidence["deadline"]) == (signed, deadline)
    assert f.evidence["unit_type"] == "township"
    assert f.evidence["deadline_source"]


def test_001_deadline_not_assessable():
    f = only("001", "DATE-DEADLINE")
    assert f.outcome is Outcome.NOT_ASSESSABLE
    assert f.evidence["missing"] == ["published"]
    assert only("001", "HDR-UNIT-MISMATCH").outcome is Outcome.NOT_ASSESSABLE


def test_000_title():
    (f,) = failed("000", "HDR-TITLE")
    assert f.message == "报告标题“昌乐县乔官镇人民政府 2024 年政府信息公开 公开工作年度报告”不规范。"


def test_004_signature_unit_is_a_suffix_of_the_title_unit():
    assert only("004", "HDR-UNIT-MISMATCH").outcome is Outcome.PASS


@pytest.mark.parametrize("seed", ["002", "003"])
def test_previous_year_rectification_passes(seed):
    assert only(seed, "SEC5-PREV-YEAR").outcome is Outcome.PASS
    assert only(seed, "SEC5-PREV-RECTIFICATION").outcome is Outcome.PASS


@pytest.mark.parametrize("seed", ["000", "001", "004"])
def test_previous_year_statement_not_stated(seed):
    assert only(seed, "SEC5-PREV-YEAR").outcome is Outcome.NOT_STATED


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_periods_agree_with_the_year(seed):
    for instance in ("DATE-PERIOD-MISSING", "DATE-PERIOD-MISMATCH", "DATE-YEAR-CONSISTENCY"):
        assert only(seed, instance).outcome is Outcome.PASS, instance


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_fingerprints_are_distinct(seed):
    prints = [f.fingerprint for f in result(seed).findings]
    assert len(prints) == len(set(prints))
