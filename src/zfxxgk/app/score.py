"""Scores and ranking of a year's reports under a scoring profile (app/profiles.py), computed from the store.

Nothing is stored: the score of a unit is its profile's full marks minus the deductions of each indicator
(capped), and every deduction names what it comes from — a stored finding (rule id, finding id, fingerprint,
evidence), a table-4 cell, the report's dates against the profile's deadline, or the registry's missing report.

The store keeps failed findings only; a rule's NOT_ASSESSABLE (or NOT_STATED) results are found again by
running those rules on the stored report with the same context as an import (previous year, other units'
copies, collected copies) — only for the indicators that count them (``strict``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..check import RULES, CheckSettings, check
from ..check.registry import matches
from ..model import DECISION_CN, Outcome, Report
from ..model.ids import CELL, cell_label, t4
from ..model.units import UnitType, normalise_unit
from ..store import Store, StoreError
from ..store.coverage import status_of
from ..store.scoring import ScoringFinding, ScoringReport, scope_name, scoring_reports
from . import copies, publication
from .coverage import coverage
from .profiles import BLOCK_CN, DuplicateCondition, Indicator, LostCasesCondition, Profile, RuleCondition

# How a listed item counts.
FAIL, NOT_ASSESSABLE, NA_IGNORED, REJECTED = "fail", "not_assessable", "not_assessable_ignored", "rejected"
KIND_CN = {FAIL: "扣分", NOT_ASSESSABLE: "无法判断（严格：扣分）", NA_IGNORED: "无法判断（宽松：不扣分）",
           REJECTED: "已驳回（不扣分）"}
DUPLICATE_RULES = {"previous_year": ("XY-TEXT-DUPLICATE",), "other_units": ("XU-TEXT-COPY",),
                   "any": ("XY-TEXT-DUPLICATE", "XU-TEXT-COPY")}
DEADLINE_RULE = "DATE-DEADLINE"


def _num(d: Decimal) -> str:
    """A score as people write it: 99.5, 100 (no trailing zeros, no exponent)."""
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(slots=True)
class Item:
    """One occurrence (or ``count`` of them) found for an indicator, with what it comes from."""

    kind: str  # FAIL | NOT_ASSESSABLE | NA_IGNORED | REJECTED
    points: Decimal  # deduct × count when it counts, else 0 (the indicator's cap applies to the sum)
    message: str
    report_id: int | None = None
    rule: str | None = None
    finding_id: int | None = None
    fingerprint: str | None = None
    cells: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    count: int = 1

    @property
    def points_text(self) -> str:
        """The points as written (0.5, 30)."""
        return _num(self.points)

    @property
    def cells_text(self) -> str:
        """The cells, at most three named (a truncated table's finding lists dozens)."""
        shown = "、".join(cell_label(c) if c in CELL else c for c in self.cells[:3])
        return shown + (f" 等{len(self.cells)}个单元格" if len(self.cells) > 3 else "")

    @property
    def kind_cn(self) -> str:
        """How the item counts, in Chinese."""
        return KIND_CN[self.kind]

    @property
    def link(self) -> str | None:
        """Where the web app shows it: the finding on its report page, else the report."""
        if self.report_id is None:
            return None
        return f"/reports/{self.report_id}" + (f"#f-{self.fingerprint}" if self.fingerprint else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "points": float(self.points), "count": self.count, "message": self.message,
                "report_id": self.report_id, "rule": self.rule, "finding_id": self.finding_id,
                "fingerprint": self.fingerprint, "cells": list(self.cells), "evidence": self.evidence, "link": self.link}


@dataclass(slots=True)
class IndicatorScore:
    """One indicator of one unit: what was found and the (capped) deduction."""

    indicator: Indicator
    items: list[Item] = field(default_factory=list)
    deducted: Decimal = Decimal(0)
    capped: bool = False  # the cap cut the sum of the items

    @property
    def deducted_text(self) -> str:
        """The deduction as written (0.5, 30)."""
        return _num(self.deducted)

    @property
    def occurrences(self) -> int:
        """Occurrences that count (failures, and strict not-assessable ones)."""
        return sum(i.count for i in self.items if i.kind in (FAIL, NOT_ASSESSABLE))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.indicator.id, "name": self.indicator.name, "deducted": float(self.deducted),
                "occurrences": self.occurrences, "capped": self.capped, "items": [i.to_dict() for i in self.items]}


