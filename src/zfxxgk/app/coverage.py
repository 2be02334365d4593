"""报送情况: the store's coverage (store/coverage.py) with the check's deadlines (第四十九条 by unit type,
or an evaluator's settings).
"""

from __future__ import annotations

import datetime as dt

from ..check.context import DEFAULT_SETTINGS, CheckSettings
from ..model.units import UnitType
from ..store import Store
from ..store.coverage import Coverage
from ..store.coverage import coverage as _coverage


def coverage(store: Store, year: int, region: int | str | None = None,
             settings: CheckSettings = DEFAULT_SETTINGS) -> Coverage:
    """Every registered unit of the scope that owes a report for ``year``, with its status."""

    def deadline(kind: UnitType | None, year: int) -> dt.date | None:
        d = settings.deadlines.get(kind) if kind is not None else None
        return d.for_year(year) if d is not None else None

    return _coverage(store, year, deadline, region)


__all__ = ["coverage"]
