"""The report list: filters, status, pagination and the region tree, within a user's scope.

Statuses are decided on the current version's findings: 有错误 (at least one error), 有警告
(no error, at least one warning), 无问题 (neither), and 待复核 (an error or warning has no review
decision yet, as defined once in ``reviewing`` — independent of the other three). The filters are SQL conditions, so that a
page of 50 out of 100,000 reports costs one indexed query plus the counts of those 50.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from math import ceil
from typing import Literal, cast

from sqlalchemy import and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, SQLColumnExpression

from .db import Store
from .regions import region_paths, region_subtree
from .reviewing import decided, pending_report, reviewable
from .schema import FindingRow, Region, ReportRow, Unit
from .users import Account, report_scope, visible_regions

STATUSES = {"error": "有错误", "warning": "有警告", "clean": "无问题", "pending": "待复核"}
UNASSIGNED = "none"  # region filter value: units without a region, or reports without a unit
PER_PAGE = (20, 50, 100)
LEVEL_CN = {"province": "省", "city": "市", "county": "县", "township": "乡镇", "other": ""}


@dataclass(slots=True)
class Filters:
    """What the list shows (all optional)."""

    year: int | None = None
    region: str | None = None  # region id, or UNASSIGNED
    unit: str | None = None  # part of the unit's name
    status: str | None = None  # a key of STATUSES
    page: int = 1
    per_page: int = 50

    def query(self, **changes: object) -> dict[str, str]:
        """The filters as URL query parameters (with changes; empty values left out)."""
        d: dict[str, object] = {
            "year": self.year, "region": self.region, "unit": self.unit, "status": self.status,
            "page": self.page if self.page != 1 else None, "per_page": self.per_page if self.per_page != 50 else None}
        d.update(changes)
        return {k: str(v) for k, v in d.items() if v not in (None, "")}


@dataclass(slots=True)
class ReportItem:
    """One line of the list."""

    id: int
    unit_id: int | None
    unit: str
    region: str | None
    year: int | None
    source_name: str
    format: str
    version: int
    imported_at: dt.datetime
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    findings: int = 0
    to_review: int = 0  # errors and warnings: the findings a reviewer decides on (``reviewing``)
    reviewed: int = 0  # of those, the ones with a decision

    @property
    def status(self) -> Literal["error", "warning", "clean"]:
        """The worst severity found: ``error``, ``warning`` or ``clean``."""
        return "error" if self.errors else "warning" if self.warnings else "clean"

    @property
    def pending(self) -> bool:
        """Whether some error or warning awaits a review decision (待复核)."""
        return self.reviewed < self.to_review


@dataclass(slots=True)
class Page:
    """A page of the list."""

    items: list[ReportItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, ceil(self.total / self.per_page))


@dataclass(slots=True)
class RegionNode:
    """A region with the number of visible reports in its subtree."""

    id: int
    name: str
    level: str
    reports: int = 0
    children: list[RegionNode] = field(default_factory=list)
    open: bool = False  # on the way to the selected region


def _current() -> ColumnElement[bool]:
    return and_(FindingRow.report_id == ReportRow.id, FindingRow.version == ReportRow.current_version)


def _has(severity: str) -> ColumnElement[bool]:
    return exists().where(_current(), FindingRow.severity == severity)


def _conditions(s: Session, account: Account, f: Filters) -> list[SQLColumnExpression[bool]]:
    cond = [report_scope(s, account), ReportRow.is_current]  # one report per unit and year
    if f.year is not None:
        cond.append(ReportRow.year == f.year)
    if f.region == UNASSIGNED:
        cond.append(or_(ReportRow.unit_id.is_(None),
                        ReportRow.unit_id.in_(select(Unit.id).where(Unit.region_id.is_(None)))))
    elif f.region and f.region.isdigit():
        regions = region_subtree(s, int(f.region))
        cond.append(ReportRow.unit_id.in_(select(Unit.id).where(Unit.region_id.in_(regions))))
    if f.unit and f.unit.strip():
        text = f.unit.strip()
        cond.append(or_(ReportRow.unit_name.contains(text, autoescape=True),
                        ReportRow.unit_id.in_(select(Unit.id).where(Unit.name.contains(text, autoescape=True)))))
    if f.status == "error":
        cond.append(_has("error"))
    elif f.status == "warning":
        cond.append(and_(not_(_has("error")), _has("warning")))
    elif f.status == "clean":
        cond.append(and_(not_(_has("error")), not_(_has("warning"))))
    elif f.status == "pending":
        cond.append(pending_report())
    return cond


def list_reports(store: Store, account: Account, f: Filters) -> Page:
    """One page of the reports the account may see, matching the filters."""
    with store.session() as s:
        cond = _conditions(s, account, f)
        total = int(cast(int, s.scalar(select(func.count(ReportRow.id)).where(*cond))))  # COUNT: always a row
        page = max(1, min(f.page, max(1, ceil(total / f.per_page))))
        q = (select(ReportRow.id, ReportRow.unit_id, Unit.name, Unit.region_id, ReportRow.unit_name, ReportRow.year,
                    ReportRow.source_name, ReportRow.format, ReportRow.current_version, ReportRow.imported_at)
             .outerjoin(Unit, Unit.id == ReportRow.unit_id).where(*cond)
             .order_by(ReportRow.year.desc().nulls_last(), Unit.name, ReportRow.id)
             .limit(f.per_page).offset((page - 1) * f.per_page))
        rows = list(s.execute(q))
        paths = region_paths(s) if rows else {}
        items = [ReportItem(r.id, r.unit_id, r.name or r.unit_name or "（未识别单位）",
                            paths.get(r.region_id) if r.region_id else None, r.year, r.source_name, r.format,
                            r.current_version, r.imported_at) for r in rows]
        _add_counts(s, items)
    return Page(items, total, page, f.per_page)


def _add_counts(s: Session, items: list[ReportItem]) -> None:
    if not items:
        return
    by_id = {i.id: i for i in items}
    q = (select(FindingRow.report_id,
                func.sum(case((FindingRow.severity == "error", 1), else_=0)),
                func.sum(case((FindingRow.severity == "warning", 1), else_=0)),
                func.sum(case((FindingRow.severity == "info", 1), else_=0)),
                func.count(FindingRow.id),
                func.sum(case((reviewable(), 1), else_=0)),
                func.sum(case((and_(reviewable(), decided()), 1), else_=0)))
         .join(ReportRow, _current()).where(FindingRow.report_id.in_(list(by_id)))
         .group_by(FindingRow.report_id))
    for rid, e, w, i, n, t, r in s.execute(q):
        item = by_id[rid]
        item.errors, item.warnings, item.infos, item.findings, item.to_review, item.reviewed = (
            int(x or 0) for x in (e, w, i, n, t, r))


def matching_ids(store: Store, account: Account, f: Filters) -> list[int] | None:
    """Ids of every matching report, or None when that is every report (an administrator without filters)."""
    if account.is_admin and f.year is None and not f.region and not (f.unit or "").strip() and not f.status:
        return None
    with store.session() as s:
        return list(s.scalars(select(ReportRow.id).where(*_conditions(s, account, f)).order_by(ReportRow.id)))


def years(store: Store, account: Account) -> list[int]:
    """The report years the account can see, newest first."""
    with store.session() as s:
        q = (select(ReportRow.year).where(report_scope(s, account), ReportRow.year.is_not(None), ReportRow.is_current)
             .distinct())
        return sorted((cast(int, y) for y in s.scalars(q)), reverse=True)  # NULL years filtered out above


def region_tree(store: Store, account: Account, year: int | None, selected: str | None) -> tuple[list[RegionNode], int]:
    """The regions the account may browse, with report counts (for ``year``), and the unassigned count."""
    with store.session() as s:
        allowed = visible_regions(s, account)
        rows = list(s.execute(select(Region.id, Region.name, Region.level, Region.parent_id)))
        q = (select(Unit.region_id, func.count(ReportRow.id)).join(Unit, Unit.id == ReportRow.unit_id, isouter=True)
             .where(report_scope(s, account), ReportRow.is_current).group_by(Unit.region_id))
        if year is not None:
            q = q.where(ReportRow.year == year)
        counts = {rid: int(n) for rid, n in s.execute(q)}
    nodes = {rid: RegionNode(rid, name, level) for rid, name, level, _ in rows if allowed is None or rid in allowed}
    parents = {rid: parent for rid, _, _, parent in rows}
    roots: list[RegionNode] = []
    for rid, node in sorted(nodes.items(), key=lambda kv: kv[1].name):
        parent = parents.get(rid)
        if parent in nodes:
            nodes[parent].children.append(node)
        else:
            roots.append(node)

    def total(node: RegionNode) -> int:
        node.reports = counts.get(node.id, 0) + sum(total(c) for c in node.children)
        return node.reports

    for root in roots:
        total(root)
    if selected and selected.isdigit() and int(selected) in nodes:
        open_id: int | None = int(selected)
        while open_id is not None and open_id in nodes:
            nodes[open_id].open = True
            open_id = parents.get(open_id)
    return roots, counts.get(None, 0)


@dataclass(slots=True)
class UnitChoice:
    """A unit in the user's scope with the years it has reports for."""

    id: int
    name: str
    region: str | None
    years: list[int] = field(default_factory=list)


def units_in_scope(store: Store, account: Account) -> list[UnitChoice]:
    """Units with at least one report the account may see, by name."""
    with store.session() as s:

        paths = region_paths(s)
        rows = s.execute(select(Unit.id, Unit.name, Unit.region_id, ReportRow.year)
                         .join(ReportRow, ReportRow.unit_id == Unit.id).where(report_scope(s, account), ReportRow.is_current))
        units: dict[int, UnitChoice] = {}
        for uid, name, rid, year in rows:
            u = units.setdefault(uid, UnitChoice(uid, name, paths.get(rid) if rid is not None else None))
            if year is not None and year not in u.years:
                u.years.append(year)
    for u in units.values():
        u.years.sort(reverse=True)
    return sorted(units.values(), key=lambda u: (u.region or "", u.name))
