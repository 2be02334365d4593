"""Queries over the report store: one unit's reports, year over year, unit against unit, region roll-ups.

Everything reads the *current* version of each report (corrections included). A blank cell is
never 0: sums are the sums of the known values, reported together with the number of reports
whose cell is null, and a rate is only given when all its operands are known and its
denominator reaches the metric's minimum (otherwise “样本过少” or “数据缺失”).

The store does not import the checker (one-way layers): the cross-year check of
:func:`year_over_year` is passed in by the caller, see ``zfxxgk.app.compare``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, defer

from ..model import CELL_IDS, DECISION_CN, Finding, Report
from ..model.ids import T3_ROWS, T4_BLOCKS, cell_label, t3, t4
from ..model.numbers import Number, json_number, normal
from ..model.units import normalise_unit
from . import cellpack
from .db import Store, StoreError
from .regions import region_paths
from .schema import CellPack, FindingRow, Region, ReportRow, ReviewDecision, Unit

LEVELS = ("province", "city", "county", "township")
LEVEL_CN = {"province": "省级", "city": "市级", "county": "县级", "township": "乡级", "other": "其他"}
SEVERITIES = ("error", "warning", "info")
UNASSIGNED = "（未归属地区）"

# Rules that compare a report with the same unit's previous year (selectors as for ``check --select``).

TOO_FEW = "样本过少"
MISSING = "数据缺失"
MIN_DENOMINATOR = 5


def _sum(values: Iterable[Number]) -> Number:
    return normal(sum(values))  # ints and Decimals add exactly; sum() starts at 0 as the totals do


# --- metrics -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metric:
    """A documented rate: Σ numerator cells ÷ Σ denominator cells."""

    id: str
    name: str
    formula: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    min_denominator: int = MIN_DENOMINATOR
    note: str = ""

    @property
    def operands(self) -> tuple[str, ...]:
        """Every cell the metric reads (numerator first)."""
        return tuple(dict.fromkeys(self.numerator + self.denominator))


@dataclass(slots=True)
class MetricValue:
    """A metric evaluated on one report or a set of reports.

    ``value`` is None when ``reason`` says why: 数据缺失 (no report with all operands known) or
    样本过少 (denominator below the minimum). ``excluded`` counts reports left out for a null operand.
    """

    metric: str
    value: Decimal | None
    numerator: Number | None
    denominator: Number | None
    reports: int = 0
    excluded: int = 0
    reason: str | None = None

    @property
    def display(self) -> str:
        """``63.6%`` or the reason it is not given."""
        if self.value is None:
            return self.reason or TOO_FEW
        return f"{(self.value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the rate as a number rounded to 4 decimals)."""
        return {
            "metric": self.metric,
            "value": float(self.value) if self.value is not None else None,
            "display": self.display,
            "numerator": json_number(self.numerator),
            "denominator": json_number(self.denominator),
            "reports": self.reports,
            "excluded": self.excluded,
            "reason": self.reason,
        }


def _rows(prefix: str) -> tuple[str, ...]:
    return tuple(r.key for r in T3_ROWS if r.key.startswith(prefix))


_TOTAL = "total"
_PROCESSED = (t3("total_processed", _TOTAL),)
_APPLICATIONS = (t3("new_received", _TOTAL), t3("carried_over", _TOTAL))
_LITIGATION = tuple(b.key for b in T4_BLOCKS if b.key.startswith("litigation"))
_DENOM_PROCESSED = "办理结果总计（表三“（七）总计”行·总计列，按报告所填，不按各项重新相加）"
_DENOM_APPLICATIONS = "本年新收 + 上年结转（表三第一、二行·总计列）"

