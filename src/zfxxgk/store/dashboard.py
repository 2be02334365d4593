"""Dashboard queries: a year's reports in a region subtree (a reviewer's scope) summed, ranked and charted.

Built on :mod:`zfxxgk.store.queries` (metrics, ``evaluate``, ``rollup``, report views, findings); the
same policies hold: each unit counts once per year (its current report), a blank is never 0 (sums
are sums of the known values, with the number of reports whose cell is blank), and a rate is only
given when its operands are known and its denominator is large enough (“剔除n份”, “样本过少”,
“数据缺失”).

A scope is a year and optionally a region (its id or its path such as ``山东省/潍坊市``); the region
includes its sub-regions. Without a region every report of the year counts, including those of
units without a region.

>>> d = dashboard(store, 2024, "山东省/潍坊市")       # doctest: +SKIP
>>> d.outcomes.groups[0].label, d.outcomes.groups[0].total   # doctest: +SKIP
('（一）予以公开', 42)
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import case, func, select

from ..model import CELL_IDS
from ..model.ids import OUTCOME_ROWS, T3_COLUMNS, T3_GROUP_LABELS, T3_ROW_GROUP, T3_ROWS, t3
from ..model.numbers import json_number, normal, number_text
from .db import GROUP_DEPTH, Store, StoreError
from .queries import (
    _LIGHT,
    METRIC,
    METRICS,
    MISSING,
    TOO_FEW,
    UNASSIGNED,
    FindingState,
    Metric,
    MetricValue,
    Number,
    RegionTotals,
    ReportView,
    _chunks,
    _sum,
    _views,
    evaluate,
    evaluate_all,
    finding_states,
    metric_parts,
    metric_value,
    rollup,
    unit_reports,
)
from .regions import region_paths, region_subtree, resolve_region
from .reviewing import awaits_decision, needs_decision
from .schema import AuditEvent, FindingRow, Region, ReportRow, ReviewDecision, Unit
from .summary import NO_REGION, NO_UNIT, members, region_table, summaries

ALL_REGIONS = "全部地区"
NEW_RECEIVED = t3("new_received", "total")
PROCESSED = t3("total_processed", "total")
DEFAULT_SERIES_CELLS = (NEW_RECEIVED,)
DEFAULT_SERIES_METRICS = ("disclosure_rate", "review_correction_rate")
# The metrics every dashboard shows first (the others follow in METRICS order).
KEY_METRICS = ("disclosure_rate", "review_correction_rate")

_TRAILING_NOTE = re.compile(r"(?<=.)（[^（）]*）$")


def short_label(row: str) -> str:
    """A table-3 row label without its trailing note: ``（二）部分公开（区分处理的…）`` → ``（二）部分公开``."""
    return _TRAILING_NOTE.sub("", row)


# --- scope -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Scope:
    """What a dashboard covers: a year and a region subtree (``region_id`` None: every region)."""

    year: int
    region_id: int | None
    region: str  # path, or 全部地区
    units: int = 0
    reports: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"year": self.year, "region_id": self.region_id, "region": self.region, "units": self.units,
                "reports": self.reports}


@dataclass(slots=True)
class RegionOption:
    """A region for a selector: id, path, level."""

    id: int
    name: str
    path: str
    level: str
    parent_id: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "name": self.name, "path": self.path, "level": self.level, "parent_id": self.parent_id}


def list_regions(store: Store) -> list[RegionOption]:
    """Every region with its path, in path order (for a region selector)."""
    with store.session() as s:
        paths = region_paths(s)
        rows = list(s.execute(select(Region.id, Region.name, Region.level, Region.parent_id)))
    return sorted((RegionOption(i, n, paths[i], lv, p) for i, n, lv, p in rows), key=lambda r: r.path)


def available_years(store: Store) -> list[int]:
    """The report years in the store, oldest first."""
    with store.session() as s:
        q = select(ReportRow.year).where(ReportRow.year.is_not(None), ReportRow.is_current).distinct()
        return sorted(cast(int, y) for y in s.scalars(q))  # NULL years filtered out above


@dataclass(slots=True)
class _Loaded:
    scope: Scope
    views: list[ReportView]
    children: list[int]  # child region ids of the scope's region (roots when no region)
    paths: dict[int, str]
    names: dict[int, str]


def _load(store: Store, year: int, region: int | str | None) -> _Loaded:
    """The scope's reports: per unit its current report of the year (units of the region subtree)."""
    with store.session() as s:
        paths = region_paths(s)
        regions = {r.id: r for r in s.scalars(select(Region))}
        rid = resolve_region(s, region, paths) if region is not None else None
        subtree = region_subtree(s, rid) if rid is not None else None
        current = (
            select(Unit.region_id, ReportRow.id)
            .join(ReportRow, ReportRow.unit_id == Unit.id)
            .where(ReportRow.year == year, ReportRow.is_current)
        )
        ids = [r for reg, r in s.execute(current) if subtree is None or reg in subtree]
        units = len(ids)
        if subtree is None:  # reports whose unit is unknown count when no region is chosen
            ids += list(s.scalars(select(ReportRow.id).where(ReportRow.year == year, ReportRow.unit_id.is_(None),
                                                             ReportRow.is_current)))
        rows = [r for chunk in _chunks(sorted(ids))
                for r in s.scalars(select(ReportRow).options(*_LIGHT).where(ReportRow.id.in_(chunk)))]
        rows.sort(key=lambda r: r.id)
        views = _views(s, rows, paths)
        children = sorted((r.id for r in regions.values() if r.parent_id == rid), key=lambda i: paths[i])
    scope = Scope(year, rid, paths[rid] if rid is not None else ALL_REGIONS, units, len(views))
    return _Loaded(scope, views, children, paths, {i: r.name for i, r in regions.items()})


