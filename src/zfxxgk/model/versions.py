"""Versions of one unit's report for one year, and which of them is the current one.

A unit publishes one annual report a year, but a supervising office may hold several files of it:
the same report as txt, docx and pdf, a corrected re-publication, a copy from another portal. Every
file is kept as a *version* (with its source); exactly one is *current*, and every count, roll-up,
comparison and cross-year check uses only the current one.

The rule (also in the README, 报告数据库):

1. a version chosen explicitly (``choose``) is current;
2. otherwise the latest publication date wins (a version with a known date beats one without);
3. equal dates: the latest imported wins.

Withdrawn (撤回) and deleted (删除) versions are never current; when no version is left, the unit has
no report for that year.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class VersionStatus(StrEnum):
    """Whether a stored file still counts as a version of its unit's report."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # the unit withdrew it, or the office set it aside: kept, visible, not counted
    DELETED = "deleted"  # imported by mistake: hidden, its source kept until purged

    @property
    def cn(self) -> str:
        """Chinese name."""
        return {"active": "有效", "withdrawn": "已撤回", "deleted": "已删除"}[self.value]


def current_rank(chosen: bool, published_on: dt.date | None, order: int) -> tuple[bool, dt.date, int]:
    """Sort key of the current-version rule: the largest among a unit-year's active versions is current.

    ``order`` is the import order (the report id; files not yet stored come after every stored one).
    """
    return (chosen, published_on or dt.date.min, order)
