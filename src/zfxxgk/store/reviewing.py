"""待复核 — the one definition, shared by the report list, the dashboard and the API.

A finding *awaits a decision* when it is an error or a warning of its report's current version and no
review decision (确认 or 驳回, followed by fingerprint) has been recorded on it; 提示 need no decision.
A report is 待复核 when at least one of its findings awaits a decision, and 已审核 when it has error or
warning findings and all of them are decided; a report without errors and warnings is neither.
"""

from __future__ import annotations

from sqlalchemy import exists, not_
from sqlalchemy.sql.elements import ColumnElement

from .schema import FindingRow, ReportRow, ReviewDecision

REVIEWED_SEVERITIES = ("error", "warning")  # findings a reviewer decides on; 提示 need no decision


def needs_decision(severity: str) -> bool:
    """Whether a finding of this severity is one a reviewer decides on."""
    return severity in REVIEWED_SEVERITIES


def awaits_decision(severity: str, decision: str | None) -> bool:
    """Whether a current finding with this severity and latest decision (None: none) makes its report 待复核."""
    return needs_decision(severity) and decision is None


def decided() -> ColumnElement[bool]:
    """SQL: the correlated FindingRow has a review decision."""
    return exists().where(ReviewDecision.report_id == FindingRow.report_id,
                          ReviewDecision.fingerprint == FindingRow.fingerprint)


def reviewable() -> ColumnElement[bool]:
    """SQL: the correlated FindingRow is a finding a reviewer decides on."""
    return FindingRow.severity.in_(REVIEWED_SEVERITIES)


def pending_report() -> ColumnElement[bool]:
    """SQL: the correlated ReportRow is 待复核 (a finding of its current version awaits a decision)."""
    return exists().where(FindingRow.report_id == ReportRow.id, FindingRow.version == ReportRow.current_version,
                          reviewable(), not_(decided()))


__all__ = ["REVIEWED_SEVERITIES", "awaits_decision", "decided", "needs_decision", "pending_report", "reviewable"]
