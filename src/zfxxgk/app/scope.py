"""Report scope (报告范围) of a stored report and, for an area report, its tables against its area's units.

An area report (全区域, see ``zfxxgk.check.scope``) of a 人民政府 aggregates the units of its area: it
cannot count fewer applications, decisions or cases than those units' own reports add up to. For each
compared cell this sets the area report's value against the sum of the area's units' current reports of
the same year (the 下级合计), says how many of them reported, and how many registered units of the area
have no report for the year (the unit registry: ``zfxxgk units import``).

Which units count (their sum must be a lower bound of the area's true total, so that “less than the
sum” is a contradiction and never an artefact of counting):

- every unit placed in the government's region or below it, other than the government itself;
- not 垂直管理部门 (税务、海关、气象…): they report to their own line, not to the local government;
- not a sub-area's 人民政府 whose report is itself an area report (its units are counted one by one, it
  would count them twice) or whose scope cannot be told (it might be one); a sub-area government's
  本级 report counts (the organ is nobody else's unit).

A blank, a dash or an unreadable cell is never 0: the area's blank cell is not compared, a unit's blank
cell is left out of the sum and counted (``nulls``). Units that did not report make the sum smaller, so
“不少于” says less when many are missing; “少于” holds whatever is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..check.scope import Scope, ScopeKind, report_scope
from ..model import CellState, Report
from ..model.ids import cell_label, t2, t3, t4
from ..model.numbers import Number, json_number, normal, number_text
from ..model.units import UnitType, infer_unit_type, normalise_unit
from ..store import Store, StoreError
from ..store.area import area_members
from ..store.queries import ReportView, report_views

# The compared cells: table 3's main rows (总计 column), table 2's decisions and fees, table 4's totals.
# 规章 and 规范性文件 are left out: an area report often lists only the government's own documents.
COMPARED: tuple[tuple[str, str], ...] = (
    (t3("new_received", "total"), "本年新收申请"),
    (t3("carried_over", "total"), "上年结转申请"),
    (t3("granted", "total"), "予以公开"),
    (t3("partially_granted", "total"), "部分公开"),
    (t3("total_processed", "total"), "办理结果总计"),
    (t3("carried_forward", "total"), "结转下年度继续办理"),
    (t2("licensing", "decisions"), "行政许可决定"),
    (t2("penalty", "decisions"), "行政处罚决定"),
    (t2("coercion", "decisions"), "行政强制决定"),
    (t2("fee", "amount"), "行政事业性收费（万元）"),
    (t4("review", "total"), "行政复议"),
    (t4("litigation_direct", "total"), "行政诉讼（未经复议直接起诉）"),
    (t4("litigation_after_review", "total"), "行政诉讼（复议后起诉）"),
)
COMPARED_IDS = tuple(c for c, _ in COMPARED)

VERDICT_CN = {"suspicious": "少于下级合计", "consistent": "不少于下级合计", "not_comparable": "无法比较"}


@dataclass(slots=True)
class AreaCell:
    """One compared cell: the area report's value against the sum of its units' values."""

    id: str
    name: str
    area: Number | None
    area_state: str
    children_sum: Number | None  # sum of the known values (None when no unit has one)
    children_known: int  # units whose cell is a number
    children_null: int  # units whose cell is blank or unreadable (left out of the sum, not 0)
    verdict: str  # suspicious | consistent | not_comparable
    note: str = ""

    @property
    def label(self) -> str:
        """The cell's full Chinese label (表三·…·总计)."""
        return cell_label(self.id)

    @property
    def verdict_cn(self) -> str:
        """The verdict in Chinese."""
        return VERDICT_CN[self.verdict]

    @property
    def difference(self) -> Number | None:
        """Area value − the units' sum (None unless both are known)."""
        if self.area is None or self.children_sum is None:
            return None
        return normal(self.area - self.children_sum)

    @property
    def area_text(self) -> str:
        """The area report's value as shown: the number, else the cell's state (“空白” is never 0)."""
        return number_text(self.area) if self.area is not None else CellState(self.area_state).label

    @property
    def sum_text(self) -> str:
        """The units' sum as shown (“—” when no unit has a value)."""
        return number_text(self.children_sum, "—")

    @property
    def difference_text(self) -> str:
        """Area − sum with its sign (“—” when either is unknown)."""
        d = self.difference
        return "—" if d is None else (f"+{number_text(d)}" if d > 0 else number_text(d))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "name": self.name, "label": self.label, "area": json_number(self.area),
                "area_state": self.area_state, "children_sum": json_number(self.children_sum),
                "children_known": self.children_known, "children_null": self.children_null,
                "difference": json_number(self.difference), "verdict": self.verdict, "verdict_cn": self.verdict_cn,
                "note": self.note}