# --- sums ----------------------------------------------------------------------------------------


def _known_sum(values: Iterable[Number | None]) -> tuple[Number | None, int]:
    """(sum of the known values or None, how many were blank)."""
    vals = list(values)
    known = [v for v in vals if v is not None]
    return (normal(sum(known)) if known else None), len(vals) - len(known)


def _cell_sums(cells: Sequence[Mapping[str, Number | None]]) -> dict[str, tuple[Number | None, int]]:
    """:func:`_known_sum` of every cell over the reports, in one pass over each report's cells (the
    statistics add up the 200 cells of every report: a generator per cell and group cost ≈ 20 % of it).
    """
    totals: dict[str, Any] = {}
    blanks = dict.fromkeys(CELL_IDS, 0)
    for x in cells:
        for c in CELL_IDS:
            v = x[c]
            if v is None:
                blanks[c] += 1
            elif c in totals:
                totals[c] += v
            else:
                totals[c] = v
    return {c: ((normal(totals[c]) if c in totals else None), blanks[c]) for c in CELL_IDS}


@dataclass(slots=True)
class CellSum:
    """One cell summed over the scope's reports: ``total`` of the known values, ``blanks`` reports blank."""

    cell: str
    total: Number | None
    blanks: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"cell": self.cell, "total": json_number(self.total), "blanks": self.blanks}


@dataclass(slots=True)
class OutcomeRow:
    """One 办理结果 row of table 3 (total column) summed, with its applicant columns."""

    key: str
    label: str  # as printed, with its group (``（三）不予公开 · 1.属于国家秘密``)
    group: str  # the group it belongs to (a row of its own for 予以公开 and 部分公开)
    total: CellSum
    columns: dict[str, CellSum] = field(default_factory=dict)  # applicant column key → sum

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"key": self.key, "label": self.label, "group": self.group, "total": self.total.to_dict(),
                "columns": {k: v.to_dict() for k, v in self.columns.items()}}


@dataclass(slots=True)
class OutcomeGroup:
    """A group of 办理结果 rows (（一）…（六）) summed; ``blanks``: reports with a blank in any of its rows."""

    label: str
    rows: tuple[str, ...]
    total: Number | None
    blanks: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"label": self.label, "rows": list(self.rows), "total": json_number(self.total), "blanks": self.blanks}


@dataclass(slots=True)
class OutcomeCounts:
    """Table 3 办理结果 over the scope: the 21 rows, their six groups and “（七）总计”."""

    scope: Scope
    rows: list[OutcomeRow]
    groups: list[OutcomeGroup]
    processed: CellSum  # （七）总计 as filled in the reports

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"scope": self.scope.to_dict(), "rows": [r.to_dict() for r in self.rows],
                "groups": [g.to_dict() for g in self.groups], "processed": self.processed.to_dict()}


def outcome_groups() -> list[tuple[str, tuple[str, ...]]]:
    """The six groups of outcome rows (label, row keys), from the registry's row groups."""
    groups: dict[str, list[str]] = {}
    for key in OUTCOME_ROWS:
        group = T3_ROW_GROUP[key]
        label = short_label(_row_label(key)) if group == T3_GROUP_LABELS[0] else group
        groups.setdefault(label, []).append(key)
    return [(label, tuple(rows)) for label, rows in groups.items()]


_ROW_LABEL = {r.key: r.label for r in T3_ROWS}


def _row_label(key: str) -> str:
    return _ROW_LABEL[key]


def _outcomes(loaded: _Loaded) -> OutcomeCounts:
    cells = [v.cells for v in loaded.views]
    rows = []
    for key in OUTCOME_ROWS:
        group = T3_ROW_GROUP[key]
        label = _row_label(key) if group == T3_GROUP_LABELS[0] else f"{group} · {_row_label(key)}"
        total = CellSum(t3(key, "total"), *_known_sum(c[t3(key, "total")] for c in cells))
        columns = {col.key: CellSum(t3(key, col.key), *_known_sum(c[t3(key, col.key)] for c in cells))
                   for col in T3_COLUMNS[:-1]}
        rows.append(OutcomeRow(key, label, short_label(_row_label(key)) if group == T3_GROUP_LABELS[0] else group,
                               total, columns))
    groups = []
    for label, keys in outcome_groups():
        ids = [t3(k, "total") for k in keys]
        group_total, _ = _known_sum(c[i] for c in cells for i in ids)
        blanks = sum(1 for c in cells if any(c[i] is None for i in ids))
        groups.append(OutcomeGroup(label, keys, group_total, blanks))
    processed = CellSum(PROCESSED, *_known_sum(c[PROCESSED] for c in cells))
    return OutcomeCounts(loaded.scope, rows, groups, processed)


def outcome_counts(store: Store, year: int, region: int | str | None = None) -> OutcomeCounts:
    """Table 3 办理结果 rows summed over the scope's reports, with the number of reports blank in each."""
    return _outcomes(_load(store, year, region))


# --- metrics -------------------------------------------------------------------------------------


def explain(value: MetricValue, metric: Metric, min_denominator: int | None = None) -> str:
    """How a rate came about, in Chinese: operands, reports used, reports left out, or why it is not given."""
    left_out = f"；剔除{value.excluded}份（所需单元格有空白）" if value.excluded else ""
    if value.reason == MISSING:
        return f"{MISSING}：{value.excluded}份报告所需单元格均有空白" if value.excluded else f"{MISSING}：没有报告"
    if value.reason == TOO_FEW:
        minimum = metric.min_denominator if min_denominator is None else min_denominator
        return f"{TOO_FEW}：分母{number_text(value.denominator)}（{value.reports}份报告）不足{minimum}{left_out}"
    return (f"{metric.name} = {number_text(value.numerator)} ÷ {number_text(value.denominator)} = {value.display}"
            f"（{value.reports}份报告{left_out}）")


