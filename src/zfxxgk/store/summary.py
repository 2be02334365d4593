"""Summaries kept in the database: one JSON document per year and region of the current reports' units,
valid while its reports are unchanged.

The statistics page of a province or of a whole country sums hundreds of thousands of reports; reading
their 200 cells each on every change of the data took minutes at 100,000 reports. Each (year, region)
group is summed once instead, stored, and summed again only when its **fingerprint** changes: how
many reports are current, the sum of their ids, of their versions (corrections) and of their revisions
(findings re-checked, review decisions; see ``reports.revision``), with the regions' own fingerprint.
Anything that changes which reports are current, the unit's region, a cell or a finding changes it,
so a summary can be stale only if a write path forgets to bump ``revision`` (tests/store/
test_summary.py compares summaries with a fresh computation after every kind of write).

Groups are the units' ``group_key`` (a region id, see ``db.GROUP_DEPTH``: a county with its townships);
:data:`NO_REGION` for units without a region and :data:`NO_UNIT` for reports whose unit is unknown. What a group's document holds is the caller's
business (store/dashboard.py): this module only keeps them current.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..model import jsontext
from .db import Store
from .regions import region_paths
from .schema import Region, ReportRow, SummaryRow, Unit

NO_REGION = 0  # units without a region (region ids start at 1)
NO_UNIT = -1  # reports whose unit is unknown

# how many reports one refresh loads at a time (memory stays flat after a national import)
REFRESH_REPORTS = 5000

Build = Callable[[Session, int, Mapping[int, list[int]]], Mapping[int, Any]]


class RegionInfo(NamedTuple):
    """One region: its name, level and parent."""

    name: str
    level: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class RegionTable:
    """The regions at one moment: rows and paths."""

    fingerprint: str
    rows: dict[int, RegionInfo]
    paths: dict[int, str]


_TABLES: dict[str, RegionTable] = {}  # database URL → its regions, as long as they are unchanged


def region_table(s: Session) -> RegionTable:
    """The regions (read again only when they changed: a country's townships are 40,000 rows)."""
    fingerprint = ":".join(str(x) for x in s.execute(select(
        func.count(Region.id), func.max(Region.id), func.sum(Region.parent_id), func.sum(func.length(Region.name)),
        func.sum(func.length(Region.level)))).one())
    url = str(s.get_bind().engine.url)
    got = _TABLES.get(url)
    if got is not None and got.fingerprint == fingerprint:
        return got
    rows = {r: RegionInfo(n, lv, p) for r, n, lv, p in s.execute(
        select(Region.id, Region.name, Region.level, Region.parent_id))}
    table = RegionTable(fingerprint, rows, region_paths(s))
    _TABLES[url] = table
    return table


def _group() -> Any:
    """A report's group, in SQL (the unit's ``group_key``; :data:`NO_REGION`, :data:`NO_UNIT`)."""
    return case((ReportRow.unit_id.is_(None), NO_UNIT), else_=func.coalesce(Unit.group_key, NO_REGION))


def _current(year: int, *columns: Any) -> Any:
    return (select(*columns).select_from(ReportRow).outerjoin(Unit, Unit.id == ReportRow.unit_id)
            .where(ReportRow.year == year, ReportRow.is_current))


def fingerprints(s: Session, year: int, regions: str, groups: Sequence[int] | None = None) -> dict[int, tuple[str, int]]:
    """Per group of the year's current reports (or of the given groups): (fingerprint, number of reports)."""
    group = _group()
    q = _current(year, group, func.count(ReportRow.id), func.sum(ReportRow.id), func.sum(ReportRow.current_version),
                 func.sum(ReportRow.revision)).group_by(group)
    if groups is not None:
        q = q.where(group.in_(list(groups)))
    return {int(k): (f"{regions}|{n}:{ids}:{versions}:{revisions}", int(n))
            for k, n, ids, versions, revisions in s.execute(q)}


def members(s: Session, year: int, groups: Sequence[int]) -> dict[int, list[int]]:
    """Group → the ids of its current reports of the year (in id order)."""
    out: dict[int, list[int]] = {k: [] for k in groups}
    group = _group()
    for key, rid in s.execute(_current(year, group, ReportRow.id).where(group.in_(list(groups))).order_by(ReportRow.id)):
        out[int(key)].append(rid)
    return out


def summaries(store: Store, year: int, build: Build, kind: str) -> dict[int, Any]:
    """Every group's document for the year, each built by ``build(session, year, {group: report ids})``
    when it is missing or stale, and stored. ``kind`` names what the documents hold (a new kind never
    reads an old one). Groups are rebuilt a few thousand reports at a time.
    """
    with store.session() as s:
        regions = region_table(s).fingerprint
        current = fingerprints(s, year, regions)
        stored = {k: (f, d) for k, f, d in s.execute(
            select(SummaryRow.region_key, SummaryRow.fingerprint, SummaryRow.data).where(SummaryRow.year == year))}
    out: dict[int, Any] = {}
    stale: list[int] = []
    for key, (fingerprint, _n) in current.items():
        got = stored.get(key)
        if got is not None and got[0] == f"{kind}|{fingerprint}":
            out[key] = jsontext.loads(got[1])
        else:
            stale.append(key)
    gone = [k for k in stored if k not in current]
    for batch in _batches(stale, {k: n for k, (_f, n) in current.items()}):
        with store.session() as s:
            built = build(s, year, members(s, year, batch))
        try:
            with store.session() as s:
                now = fingerprints(s, year, region_table(s).fingerprint, batch)
                for key in batch:
                    out[key] = built[key]
                    if now.get(key, ("", 0))[0] != current[key][0]:
                        continue  # changed while it was built: shown now, built again next time
                    s.execute(delete(SummaryRow).where(SummaryRow.year == year, SummaryRow.region_key == key))
                    s.add(SummaryRow(year=year, region_key=key, fingerprint=f"{kind}|{current[key][0]}",
                                     data=jsontext.dumps(built[key])))
        except IntegrityError:  # another process stored the same groups meanwhile: theirs is as good
            pass
    if gone:
        with store.session() as s:
            s.execute(delete(SummaryRow).where(SummaryRow.year == year, SummaryRow.region_key.in_(gone)))
    return out


def _batches(keys: Sequence[int], sizes: Mapping[int, int]) -> list[list[int]]:
    out: list[list[int]] = []
    total = 0
    for key in keys:
        if not out or total + sizes[key] > REFRESH_REPORTS:
            out.append([])
            total = 0
        out[-1].append(key)
        total += sizes[key]
    return out


__all__ = ["NO_REGION", "NO_UNIT", "fingerprints", "RegionInfo", "RegionTable", "members", "region_table", "summaries"]