METRICS: tuple[Metric, ...] = (
    Metric(
        "disclosure_rate", "公开率",
        "公开率 =（予以公开 + 部分公开）÷ 办理结果总计",
        (t3("granted", _TOTAL), t3("partially_granted", _TOTAL)), _PROCESSED,
        note="分母：" + _DENOM_PROCESSED,
    ),
    Metric(
        "granted_rate", "全部公开率",
        "全部公开率 = 予以公开 ÷ 办理结果总计",
        (t3("granted", _TOTAL),), _PROCESSED,
        note="分母：" + _DENOM_PROCESSED,
    ),
    Metric(
        "withheld_rate", "不予公开率",
        "不予公开率 = 不予公开（1–8 项之和）÷ 办理结果总计",
        tuple(t3(r, _TOTAL) for r in _rows("withheld_")), _PROCESSED,
        note="分母：" + _DENOM_PROCESSED,
    ),
    Metric(
        "unavailable_rate", "无法提供率",
        "无法提供率 = 无法提供（1–3 项之和）÷ 办理结果总计",
        tuple(t3(r, _TOTAL) for r in _rows("unavailable_")), _PROCESSED,
        note="分母：" + _DENOM_PROCESSED,
    ),
    Metric(
        "declined_rate", "不予处理率",
        "不予处理率 = 不予处理（1–5 项之和）÷ 办理结果总计",
        tuple(t3(r, _TOTAL) for r in _rows("declined_")), _PROCESSED,
        note="分母：" + _DENOM_PROCESSED,
    ),
    Metric(
        "carried_over_share", "上年结转占比",
        "上年结转占比 = 上年结转 ÷（本年新收 + 上年结转）",
        (t3("carried_over", _TOTAL),), _APPLICATIONS,
        note="分母：" + _DENOM_APPLICATIONS,
    ),
    Metric(
        "carried_forward_share", "结转下年占比",
        "结转下年占比 = 结转下年度继续办理 ÷（本年新收 + 上年结转）",
        (t3("carried_forward", _TOTAL),), _APPLICATIONS,
        note="分母：" + _DENOM_APPLICATIONS,
    ),
    Metric(
        "review_correction_rate", "复议纠错率",
        "复议纠错率 = 行政复议结果纠正 ÷ 行政复议总计",
        (t4("review", "corrected"),), (t4("review", _TOTAL),),
        note="分母：表四行政复议“总计”（含尚未审结）",
    ),
    Metric(
        "litigation_correction_rate", "诉讼纠错率",
        "诉讼纠错率（败诉率）=（未经复议直接起诉结果纠正 + 复议后起诉结果纠正）÷（两类行政诉讼总计之和）",
        tuple(t4(b, "corrected") for b in _LITIGATION), tuple(t4(b, _TOTAL) for b in _LITIGATION),
        note="分母：表四两类行政诉讼“总计”之和（含尚未审结）",
    ),
)
METRIC: dict[str, Metric] = {m.id: m for m in METRICS}


def evaluate(metric: Metric, reports: Sequence[Mapping[str, Number | None]], min_denominator: int | None = None) -> MetricValue:
    """A metric over reports (cell id → value): Σ numerators ÷ Σ denominators of the complete reports.

    A report with any operand null is left out (counted in ``excluded``), never read as 0; with no
    complete report the reason is 数据缺失, with a denominator below the minimum 样本过少.
    """
    return metric_value(metric, *metric_parts(metric, reports), min_denominator)


def metric_parts(metric: Metric, reports: Sequence[Mapping[str, Number | None]]
                 ) -> tuple[Number | None, Number | None, int, int]:
    """(Σ numerators, Σ denominators, complete reports, excluded reports): parts that add up over groups of
    reports, so a region's metric is the one of its groups' parts summed (:func:`metric_value`).
    """
    complete = [r for r in reports if all(r.get(c) is not None for c in metric.operands)]
    excluded = len(reports) - len(complete)
    if not complete:
        return None, None, 0, excluded
    num = _sum(r[c] for r in complete for c in metric.numerator)  # type: ignore[misc]
    den = _sum(r[c] for r in complete for c in metric.denominator)  # type: ignore[misc]
    return num, den, len(complete), excluded


def metric_value(metric: Metric, num: Number | None, den: Number | None, complete: int, excluded: int,
                 min_denominator: int | None = None) -> MetricValue:
    """The metric from its parts (see :func:`metric_parts`)."""
    minimum = metric.min_denominator if min_denominator is None else min_denominator
    if not complete or num is None or den is None:
        return MetricValue(metric.id, None, None, None, 0, excluded, MISSING)
    if den < minimum or den <= 0:
        return MetricValue(metric.id, None, num, den, complete, excluded, TOO_FEW)
    value = (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return MetricValue(metric.id, value, num, den, complete, excluded)


def evaluate_all(reports: Sequence[Mapping[str, Number | None]], min_denominator: int | None = None) -> dict[str, MetricValue]:
    """Every metric of :data:`METRICS` over the reports."""
    return {m.id: evaluate(m, reports, min_denominator) for m in METRICS}


# --- units and reports -------------------------------------------------------------------------


@dataclass(slots=True)
class UnitInfo:
    """A reporting unit with its region path (``山东省/潍坊市/昌乐县/乔官镇``)."""

    id: int
    key: str
    name: str
    unit_type: str | None
    region: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "name": self.name, "unit_type": self.unit_type, "region": self.region}


