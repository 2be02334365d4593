"""The cross-unit copy finder's tables (``text_prints``, ``text_copies``): what ``zfxxgk.app.copies`` reads
and writes. The store keeps bytes and numbers; the masking, the signatures and the measure are the
application's and the checker's.

A pair is stored for every report version it was found for; the current rule (``reports.is_current``)
is applied when pairs are read, so withdrawing or choosing a version needs no pair to be found again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table as SqlTable
from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import aliased

from ..model import Finding
from .db import Prepared, Store, _finding_tuples, _revised_many
from .regions import region_subtree, resolve_region
from .schema import FindingRow, ReportRow, SectionRow, TextCopy, TextPrint, Unit

_CHUNK = 500  # ids per IN (…): SQLite allows 32,766 variables, PostgreSQL 65,535; small keeps plans simple


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


@dataclass(frozen=True, slots=True)
class SectionTexts:
    """A report's unit and the texts of some of its sections (what the finder masks and measures)."""

    report_id: int
    unit_id: int | None
    unit: str | None
    source: str
    year: int | None
    texts: dict[int, str]


@dataclass(frozen=True, slots=True)
class Print:
    """A stored print of one section (``minhash`` None: the section was too short to compare)."""

    report_id: int
    unit_id: int | None
    section: int
    length: int
    digest: str | None
    minhash: bytes | None


@dataclass(frozen=True, slots=True)
class Pair:
    """Between two current reports of different units: ``share`` of the report's section covered by the other's."""

    report_id: int
    other_id: int
    section: int
    share: float
    other_unit: str
    other_source: str


def unsigned(store: Store, year: int, scheme: str, sections: Sequence[int]) -> list[SectionTexts]:
    """The reports of ``year`` with a unit that have no print of ``scheme`` yet, with the texts of ``sections``."""
    with store.session() as s:
        signed = select(TextPrint.report_id).where(TextPrint.scheme == scheme).distinct()
        rows = s.execute(select(ReportRow.id, ReportRow.unit_id, ReportRow.unit_name, ReportRow.source_name, ReportRow.year)
                         .where(ReportRow.year == year, ReportRow.unit_id.is_not(None), ReportRow.id.not_in(signed))
                         .order_by(ReportRow.id)).all()
    return _with_texts(store, rows, sections)


def promote(store: Store, year: int, pending: str, scheme: str) -> set[int]:
    """The reports of ``year`` whose prints are of scheme ``pending``, now of ``scheme``; their ids."""
    with store.session() as s:
        ids = set(s.scalars(select(TextPrint.report_id).join(ReportRow, ReportRow.id == TextPrint.report_id)
                            .where(ReportRow.year == year, TextPrint.scheme == pending).distinct()))
        for part in _chunks(sorted(ids)):
            s.execute(update(TextPrint).where(TextPrint.report_id.in_(part), TextPrint.scheme == pending)
                      .values(scheme=scheme))
    return ids


def report_units(store: Store, report_ids: Iterable[int]) -> dict[int, tuple[int | None, str | None]]:
    """The unit id and unit name of these reports."""
    out: dict[int, tuple[int | None, str | None]] = {}
    with store.session() as s:
        for part in _chunks(sorted(set(report_ids))):
            for rid, unit_id, name in s.execute(select(ReportRow.id, ReportRow.unit_id, ReportRow.unit_name)
                                                .where(ReportRow.id.in_(part))):
                out[rid] = (unit_id, name)
    return out


def texts_of(store: Store, report_ids: Iterable[int], sections: Sequence[int]) -> dict[int, SectionTexts]:
    """The unit and section texts of these reports."""
    ids = sorted(set(report_ids))
    rows: list[Any] = []
    with store.session() as s:
        for part in _chunks(ids):
            rows += s.execute(select(ReportRow.id, ReportRow.unit_id, ReportRow.unit_name, ReportRow.source_name,
                                     ReportRow.year).where(ReportRow.id.in_(part))).all()
    return {t.report_id: t for t in _with_texts(store, rows, sections)}


