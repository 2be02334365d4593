"""报送情况 (coverage): every unit of the registry that owes a report for a year, with one status.

- ``on_time`` / ``late``: its current report of the year was published by / after its type's deadline
  (``days_late``); the portal's publication date counts, else the signature date (``published_basis``);
- ``undated``: a report without either date;
- ``image_only``: a report that is only images (a scan without a text layer), whatever its date;
- ``missing``: no report of the year;
- ``not_a_report``: no report, but the unit's own column (a registry 年报栏目网址 the collector read) links,
  for the year, a document that is no annual report (``source_url``); an import cannot tell whose a
  refused file was.

The deadline of each unit type is given by the caller (app/coverage.py: the check's, 第四十九条).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..model.units import UnitType, infer_unit_type
from .collecting import refused_for
from .db import Store
from .queries import UNASSIGNED
from .regions import region_paths, resolve_region
from .registry import registry_units
from .schema import Region, ReportRow

STATUSES = ("on_time", "late", "undated", "image_only", "missing", "not_a_report")
STATUS_CN = {"on_time": "按时发布", "late": "逾期发布", "undated": "发布日期不明", "image_only": "仅有图片（无文字层）",
             "missing": "未发布", "not_a_report": "发布的不是年报"}
IMAGE_FORMATS = ("pdf-scan", "image")


@dataclass(slots=True)
class CoverageRow:
    """One expected unit and its status."""

    unit: str
    unit_id: int
    region: str | None
    unit_type: str | None
    status: str
    report_id: int | None = None
    published: dt.date | None = None
    published_basis: str | None = None  # 发布日期 | 落款日期
    deadline: dt.date | None = None
    days_late: int | None = None
    source_url: str | None = None  # not_a_report: what the unit's column gave instead

    @property
    def status_cn(self) -> str:
        """The status in Chinese."""
        return STATUS_CN[self.status]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"unit": self.unit, "region": self.region, "status": self.status,
                "published": self.published.isoformat() if self.published else None, "report_id": self.report_id,
                "published_basis": self.published_basis, "deadline": self.deadline.isoformat() if self.deadline else None,
                "days_late": self.days_late, "unit_type": self.unit_type, "source_url": self.source_url}


@dataclass(slots=True)
class RegionCount:
    """A sub-region of the scope (sub-regions included): expected units by status."""

    region_id: int | None
    name: str
    path: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def expected(self) -> int:
        """Units that owe a report."""
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"region_id": self.region_id, "name": self.name, "path": self.path, "expected": self.expected,
                "counts": dict(self.counts)}


@dataclass(slots=True)
class Coverage:
    """A year's coverage in a scope: each unit, the totals and the sub-regions."""

    year: int
    scope: str
    rows: list[CoverageRow]
    counts: dict[str, int]
    regions: list[RegionCount]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"year": self.year, "scope": self.scope, "counts": dict(self.counts),
                "regions": [r.to_dict() for r in self.regions], "units": [r.to_dict() for r in self.rows]}


Deadlines = Callable[[UnitType | None, int], "dt.date | None"]  # unit type, report year → the deadline


def _kind(unit_type: str | None, name: str) -> UnitType | None:
    return UnitType(unit_type) if unit_type is not None and unit_type in UnitType._value2member_map_ else infer_unit_type(name)


def status_of(report: Any | None, unit_type: str | None, name: str, year: int, deadlines: Deadlines) -> CoverageRow:
    """The status of one unit from its current report of the year (None: none)."""
    row = CoverageRow(name, 0, None, unit_type, "missing", deadline=deadlines(_kind(unit_type, name), year))
    if report is None:
        return row
    row.report_id = report.id
    if report.published_on is not None:
        row.published, row.published_basis = report.published_on, "发布日期"
    elif report.signed_on is not None:
        row.published, row.published_basis = report.signed_on, "落款日期"
    if row.published is not None and row.deadline is not None:
        row.days_late = max(0, (row.published - row.deadline).days)
    if report.format in IMAGE_FORMATS:
        row.status = "image_only"
    elif row.published is None:
        row.status = "undated"
    else:
        row.status = "late" if row.days_late else "on_time"
    return row


def coverage(store: Store, year: int, deadlines: Deadlines, region: int | str | None = None) -> Coverage:
    """Every registered unit of the scope that owes a report for ``year``, with its status."""
    units = registry_units(store, region, year)
    with store.session() as s:
        paths = region_paths(s)
        rid = resolve_region(s, region, paths) if region is not None else None
        parents = {i: p for i, p in s.execute(select(Region.id, Region.parent_id))}
        names = {i: n for i, n in s.execute(select(Region.id, Region.name))}
        ids = {u.id for u in units}
        reports = {r.unit_id: r for r in s.scalars(select(ReportRow).where(
            ReportRow.year == year, ReportRow.is_current, ReportRow.unit_id.in_(ids)))} if ids else {}
    region_ids = {p: i for i, p in paths.items()}
    refused = refused_for(store, [u.id for u in units if u.id not in reports], year)
    rows = []
    for u in units:
        row = status_of(reports.get(u.id), u.unit_type, u.name, year, deadlines)
        row.unit_id, row.region = u.id, u.region
        if row.status == "missing" and u.id in refused:
            row.status, row.source_url = "not_a_report", refused[u.id]
        rows.append(row)
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    children = {c: RegionCount(c, names[c], paths[c]) for c in sorted(
        (i for i, p in parents.items() if p == rid), key=lambda i: paths[i])}
    unassigned = RegionCount(None, UNASSIGNED, UNASSIGNED)
    for row in rows:
        at = region_ids.get(row.region) if row.region else None
        while at is not None and at not in children:
            at = parents.get(at)
        (children[at] if at is not None else unassigned).counts[row.status] += 1
    regions = [c for c in children.values() if c.expected] + ([unassigned] if unassigned.expected else [])
    return Coverage(year, paths[rid] if rid is not None else "全部地区", rows, counts, regions)


__all__ = ["IMAGE_FORMATS", "STATUSES", "STATUS_CN", "Coverage", "CoverageRow", "Deadlines", "RegionCount", "coverage", "status_of"]
