"""Findings: the one shape every rule result takes (CLI JSON, store and web all use ``to_dict``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .evidence import Evidence


class Severity(StrEnum):
    """How bad a failed rule is (spec §4.0)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def cn(self) -> str:
        """Chinese name."""
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Outcome(StrEnum):
    """Result of one rule instance on one report."""

    PASS = "pass"
    FAIL = "fail"
    NOT_ASSESSABLE = "not_assessable"  # inputs null or absent
    NOT_STATED = "not_stated"  # a prose pattern found nothing: not a pass

    @property
    def cn(self) -> str:
        """Chinese name."""
        return {"pass": "通过", "fail": "不通过", "not_assessable": "无法判断", "not_stated": "未表述"}[self.value]


class Decision(StrEnum):
    """A reviewer's decision on a finding."""

    CONFIRMED = "confirmed"  # the finding is a real problem
    REJECTED = "rejected"  # not a problem (a false alarm)

    @property
    def cn(self) -> str:
        """Chinese name."""
        return {"confirmed": "确认", "rejected": "驳回"}[self.value]


# value → Chinese name, for templates and exports that hold the stored strings
SEVERITY_CN = {s.value: s.cn for s in Severity}
OUTCOME_CN = {o.value: o.cn for o in Outcome}
DECISION_CN = {d.value: d.cn for d in Decision}


@dataclass(slots=True, init=False)  # explicit __init__: compiled by mypyc (see model/report.py)
class Finding:
    """One rule-instance result. ``outcome`` FAIL ones are the report's findings."""

    rule: str
    severity: Severity
    outcome: Outcome
    message: str
    cells: list[str]
    evidence: Evidence
    excerpt: str

    def __init__(
        self,
        rule: str,
        severity: Severity,
        outcome: Outcome,
        message: str = "",
        cells: list[str] | None = None,
        evidence: Evidence | None = None,
        excerpt: str = "",
    ) -> None:
        self.rule = rule
        self.severity = severity
        self.outcome = outcome
        self.message = message
        self.cells = [] if cells is None else cells
        self.evidence = {} if evidence is None else evidence
        self.excerpt = excerpt

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        # compiled (mypyc) classes are rebuilt by pickle through their constructor's arguments
        return (Finding, (self.rule, self.severity, self.outcome, self.message, self.cells, self.evidence, self.excerpt))

    @property
    def fingerprint(self) -> str:
        """Stable id across re-runs: hash(rule, sorted cells, normalised excerpt) (spec §4.0)."""
        excerpt = "".join(self.excerpt.split())
        key = "\x1f".join([self.rule, ",".join(sorted(self.cells)), excerpt])
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: rule, severity, message, cells, evidence, fingerprint."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "outcome": self.outcome.value,
            "message": self.message,
            "cells": list(self.cells),
            "evidence": self.evidence,
            "fingerprint": self.fingerprint,
        }