@dataclass(slots=True)
class RegionMetric:
    """A metric in one sub-region."""

    region_id: int | None
    name: str
    value: MetricValue
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"region_id": self.region_id, "name": self.name, "value": self.value.to_dict(),
                "explanation": self.explanation}


@dataclass(slots=True)
class MetricSummary:
    """A metric over the scope and in each sub-region, with its Chinese formula and how it was computed."""

    metric: Metric
    overall: MetricValue
    explanation: str
    regions: list[RegionMetric] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"metric": self.metric.id, "name": self.metric.name, "formula": self.metric.formula,
                "note": self.metric.note, "overall": self.overall.to_dict(), "explanation": self.explanation,
                "regions": [r.to_dict() for r in self.regions]}


def _metric_order(ids: Sequence[str] | None) -> list[Metric]:
    if ids is None:
        return [METRIC[i] for i in KEY_METRICS] + [m for m in METRICS if m.id not in KEY_METRICS]
    unknown = [i for i in ids if i not in METRIC]
    if unknown:
        raise StoreError(f"未知的指标：{'、'.join(unknown)}")
    return [METRIC[i] for i in ids]


def _key_metrics(overall_of: dict[str, MetricValue], rollup_rows: Sequence[RegionRow], ids: Sequence[str] | None,
                 min_denominator: int | None) -> list[MetricSummary]:
    out = []
    for m in _metric_order(ids):
        overall = overall_of[m.id]
        summary = MetricSummary(m, overall, explain(overall, m, min_denominator))
        for r in rollup_rows:
            v = r.metrics[m.id]
            summary.regions.append(RegionMetric(r.region_id, r.name, v, explain(v, m, min_denominator)))
        out.append(summary)
    return out


def key_metrics(store: Store, year: int, region: int | str | None = None, metrics: Sequence[str] | None = None,
                min_denominator: int | None = None) -> list[MetricSummary]:
    """The metrics (公开率 and 复议纠错率 first, then the others of METRICS) overall and per sub-region."""
    loaded = _load(store, year, region)
    cells = [v.cells for v in loaded.views]
    overall = {m.id: evaluate(m, cells, min_denominator) for m in _metric_order(metrics)}
    return _key_metrics(overall, _rollup(store, loaded, min_denominator).rows, metrics, min_denominator)


# --- rankings ------------------------------------------------------------------------------------


@dataclass(slots=True)
class RankRow:
    """One unit in a ranking (``rank`` None when it cannot be ranked: ``display`` says why)."""

    rank: int | None
    unit: str
    unit_id: int | None
    report_id: int
    region: str | None
    value: Number | Decimal | None
    display: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        value = float(self.value) if isinstance(self.value, Decimal) else self.value
        return {"rank": self.rank, "unit": self.unit, "unit_id": self.unit_id, "report_id": self.report_id,
                "region": self.region, "value": value, "display": self.display, "detail": self.detail}


@dataclass(slots=True)
class Ranking:
    """Units ranked by one measure (highest first; equal values share a rank); ``unranked`` lack a value."""

    id: str
    title: str
    measure: str  # what the value is, in Chinese
    rows: list[RankRow]
    unranked: list[RankRow] = field(default_factory=list)  # the first ``limit`` by name
    unranked_count: int = 0  # all of them

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "title": self.title, "measure": self.measure, "rows": [r.to_dict() for r in self.rows],
                "unranked": [r.to_dict() for r in self.unranked], "unranked_count": self.unranked_count}


def _ranked(items: list[tuple[tuple, RankRow]], limit: int | None) -> list[RankRow]:
    """Rows sorted by key (descending) with competition ranks (1, 1, 3 …)."""
    items.sort(key=lambda kr: kr[0], reverse=True)
    out: list[RankRow] = []
    previous: tuple | None = None
    for i, (key, row) in enumerate(items, start=1):
        row.rank = out[-1].rank if previous == key and out else i
        previous = key
        out.append(row)
    return out[:limit] if limit is not None else out


def _row(v: ReportView, value: Number | Decimal | None, display: str, **detail: Any) -> RankRow:
    return RankRow(None, v.name, v.unit.id if v.unit else None, v.id, v.unit.region if v.unit else None, value,
                   display, detail)


def _rankings(views: Sequence[ReportView], limit: int | None, min_denominator: int | None) -> list[Ranking]:
    views = sorted(views, key=lambda v: v.name)  # ties stay in name order (sort is stable)
    by_findings = _ranked(
        [((v.counts.get("error", 0), v.counts.get("warning", 0)),
          _row(v, v.counts.get("error", 0) + v.counts.get("warning", 0),
               f"错误{v.counts.get('error', 0)}，警告{v.counts.get('warning', 0)}",
               errors=v.counts.get("error", 0), warnings=v.counts.get("warning", 0), infos=v.counts.get("info", 0)))
         for v in views], limit)
    rate = METRIC["disclosure_rate"]
    ranked, unranked = [], []
    for v in views:
        mv = evaluate(rate, [v.cells], min_denominator)
        row = _row(v, mv.value, mv.display, numerator=json_number(mv.numerator),
                   denominator=json_number(mv.denominator))
        if mv.value is None:
            unranked.append(row)
        else:
            ranked.append(((mv.value,), row))
    by_rate = _ranked(ranked, limit)
    counted, blank = [], []
    for v in views:
        n = v.cells[NEW_RECEIVED]
        row = _row(v, n, "空白" if n is None else f"{json_number(n)}件")
        if n is None:
            blank.append(row)
        else:
            counted.append(((n,), row))
    by_new = _ranked(counted, limit)
    return [
        Ranking("findings", "问题最多的单位", "错误、警告数（先按错误数，再按警告数）", by_findings),
        Ranking("disclosure_rate", "公开率排名", rate.formula, by_rate, unranked[:limit], len(unranked)),
        Ranking("new_received", "申请量排名", "本年新收政府信息公开申请数量（表三第一行·总计）", by_new, blank[:limit],
                len(blank)),
    ]