@dataclass(slots=True)
class ReportView:
    """A stored report's current version: header facts, the 200 cells and finding counts."""

    id: int
    unit: UnitInfo | None
    unit_name: str | None
    year: int | None
    source_name: str
    format: str
    format_version: str
    version: int
    title: str | None
    published_on: Any
    signed_on: Any
    period_start: Any
    period_end: Any
    cells: dict[str, Number | None] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The unit's name (as first imported) or the name printed in the report."""
        return self.unit.name if self.unit else (self.unit_name or "（未识别单位）")

    def metrics(self, min_denominator: int | None = None) -> dict[str, MetricValue]:
        """The metrics of this report alone."""
        return evaluate_all([self.cells], min_denominator)

    def to_dict(self, cells: bool = True) -> dict[str, Any]:
        """JSON form (dates as ISO strings)."""
        d: dict[str, Any] = {
            "report_id": self.id, "unit": self.name, "unit_type": self.unit.unit_type if self.unit else None,
            "region": self.unit.region if self.unit else None, "year": self.year, "source_name": self.source_name,
            "format": self.format, "format_version": self.format_version, "version": self.version, "title": self.title,
            "published_on": _iso(self.published_on), "signed_on": _iso(self.signed_on),
            "period_start": _iso(self.period_start), "period_end": _iso(self.period_end),
            "findings": {s: self.counts.get(s, 0) for s in SEVERITIES},
        }
        if cells:
            d["cells"] = {c: json_number(self.cells.get(c)) for c in CELL_IDS}
        return d


def _unit_info(unit: Unit, paths: Mapping[int, str]) -> UnitInfo:
    return UnitInfo(unit.id, unit.key, unit.name, unit.unit_type, paths.get(unit.region_id) if unit.region_id else None)


def resolve_unit(s: Session, unit: str | int) -> Unit:
    """A unit by id, by normalised name, or by a unique part of its name (else a StoreError in Chinese)."""
    if isinstance(unit, int) or (isinstance(unit, str) and unit.strip().isdigit()):
        found = s.get(Unit, int(unit)) if int(unit) < 2**63 else None  # the database holds no longer id
        if found is None:
            raise StoreError(f"没有编号为 {unit} 的单位")
        return found
    key = normalise_unit(unit)
    if not key:
        raise StoreError("请给出单位名称")
    found = s.scalar(select(Unit).where(Unit.key == key))
    if found is not None:
        return found
    candidates = list(s.scalars(select(Unit).where(Unit.key.contains(key, autoescape=True)).order_by(Unit.key).limit(11)))
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise StoreError(f"库中没有单位“{unit}”")
    names = "、".join(c.name for c in candidates[:10]) + ("等" if len(candidates) > 10 else "")
    raise StoreError(f"“{unit}”对应多个单位：{names}，请写全称")


_CHUNK = 500  # ids per IN (…) list: stays far below the bind-parameter limits of SQLite and PostgreSQL


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


# Report columns never needed by the queries (the source bytes may be megabytes per report).
_LIGHT = (defer(ReportRow.source_bytes), defer(ReportRow.notes), defer(ReportRow.tables))


def _current_cells(s: Session, report_ids: Sequence[int], only: Sequence[str] | None = None
                   ) -> dict[int, dict[str, tuple[Number | None, str]]]:
    """Report id → cell id → (value, state) of the current versions (``only`` these cells)."""
    out: dict[int, dict[str, tuple[Number | None, str]]] = {rid: {} for rid in report_ids}
    conn = s.connection()  # Core rows: the ORM's row handling costs more than the query
    for chunk in _chunks(report_ids):
        q = (
            select(CellPack.report_id, CellPack.cells)
            .join(ReportRow, and_(ReportRow.id == CellPack.report_id, ReportRow.current_version == CellPack.version))
            .where(CellPack.report_id.in_(chunk))
        )
        for rid, packed in conn.execute(q):
            out[rid] = cellpack.values_of(packed, only)
    return out


