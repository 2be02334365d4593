"""Rectification records (migration 0013): 整改 items, their history, and report-level verdicts.

An item is made from a confirmed finding and belongs to the unit and year of its report, not to the
report version: a unit answers with a new version (a new report row), so the item is followed through
the finding's fingerprint into whichever version is current (:func:`settle`). Every change of status is
an event (who, when, which report version, why) that is never deleted.

A verdict (通过 / 退回修改 with reasons) belongs to one report version; the latest one counts, the
earlier ones stay as history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Store, StoreError
from .regions import region_paths, region_subtree, resolve_region
from .schema import Base, FindingRow, ReportRow, ReviewDecision, Unit

STATUS_CN = {"pending": "待整改", "in_progress": "整改中", "done": "已整改", "failed": "未整改"}
OPEN = ("pending", "in_progress", "failed")
VERDICT_CN = {"pass": "通过", "return": "退回修改"}
SYSTEM = "系统复查"  # the actor of the automatic re-checks
MAX_TEXT = 2000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class RectifyItemRow(Base):
    """A 整改 item: a confirmed finding of a unit's report for a year, to be corrected by ``due_on``."""

    __tablename__ = "rectify_items"
    __table_args__ = (UniqueConstraint("unit_id", "year", "fingerprint"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    fingerprint: Mapped[str] = mapped_column(String(32))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))  # where it was found
    # the finding as it was confirmed (the report version may be purged; the item stays readable)
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict] = mapped_column(JSON)
    responsible: Mapped[str] = mapped_column(String(200))  # 责任单位
    due_on: Mapped[dt.date | None] = mapped_column(Date)  # 整改期限
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending | in_progress | done | failed
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    # the report version the last re-check read: a different one is a new version of the unit's report
    checked_report_id: Mapped[int | None] = mapped_column(Integer)
    checked_version: Mapped[int | None] = mapped_column(Integer)
    closed_report_id: Mapped[int | None] = mapped_column(Integer)  # the version without the finding
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RectifyEventRow(Base):
    """One change of an item's status (made, set by a user, or settled by a re-check)."""

    __tablename__ = "rectify_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectify_items.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    actor: Mapped[str] = mapped_column(String(100))
    before: Mapped[str | None] = mapped_column(String(12))
    after: Mapped[str] = mapped_column(String(12))
    report_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class VerdictRow(Base):
    """A reviewer's verdict on a report version: 通过 or 退回修改 with the reasons."""

    __tablename__ = "report_verdicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(8))  # pass | return
    reasons: Mapped[list] = mapped_column(JSON)
    reviewer: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


@dataclass(frozen=True, slots=True)
class Event:
    """An item's change of status."""

    at: dt.datetime
    actor: str
    before: str | None
    after: str
    report_id: int | None
    note: str

    @property
    def after_cn(self) -> str:
        """Chinese name of the new status."""
        return STATUS_CN.get(self.after, self.after)

    @property
    def before_cn(self) -> str:
        """Chinese name of the former status ('' for a new item)."""
        return STATUS_CN.get(self.before, self.before) if self.before else ""


@dataclass(frozen=True, slots=True)
class Item:
    """A 整改 item as read (detached from any session)."""

    id: int
    unit_id: int
    unit: str
    year: int
    fingerprint: str
    report_id: int | None
    rule: str
    severity: str
    message: str
    evidence: dict[str, Any]
    responsible: str
    due_on: dt.date | None
    status: str
    created_by: str
    created_at: dt.datetime
    checked_report_id: int | None
    closed_report_id: int | None
    closed_at: dt.datetime | None
    events: list[Event] = field(default_factory=list)

    @property
    def status_cn(self) -> str:
        """待整改 / 整改中 / 已整改 / 未整改."""
        return STATUS_CN.get(self.status, self.status)

    @property
    def open(self) -> bool:
        """Whether the item still waits for its correction."""
        return self.status in OPEN

    def overdue(self, today: dt.date) -> bool:
        """Open and past its due date on ``today``."""
        return self.open and self.due_on is not None and self.due_on < today

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "unit": self.unit, "year": self.year, "fingerprint": self.fingerprint,
                "report_id": self.report_id, "rule": self.rule, "severity": self.severity, "message": self.message,
                "responsible": self.responsible, "due_on": self.due_on.isoformat() if self.due_on else None,
                "status": self.status, "status_cn": self.status_cn, "created_by": self.created_by,
                "checked_report_id": self.checked_report_id, "closed_report_id": self.closed_report_id}


