"""The 待确认 queue: units whose name could mean several official divisions (朝阳区财政局: 北京 or
长春), kept without a region until someone places them — never guessed, never a new region.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..model import divisions
from .db import Store, StoreError
from .regions import placement, region_paths
from .schema import ReportRow, Unit
from .users import resolve_unit_id


@dataclass(frozen=True, slots=True)
class PendingUnit:
    """A unit waiting to be placed: the divisions its name could mean (official paths) and its reports."""

    id: int
    name: str
    candidates: tuple[str, ...]
    reports: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "unit": self.name, "candidates": list(self.candidates), "reports": self.reports}


def pending_units(store: Store) -> list[PendingUnit]:
    """Every unit without a region whose name names several divisions, by name."""
    with store.session() as s:
        counts = {u: n for u, n in s.execute(select(ReportRow.unit_id, func.count(ReportRow.id)).group_by(ReportRow.unit_id))}
        rows = s.execute(select(Unit.id, Unit.name, Unit.candidates)
                         .where(Unit.region_id.is_(None), Unit.candidates.is_not(None)).order_by(Unit.name))
        out = []
        for uid, name, codes in rows:
            paths = tuple(divisions.path(c) for c in codes or () if divisions.division(c) is not None)
            if paths:
                out.append(PendingUnit(uid, name, paths, counts.get(uid, 0)))
    return out


@dataclass(frozen=True, slots=True)
class Unregistered:
    """A unit that reports attached to but the registry does not list: a unit to register, or another name
    of a registry unit (merge it there); with the registry's nearest names.
    """

    id: int
    name: str
    region: str | None
    reports: int
    nearest: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "unit": self.name, "region": self.region, "reports": self.reports,
                "nearest": list(self.nearest)}


def unregistered_units(store: Store, limit: int = 1000) -> list[Unregistered]:
    """The units with reports that the registry does not list, once a registry has been imported (without
    one every unit is such a unit, and none is waiting for anything).
    """
    with store.session() as s:
        registered = {k: n for k, n in s.execute(select(Unit.key, Unit.name).where(Unit.registered.is_(True)))}
        if not registered:
            return []
        paths = region_paths(s)
        rows = s.execute(select(Unit.id, Unit.key, Unit.name, Unit.region_id, func.count(ReportRow.id))
                         .join(ReportRow, ReportRow.unit_id == Unit.id).where(Unit.registered.is_(False))
                         .group_by(Unit.id, Unit.key, Unit.name, Unit.region_id).order_by(Unit.name).limit(limit)).all()
    keys = list(registered)
    return [Unregistered(uid, name, paths.get(rid) if rid else None, n,
                         tuple(registered[k] for k in difflib.get_close_matches(key, keys, n=3, cutoff=0.6)))
            for uid, key, name, rid, n in rows]


def place_unit(store: Store, unit: str | int, region: str) -> str:
    """Place a unit in a region of the store or an official division (by path or unique name); returns
    the region's path. A unit that has a region already keeps it (a move is the registry's job).
    """
    with store.session() as s:
        uid = resolve_unit_id(s, unit)
        row = s.get(Unit, uid)
        assert row is not None  # resolve_unit_id found it
        if row.region_id is not None:
            raise StoreError(f"单位“{row.name}”已归属“{region_paths(s).get(row.region_id, '')}”，无需确认")
        path = placement(s, region)
        row.region_id, row.group_key = store._placed(s, path)
        row.candidates = None
    return path


__all__ = ["PendingUnit", "Unregistered", "pending_units", "place_unit", "unregistered_units"]