def _finding_counts(s: Session, report_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {rid: dict.fromkeys(SEVERITIES, 0) for rid in report_ids}
    for chunk in _chunks(report_ids):
        q = (
            select(FindingRow.report_id, FindingRow.severity, func.count(FindingRow.id))
            .join(ReportRow, and_(ReportRow.id == FindingRow.report_id, ReportRow.current_version == FindingRow.version))
            .where(FindingRow.report_id.in_(chunk))
            .group_by(FindingRow.report_id, FindingRow.severity)
        )
        for rid, sev, n in s.execute(q):
            out[rid][sev] = n
    return out


def _views(s: Session, rows: Sequence[ReportRow], paths: Mapping[int, str] | None = None,
           only: Sequence[str] | None = None) -> list[ReportView]:
    """Views of the rows; with ``only``, just those cells (the others are left out of ``cells``)."""
    paths = region_paths(s) if paths is None else paths
    ids = [r.id for r in rows]
    cells = _current_cells(s, ids, only)
    wanted = CELL_IDS if only is None else tuple(only)
    counts = _finding_counts(s, ids)
    units = {u.id: _unit_info(u, paths)
             for chunk in _chunks(sorted({r.unit_id for r in rows if r.unit_id}))
             for u in s.scalars(select(Unit).where(Unit.id.in_(chunk)))}
    views = []
    for r in rows:
        got = cells[r.id]
        views.append(ReportView(
            r.id, units.get(r.unit_id) if r.unit_id else None, r.unit_name, r.year, r.source_name, r.format,
            r.format_version, r.current_version, r.title, r.published_on, r.signed_on, r.period_start, r.period_end,
            cells={c: got[c][0] if c in got else None for c in wanted},
            states={c: got[c][1] if c in got else "absent" for c in wanted},
            counts=counts[r.id],
        ))
    return views


def report_views(store: Store, report_ids: Sequence[int] | None = None, year: int | None = None) -> list[ReportView]:
    """Reports (the current ones, or the given ids, optionally of one year) as views, in id order."""
    with store.session() as s:
        q = select(ReportRow).options(*_LIGHT).order_by(ReportRow.id)
        if report_ids is not None:
            q = q.where(ReportRow.id.in_(report_ids))
        else:
            q = q.where(ReportRow.is_current)
        if year is not None:
            q = q.where(ReportRow.year == year)
        return _views(s, list(s.scalars(q)))


def unit_reports(store: Store, unit: str | int, year: int | None = None) -> list[ReportView]:
    """The current reports of a unit (all years, or one), oldest year first."""
    with store.session() as s:
        u = resolve_unit(s, unit)
        q = select(ReportRow).options(*_LIGHT).where(ReportRow.unit_id == u.id, ReportRow.is_current)
        if year is not None:
            q = q.where(ReportRow.year == year)
        rows = list(s.scalars(q.order_by(ReportRow.year, ReportRow.id)))
        return _views(s, rows)


def _one_report(s: Session, unit: Unit, year: int) -> ReportRow | None:
    """The current report of a unit for a year (as :meth:`Store.find_report`)."""
    return s.scalar(select(ReportRow).options(*_LIGHT).where(ReportRow.unit_id == unit.id, ReportRow.year == year,
                                                             ReportRow.is_current))


def latest_year(store: Store, unit: str | int) -> int | None:
    """The newest report year of a unit."""
    with store.session() as s:
        u = resolve_unit(s, unit)
        return s.scalar(select(func.max(ReportRow.year)).where(ReportRow.unit_id == u.id, ReportRow.is_current))


# --- findings ----------------------------------------------------------------------------------


@dataclass(slots=True)
class FindingView:
    """A finding of a report's current version with its latest review decision."""

    report_id: int
    unit: str
    year: int | None
    rule: str
    severity: str
    message: str
    cells: list[str]
    fingerprint: str
    decision: str | None = None
    reviewer: str | None = None
    comment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"report_id": self.report_id, "unit": self.unit, "year": self.year, "rule": self.rule,
                "severity": self.severity, "message": self.message, "cells": list(self.cells),
                "fingerprint": self.fingerprint, "decision": self.decision, "reviewer": self.reviewer,
                "comment": self.comment}


_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _scoped(q: Select, dq: Select, report_ids: Sequence[int] | None, year: int | None) -> tuple[Select, Select]:
    """A findings query and its decisions query narrowed to these reports (else to the current versions)
    and to the year.
    """
    if report_ids is not None:
        q = q.where(FindingRow.report_id.in_(report_ids))
        dq = dq.where(ReviewDecision.report_id.in_(report_ids))
    else:
        q = q.where(ReportRow.is_current)
    if year is not None:
        q = q.where(ReportRow.year == year)
    return q, dq