def rankings(store: Store, year: int, region: int | str | None = None, limit: int | None = None,
             min_denominator: int | None = None) -> list[Ranking]:
    """Units ranked by error/warning findings, by 公开率 and by 申请量 (本年新收), highest first."""
    return _rankings(_load(store, year, region).views, limit, min_denominator)


# --- region roll-up ------------------------------------------------------------------------------


@dataclass(slots=True)
class RegionRow:
    """A sub-region of the scope (sub-regions included), or the units attached to the scope's region itself."""

    region_id: int | None
    name: str
    path: str
    level: str
    units: int
    reports: int
    sums: dict[str, Number | None]
    nulls: dict[str, int]
    metrics: dict[str, MetricValue]
    direct: bool = False  # units attached to the selected region itself (not to a sub-region)

    def to_dict(self, cells: bool = False) -> dict[str, Any]:
        """JSON form (every cell's sum and blank count with ``cells``)."""
        d: dict[str, Any] = {"region_id": self.region_id, "name": self.name, "path": self.path, "level": self.level,
                             "units": self.units, "reports": self.reports, "direct": self.direct,
                             "metrics": {k: v.to_dict() for k, v in self.metrics.items()}}
        if cells:
            d["sums"] = {c: json_number(self.sums.get(c)) for c in CELL_IDS}
            d["nulls"] = {c: self.nulls.get(c, 0) for c in CELL_IDS}
        return d


@dataclass(slots=True)
class RegionRollup:
    """The scope's sub-regions side by side, with series ready for a chart."""

    scope: Scope
    rows: list[RegionRow]

    @property
    def categories(self) -> list[str]:
        """Region names, one per row (chart categories)."""
        return [r.name for r in self.rows]

    def cell_series(self, cell_id: str) -> list[Number | None]:
        """A cell's sum per region (None: no report of the region has a value)."""
        return [r.sums.get(cell_id) for r in self.rows]

    def blank_counts(self, cell_id: str) -> list[int]:
        """Per region, the number of reports whose cell is blank."""
        return [r.nulls.get(cell_id, 0) for r in self.rows]

    def metric_series(self, metric_id: str) -> list[Decimal | None]:
        """A metric per region (None where it is not given: 样本过少 or 数据缺失)."""
        return [r.metrics[metric_id].value for r in self.rows]

    def outcome_series(self) -> dict[str, list[Number | None]]:
        """Per outcome group (（一）…（六）) the sum per region of its rows' totals: stacked-bar series."""
        out = {}
        for label, keys in outcome_groups():
            series = []
            for r in self.rows:
                known = [x for k in keys if (x := r.sums.get(t3(k, "total"))) is not None]
                series.append(_sum(known) if known else None)
            out[label] = series
        return out

    def outcome_incomplete(self) -> list[bool]:
        """Per region, whether a report has a blank 办理结果 total (its stacked bar is a lower bound: say so)."""
        ids = [t3(k, "total") for k in OUTCOME_ROWS]
        return [any(r.nulls.get(i, 0) for i in ids) for r in self.rows]

    def to_dict(self, cells: bool = False) -> dict[str, Any]:
        """JSON form."""
        return {"scope": self.scope.to_dict(), "rows": [r.to_dict(cells) for r in self.rows],
                "outcomes": {k: [json_number(v) for v in vs] for k, vs in self.outcome_series().items()},
                "outcomes_incomplete": self.outcome_incomplete()}


def _from_totals(t: RegionTotals) -> RegionRow:
    return RegionRow(t.region_id, t.name, t.path, t.level, t.units, t.reports, dict(t.sums), dict(t.nulls),
                     dict(t.metrics))


def _rollup(store: Store, loaded: _Loaded, min_denominator: int | None) -> RegionRollup:
    rid = loaded.scope.region_id
    totals = {t.region_id: t for t in rollup(store, loaded.scope.year, None, min_denominator,
                                             known={v.id: v.cells for v in loaded.views},
                                             only=[*loaded.children, rid])}
    rows = [_from_totals(totals[c]) for c in loaded.children if c in totals]
    if rid is None:
        if None in totals:
            rows.append(_from_totals(totals[None]))
    else:  # units attached to the region itself are in no sub-region: shown as “（本级）”
        path = loaded.paths[rid]
        direct = [v for v in loaded.views if v.unit is not None and v.unit.region == path]
        if direct:
            cells = [v.cells for v in direct]
            summed = _cell_sums(cells)
            sums = {c: t for c, (t, _) in summed.items()}
            nulls = {c: n for c, (_, n) in summed.items()}
            level = totals[rid].level if rid in totals else "other"
            units = {v.unit.id for v in direct if v.unit is not None}  # every one has a unit (see direct)
            rows.append(RegionRow(rid, f"{loaded.names[rid]}（本级）", path, level, len(units),
                                  len(direct), sums, nulls, evaluate_all(cells, min_denominator), direct=True))
    return RegionRollup(loaded.scope, rows)


def region_rollup(store: Store, year: int, region: int | str | None = None,
                  min_denominator: int | None = None) -> RegionRollup:
    """The sub-regions of the scope (the top regions and “（未归属地区）” without a region), via ``queries.rollup``."""
    return _rollup(store, _load(store, year, region), min_denominator)


# --- report status -------------------------------------------------------------------------------