def _with_texts(store: Store, rows: Sequence, sections: Sequence[int]) -> list[SectionTexts]:
    texts: dict[int, dict[int, str]] = {}
    with store.session() as s:
        for part in _chunks([r.id for r in rows]):
            q = select(SectionRow.report_id, SectionRow.number, SectionRow.text).where(
                SectionRow.report_id.in_(part), SectionRow.number.in_(list(sections)))
            for rid, n, text in s.execute(q):
                texts.setdefault(rid, {})[n] = text
    return [SectionTexts(r.id, r.unit_id, r.unit_name, r.source_name, r.year, texts.get(r.id, {})) for r in rows]


def save_prints(store: Store, rows: Sequence[tuple[int, int, str, int, str | None, bytes | None]]) -> None:
    """Store prints (report id, section, scheme, length, digest, minhash), replacing the reports' earlier
    ones and the pairs found with them (a print of another scheme is measured again).
    """
    ids = sorted({r[0] for r in rows})
    if not ids:
        return
    with store.session() as s:
        for part in _chunks(ids):
            s.execute(delete(TextPrint).where(TextPrint.report_id.in_(part)))
            s.execute(delete(TextCopy).where(or_(TextCopy.report_id.in_(part), TextCopy.other_id.in_(part))))
        s.execute(TextPrint.__table__.insert(), [  # type: ignore[attr-defined]
            {"report_id": r, "section": n, "scheme": sc, "length": ln, "digest": d, "minhash": m}
            for r, n, sc, ln, d, m in rows])


def year_prints(store: Store, year: int, scheme: str, section: int | None = None) -> list[Print]:
    """Every compared section of ``year`` (every version of every unit; only ``section`` when given) with
    its signature, by report id.
    """
    with store.session() as s:
        q = (select(TextPrint.report_id, ReportRow.unit_id, TextPrint.section, TextPrint.length, TextPrint.digest,
                    TextPrint.minhash)
             .join(ReportRow, ReportRow.id == TextPrint.report_id)
             .where(ReportRow.year == year, TextPrint.scheme == scheme, TextPrint.minhash.is_not(None))
             .order_by(TextPrint.report_id, TextPrint.section))
        if section is not None:
            q = q.where(TextPrint.section == section)
        return [Print(*r) for r in s.execute(q)]


def signed_reports(store: Store, report_ids: Iterable[int], scheme: str) -> set[int]:
    """Which of these reports have prints of ``scheme`` (were compared with their year's other reports)."""
    ids = sorted(set(report_ids))
    found: set[int] = set()
    with store.session() as s:
        for part in _chunks(ids):
            found |= set(s.scalars(select(TextPrint.report_id).where(TextPrint.report_id.in_(part),
                                                                     TextPrint.scheme == scheme).distinct()))
    return found


def signed_current(store: Store, year: int, scheme: str) -> set[int]:
    """The current reports of ``year`` that have prints of ``scheme``."""
    with store.session() as s:
        return set(s.scalars(select(TextPrint.report_id).join(ReportRow, ReportRow.id == TextPrint.report_id)
                             .where(ReportRow.year == year, ReportRow.is_current, TextPrint.scheme == scheme).distinct()))


def save_copies(store: Store, rows: Sequence[tuple[int, int, int, float]]) -> None:
    """Store measured pairs (report id, other id, section, share). Each involves a report printed in the same
    run, whose earlier pairs :func:`save_prints` removed.
    """
    if not rows:
        return
    unique = {(r, o, n): share for r, o, n, share in rows}
    with store.session() as s:
        s.execute(TextCopy.__table__.insert(), [  # type: ignore[attr-defined]
            {"report_id": r, "other_id": o, "section": n, "share": share} for (r, o, n), share in unique.items()])


