"""Bring a store made before the official divisions (migration 0009) onto them.

Such a store has regions guessed from unit names (``婺源县市``, a top-level ``昌乐县``) with no code.
Every unit in one is placed again as an import places it today: by the division its name begins with,
inside the official division its old region stands for when that is certain (a path or a name only
one division has); a name that could mean several divisions goes to 待确认. Reviewers scoped to an old
region follow it to its official division when there is one. Old regions left empty are removed;
the ones still holding a unit or a user are kept and listed, for an administrator to settle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update

from ..model import divisions
from . import dashboard
from .db import Store
from .regions import region_paths
from .schema import Region, Unit
from .users import UserRow


@dataclass(slots=True)
class Relocated:
    """What :func:`relocate` did."""

    placed: int = 0  # units now in an official division
    pending: int = 0  # units whose name means several divisions: 待确认
    users: int = 0  # reviewers moved to their region's official division
    removed: int = 0  # old regions deleted (nothing left in them)
    kept: list[str] = field(default_factory=list)  # old regions still holding units or users

    def to_dict(self) -> dict:
        """JSON form."""
        return {"placed": self.placed, "pending": self.pending, "users": self.users, "removed": self.removed,
                "kept": self.kept}


def _official(path: str) -> divisions.Division | None:
    """The division an old region certainly stands for: its path, else a name only one division has."""
    found = divisions.by_path(path)
    if found is not None:
        return found
    named = divisions.find(path.rsplit("/", 1)[-1])
    return named[0] if len(named) == 1 else None


def relocate(store: Store) -> Relocated:
    """Place the units and users of the regions without an official code again (one transaction)."""
    done = Relocated()
    with store.session() as s:
        paths = region_paths(s)
        old = {rid: paths[rid] for rid in s.scalars(select(Region.id).where(Region.code.is_(None)))}
        if not old:
            return done
        meant = {rid: _official(p) for rid, p in old.items()}
        for unit in s.scalars(select(Unit).where(Unit.region_id.in_(old))):
            area = meant[unit.region_id] if unit.region_id is not None else None
            located = divisions.locate(unit.name)
            found = [located.division] if located.division is not None else list(located.candidates)
            if area is not None:
                found = [d for d in found if divisions.within(d, area)] or [area]
            if len(found) == 1:
                unit.region_id, unit.group_key = store._official(s, found[0])
                unit.candidates = None
                done.placed += 1
            elif found:
                unit.region_id = unit.group_key = None
                unit.candidates = [d.code for d in found]
                done.pending += 1
        for rid, area in meant.items():
            if area is not None:
                target, _ = store._official(s, area)
                moved = s.execute(update(UserRow).where(UserRow.region_id == rid).values(region_id=target))
                done.users += int(getattr(moved, "rowcount", 0) or 0)
        s.flush()
        # the emptied old regions, leaves first (a region is removed only once nothing points at it)
        while True:
            used = set(s.scalars(select(Unit.region_id).where(Unit.region_id.in_(old)))) | set(
                s.scalars(select(UserRow.region_id).where(UserRow.region_id.in_(old)))) | set(
                s.scalars(select(Region.parent_id).where(Region.parent_id.in_(old))))
            empty = [rid for rid in old if rid not in used]
            if not empty:
                break
            s.execute(delete(Region).where(Region.id.in_(empty)))
            done.removed += len(empty)
            for rid in empty:
                del old[rid]
        done.kept = sorted(old.values())
    store._region_ids = None  # the region cache holds the deleted ones
    dashboard.refresh(store)  # units changed statistics groups
    return done


def old_regions(store: Store) -> int:
    """How many regions have no official code (a store made before 0009, or one a user named so)."""
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Region).where(Region.code.is_(None))) or 0


__all__ = ["Relocated", "old_regions", "relocate"]