def findings(store: Store, report_ids: Sequence[int] | None = None, year: int | None = None) -> list[FindingView]:
    """Findings of the current versions (errors first per report) with the latest decision by fingerprint."""
    with store.session() as s:
        q = (
            select(FindingRow, ReportRow.year, ReportRow.unit_name, Unit.name)
            .join(ReportRow, and_(ReportRow.id == FindingRow.report_id, ReportRow.current_version == FindingRow.version))
            .outerjoin(Unit, Unit.id == ReportRow.unit_id)
            .order_by(FindingRow.report_id, FindingRow.id)
        )
        q, dq = _scoped(q, select(ReviewDecision).order_by(ReviewDecision.id), report_ids, year)
        found = list(s.execute(q))
        decisions: dict[tuple[int, str], ReviewDecision] = {}
        for dec in s.scalars(dq):
            decisions[(dec.report_id, dec.fingerprint)] = dec
    out = []
    for f, y, printed, name in found:
        d = decisions.get((f.report_id, f.fingerprint))
        out.append(FindingView(f.report_id, name or printed or "（未识别单位）", y, f.rule, f.severity, f.message,
                               list(f.cells or []), f.fingerprint, d.decision if d else None,
                               d.reviewer if d else None, d.comment if d else None))
    out.sort(key=lambda v: (v.report_id, _SEVERITY_RANK.get(v.severity, 9)))
    return out


@dataclass(slots=True)
class FindingState:
    """What the statistics count of a finding: its report, severity and latest review decision."""

    report_id: int
    severity: str
    decision: str | None


def finding_states(store: Store, report_ids: Sequence[int] | None = None, year: int | None = None) -> list[FindingState]:
    """:func:`findings` without messages, cells and evidence (the statistics read every finding of a year:
    decoding their evidence and making ORM objects cost more than counting them). Not in any order.
    """
    with store.session() as s:
        q = (select(FindingRow.report_id, FindingRow.severity, FindingRow.fingerprint)
             .join(ReportRow, and_(ReportRow.id == FindingRow.report_id, ReportRow.current_version == FindingRow.version)))
        dq = select(ReviewDecision.report_id, ReviewDecision.fingerprint, ReviewDecision.decision).order_by(ReviewDecision.id)
        q, dq = _scoped(q, dq, report_ids, year)
        found = list(s.execute(q))
        decisions = {(rid, fp): decision for rid, fp, decision in s.execute(dq)}  # the latest by id wins
    return [FindingState(rid, severity, decisions.get((rid, fp))) for rid, severity, fp in found]

# --- year over year ----------------------------------------------------------------------------


@dataclass(slots=True)
class CellChange:
    """One cell in two consecutive years: change = value − previous (None when either is null)."""

    id: str
    label: str
    previous: Number | None
    value: Number | None
    change: Number | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "label": self.label, "previous": json_number(self.previous),
                "value": json_number(self.value), "change": json_number(self.change)}


@dataclass(slots=True)
class CrossYear:
    """A cross-year rule result (XY-CARRY-*, T2-ROLLFORWARD-*, …)."""

    rule: str
    severity: str
    outcome: str  # pass | fail | not_assessable | not_stated
    message: str
    cells: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"rule": self.rule, "severity": self.severity, "outcome": self.outcome, "message": self.message,
                "cells": list(self.cells)}


@dataclass(slots=True)
class YearOverYear:
    """A unit's report against its previous year's: every cell, the metrics and the cross-year checks.

    ``cross_year_source`` is ``check`` when the rules were run now on the two stored reports, or
    ``stored`` when only the stored findings of the current version were available (failures only).
    """

    unit: UnitInfo
    year: int
    current: ReportView
    previous: ReportView
    cells: list[CellChange]
    metrics: list[tuple[Metric, MetricValue, MetricValue]]
    cross_year: list[CrossYear]
    cross_year_source: str

    @property
    def changed(self) -> list[CellChange]:
        """Cells whose value changed, or that are known in one year only."""
        return [c for c in self.cells if c.previous != c.value]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "unit": self.unit.to_dict(), "year": self.year, "previous_year": self.previous.year,
            "report_id": self.current.id, "previous_report_id": self.previous.id,
            "cells": [c.to_dict() for c in self.cells],
            "metrics": [{"metric": m.id, "name": m.name, "previous": p.to_dict(), "value": v.to_dict()}
                        for m, p, v in self.metrics],
            "cross_year": [x.to_dict() for x in self.cross_year], "cross_year_source": self.cross_year_source,
        }