@dataclass(frozen=True, slots=True)
class Verdict:
    """A report version's verdict."""

    report_id: int
    verdict: str
    reasons: list[str]
    reviewer: str
    decided_at: dt.datetime

    @property
    def verdict_cn(self) -> str:
        """通过 / 退回修改."""
        return VERDICT_CN.get(self.verdict, self.verdict)


@dataclass(frozen=True, slots=True)
class Change:
    """What a re-check did to an item."""

    item_id: int
    before: str
    after: str
    report_id: int


def _unit_names(s: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    return {uid: name for uid, name in s.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))} if ids else {}


def _item(row: RectifyItemRow, unit: str, events: list[Event] | None = None) -> Item:
    return Item(row.id, row.unit_id, unit, row.year, row.fingerprint, row.report_id, row.rule, row.severity,
                row.message, dict(row.evidence or {}), row.responsible, row.due_on, row.status, row.created_by,
                row.created_at, row.checked_report_id, row.closed_report_id, row.closed_at, events or [])


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise StoreError(f"{what}过长（最多 {limit} 字）")
    return value


def create_item(store: Store, report_id: int, fingerprint: str, actor: str, responsible: str = "",
                due_on: dt.date | None = None, note: str = "") -> Item:
    """A 整改 item from a confirmed finding of the report's current version (one per unit, year and finding)."""
    actor = _text(actor, "操作人", 100)
    if not actor:
        raise StoreError("列入整改必须注明操作人")
    note = _text(note, "说明")
    with store.session() as s:
        row = s.get(ReportRow, report_id)
        if row is None:
            raise StoreError(f"没有编号为 {report_id} 的报告")
        if row.unit_id is None or row.year is None:
            raise StoreError("该报告未识别出单位或年度，无法跟踪整改")
        finding = s.scalars(select(FindingRow).where(FindingRow.report_id == report_id,
                                                     FindingRow.version == row.current_version,
                                                     FindingRow.fingerprint == fingerprint)
                            .order_by(FindingRow.id)).first()
        if finding is None:
            raise StoreError(f"报告 {report_id} 的当前数据中没有指纹为 {fingerprint} 的问题")
        decision = s.scalars(select(ReviewDecision.decision).where(ReviewDecision.report_id == report_id,
                                                                   ReviewDecision.fingerprint == fingerprint)
                             .order_by(ReviewDecision.id.desc())).first()
        if decision != "confirmed":
            raise StoreError("只有审核结论为“确认”的问题才能列入整改，请先确认该问题")
        known = s.scalar(select(RectifyItemRow.id).where(RectifyItemRow.unit_id == row.unit_id,
                                                         RectifyItemRow.year == row.year,
                                                         RectifyItemRow.fingerprint == fingerprint))
        if known is not None:
            raise StoreError(f"该问题已列入整改（整改事项 {known}）")
        unit = s.scalar(select(Unit.name).where(Unit.id == row.unit_id)) or ""
        item = RectifyItemRow(unit_id=row.unit_id, year=row.year, fingerprint=fingerprint, report_id=report_id,
                              rule=finding.rule, severity=finding.severity, message=finding.message,
                              evidence=dict(finding.evidence or {}),
                              responsible=_text(responsible, "责任单位", 200) or unit, due_on=due_on, status="pending",
                              created_by=actor, checked_report_id=report_id, checked_version=row.current_version)
        s.add(item)
        s.flush()
        event = RectifyEventRow(item_id=item.id, actor=actor, before=None, after="pending", report_id=report_id,
                                note=note)
        s.add(event)
        s.flush()
        return _item(item, unit, [_event(event)])


