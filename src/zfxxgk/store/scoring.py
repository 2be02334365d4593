"""What a scoring profile reads from the store for one year (app/score.py scores it; nothing is written).

Each current report of the year in the scope, with its unit, its dates, the table-4 cells and the stored
findings of its current version (id, evidence, fingerprint and the latest review decision), so that every
deduction can name the finding or the cell it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, select

from ..model.ids import TABLE_CELLS, Table
from ..model.numbers import Number
from .db import Store
from .queries import StoredFinding, _chunks, _current_cells
from .regions import region_paths, region_subtree, resolve_region
from .schema import FindingRow, ReportRow, ReviewDecision, Unit


@dataclass(frozen=True, slots=True)
class ScoringFinding(StoredFinding):
    """A stored finding of a report's current version with its latest review decision (None: undecided)."""

    decision: str | None = None


@dataclass(slots=True)
class ScoringReport:
    """A current report of the year as scoring reads it."""

    id: int
    unit_id: int | None
    unit: str
    unit_type: str | None
    region: str | None
    published_on: dt.date | None
    signed_on: dt.date | None
    format: str
    source_name: str
    cells: dict[str, Number | None] = field(default_factory=dict)  # table 4 only
    findings: list[ScoringFinding] = field(default_factory=list)


def scope_name(store: Store, region: int | str | None) -> str:
    """The scope's region path (“全部地区” without one); a region that does not exist is a StoreError."""
    if region is None:
        return "全部地区"
    with store.session() as s:
        paths = region_paths(s)
        return paths[resolve_region(s, region, paths)]


def scoring_reports(store: Store, year: int, region: int | str | None = None) -> list[ScoringReport]:
    """The current reports of ``year`` whose unit lies in ``region`` (sub-regions included), in id order.

    Reports whose unit is unknown count only when no region is asked for (they belong to none).
    """
    with store.session() as s:
        paths = region_paths(s)
        q = (select(ReportRow.id, ReportRow.unit_id, ReportRow.unit_name, ReportRow.published_on, ReportRow.signed_on,
                    ReportRow.format, ReportRow.source_name, Unit.name, Unit.unit_type, Unit.region_id)
             .outerjoin(Unit, Unit.id == ReportRow.unit_id)
             .where(ReportRow.year == year, ReportRow.is_current).order_by(ReportRow.id))
        if region is not None:
            inside = region_subtree(s, resolve_region(s, region, paths))
            q = q.where(Unit.region_id.in_(inside))
        reports = [ScoringReport(rid, uid, uname or rname or "（未识别单位）", utype, paths.get(reg) if reg else None,
                                 pub, signed, fmt, src)
                   for rid, uid, rname, pub, signed, fmt, src, uname, utype, reg in s.execute(q)]
        ids = [r.id for r in reports]
        cells = _current_cells(s, ids, TABLE_CELLS[Table.T4])
        found: dict[int, list[FindingRow]] = {i: [] for i in ids}
        decided: dict[tuple[int, str], str] = {}
        for chunk in _chunks(ids):
            fq = (select(FindingRow)
                  .join(ReportRow, and_(ReportRow.id == FindingRow.report_id, ReportRow.current_version == FindingRow.version))
                  .where(FindingRow.report_id.in_(chunk)).order_by(FindingRow.id))
            for f in s.scalars(fq):
                found[f.report_id].append(f)
            # in id order: the latest decision on a fingerprint wins
            for d in s.scalars(select(ReviewDecision).where(ReviewDecision.report_id.in_(chunk)).order_by(ReviewDecision.id)):
                decided[(d.report_id, d.fingerprint)] = d.decision
        for r in reports:
            r.cells = {c: v for c, (v, _state) in cells[r.id].items()}
            r.findings = [ScoringFinding(f.id, f.rule, f.severity, f.message, list(f.cells or []), dict(f.evidence or {}),
                                         f.fingerprint, decided.get((r.id, f.fingerprint))) for f in found[r.id]]
    return reports


__all__ = ["ScoringFinding", "ScoringReport", "scope_name", "scoring_reports"]
