"""The units of a government's area: their current reports of a year, and the registered ones without one.

An area is the region a 人民政府 unit is placed in, with all regions below it (a county's townships are
units of the county, so they are in it). The store only lists the members; which of them count towards
an area report's totals (a sub-area's own area report would count its units twice, 垂直管理部门 are
not the local government's) is the application's decision: ``zfxxgk.app.scope``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from .db import Store
from .queries import _LIGHT, ReportView, _views
from .regions import region_paths, region_subtree
from .registry import RegistryUnit, registry_units
from .schema import Region, ReportRow, Unit


@dataclass(slots=True)
class AreaMembers:
    """The other units of a unit's area for one year.

    ``reports``: their current reports of the year (only the cells asked for); ``owing``: the registered
    units of the area that owe a report for the year (the unit itself left out); ``missing``: those of
    them without a report.
    """

    unit_id: int
    region_id: int
    region: str  # path (山东省/潍坊市/昌乐县)
    region_name: str  # its last level (昌乐县)
    reports: list[ReportView] = field(default_factory=list)
    owing: list[RegistryUnit] = field(default_factory=list)

    @property
    def missing(self) -> list[RegistryUnit]:
        """Registered units of the area owing a report for the year that have none."""
        reported = {v.unit.id for v in self.reports if v.unit is not None}
        return [u for u in self.owing if u.id not in reported]


def area_members(store: Store, unit_id: int, year: int, cells: Sequence[str] | None = None) -> AreaMembers | None:
    """The units placed in the unit's region or below it, other than the unit: their current reports of
    ``year`` and the registered ones without a report. None when the unit has no region.
    """
    with store.session() as s:
        unit = s.get(Unit, unit_id)
        if unit is None or unit.region_id is None:
            return None
        region = s.get(Region, unit.region_id)
        assert region is not None  # a foreign key
        paths = region_paths(s)
        subtree = sorted(region_subtree(s, unit.region_id))
        rows = list(s.scalars(
            select(ReportRow).options(*_LIGHT).join(Unit, Unit.id == ReportRow.unit_id)
            .where(Unit.region_id.in_(subtree), Unit.id != unit_id, ReportRow.year == year, ReportRow.is_current)
            .order_by(ReportRow.id)))
        views = _views(s, rows, paths, cells)
        members = AreaMembers(unit_id, region.id, paths[region.id], region.name, views)
    members.owing = [u for u in registry_units(store, region.id, year) if u.id != unit_id]
    return members


__all__ = ["AreaMembers", "area_members"]