def _event(e: RectifyEventRow) -> Event:
    return Event(e.at, e.actor, e.before, e.after, e.report_id, e.note)


def set_status(store: Store, item_id: int, status: str, actor: str, note: str = "",
               responsible: str | None = None, due_on: dt.date | None = None) -> Item:
    """Set an item's status by hand (and, optionally, its 责任单位 or 整改期限); recorded as an event."""
    if status not in STATUS_CN:
        raise StoreError(f"整改状态应为：{'、'.join(f'{v}（{k}）' for k, v in STATUS_CN.items())}")
    actor = _text(actor, "操作人", 100)
    if not actor:
        raise StoreError("修改整改状态必须注明操作人")
    note = _text(note, "说明")
    with store.session() as s:
        row = s.get(RectifyItemRow, item_id)
        if row is None:
            raise StoreError(f"没有编号为 {item_id} 的整改事项")
        before = row.status
        row.status = status
        if responsible is not None and (responsible := _text(responsible, "责任单位", 200)):
            row.responsible = responsible
        if due_on is not None:
            row.due_on = due_on
        if status == "done" and before != "done":
            row.closed_report_id, row.closed_at = row.checked_report_id, _now()
        elif status != "done":
            row.closed_report_id = row.closed_at = None
        s.add(RectifyEventRow(item_id=row.id, actor=actor, before=before, after=status,
                              report_id=row.checked_report_id, note=note))
        s.flush()
        return _items(s, [row])[0]


def _items(s: Session, rows: Sequence[RectifyItemRow], events: bool = True) -> list[Item]:
    names = _unit_names(s, (r.unit_id for r in rows))
    history: dict[int, list[Event]] = {}
    if events and rows:
        for e in s.scalars(select(RectifyEventRow).where(RectifyEventRow.item_id.in_([r.id for r in rows]))
                           .order_by(RectifyEventRow.id)):
            history.setdefault(e.item_id, []).append(_event(e))
    return [_item(r, names.get(r.unit_id, ""), history.get(r.id, [])) for r in rows]


def item(store: Store, item_id: int) -> Item:
    """One item with its history."""
    with store.session() as s:
        row = s.get(RectifyItemRow, item_id)
        if row is None:
            raise StoreError(f"没有编号为 {item_id} 的整改事项")
        return _items(s, [row])[0]


def items(store: Store, *, report_id: int | None = None, year: int | None = None,
          unit_ids: Iterable[int] | None = None, open_only: bool = False) -> list[Item]:
    """Items, oldest first: of a report's unit and year (``report_id``), of a year, of some units."""
    with store.session() as s:
        q = select(RectifyItemRow).order_by(RectifyItemRow.id)
        if report_id is not None:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"没有编号为 {report_id} 的报告")
            if row.unit_id is None or row.year is None:
                return []
            q = q.where(RectifyItemRow.unit_id == row.unit_id, RectifyItemRow.year == row.year)
        if year is not None:
            q = q.where(RectifyItemRow.year == year)
        if unit_ids is not None:
            q = q.where(RectifyItemRow.unit_id.in_(set(unit_ids)))
        if open_only:
            q = q.where(RectifyItemRow.status.in_(OPEN))
        return _items(s, list(s.scalars(q)))