@dataclass(slots=True)
class Member:
    """A unit of the area with a report of the year, and whether it counts towards the sum."""

    report_id: int
    unit: str
    unit_type: str | None
    region: str | None
    counted: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"report_id": self.report_id, "unit": self.unit, "unit_type": self.unit_type, "region": self.region,
                "counted": self.counted, "note": self.note}


@dataclass(slots=True)
class AreaComparison:
    """A stored report's scope and, when it is an area report that can be compared, the comparison."""

    report_id: int
    unit: str
    year: int | None
    scope: Scope
    region: str | None = None
    compared: bool = False
    reason: str = ""  # why there is no comparison (empty when there is one)
    members: list[Member] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # registered units of the area without a report
    registered: int = 0
    cells: list[AreaCell] = field(default_factory=list)

    @property
    def counted(self) -> list[Member]:
        """The units whose reports are summed."""
        return [m for m in self.members if m.counted]

    @property
    def left_out(self) -> list[Member]:
        """Units of the area with a report that is not summed, with why."""
        return [m for m in self.members if not m.counted]

    @property
    def suspicious(self) -> list[AreaCell]:
        """Cells where the area report counts less than its units."""
        return [c for c in self.cells if c.verdict == "suspicious"]

    @property
    def summary(self) -> str:
        """One line in Chinese: how many units reported, how many did not, and the outcome."""
        if not self.compared:
            return self.reason
        parts = [f"{len(self.counted)} 个下级单位已报送并计入合计"]
        if self.left_out:
            parts.append(f"{len(self.left_out)} 个未计入")
        parts.append(f"{len(self.missing)} 个下级单位未报送" if self.registered else "单位名册中没有该地区的单位，未报送数不明")
        bad = self.suspicious
        outcome = (f"{len(bad)} 项少于下级合计：{'、'.join(c.name for c in bad)}" if bad
                   else "各项均不少于下级合计" if any(c.verdict == "consistent" for c in self.cells)
                   else "没有可比较的数值")
        return "，".join(parts) + "；" + outcome

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"report_id": self.report_id, "unit": self.unit, "year": self.year, "region": self.region,
                "scope": self.scope.to_dict(), "compared": self.compared, "reason": self.reason,
                "summary": self.summary, "reported": len(self.counted), "registered": self.registered,
                "missing": list(self.missing), "members": [m.to_dict() for m in self.members],
                "cells": [c.to_dict() for c in self.cells]}


# 垂直管理部门 by name, for units the registry has not typed (the name-based unit type never says it):
# taxation, customs, meteorology, tobacco, survey teams, financial regulation, postal and maritime offices.
_VERTICAL_NAME = re.compile(
    r"^(?:国家税务总局|国家金融监督管理总局|中国人民银行|国家统计局|中国证券监督管理委员会)"
    r"|(?:税务局|海关|气象局|烟草专卖局|调查队|邮政管理局|海事局|出入境边防检查站)$"
)


def _kind(stored: str | None, name: str) -> UnitType | None:
    """A unit's type: the stored one (the registry's 单位类型, or the name's at import), where “政府部门”
    gives way to a 垂直管理部门's name (an import types every office that is no government a department).
    """
    kind = UnitType(stored) if stored is not None and stored in UnitType._value2member_map_ else infer_unit_type(name)
    if kind in (UnitType.DEPARTMENT, None) and _VERTICAL_NAME.search(normalise_unit(name)):
        return UnitType.VERTICAL
    return kind