Checker = Callable[[Report, Report], Sequence[Finding]]


def _diff(a: Number | None, b: Number | None) -> Number | None:
    if a is None or b is None:
        return None
    d = a - b
    return normal(d)


def year_over_year(store: Store, unit: str | int, year: int, checker: Checker | None = None,
                   min_denominator: int | None = None, *, cross_year: Callable[[str], bool]) -> YearOverYear:
    """A unit's report for ``year`` against ``year − 1``: every cell's change and the carry-over checks.

    ``checker(current, previous)`` runs the cross-year rules on the two stored reports; without it
    the stored findings of those rules are shown (they exist only if the previous year was in the
    store when the report was checked). ``cross_year(rule instance)`` tells those rules (the
    checker's registry knows them: ``zfxxgk.app.compare`` passes ``check.is_cross_year``).
    """
    with store.session() as s:
        u = resolve_unit(s, unit)
        cur, prev = _one_report(s, u, year), _one_report(s, u, year - 1)
        if cur is None:
            raise StoreError(f"库中没有{u.name}{year}年度的报告")
        if prev is None:
            raise StoreError(f"库中没有{u.name}上一年度（{year - 1}年）的报告，无法做同比")
        info = _unit_info(u, region_paths(s))
        current, previous = _views(s, [cur, prev])
    cells = [CellChange(c, cell_label(c), previous.cells[c], current.cells[c], _diff(current.cells[c], previous.cells[c]))
             for c in CELL_IDS]
    pm, cm = previous.metrics(min_denominator), current.metrics(min_denominator)
    metrics = [(m, pm[m.id], cm[m.id]) for m in METRICS]
    if checker is not None:
        results = checker(store.load(current.id), store.load(previous.id))
        cross = [CrossYear(f.rule, f.severity.value, f.outcome.value, f.message, list(f.cells))
                 for f in results if cross_year(f.rule)]
        source = "check"
    else:
        cross = [CrossYear(f.rule, f.severity, "fail", f.message, f.cells)
                 for f in findings(store, [current.id]) if cross_year(f.rule)]
        source = "stored"
    return YearOverYear(info, year, current, previous, cells, metrics, cross, source)


# --- unit against unit -------------------------------------------------------------------------


@dataclass(slots=True)
class CellDiff:
    """One cell of two units' reports: difference = a − b (None when either is null)."""

    id: str
    label: str
    a: Number | None
    b: Number | None
    difference: Number | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "label": self.label, "a": json_number(self.a), "b": json_number(self.b),
                "difference": json_number(self.difference)}


@dataclass(slots=True)
class UnitComparison:
    """Two units' reports of one year side by side."""

    year: int
    a: ReportView
    b: ReportView
    cells: list[CellDiff]
    metrics: list[tuple[Metric, MetricValue, MetricValue]]

    @property
    def different(self) -> list[CellDiff]:
        """Cells whose values differ (a null against a number differs)."""
        return [c for c in self.cells if c.a != c.b]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "year": self.year, "a": self.a.to_dict(cells=False), "b": self.b.to_dict(cells=False),
            "cells": [c.to_dict() for c in self.cells],
            "metrics": [{"metric": m.id, "name": m.name, "a": x.to_dict(), "b": y.to_dict()} for m, x, y in self.metrics],
        }


def compare_units(store: Store, unit_a: str | int, unit_b: str | int, year: int,
                  min_denominator: int | None = None) -> UnitComparison:
    """Two units' reports for the same year: every cell (a, b, a − b) and the metrics of each."""
    with store.session() as s:
        ua, ub = resolve_unit(s, unit_a), resolve_unit(s, unit_b)
        if ua.id == ub.id:
            raise StoreError("请给出两个不同的单位")
        rows = []
        for u in (ua, ub):
            r = _one_report(s, u, year)
            if r is None:
                raise StoreError(f"库中没有{u.name}{year}年度的报告")
            rows.append(r)
        a, b = _views(s, rows)
    cells = [CellDiff(c, cell_label(c), a.cells[c], b.cells[c], _diff(a.cells[c], b.cells[c])) for c in CELL_IDS]
    ma, mb = a.metrics(min_denominator), b.metrics(min_denominator)
    return UnitComparison(year, a, b, cells, [(m, ma[m.id], mb[m.id]) for m in METRICS])