def settle(store: Store, years: Iterable[int] | None = None) -> list[Change]:
    """Follow the items of the years (all: None) into their unit's current report version and settle them.

    Only a version the item was not checked against yet (a new upload, another current version, a
    correction) settles it: the finding is gone from it → 已整改 (closed by that version); it is still
    there (the unit's corrected report did not correct it) or back after it was closed → 未整改. On the
    version it was checked against nothing changes, so a status set by hand stands until the next version.
    """
    changes: list[Change] = []
    with store.session() as s:
        q = select(RectifyItemRow)
        if years is not None:
            wanted = sorted(set(years))
            if not wanted:
                return changes
            q = q.where(RectifyItemRow.year.in_(wanted))
        rows = list(s.scalars(q.order_by(RectifyItemRow.id)))
        if not rows:
            return changes
        current: dict[tuple[int | None, int | None], tuple[int, int]] = {}  # (unit, year) → (report id, version)
        for rid, uid, year, version in s.execute(
                select(ReportRow.id, ReportRow.unit_id, ReportRow.year, ReportRow.current_version)
                .where(ReportRow.is_current, ReportRow.unit_id.in_({r.unit_id for r in rows}),
                       ReportRow.year.in_({r.year for r in rows}))):
            current[(uid, year)] = (rid, version)
        present: set[tuple[int, str]] = set()
        versions = set(current.values())
        if versions:
            ids = {rid for rid, _ in versions}
            for rid, version, fp in s.execute(select(FindingRow.report_id, FindingRow.version, FindingRow.fingerprint)
                                              .where(FindingRow.report_id.in_(ids))):
                if (rid, version) in versions:
                    present.add((rid, fp))
        for row in rows:
            now = current.get((row.unit_id, row.year))
            if now is None:
                continue  # no valid version left (withdrawn): the item waits as it is
            rid, version = now
            fresh = (rid, version) != (row.checked_report_id, row.checked_version)
            found = (rid, row.fingerprint) in present
            before = row.status
            if not fresh:
                continue  # the version it was checked against: a status set by hand stands
            if not found and before != "done":
                row.status, row.closed_report_id, row.closed_at = "done", rid, _now()
                note = f"复查报告 {rid}（第 {version} 版）：问题已不存在"
            elif found and before == "done":
                row.status, row.closed_report_id, row.closed_at = "failed", None, None
                note = f"复查报告 {rid}（第 {version} 版）：问题再次出现，重新打开"
            elif found and before != "failed":
                row.status = "failed"
                note = f"复查报告 {rid}（第 {version} 版）：问题仍然存在"
            else:
                row.checked_report_id, row.checked_version = rid, version
                continue
            row.checked_report_id, row.checked_version = rid, version
            s.add(RectifyEventRow(item_id=row.id, actor=SYSTEM, before=before, after=row.status, report_id=rid,
                                  note=note))
            changes.append(Change(row.id, before, row.status, rid))
    return changes


# --- verdicts --------------------------------------------------------------------------------


def set_verdict(store: Store, report_id: int, verdict: str, reasons: Sequence[str], reviewer: str) -> Verdict:
    """Record 通过 or 退回修改 (which needs at least one reason) on a report version; the history is kept."""
    if verdict not in VERDICT_CN:
        raise StoreError("审核结论应为 pass（通过）或 return（退回修改）")
    reviewer = _text(reviewer, "审核人", 100)
    if not reviewer:
        raise StoreError("报告审核结论必须注明审核人")
    kept = [_text(r, "退回原因") for r in reasons]
    kept = [r for r in kept if r]
    if verdict == "return" and not kept:
        raise StoreError("退回修改必须写明原因")
    if len(kept) > 100:
        raise StoreError("退回原因过多（最多 100 条）")
    with store.session() as s:
        if s.get(ReportRow, report_id) is None:
            raise StoreError(f"没有编号为 {report_id} 的报告")
        row = VerdictRow(report_id=report_id, verdict=verdict, reasons=kept, reviewer=reviewer)
        s.add(row)
        s.flush()
        return Verdict(row.report_id, row.verdict, list(row.reasons), row.reviewer, row.decided_at)