@dataclass(slots=True)
class UnitScore:
    """A unit's score and place under the profile (``report_id`` None: the registry's unit has no report)."""

    unit: str
    unit_id: int | None
    region: str | None
    unit_type: str | None
    report_id: int | None
    score: Decimal
    deducted: Decimal
    grade: str | None
    indicators: list[IndicatorScore]
    rank: int = 0

    @property
    def unit_type_cn(self) -> str:
        """The unit type in Chinese (blank when unknown)."""
        return UnitType(self.unit_type).cn if self.unit_type is not None and self.unit_type in UnitType._value2member_map_ else ""

    @property
    def score_text(self) -> str:
        """The score as written."""
        return _num(self.score)

    @property
    def items(self) -> list[tuple[IndicatorScore, Item]]:
        """Every listed item with its indicator, in indicator order."""
        return [(s, i) for s in self.indicators for i in s.items]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"rank": self.rank, "unit": self.unit, "unit_id": self.unit_id, "region": self.region,
                "unit_type": self.unit_type, "report_id": self.report_id, "score": float(self.score),
                "deducted": float(self.deducted), "grade": self.grade,
                "indicators": [s.to_dict() for s in self.indicators]}


@dataclass(slots=True)
class Ranking:
    """A year's scores in a scope under a profile, best first; ``unscored``: units owing a report that
    have none, when the profile has no indicator for that (they are not ranked at full marks).
    """

    profile: Profile
    year: int
    scope: str
    rows: list[UnitScore]
    unscored: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the whole ranking)."""
        return {"profile": self.profile.id, "profile_name": self.profile.name, "year": self.year, "scope": self.scope,
                "total": float(self.profile.total), "units": [r.to_dict() for r in self.rows], "unscored": self.unscored}


# --- conditions ------------------------------------------------------------------------------------


def _finding_item(f: ScoringFinding, report_id: int, points: Decimal) -> Item:
    rejected = f.decision == "rejected"
    message = f.message + (f"（审核结论：{DECISION_CN.get(f.decision, f.decision)}）" if f.decision else "")
    return Item(REJECTED if rejected else FAIL, Decimal(0) if rejected else points, message, report_id, f.rule, f.id,
                f.fingerprint, list(f.cells), {"severity": f.severity, **f.evidence})


def _rule_items(ind: Indicator, cond: RuleCondition, r: ScoringReport) -> list[Item]:
    return [_finding_item(f, r.id, ind.deduct) for f in r.findings
            if matches(f.rule, cond.rules) and (cond.severities is None or f.severity in cond.severities)]


def _duplicate_items(ind: Indicator, cond: DuplicateCondition, r: ScoringReport) -> list[Item]:
    rules = DUPLICATE_RULES[cond.against]
    out = []
    for f in r.findings:
        if f.rule in rules:
            rate = f.evidence.get("rate")
            if isinstance(rate, (int, float)) and Decimal(str(rate)) > cond.threshold:
                out.append(_finding_item(f, r.id, ind.deduct))
    return out


def _lost_items(ind: Indicator, cond: LostCasesCondition, r: ScoringReport, strict: bool) -> list[Item]:
    out = []
    for block in cond.blocks:
        cid = t4(block, "corrected")
        v = r.cells.get(cid)
        label = f"表四“{BLOCK_CN[block]}”结果纠正"
        ev = {"cell": cid, "label": cell_label(cid), "value": None if v is None else int(v)}
        if v is None:
            out.append(Item(NOT_ASSESSABLE if strict else NA_IGNORED, ind.deduct if strict else Decimal(0),
                            f"{label}为空白，无法判断败诉件数", r.id, cells=[cid], evidence=ev))
        elif v > 0:
            n = int(v)
            out.append(Item(FAIL, ind.deduct * n, f"{label} {n} 件", r.id, cells=[cid], evidence=ev, count=n))
    return out


def _deadline_items(ind: Indicator, r: ScoringReport, year: int, profile: Profile, strict: bool) -> list[Item]:
    settings = profile.deadline_settings()

    def deadline(kind: UnitType | None, y: int) -> dt.date | None:
        d = settings.get(kind) if kind is not None else None
        return d.for_year(y) if d is not None else None

    row = status_of(r, r.unit_type, r.unit, year, deadline)
    ev: dict[str, Any] = {"published": row.published.isoformat() if row.published else None,
                          "published_basis": row.published_basis,
                          "deadline": row.deadline.isoformat() if row.deadline else None, "days_late": row.days_late}
    stored = next((f for f in r.findings if f.rule == DEADLINE_RULE), None)
    # the checker's own finding, when it also judged the report late (its deadlines may be other than the profile's)
    rule, fid, fp = (DEADLINE_RULE, stored.id, stored.fingerprint) if stored else (None, None, None)
    if row.published is None or row.deadline is None:
        why = "报告既无发布日期也无落款日期" if row.published is None else "单位类型不明，无法确定时限"
        return [Item(NOT_ASSESSABLE if strict else NA_IGNORED, ind.deduct if strict else Decimal(0),
                     f"{why}，无法判断是否逾期", r.id, rule, fid, fp, evidence=ev)]
    if not row.days_late:
        return []
    return [Item(FAIL, ind.deduct, f"{row.published_basis}{row.published}晚于时限{row.deadline}（逾期 {row.days_late} 天）",
                 r.id, rule, fid, fp, evidence=ev)]


def _rule_selectors(ind: Indicator) -> tuple[str, ...]:
    cond = ind.condition
    if isinstance(cond, RuleCondition):
        return tuple(cond.rules)
    if isinstance(cond, DuplicateCondition):
        return DUPLICATE_RULES[cond.against]
    return ()


def _unassessed(store: Store, report_id: int, selectors: Sequence[str]) -> list[tuple[str, str, str, list[str]]]:
    """(rule instance, outcome, reason, missing inputs) of each selected rule that is not assessable on the report.

    The rules run as an import runs them (previous year, other units' copies, collected copies); nothing is stored.
    """
    report: Report = store.load(report_id)
    previous = None
    if report.unit and report.year is not None:
        found = store.find_reports([(normalise_unit(report.unit), report.year - 1)])
        if found:
            previous = store.load(next(iter(found.values())))
    result = check(report, select=list(selectors), previous=previous, peers=copies.peers_of(store, report_id, report.year),
                   earlier=publication.earlier_of(store, report_id))
    out = []
    for f in result.results:
        if f.outcome in (Outcome.NOT_ASSESSABLE, Outcome.NOT_STATED):
            ev = f.evidence or {}
            out.append((f.rule, f.outcome.value, str(ev.get("reason") or ""), list(ev.get("missing") or [])))
    return out


def _severity(instance: str) -> str | None:
    """The registered severity of a rule instance."""
    return next((r.severity.value for r in RULES.values() if any(i == instance for i, _ in r.instances())), None)


def _na_items(ind: Indicator, report_id: int, unassessed: list[tuple[str, str, str, list[str]]], strict: bool) -> list[Item]:
    sel = _rule_selectors(ind)
    cond = ind.condition
    out = []
    for rule, outcome, reason, missing in unassessed:
        if not matches(rule, sel):
            continue
        if isinstance(cond, RuleCondition) and cond.severities is not None:
            if _severity(rule) not in cond.severities:  # counted by the rule's severity, as its failures are
                continue
        what = "无法判断" if outcome == Outcome.NOT_ASSESSABLE.value else "未表述"
        out.append(Item(NOT_ASSESSABLE if strict else NA_IGNORED, ind.deduct if strict else Decimal(0),
                        f"{rule}：{what}" + (f"（{reason}）" if reason else ""), report_id, rule,
                        evidence={"outcome": outcome, "reason": reason, "missing": missing}))
    return out


# --- scoring ---------------------------------------------------------------------------------------


def _settle(profile: Profile, ind: Indicator, items: list[Item]) -> IndicatorScore:
    total = sum((i.points for i in items), Decimal(0))
    limit = ind.limit
    capped = limit is not None and total > limit
    return IndicatorScore(ind, items, limit if capped and limit is not None else total, capped)


def _finish(profile: Profile, name: str, unit_id: int | None, region: str | None, unit_type: str | None,
            report_id: int | None, scores: list[IndicatorScore]) -> UnitScore:
    deducted = sum((s.deducted for s in scores), Decimal(0))
    score = max(Decimal(0), profile.total - deducted)
    return UnitScore(name, unit_id, region, unit_type, report_id, score, deducted, profile.grade_of(score), scores)


def score_report(store: Store, profile: Profile, r: ScoringReport, year: int) -> UnitScore:
    """The score of one unit's report of the year."""
    strict_selectors = sorted({s for ind in profile.indicators if profile.mode_of(ind) == "strict"
                               for s in _rule_selectors(ind)})
    unassessed = _unassessed(store, r.id, strict_selectors) if strict_selectors else []
    scores = []
    for ind in profile.indicators:
        strict = profile.mode_of(ind) == "strict"
        cond = ind.condition
        if isinstance(cond, RuleCondition):
            items = _rule_items(ind, cond, r)
        elif isinstance(cond, DuplicateCondition):
            items = _duplicate_items(ind, cond, r)
        elif isinstance(cond, LostCasesCondition):
            items = _lost_items(ind, cond, r, strict)
        elif cond.type == "deadline":
            items = _deadline_items(ind, r, year, profile, strict)
        else:  # missing_report: the unit has a report
            items = []
        if strict and _rule_selectors(ind):
            items += _na_items(ind, r.id, unassessed, strict)
        scores.append(_settle(profile, ind, items))
    return _finish(profile, r.unit, r.unit_id, r.region, r.unit_type, r.id, scores)


def _rank(rows: list[UnitScore]) -> list[UnitScore]:
    rows.sort(key=lambda u: (-u.score, u.unit, u.report_id or 0))
    for k, row in enumerate(rows):
        row.rank = rows[k - 1].rank if k and rows[k - 1].score == row.score else k + 1
    return rows


def score(store: Store, profile: Profile, year: int, region: int | str | None = None) -> Ranking:
    """Every unit of the scope with a current report of ``year`` (and every registry unit owing one that has
    none, when the profile scores that), scored and ranked, best first.
    """
    scope = scope_name(store, region)
    rows = [score_report(store, profile, r, year) for r in scoring_reports(store, year, region)]
    missing_inds = [ind for ind in profile.indicators if ind.condition.type == "missing_report"]
    cov = coverage(store, year, region, CheckSettings(deadlines=profile.deadline_settings()))
    absent = [c for c in cov.rows if c.status in ("missing", "not_a_report")]
    unscored = []
    for c in absent:
        if not missing_inds:
            unscored.append(c.unit)
            continue
        why = "单位名册中应报送，库中没有该年度的报告" if c.status == "missing" else f"栏目中该年度的链接不是年度报告（{c.source_url}）"
        scores = []
        for ind in profile.indicators:
            items = ([Item(FAIL, ind.deduct, why, evidence={"status": c.status, "source_url": c.source_url})]
                     if ind in missing_inds else [])
            scores.append(_settle(profile, ind, items))
        rows.append(_finish(profile, c.unit, c.unit_id, c.region, c.unit_type, None, scores))
    return Ranking(profile, year, scope, _rank(rows), unscored)


# --- export ----------------------------------------------------------------------------------------

RANKING_HEADER = ["名次", "单位", "所属地区", "单位类型", "报告编号", "得分", "等级", "扣分合计"]
ITEMS_HEADER = ["名次", "单位", "指标", "情形", "次数", "扣分", "规则", "校验结果编号", "指纹", "单元格", "说明", "报告编号",
                "网页位置", "证据"]


def ranking_rows(r: Ranking) -> tuple[list[str], list[list[Any]]]:
    """The ranking sheet: one unit a row, with each indicator's deduction."""
    header = RANKING_HEADER + [f"{i.name}（扣分）" for i in r.profile.indicators]
    rows = [[u.rank, u.unit, u.region or "", u.unit_type_cn, u.report_id or "", float(u.score), u.grade or "",
             float(u.deducted), *(float(s.deducted) for s in u.indicators)] for u in r.rows]
    return header, rows


def item_rows(r: Ranking) -> list[list[Any]]:
    """The deductions sheet: every listed item, traceable to its finding, cell or report."""
    import json

    rows = []
    for u in r.rows:
        for s, i in u.items:
            rows.append([u.rank, u.unit, s.indicator.name, i.kind_cn, i.count, float(i.points), i.rule or "",
                         i.finding_id or "", i.fingerprint or "", " ".join(i.cells), i.message, i.report_id or "",
                         i.link or "", json.dumps(i.evidence, ensure_ascii=False, default=str)])
    return rows


def write_ranking(r: Ranking, path: str | Path) -> None:
    """The ranking as an Excel workbook: 排名 (one unit a row) and 扣分明细 (every deduction with its finding)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..store.export import neutralise

    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise StoreError(f"{p.name}：请用 .xlsx 扩展名")
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    header, rows = ranking_rows(r)
    sheets = [(ws, header, rows), (wb.create_sheet("扣分明细"), ITEMS_HEADER, item_rows(r))]
    info = wb.create_sheet("评分方案")
    lines: list[list[Any]] = [["方案", f"{r.profile.name}（{r.profile.id}）"], ["年度", r.year], ["地区", r.scope],
                              ["满分", float(r.profile.total)]]
    lines += [["出处", "；".join(x for x in (s.title, s.issuer, s.citation) if x)] for s in r.profile.sources]
    lines += [["说明", n] for n in r.profile.notes] + [["未参与评分（没有报告）", u] for u in r.unscored]
    for line in lines:
        info.append([neutralise(v) for v in line])
    for sheet, head, body in sheets:
        sheet.append(head)
        for c in sheet[1]:
            c.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in body:
            sheet.append([neutralise(v) for v in row])
    try:
        wb.save(p)
    except OSError as e:
        raise StoreError(f"无法保存 {p}：{e.strerror or e}") from None


__all__ = ["KIND_CN", "IndicatorScore", "Item", "Ranking", "UnitScore", "item_rows", "ranking_rows",
           "score", "score_report", "write_ranking"]
