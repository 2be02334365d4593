"""Every key a rule puts into a finding's evidence is declared in ``model.evidence`` and has a Chinese name."""

from __future__ import annotations

import pytest

from tests.check.casebuild import build_previous, build_report, build_settings
from tests.check.test_rule_cases import load_case_files, run_instance
from zfxxgk.check import DEFAULT_SETTINGS, RULES, CheckContext
from zfxxgk.check.registry import Emit, Rule
from zfxxgk.model import Outcome, Severity
from zfxxgk.model.evidence import EVIDENCE_CN, EVIDENCE_KEYS, spans


def _all_findings():
    for doc in load_case_files().values():
        rule = RULES[doc["rule"]]
        for case in doc["cases"]:
            instance = case.get("instance") or doc["rule"]
            ctx = CheckContext(build_settings(case) or DEFAULT_SETTINGS, build_previous(case))
            yield from run_instance(rule, instance, build_report(case), ctx)


def test_every_evidence_key_of_every_rule_case_is_declared():
    seen: set[str] = set()
    failed = 0
    for f in _all_findings():
        undeclared = set(f.evidence) - EVIDENCE_KEYS
        assert not undeclared, (f.rule, sorted(undeclared))
        seen |= set(f.evidence)
        failed += f.outcome is Outcome.FAIL
    assert failed > 100 and {"expected", "actual", "cells", "span", "fields"} <= seen


def test_every_declared_key_has_a_chinese_name():
    assert set(EVIDENCE_CN) == EVIDENCE_KEYS
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in EVIDENCE_CN.values())


@pytest.fixture
def emit() -> Emit:
    rule = Rule("TEST-EVIDENCE", Severity.WARNING, "差额%(q)s，单位%(unit)s", lambda r, e: iter(()), (), False, False)
    return Emit(rule, "TEST-EVIDENCE")


def test_message_values_that_are_not_evidence_go_under_fields(emit: Emit):
    f = emit.fail(evidence={"expected": 3}, q="9条", unit="某镇")
    assert f.message == "差额9条，单位某镇"
    assert f.evidence["unit"] == "某镇" and "q" not in f.evidence
    assert f.evidence["fields"] == {"q": "9条"}
    assert f.evidence["expected"] == 3 and f.evidence["rule_id"] == "TEST-EVIDENCE"


def test_a_value_the_rule_put_in_the_evidence_is_not_overwritten_by_a_message_value(emit: Emit):
    f = emit.fail(evidence={"unit": "落款单位"}, q="1", unit="标题单位")
    assert f.evidence["unit"] == "落款单位"


def test_spans_are_found_anywhere_in_the_evidence():
    ev = {"span": {"line": 3, "col": 0, "end_line": 3, "end_col": 4},
          "cells": [{"id": "x", "span": {"line": 7, "col": 1, "end_line": 7, "end_col": 2}}, {"id": "y", "span": None}],
          "text": [{"span": {"line": "9"}}]}  # a span whose line is not a number is not a span
    assert [s["line"] for s in spans(ev)] == [3, 7]