@dataclass(slots=True)
class StatusCounts:
    """How many of the scope's reports have errors, only warnings, or neither; and their review state.

    A report is *reviewed* when every error and warning finding of its current version has a decision
    (确认 or 驳回, followed by fingerprint), *pending* (待复核) when at least one has none; reports without
    errors or warnings need no review. The definition is ``store.reviewing``'s, as in the report list.
    """

    scope: Scope
    with_errors: int  # 有错误
    with_warnings: int  # 有警告（无错误）
    clean: int  # 无问题（无错误、无警告）
    reviewed: int
    pending: int
    findings: dict[str, int]  # severity → number of findings
    decisions: dict[str, int]  # confirmed / rejected / undecided → number of error and warning findings

    @property
    def needs_review(self) -> int:
        """Reports with at least one error or warning."""
        return self.with_errors + self.with_warnings

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"scope": self.scope.to_dict(), "with_errors": self.with_errors, "with_warnings": self.with_warnings,
                "clean": self.clean, "reviewed": self.reviewed, "pending": self.pending,
                "findings": dict(self.findings), "decisions": dict(self.decisions)}


def _status(store: Store, loaded: _Loaded) -> StatusCounts:
    ids = {v.id for v in loaded.views}
    # by year, filtered here: a province's report ids would overflow an IN (…) list
    found = [f for f in finding_states(store, year=loaded.scope.year) if f.report_id in ids]
    return StatusCounts(loaded.scope, **_status_parts(loaded.views, found))


def _status_parts(views: Sequence[ReportView], found: Iterable[FindingState]) -> dict[str, Any]:
    """The numbers of :class:`StatusCounts` (they add up over groups of reports)."""
    undecided: dict[int, int] = {}
    decisions = {"confirmed": 0, "rejected": 0, "undecided": 0}
    for f in found:
        if not needs_decision(f.severity):
            continue
        if f.decision in decisions:
            decisions[f.decision] += 1
        if awaits_decision(f.severity, f.decision):  # 待复核: one definition (store.reviewing)
            decisions["undecided"] += 1
            undecided[f.report_id] = undecided.get(f.report_id, 0) + 1
    severities = {"error": 0, "warning": 0, "info": 0}
    for v in views:
        for sev in severities:
            severities[sev] += v.counts.get(sev, 0)
    errors = sum(1 for v in views if v.counts.get("error", 0))
    warnings = sum(1 for v in views if not v.counts.get("error", 0) and v.counts.get("warning", 0))
    pending = sum(1 for v in views if undecided.get(v.id))
    return {"with_errors": errors, "with_warnings": warnings, "clean": len(views) - errors - warnings,
            "reviewed": errors + warnings - pending, "pending": pending, "findings": severities, "decisions": decisions}


def status_counts(store: Store, year: int, region: int | str | None = None) -> StatusCounts:
    """有错误 / 有警告 / 无问题 report counts, and reviewed against pending (by finding decisions)."""
    return _status(store, _load(store, year, region))


# --- year series ---------------------------------------------------------------------------------


@dataclass(slots=True)
class YearSeries:
    """Cells and metrics of a unit or a region over the stored years (a year without a report: ``reports`` 0)."""

    name: str
    kind: str  # unit | region | all
    years: list[int]
    reports: list[int]
    cells: dict[str, list[Number | None]]
    nulls: dict[str, list[int]]
    metrics: dict[str, list[MetricValue]]

    def metric_values(self, metric_id: str) -> list[Decimal | None]:
        """A metric's values per year (None where it is not given)."""
        return [m.value for m in self.metrics[metric_id]]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "kind": self.kind, "years": self.years, "reports": self.reports,
                "cells": {c: [json_number(v) for v in vs] for c, vs in self.cells.items()},
                "nulls": {c: list(vs) for c, vs in self.nulls.items()},
                "metrics": {m: [v.to_dict() for v in vs] for m, vs in self.metrics.items()}}


def year_series(
    store: Store,
    unit: str | int | None = None,
    region: int | str | None = None,
    cells: Sequence[str] = DEFAULT_SERIES_CELLS,
    metrics: Sequence[str] = DEFAULT_SERIES_METRICS,
    min_denominator: int | None = None,
) -> YearSeries:
    """A unit's (or a region's, or all reports') cells and metrics per year, first to last stored year.

    For a unit each year is its current report of that year; for a region the sums of its units' reports
    (blank cells counted in ``nulls``, never as 0).
    """
    unknown = [c for c in cells if c not in CELL_IDS] + [m for m in metrics if m not in METRIC]
    if unknown:
        raise StoreError(f"未知的单元格或指标：{'、'.join(unknown)}")
    per_year: dict[int, list[dict[str, Number | None]]] = {}
    if unit is not None:
        views = unit_reports(store, unit)
        name, kind = (views[0].name if views else str(unit)), "unit"
        newest: dict[int, ReportView] = {}
        for v in views:
            if v.year is not None and (v.year not in newest or v.id > newest[v.year].id):
                newest[v.year] = v
        per_year = {y: [v.cells] for y, v in newest.items()}
    else:
        kind = "region" if region is not None else "all"
        name = ALL_REGIONS
        for y in available_years(store):
            loaded = _load(store, y, region)
            name = loaded.scope.region
            if loaded.views:
                per_year[y] = [v.cells for v in loaded.views]
        if region is not None and not per_year:
            with store.session() as s:
                name = region_paths(s)[resolve_region(s, region)]
    years = list(range(min(per_year), max(per_year) + 1)) if per_year else []
    series = YearSeries(name, kind, years, [len(per_year.get(y, [])) for y in years],
                        {c: [] for c in cells}, {c: [] for c in cells}, {m: [] for m in metrics})
    for y in years:
        reports = per_year.get(y, [])
        for c in cells:
            total, blanks = _known_sum(r[c] for r in reports)
            series.cells[c].append(total)
            series.nulls[c].append(blanks)
        for m in metrics:
            series.metrics[m].append(evaluate(METRIC[m], reports, min_denominator))
    return series