def _type_of(view: ReportView) -> UnitType | None:
    return _kind(view.unit.unit_type if view.unit is not None else None, view.name)


def _cell(cid: str, name: str, report: Report, values: list[Number | None], any_member: bool) -> AreaCell:
    cell = report.cells[cid]
    area = cell.value if cell.state is CellState.NUMBER else None
    known = [v for v in values if v is not None]
    total: Number | None = None
    for v in known:
        total = v if total is None else total + v
    total = normal(total)
    out = AreaCell(cid, name, area, cell.state.value, total, len(known), len(values) - len(known), "not_comparable")
    if area is None:
        out.note = f"本报告该格为“{cell.state.label}”，不作比较"
    elif not any_member:
        out.note = "没有计入合计的下级单位报告"
    elif total is None:
        out.note = "下级单位的该格都不是数值"
    elif area < total:
        out.verdict = "suspicious"
        out.note = f"全区域数比下级合计少 {normal(total - area)}"
    else:
        out.verdict = "consistent"
    return out


def area_comparison(store: Store, report_id: int, report: Report | None = None,
                    view: ReportView | None = None) -> AreaComparison:
    """The scope of a stored report and, for an area report, its compared cells against the sums of the
    current reports of its area's units of the same year (``report``, ``view``: the report and its view
    when the caller has them already).
    """
    if view is None:
        found = report_views(store, [report_id])
        if not found:
            raise StoreError(f"没有编号为 {report_id} 的报告")
        view = found[0]
    report = store.load(report_id) if report is None else report
    scope = report_scope(report, _type_of(view))
    out = AreaComparison(report_id, view.name, view.year, scope, view.unit.region if view.unit else None)
    if scope.kind is not ScopeKind.AREA:
        out.reason = {ScopeKind.OWN: "本级报告只统计本机关，不与下级单位的合计比较",
                      ScopeKind.UNKNOWN: "报告范围无法判断，不与下级单位的合计比较",
                      ScopeKind.NOT_APPLICABLE: "不是人民政府的年报，不与下级单位的合计比较"}[scope.kind]
        return out
    if view.unit is None:
        out.reason = "报告单位未识别，无法确定其地区和下级单位"
        return out
    if view.year is None:
        out.reason = "报告年度未识别，无法与下级单位同一年度的报告比较"
        return out
    members = area_members(store, view.unit.id, view.year, COMPARED_IDS)
    if members is None:
        out.reason = "报告单位未归入地区（见“报送情况”页的待确认单位），无法确定下级单位"
        return out
    if members.region_name not in view.name:
        # a government placed by hand elsewhere than the division it is named after: its “area” is not ours
        out.reason = f"报告单位所属地区“{members.region}”与单位名称不符，无法确定下级单位"
        return out
    out.region = members.region
    counted: list[ReportView] = []
    for m in members.reports:
        kind = _type_of(m)
        note = ""
        if kind is UnitType.VERTICAL:
            note = "垂直管理部门，不属于本级人民政府的统计范围"
        elif kind is UnitType.GOVERNMENT:
            sub = report_scope(store.load(m.id), kind)
            if sub.kind is ScopeKind.AREA:
                note = "下级地区的全区域年报：其下属单位已分别计入，不重复计入"
            elif sub.kind is not ScopeKind.OWN:
                note = "下级人民政府的年报范围无法判断，为免重复计入，不计入合计"
        out.members.append(Member(m.id, m.name, kind.value if kind else None, m.unit.region if m.unit else None,
                                  not note, note))
        if not note:
            counted.append(m)
    # 垂直管理部门 owe their report to their own line: not missing from this area's
    owing = [u for u in members.owing if _kind(u.unit_type, u.name) is not UnitType.VERTICAL]
    reported = {m.unit.id for m in members.reports if m.unit is not None}
    out.registered = len(owing)
    out.missing = [u.name for u in owing if u.id not in reported]
    out.cells = [_cell(cid, name, report, [m.cells.get(cid) for m in counted], bool(counted)) for cid, name in COMPARED]
    out.compared = True
    return out


__all__ = ["COMPARED", "VERDICT_CN", "AreaCell", "AreaComparison", "Member", "area_comparison"]
