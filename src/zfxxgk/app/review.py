"""Review: corrections (a new version of the cells, then the checks again) and review decisions.

A correction changes what the neighbouring year's cross-year rules read (this year's 结转下年度 is
next year's 上年结转), so when the corrected report is the current one of its unit and year, the
following year's current report is checked again too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..check import CheckResult
from ..store import Store
from .ingest import recheck
from .versions import _resettle


@dataclass(frozen=True, slots=True)
class Corrected:
    """A correction's new version, the report's new check result and the other reports checked again."""

    version: int
    result: CheckResult
    rechecked: list[int]


def correct(store: Store, report_id: int, changes: dict[str, int | Decimal | None], author: str,
            reason: str) -> Corrected:
    """Write the corrected cells as a new version (the earlier ones stay), then check again."""
    version = store.correct(report_id, changes, author, reason)
    result = recheck(store, report_id)
    current = any(v.current for v in store.versions(report_id) if v.report_id == report_id)
    others = [r for r in _resettle(store, report_id) if r != report_id] if current else []
    return Corrected(version, result, others)


def decide(store: Store, report_id: int, fingerprint: str, decision: str, reviewer: str, comment: str = "") -> None:
    """Record 确认 or 驳回 on a finding; it follows the finding through its fingerprint across re-checks."""
    store.review(report_id, fingerprint, decision, reviewer, comment)
