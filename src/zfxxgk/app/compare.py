"""Comparisons the faces show: a unit against its previous year (同比), with the cross-year rules.

The store computes the cell changes and metrics; the checker's registry knows which rules read the
previous year (``uses_previous``), and this layer brings the two together.
"""

from __future__ import annotations

from ..check import check, cross_year_rules, is_cross_year
from ..model import Finding, Report
from ..store import Store
from ..store.queries import YearOverYear
from ..store.queries import year_over_year as _year_over_year


def cross_year_check(current: Report, previous: Report) -> list[Finding]:
    """Every result (pass, fail, not assessable) of the cross-year rules on two reports of a unit."""
    return check(current, select=list(cross_year_rules()), previous=previous).results


def year_over_year(store: Store, unit: str | int, year: int, recheck: bool = True,
                   min_denominator: int | None = None) -> YearOverYear:
    """The unit's ``year`` against ``year − 1``: cell changes, metrics and the cross-year rules, run
    again on the two stored reports (``recheck``) or as stored with the report.
    """
    return _year_over_year(store, unit, year, cross_year_check if recheck else None, min_denominator,
                           cross_year=is_cross_year)
