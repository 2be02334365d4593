"""Every case of every rule case file (``tests/check/cases/<rule>.yaml``) gives its expected outcome.

Case keys (see ``casebuild.py`` for how the report is built):

* ``instance``: the rule instance asserted (defaults to the rule id when it has no parameter);
* ``expect``: ``fail`` (≥ 1 FAIL finding), ``pass`` (only PASS) or ``not_assessable`` (only NOT_ASSESSABLE);
* ``findings``: exact number of FAIL findings; ``message_contains``: a substring of some FAIL message
  (or a list of them); ``severity``: the severity of every FAIL finding; ``evidence``: key → value
  held by the first FAIL finding's evidence; ``finding_cells``: the first FAIL finding's cell ids.

Every FAIL finding must also carry a fully rendered message and its rule id and severity in the evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.check.casebuild import build_earlier, build_peers, build_previous, build_report, build_settings
from zfxxgk.check import DEFAULT_SETTINGS, RULES, CheckContext
from zfxxgk.check.registry import Emit, Rule
from zfxxgk.model import Finding, Outcome

CASES_DIR = Path(__file__).parent / "cases"
EXPECT = {"fail": Outcome.FAIL, "pass": Outcome.PASS, "not_assessable": Outcome.NOT_ASSESSABLE, "not_stated": Outcome.NOT_STATED}


def load_case_files() -> dict[Path, dict[str, Any]]:
    """Every case file, parsed."""
    files = sorted(CASES_DIR.glob("*.yaml"))
    if not files:
        raise RuntimeError(f"no rule case files under {CASES_DIR}")
    return {f: yaml.safe_load(f.read_text(encoding="utf-8")) for f in files}


def all_cases() -> list:
    params = []
    for path, doc in load_case_files().items():
        for case in doc["cases"]:
            params.append(pytest.param(doc["rule"], case, id=f"{path.stem}::{case['name']}"))
    return params


def run_instance(rule: Rule, instance: str, report, ctx: CheckContext | None = None) -> list[Finding]:
    """Results of one rule instance (a rule yielding nothing has passed)."""
    kwargs = dict(rule.instances())[instance]
    if rule.wants_ctx:
        kwargs = {**kwargs, "ctx": ctx or CheckContext()}
    emit = Emit(rule, instance)
    results = list(rule.func(report, emit, **kwargs))
    return results or [emit.passed()]


@pytest.mark.parametrize(("rule_id", "case"), all_cases())
def test_rule_case(rule_id: str, case: dict[str, Any]):
    rule = RULES[rule_id]
    instance = case.get("instance") or rule_id
    assert instance in dict(rule.instances()), f"{instance} is not an instance of {rule_id}"
    report = build_report(case)
    ctx = CheckContext(build_settings(case) or DEFAULT_SETTINGS, build_previous(case), build_peers(case, report),
                       build_earlier(case))
    results = run_instance(rule, instance, report, ctx)

    outcomes = {f.outcome for f in results}
    expected = EXPECT[case["expect"]]
    failed = [f for f in results if f.outcome is Outcome.FAIL]
    if expected is Outcome.FAIL:
        assert failed, f"expected FAIL, got {sorted(outcomes)}"
    else:
        assert outcomes == {expected}, f"expected {expected}, got {[(f.outcome, f.message) for f in results]}"

    if "findings" in case:
        assert len(failed) == case["findings"], [f.message for f in failed]
    contains = case.get("message_contains")
    for text in [contains] if isinstance(contains, str) else contains or ():
        assert any(text in f.message for f in failed), (text, [f.message for f in failed])
    if "severity" in case:
        assert {f.severity.value for f in failed} == {case["severity"]}
    for key, value in (case.get("evidence") or {}).items():
        assert failed[0].evidence.get(key) == value, (key, failed[0].evidence.get(key))
    if "finding_cells" in case:
        assert failed[0].cells == case["finding_cells"]
    for f in failed:
        # every FAIL finding is complete: a rendered message without unfilled placeholders, and evidence
        assert f.message and "%(" not in f.message and "？" not in f.message, f.message
        assert f.evidence.get("rule_id") == instance
        assert f.evidence.get("severity") == f.severity.value


def test_a_good_report_has_no_findings():
    """The ``good`` base is consistent in every respect: no rule may fail on it (no false positives)."""
    from zfxxgk.check import check

    result = check(build_report({"base": "good"}))
    assert [(f.rule, f.message) for f in result.findings] == []