def verdicts(store: Store, report_ids: Sequence[int]) -> dict[int, list[Verdict]]:
    """The verdicts of each report (oldest first; the last one counts)."""
    out: dict[int, list[Verdict]] = {}
    if not report_ids:
        return out
    with store.session() as s:
        for v in s.scalars(select(VerdictRow).where(VerdictRow.report_id.in_(set(report_ids))).order_by(VerdictRow.id)):
            out.setdefault(v.report_id, []).append(Verdict(v.report_id, v.verdict, list(v.reasons or []), v.reviewer,
                                                           v.decided_at))
    return out


def verdict(store: Store, report_id: int) -> Verdict | None:
    """A report version's verdict (the latest), or None."""
    found = verdicts(store, [report_id]).get(report_id)
    return found[-1] if found else None


# --- a year's reports for the regional notice -------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportTally:
    """One current report of a year: its unit and how many findings of each kind it has."""

    report_id: int
    unit_id: int | None
    unit: str
    errors: int
    warnings: int
    infos: int
    confirmed: int  # findings whose latest decision is 确认
    rejected: int  # … 驳回

    @property
    def findings(self) -> int:
        """All findings of the current version."""
        return self.errors + self.warnings + self.infos


@dataclass(frozen=True, slots=True)
class Area:
    """The region a notice covers: its path ('' for all) and its units (None: every unit)."""

    path: str
    unit_ids: set[int] | None


def area(store: Store, region: str | int | None, within: int | None = None) -> Area:
    """The units of a region (by id, path or unique path ending), kept inside region ``within`` if given."""
    with store.session() as s:
        paths = region_paths(s)
        rid = resolve_region(s, region, paths) if region not in (None, "") else within
        if rid is None:
            return Area("", None)
        if within is not None and rid not in region_subtree(s, within):
            raise StoreError("该地区不在您的管辖范围内")
        tree = region_subtree(s, rid)
        units = set(s.scalars(select(Unit.id).where(Unit.region_id.in_(tree))))
        return Area(paths.get(rid, ""), units)


def tallies(store: Store, year: int, unit_ids: set[int] | None = None) -> list[ReportTally]:
    """The current reports of a year (of some units) with their findings counted, by report id."""
    with store.session() as s:
        q = (select(ReportRow.id, ReportRow.unit_id, ReportRow.unit_name, ReportRow.current_version)
             .where(ReportRow.is_current, ReportRow.year == year).order_by(ReportRow.id))
        if unit_ids is not None:
            q = q.where(ReportRow.unit_id.in_(unit_ids))
        rows = list(s.execute(q))
        if not rows:
            return []
        names = _unit_names(s, (r.unit_id for r in rows if r.unit_id is not None))
        version = {r.id: r.current_version for r in rows}
        counts: dict[int, dict[str, int]] = {r.id: {"error": 0, "warning": 0, "info": 0} for r in rows}
        prints: dict[int, set[str]] = {r.id: set() for r in rows}
        for rid, v, sev, fp in s.execute(select(FindingRow.report_id, FindingRow.version, FindingRow.severity,
                                                FindingRow.fingerprint).where(FindingRow.report_id.in_(list(version)))):
            if v == version[rid]:
                counts[rid][sev] = counts[rid].get(sev, 0) + 1
                prints[rid].add(fp)
        latest: dict[tuple[int, str], str] = {}
        for rid, fp, d in s.execute(select(ReviewDecision.report_id, ReviewDecision.fingerprint, ReviewDecision.decision)
                                    .where(ReviewDecision.report_id.in_(list(version))).order_by(ReviewDecision.id)):
            latest[(rid, fp)] = d
        out = []
        for r in rows:
            decided = [latest[(r.id, fp)] for fp in prints[r.id] if (r.id, fp) in latest]
            c = counts[r.id]
            out.append(ReportTally(r.id, r.unit_id, names.get(r.unit_id, r.unit_name or "（未识别单位）"),
                                   c["error"], c["warning"], c["info"], decided.count("confirmed"),
                                   decided.count("rejected")))
        return out