def current_pairs(store: Store, year: int | None = None, report_ids: Iterable[int] | None = None,
                  min_share: float = 0.0) -> list[Pair]:
    """Pairs with a share above ``min_share`` between the current reports of different units of ``year``,
    or between these reports (current or not) and the current reports of other units.
    """
    mine, other = aliased(ReportRow), aliased(ReportRow)
    q = (select(TextCopy.report_id, TextCopy.other_id, TextCopy.section, TextCopy.share, other.unit_name,
                other.source_name)
         .join(mine, mine.id == TextCopy.report_id).join(other, other.id == TextCopy.other_id)
         .where(other.is_current, mine.unit_id != other.unit_id, TextCopy.share > min_share)
         .order_by(TextCopy.report_id, TextCopy.section, TextCopy.share.desc(), TextCopy.other_id))
    with store.session() as s:
        if report_ids is None:
            rows = s.execute(q.where(mine.is_current, mine.year == year)).all()
        else:
            rows = []
            for part in _chunks(sorted(set(report_ids))):
                rows += s.execute(q.where(TextCopy.report_id.in_(part))).all()
    return [Pair(r, o, n, share, unit or "", source) for r, o, n, share, unit, source in rows]


def current_reports(store: Store, year: int) -> list[tuple[int, str | None, str, int | None]]:
    """The current reports of ``year``: id, unit name, source name, unit id."""
    with store.session() as s:
        return [(r.id, r.unit_name, r.source_name, r.unit_id) for r in s.execute(
            select(ReportRow.id, ReportRow.unit_name, ReportRow.source_name, ReportRow.unit_id)
            .where(ReportRow.year == year, ReportRow.is_current).order_by(ReportRow.id))]


def rule_evidence(store: Store, year: int, rule: str) -> dict[int, list[dict]]:
    """The evidence of one rule's stored findings on the current version of each current report of ``year``."""
    out: dict[int, list[dict]] = {}
    with store.session() as s:
        q = (select(FindingRow.report_id, FindingRow.evidence).join(ReportRow, ReportRow.id == FindingRow.report_id)
             .where(ReportRow.year == year, ReportRow.is_current, FindingRow.rule == rule,
                    FindingRow.version == ReportRow.current_version)
             .order_by(FindingRow.id))
        for rid, evidence in s.execute(q):
            out.setdefault(rid, []).append(evidence or {})
    return out


def replace_rule_findings(store: Store, rule: str, items: Sequence[tuple[int, Sequence[Finding]]]) -> None:
    """Replace one rule's findings on the current version of each report (the others stay), in one transaction."""
    if not items:
        return
    with store.session() as s:
        versions: dict[int, int] = {}
        for part in _chunks([rid for rid, _ in items]):
            versions.update((r.id, r.current_version) for r in s.execute(
                select(ReportRow.id, ReportRow.current_version).where(ReportRow.id.in_(part))))
        kept = [(rid, versions[rid], findings) for rid, findings in items if rid in versions]  # else purged meanwhile
        if not kept:
            return
        table = cast(SqlTable, FindingRow.__table__)  # a declarative Table, typed as FromClause
        s.connection().execute(  # one statement, executed for every report (a Core table: plain executemany)
            delete(table).where(table.c.report_id == bindparam("rid"), table.c.version == bindparam("v"),
                                 table.c.rule == rule),
            [{"rid": rid, "v": v} for rid, v, _ in kept])
        _revised_many(s, [rid for rid, _, _ in kept])
        store._write_rows(s.connection(), [(rid, Prepared("", "", None, {}, [], [], _finding_tuples(v, [f for f in findings if f.rule == rule])))
                                           for rid, v, findings in kept])


def region_units(store: Store, region: int | str) -> tuple[str, set[int]]:
    """The path of the region a user names (a StoreError with suggestions when none) and its units' ids."""
    from .regions import region_paths

    with store.session() as s:
        paths = region_paths(s)
        rid = resolve_region(s, region, paths)
        area = region_subtree(s, rid)
        units = set(s.scalars(select(Unit.id).where(Unit.region_id.in_(area))))
    return paths[rid], units


__all__ = ["Pair", "Print", "SectionTexts", "current_pairs", "current_reports", "region_units", "replace_rule_findings",
           "rule_evidence", "save_copies", "save_prints", "signed_current", "signed_reports", "texts_of", "unsigned", "year_prints"]
