"""The unit registry's merge, with the cross-year checks kept true.

The store merges two records of one organ (store/units_edit.py) and settles each year's current
version; this layer then checks again the kept unit's current report of every year that gained a
report and of the year after it — their previous year may now be another report (as after a version
change, app/versions.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store import Store
from ..store.units_edit import Merged, merge_units, unit_detail
from .ingest import recheck


@dataclass(frozen=True, slots=True)
class MergeDone:
    """The store's merge and the reports checked again."""

    merged: Merged
    rechecked: tuple[int, ...]

    def summary(self) -> str:
        """In Chinese, for a notice."""
        again = f"已重新校验报告 {'、'.join(map(str, sorted(self.rechecked)))}。" if self.rechecked else ""
        return self.merged.summary() + again


def merge(store: Store, keep: int | str, other: int | str, actor: str, reason: str = "") -> MergeDone:
    """Merge ``other`` into ``keep`` (see :func:`zfxxgk.store.units_edit.merge_units`), then check again the
    kept unit's current reports of the moved years and of the years after them.
    """
    done = merge_units(store, keep, other, actor, reason)
    wanted = {y for year in done.years for y in (year, year + 1)}
    current = {r.year: r.id for r in unit_detail(store, done.kept_id).reports if r.current and r.year in wanted}
    rechecked = []
    for year in sorted(current):
        recheck(store, current[year])
        rechecked.append(current[year])
    return MergeDone(done, tuple(rechecked))


__all__ = ["MergeDone", "merge"]