def common_latest_year(store: Store, unit_a: str | int, unit_b: str | int) -> int | None:
    """The newest year for which both units have a report."""
    with store.session() as s:
        ids = [resolve_unit(s, u).id for u in (unit_a, unit_b)]
        years = [set(s.scalars(select(ReportRow.year).where(ReportRow.unit_id == i, ReportRow.year.is_not(None),
                                                            ReportRow.is_current)))
                 for i in ids]
    common = cast(set[int], years[0] & years[1])  # NULL years are filtered out by the query
    return max(common) if common else None


# --- region roll-ups ---------------------------------------------------------------------------


@dataclass(slots=True)
class RegionTotals:
    """A region's roll-up: its units' reports (sub-regions included) summed cell by cell.

    ``sums[c]`` is the sum of the known values (None when no report has one); ``nulls[c]`` the
    number of reports whose cell is null — a null is never counted as 0.
    """

    region_id: int | None
    name: str
    level: str
    path: str
    units: int = 0
    reports: int = 0
    sums: dict[str, Number | None] = field(default_factory=dict)
    nulls: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, MetricValue] = field(default_factory=dict)

    @property
    def incomplete(self) -> int:
        """How many cells have a null in at least one report."""
        return sum(1 for n in self.nulls.values() if n)

    def to_dict(self, cells: bool = True) -> dict[str, Any]:
        """JSON form."""
        d: dict[str, Any] = {"region_id": self.region_id, "name": self.name, "level": self.level, "path": self.path,
                             "units": self.units, "reports": self.reports,
                             "metrics": {k: v.to_dict() for k, v in self.metrics.items()}}
        if cells:
            d["sums"] = {c: json_number(self.sums.get(c)) for c in CELL_IDS}
            d["nulls"] = {c: self.nulls.get(c, 0) for c in CELL_IDS}
        return d


def rollup(store: Store, year: int, level: str | None = None, min_denominator: int | None = None,
           known: Mapping[int, Mapping[str, Number | None]] | None = None,
           only: Iterable[int | None] | None = None) -> list[RegionTotals]:
    """Per region (of ``level``, or every region) the sums of its units' reports for ``year`` and the metrics.

    Each unit counts once: its current report of the year. A region includes the units of all its
    sub-regions. Without ``level``, reports of units without a region are rolled up under
    “（未归属地区）”. Regions without any report of the year are left out. ``known``: current cell
    values of reports the caller has already loaded (report id → cell id → value), not read again.
    ``only``: the regions wanted (None for the unassigned reports), when not all are (a dashboard
    shows a region's children: summing every township of a province for it cost seconds).
    """
    wanted = None if only is None else set(only)
    known = known or {}
    if level is not None and level not in LEVELS:
        raise StoreError(f"地区级别应为 {'、'.join(LEVELS)} 之一")
    with store.session() as s:
        regions = {r.id: r for r in s.scalars(select(Region))}
        paths = region_paths(s)
        current = select(ReportRow.unit_id, ReportRow.id).where(ReportRow.year == year, ReportRow.unit_id.is_not(None),
                                                                ReportRow.is_current)
        picked = cast(dict[int, int], {rid: uid for uid, rid in s.execute(current)})  # unit_id IS NOT NULL
        orphans = list(s.scalars(select(ReportRow.id).where(ReportRow.year == year, ReportRow.unit_id.is_(None),
                                                            ReportRow.is_current)))
        unit_region = {uid: region for chunk in _chunks(sorted(set(picked.values())))
                       for uid, region in s.execute(select(Unit.id, Unit.region_id).where(Unit.id.in_(chunk)))}
        report_ids = sorted(picked) + orphans
        loaded = _current_cells(s, [rid for rid in report_ids if rid not in known])
    cells: dict[int, Mapping[str, Number | None]] = {
        rid: known[rid] if rid in known else {c: v for c, (v, _state) in loaded[rid].items()} for rid in report_ids}

    members: dict[int | None, list[int]] = {}
    units_of: dict[int | None, set[int]] = {}
    for rid in report_ids:
        uid = picked.get(rid)
        region = unit_region.get(uid) if uid is not None else None
        chain: list[int | None] = []
        while region is not None:
            chain.append(region)
            region = regions[region].parent_id
        for key in chain or [None]:
            members.setdefault(key, []).append(rid)
            if uid is not None:
                units_of.setdefault(key, set()).add(uid)

    out = []
    for key, rids in members.items():
        if wanted is not None and key not in wanted:
            continue
        if key is None:
            if level is not None:
                continue
            totals = RegionTotals(None, UNASSIGNED, "other", UNASSIGNED)
        else:
            reg = regions[key]
            if level is not None and reg.level != level:
                continue
            totals = RegionTotals(reg.id, reg.name, reg.level, paths[reg.id])
        values = [{c: cells[rid].get(c) for c in CELL_IDS} for rid in rids]  # a missing cell row counts as null
        totals.units = len(units_of.get(key, ()))
        totals.reports = len(rids)
        for c in CELL_IDS:
            present = [x for v in values if (x := v[c]) is not None]
            totals.sums[c] = _sum(present) if present else None
            totals.nulls[c] = len(values) - len(present)
        totals.metrics = evaluate_all(values, min_denominator)
        out.append(totals)
    out.sort(key=lambda t: (t.region_id is None, t.path))
    return out


