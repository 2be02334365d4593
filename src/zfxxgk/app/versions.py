"""Versions of a unit's report for a year: withdraw, delete, restore, choose, purge.

The store applies the current-version rule (``model.versions``) and writes the audit trail; this
layer keeps the cross-year findings true afterwards: when the current version of a unit-year
changes, that unit's current reports of the same year and of the following year are checked again,
and so are the findings of the other units of that year whose text overlapped either version
(XU-TEXT-COPY, ``app.copies``).
"""

from __future__ import annotations

from ..model.versions import VersionStatus
from ..store import Store
from . import copies, rectify
from .ingest import recheck


def _resettle(store: Store, report_id: int) -> list[int]:
    """Check again the current reports of the report's unit for its year and the following year."""
    unit, year = store.unit_year(report_id)
    if unit is None or year is None:
        return []
    found = store.find_reports([(unit, year), (unit, year + 1)])
    copies.refresh_quietly(store, [year])  # a version no report of the year was compared with is printed first
    rechecked = []
    for key in ((unit, year), (unit, year + 1)):
        if key in found:
            recheck(store, found[key])
            rechecked.append(found[key])
    rectify.settle_quietly(store, [year, year + 1])  # another current version may close or reopen 整改 items
    return rechecked


def set_status(store: Store, report_id: int, status: VersionStatus | str, actor: str, reason: str = "") -> list[int]:
    """Withdraw, delete or restore a version (audit-logged); returns the reports checked again."""
    changed = store.set_status(report_id, status, actor, reason)
    return _resettle(store, report_id) if changed else []


def withdraw(store: Store, report_id: int, actor: str, reason: str = "") -> list[int]:
    """撤回: the version stays visible among the versions, no longer counted."""
    return set_status(store, report_id, VersionStatus.WITHDRAWN, actor, reason)


def delete(store: Store, report_id: int, actor: str, reason: str = "") -> list[int]:
    """删除: the version is hidden; its source is kept until :func:`purge`."""
    return set_status(store, report_id, VersionStatus.DELETED, actor, reason)


def restore(store: Store, report_id: int, actor: str, reason: str = "") -> list[int]:
    """恢复 a withdrawn or deleted version (the current rule decides again)."""
    return set_status(store, report_id, VersionStatus.ACTIVE, actor, reason)


def choose(store: Store, report_id: int, actor: str, reason: str = "") -> list[int]:
    """设为当前版本 explicitly (it stays current until another is chosen, or it is withdrawn)."""
    changed = store.choose(report_id, actor, reason)
    return _resettle(store, report_id) if changed else []


def purge(store: Store, actor: str, reason: str = "") -> int:
    """彻底清除 the deleted versions (audit-logged); returns how many."""
    return store.purge(actor, reason)