# --- everything at once --------------------------------------------------------------------------


@dataclass(slots=True)
class Dashboard:
    """A whole dashboard for one scope (loaded once)."""

    scope: Scope
    outcomes: OutcomeCounts
    metrics: list[MetricSummary]
    rankings: list[Ranking]
    regions: RegionRollup
    status: StatusCounts

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the JSON twin of the dashboard page)."""
        return {"scope": self.scope.to_dict(), "outcomes": self.outcomes.to_dict(),
                "metrics": [m.to_dict() for m in self.metrics], "rankings": [r.to_dict() for r in self.rankings],
                "regions": self.regions.to_dict(), "status": self.status.to_dict()}


def dashboard(store: Store, year: int, region: int | str | None = None, limit: int | None = 20,
              min_denominator: int | None = None) -> Dashboard:
    """Outcome counts, key metrics, rankings (top ``limit``), sub-region roll-up and status of one scope.

    Computed once per state of the database: the same scope asked again (fifty reviewers opening the
    page at once) is answered from memory until a write changes the data; at most
    :data:`CONCURRENT_BUILDS` dashboards are computed at a time, so memory stays bounded under load.
    """
    key = (id(store), store.url, year, region, limit, min_denominator)
    generation = _recent_generation(store)
    with _CACHE_LOCK:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:  # one computation per scope at a time: the others wait for its result
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == generation:
            return cached[1]
        with _BUILDS:
            built = _dashboard(store, year, region, limit, min_denominator)
        with _CACHE_LOCK:
            _CACHE[key] = (generation, built)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
        return built


CONCURRENT_BUILDS = 2
_BUILDS = threading.BoundedSemaphore(CONCURRENT_BUILDS)
_CACHE_SIZE = 64
_CACHE: dict[tuple, tuple[tuple, Dashboard]] = {}
_CACHE_LOCK = threading.Lock()
_KEY_LOCKS: dict[tuple, threading.Lock] = {}


GENERATION_TTL = 1.0  # seconds a data generation is reused (50 requests at once ask the database once)
_GENERATIONS: dict[tuple[int, str], tuple[float, int, tuple]] = {}
_GENERATION_LOCK = threading.Lock()


def _recent_generation(store: Store) -> tuple:
    """:func:`data_generation`, read again only after a write through this store or after
    :data:`GENERATION_TTL` (another process's write shows within a second; at 100,000 reports the
    reading costs ≈ 0.2 s).
    """
    key = (id(store), store.url)
    with _GENERATION_LOCK:
        got = _GENERATIONS.get(key)
        if got is not None and got[1] == store.writes and time.monotonic() - got[0] < GENERATION_TTL:
            return got[2]
        writes = store.writes
        generation = data_generation(store)
        _GENERATIONS[key] = (time.monotonic(), writes, generation)
        return generation


def data_generation(store: Store) -> tuple:
    """A fingerprint of everything a dashboard reads: it changes with every import, correction, version
    change, review decision, re-check and region assignment (cheap: a few aggregates over keys).
    """
    with store.session() as s:
        reports = s.execute(select(func.count(ReportRow.id), func.max(ReportRow.id), func.sum(ReportRow.current_version),
                                   func.sum(case((ReportRow.is_current, ReportRow.id), else_=0)))).one()
        others = tuple(s.scalar(select(func.max(col))) for col in (FindingRow.id, ReviewDecision.id, AuditEvent.id,
                                                                   Region.id))
        units = s.execute(select(func.count(Unit.id), func.sum(Unit.region_id))).one()
    return (*reports, *others, *units)


def _dashboard(store: Store, year: int, region: int | str | None, limit: int | None,
               min_denominator: int | None) -> Dashboard:
    if min_denominator is None and (limit is None or limit <= SUMMARY_TOP):
        return _summarised(store, year, region, limit)
    return _computed(store, year, region, limit, min_denominator)


def _computed(store: Store, year: int, region: int | str | None, limit: int | None,
              min_denominator: int | None) -> Dashboard:
    """The dashboard from every report of the scope (exports: every ranked unit)."""
    loaded = _load(store, year, region)
    regions = _rollup(store, loaded, min_denominator)
    cells = [v.cells for v in loaded.views]
    overall = evaluate_all(cells, min_denominator)
    return Dashboard(loaded.scope, _outcomes(loaded), _key_metrics(overall, regions.rows, None, min_denominator),
                     _rankings(loaded.views, limit, min_denominator), regions, _status(store, loaded))


# --- from stored summaries ------------------------------------------------------------------------
#
# A page (rankings cut at SUMMARY_TOP, the default minimum denominators) is summed from one stored
# summary per region of the scope's units (store/summary.py): the sums, blank counts, metric parts and
# status counts add up, and a scope's first N ranked units are among its regions' first N. Equal to
# _computed (tests/store/test_dashboard_summary.py); a region is read again only when it changed.

SUMMARY_KIND = "dashboard/1"  # change it when the documents change: old ones are then rebuilt
SUMMARY_TOP = 20


def _enc(v: Number | Decimal | None) -> int | str | None:
    return v if v is None or type(v) is int else str(v)


def _dec(v: int | str | None) -> Any:
    return v if v is None or type(v) is int else normal(Decimal(v))


def _rank_doc(r: RankRow) -> list[Any]:
    return [r.unit, r.unit_id, r.report_id, r.region, _enc(r.value), r.display, r.detail]


def _rank_row(d: list[Any]) -> RankRow:
    unit, unit_id, report_id, region, value, display, detail = d
    value = _dec(value)
    return RankRow(None, unit, unit_id, report_id, region, value, display, detail)


def _group_doc(views: Sequence[ReportView], found: Sequence[FindingState]) -> dict[str, Any]:
    cells = [v.cells for v in views]
    doc: dict[str, Any] = {"reports": len(views), "units": sum(1 for v in views if v.unit is not None)}
    doc["cells"] = {c: [_enc(total), blanks] for c, (total, blanks) in _cell_sums(cells).items()}
    doc["outcome_blanks"] = {label: sum(1 for c in cells if any(c[t3(k, "total")] is None for k in keys))
                             for label, keys in outcome_groups()}
    metrics = {}
    for m in METRICS:
        num, den, complete, excluded = metric_parts(m, cells)
        metrics[m.id] = [_enc(num), _enc(den), complete, excluded]
    doc["metrics"] = metrics
    doc["status"] = _status_parts(views, found)
    doc["rankings"] = {k.id: [[_rank_doc(r) for r in k.rows], [_rank_doc(r) for r in k.unranked], k.unranked_count]
                       for k in _rankings(views, SUMMARY_TOP, None)}
    return doc


def _build_groups(store: Store, s: Any, year: int, groups: Mapping[int, list[int]]) -> dict[int, dict[str, Any]]:
    paths = region_table(s).paths
    ids = sorted(i for ids_of in groups.values() for i in ids_of)
    rows = [r for chunk in _chunks(ids) for r in s.scalars(select(ReportRow).options(*_LIGHT).where(ReportRow.id.in_(chunk)))]
    views = {v.id: v for v in _views(s, rows, paths)}
    found: dict[int, list[FindingState]] = {}
    for chunk in _chunks(ids):
        for f in finding_states(store, report_ids=chunk):
            found.setdefault(f.report_id, []).append(f)
    out = {}
    for key, ids_of in groups.items():
        vs = [views[i] for i in ids_of]
        out[key] = _group_doc(vs, [f for v in vs for f in found.get(v.id, ())])
    return out


@dataclass(slots=True)
class _Sum:
    """Group documents added up."""

    units: int = 0
    reports: int = 0
    cells: dict[str, list[Any]] = field(default_factory=lambda: {c: [None, 0] for c in CELL_IDS})
    outcome_blanks: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, list[Any]] = field(default_factory=lambda: {m.id: [None, None, 0, 0] for m in METRICS})

    def add(self, doc: dict[str, Any]) -> None:
        self.units += doc["units"]
        self.reports += doc["reports"]
        for c, (total, blanks) in doc["cells"].items():
            mine = self.cells[c]
            if total is not None:
                mine[0] = _dec(total) if mine[0] is None else normal(mine[0] + _dec(total))
            mine[1] += blanks
        for label, n in doc["outcome_blanks"].items():
            self.outcome_blanks[label] = self.outcome_blanks.get(label, 0) + n
        for mid, (num, den, complete, excluded) in doc["metrics"].items():
            mine = self.metrics[mid]
            if num is not None:
                mine[0] = _dec(num) if mine[0] is None else normal(mine[0] + _dec(num))
                mine[1] = _dec(den) if mine[1] is None else normal(mine[1] + _dec(den))
            mine[2] += complete
            mine[3] += excluded

    def metric_values(self) -> dict[str, MetricValue]:
        return {m.id: metric_value(m, *self.metrics[m.id]) for m in METRICS}

    def row(self, region_id: int | None, name: str, path: str, level: str, direct: bool = False) -> RegionRow:
        return RegionRow(region_id, name, path, level, self.units, self.reports,
                         {c: v[0] for c, v in self.cells.items()}, {c: v[1] for c, v in self.cells.items()},
                         self.metric_values(), direct=direct)


def _doc_rankings(doc: dict[str, Any]) -> list[Ranking]:
    template = _rankings([], 0, None)
    return [Ranking(k.id, k.title, k.measure, [_rank_row(d) for d in doc["rankings"][k.id][0]],
                    [_rank_row(d) for d in doc["rankings"][k.id][1]], doc["rankings"][k.id][2]) for k in template]


def _merge_rankings(parts: Sequence[list[Ranking]], limit: int | None) -> list[Ranking]:
    """Rankings of groups of reports merged into the rankings of all of them (the first ``limit`` of
    each group must be there: the first ``limit`` of the whole are among them).
    """
    out = []
    for i, k in enumerate(_rankings([], limit, None)):
        rows = sorted((r for part in parts for r in part[i].rows), key=lambda r: (r.unit, r.report_id))
        keyed: list[tuple[tuple, RankRow]]
        if k.id == "findings":
            keyed = [((r.detail["errors"], r.detail["warnings"]), r) for r in rows]
        else:
            keyed = [((r.value,), r) for r in rows]
        unranked = sorted((r for part in parts for r in part[i].unranked), key=lambda r: (r.unit, r.report_id))
        out.append(Ranking(k.id, k.title, k.measure, _ranked(keyed, limit), unranked[:limit],
                           sum(part[i].unranked_count for part in parts)))
    return out


# what the rankings read of a report (an export ranks every unit: 3 cells a report, not 200)
RANK_CELLS = tuple(dict.fromkeys((NEW_RECEIVED, *METRIC["disclosure_rate"].operands)))
RANK_CHUNK = 2000  # reports read at a time for an export's rankings


def _all_rankings(store: Store, year: int, groups: Sequence[int]) -> list[Ranking]:
    """Every unit of these groups ranked, a chunk of reports at a time."""
    with store.session() as s:
        ids = sorted(i for found in members(s, year, groups).values() for i in found)
        paths = region_table(s).paths
    parts = []
    for at in range(0, len(ids), RANK_CHUNK):
        with store.session() as s:
            rows = sorted(s.scalars(select(ReportRow).options(*_LIGHT).where(ReportRow.id.in_(ids[at:at + RANK_CHUNK]))),
                          key=lambda r: r.id)
            parts.append(_rankings(_views(s, rows, paths, RANK_CELLS), None, None))
    return _merge_rankings(parts, None)


def _summarised(store: Store, year: int, region: int | str | None, limit: int | None) -> Dashboard:
    """The dashboard summed from the stored summaries of the scope's regions (``limit`` None: an export,
    every unit ranked).
    """
    with store.session() as s:
        table = region_table(s)
        paths, regions = table.paths, table.rows
        rid = resolve_region(s, region, paths) if region is not None else None
    if rid is not None and len(_ancestors(rid, regions)) >= GROUP_DEPTH:  # a county or below: few reports
        return _computed(store, year, region, limit, None)
    docs = summaries(store, year, lambda s, y, groups: _build_groups(store, s, y, groups), SUMMARY_KIND)
    above = {k: _ancestors(k, regions) for k in docs if k > 0}
    keys = [k for k in docs if rid is None or rid in above.get(k, ())]
    total = _Sum()
    for k in keys:
        total.add(docs[k])
    scope = Scope(year, rid, paths[rid] if rid is not None else ALL_REGIONS, total.units, total.reports)
    # outcomes
    cells = {c: v[0] for c, v in total.cells.items()}
    blanks = {c: v[1] for c, v in total.cells.items()}
    rows = []
    for key in OUTCOME_ROWS:
        group = T3_ROW_GROUP[key]
        label = _row_label(key) if group == T3_GROUP_LABELS[0] else f"{group} · {_row_label(key)}"
        cid = t3(key, "total")
        columns = {col.key: CellSum(t3(key, col.key), cells[t3(key, col.key)], blanks[t3(key, col.key)])
                   for col in T3_COLUMNS[:-1]}
        rows.append(OutcomeRow(key, label, short_label(_row_label(key)) if group == T3_GROUP_LABELS[0] else group,
                               CellSum(cid, cells[cid], blanks[cid]), columns))
    groups = []
    for label, row_keys in outcome_groups():
        known = [cells[t3(k, "total")] for k in row_keys if cells[t3(k, "total")] is not None]
        groups.append(OutcomeGroup(label, row_keys, _sum(known) if known else None, total.outcome_blanks.get(label, 0)))
    outcomes = OutcomeCounts(scope, rows, groups, CellSum(PROCESSED, cells[PROCESSED], blanks[PROCESSED]))
    # regions
    children = sorted((i for i, r in regions.items() if r.parent_id == rid), key=lambda i: paths[i])
    region_rows = []
    for c in children:
        part = _Sum()
        for k in keys:
            if c in above.get(k, ()):
                part.add(docs[k])
        if part.reports:
            region_rows.append(part.row(c, regions[c].name, paths[c], regions[c].level))
    if rid is None:
        unassigned = [docs[k] for k in (NO_REGION, NO_UNIT) if k in docs]
        if unassigned:
            part = _Sum()
            for doc in unassigned:
                part.add(doc)
            region_rows.append(part.row(None, UNASSIGNED, UNASSIGNED, "other"))
    elif rid in docs and docs[rid]["units"]:
        part = _Sum()
        part.add(docs[rid])
        region_rows.append(part.row(rid, f"{regions[rid].name}（本级）", paths[rid], regions[rid].level, direct=True))
    rollup_ = RegionRollup(scope, region_rows)
    # status
    status: dict[str, Any] = {"with_errors": 0, "with_warnings": 0, "clean": 0, "reviewed": 0, "pending": 0,
              "findings": {"error": 0, "warning": 0, "info": 0}, "decisions": {"confirmed": 0, "rejected": 0, "undecided": 0}}
    for k in keys:
        for name, value in docs[k]["status"].items():
            if isinstance(value, dict):
                for sub, n in value.items():
                    status[name][sub] += n
            else:
                status[name] += value
    ranked = (_merge_rankings([_doc_rankings(docs[k]) for k in keys], limit) if limit is not None
              else _all_rankings(store, year, keys))
    return Dashboard(scope, outcomes, _key_metrics(total.metric_values(), region_rows, None, None), ranked,
                     rollup_, StatusCounts(scope, **status))


def refresh(store: Store, years: Iterable[int] | None = None) -> None:
    """Bring the stored summaries of these years (default: every year) up to date, so the next statistics
    page reads only them (an import calls it when it has written everything).
    """
    for year in available_years(store) if years is None else years:
        summaries(store, year, lambda s, y, groups: _build_groups(store, s, y, groups), SUMMARY_KIND)


def _ancestors(region_id: int, regions: dict[int, Any]) -> set[int]:
    """The region and every region above it."""
    out = set()
    r: int | None = region_id
    while r is not None and r not in out:
        out.add(r)
        r = regions[r].parent_id
    return out


__all__ = [
    "ALL_REGIONS",
    "CellSum",
    "Dashboard",
    "MetricSummary",
    "OutcomeCounts",
    "OutcomeGroup",
    "OutcomeRow",
    "RankRow",
    "Ranking",
    "RegionMetric",
    "RegionOption",
    "RegionRollup",
    "RegionRow",
    "Scope",
    "StatusCounts",
    "YearSeries",
    "available_years",
    "dashboard",
    "explain",
    "key_metrics",
    "list_regions",
    "outcome_counts",
    "outcome_groups",
    "rankings",
    "refresh",
    "region_rollup",
    "resolve_region",
    "short_label",
    "status_counts",
    "year_series",
]