# --- helpers -----------------------------------------------------------------------------------


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def state_counts(view: ReportView) -> Counter[str]:
    """How many cells of a report are in each state (number, blank, absent, …)."""
    return Counter(view.states.values())


__all__ = [
    "LEVELS",
    "METRIC",
    "METRICS",
    "CellChange",
    "CellDiff",
    "CrossYear",
    "FindingState",
    "FindingView",
    "Metric",
    "MetricValue",
    "RegionTotals",
    "ReportView",
    "UnitComparison",
    "UnitInfo",
    "YearOverYear",
    "cell_label",
    "common_latest_year",
    "compare_units",
    "evaluate",
    "metric_parts",
    "metric_value",
    "evaluate_all",
    "findings",
    "latest_year",
    "report_views",
    "resolve_unit",
    "rollup",
    "unit_reports",
    "year_over_year",
]


# --- read models for the faces (the web never queries the schema) --------------------------------


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A finding as stored for a report version."""

    id: int
    rule: str
    severity: str
    message: str
    cells: list[str]
    evidence: dict[str, Any]
    fingerprint: str


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One review decision on a finding (the history is kept)."""

    decision: str
    reviewer: str
    comment: str
    decided_at: dt.datetime

    @property
    def decision_cn(self) -> str:
        """Chinese name of the decision."""
        return DECISION_CN.get(self.decision, self.decision)


def finding_history(store: Store, report_id: int) -> tuple[list[StoredFinding], dict[str, list[DecisionRecord]]]:
    """The current version's findings in stored order, and every decision per fingerprint (latest first)."""
    with store.session() as s:
        version = s.scalar(select(ReportRow.current_version).where(ReportRow.id == report_id)) or 0
        rows = [StoredFinding(f.id, f.rule, f.severity, f.message, list(f.cells or []), f.evidence or {}, f.fingerprint)
                for f in s.scalars(select(FindingRow).where(FindingRow.report_id == report_id,
                                                            FindingRow.version == version).order_by(FindingRow.id))]
        decisions: dict[str, list[DecisionRecord]] = {}
        for d in s.scalars(select(ReviewDecision).where(ReviewDecision.report_id == report_id)
                           .order_by(ReviewDecision.id.desc())):
            decisions.setdefault(d.fingerprint, []).append(
                DecisionRecord(d.decision, d.reviewer, d.comment or "", d.decided_at))
    return rows, decisions


def current_version(store: Store, report_id: int) -> int:
    """The current (corrected) version of a stored report's cells."""
    with store.session() as s:
        return int(s.scalar(select(ReportRow.current_version).where(ReportRow.id == report_id)) or 0)


def unit_names(store: Store, limit: int = 5000) -> list[str]:
    """Unit names in name order (for choosing a filer's unit)."""
    with store.session() as s:
        return list(s.scalars(select(Unit.name).order_by(Unit.name).limit(limit)))


def unit_info(store: Store, unit_id: int) -> UnitInfo | None:
    """One unit with its region path."""
    with store.session() as s:
        row = s.get(Unit, unit_id)
        return _unit_info(row, region_paths(s)) if row is not None else None
