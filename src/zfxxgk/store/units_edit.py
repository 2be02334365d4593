"""The unit registry kept by hand (单位名录): list and search units, edit one, move it to another region,
merge a duplicate into the unit it duplicates.

Every change is one transaction and leaves an entry in the audit trail (``audit_events``, actions
``unit_edit``, ``unit_move`` and ``unit_merge``; a merge also one per report it moved, so that a report's
page tells where it came from). The trail is also what tells the statistics of another process that
the data changed (store/dashboard.py ``data_generation`` reads its newest id).

Statistics summaries (store/summary.py) are fingerprinted by their reports' ids, versions and
revisions: a change of a unit's name, type, region or identity changes what a summary shows (ranked
units carry their name and region) without changing those, so every such change bumps the revision of
the unit's reports. A merge settles the current version of each year again with the store's own rule
(``Store._elect``): the kept unit and the merged one may both have a report for the same year.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any, cast

from sqlalchemy import String, and_, case, column, delete, func, inspect, or_, select, table, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..model import divisions
from ..model.units import TYPE_LABELS, UnitType, credit_code_error, infer_unit_type, normalise_unit
from ..model.versions import VersionStatus
from .db import AuditEntry, Store, StoreError
from .regions import placement, region_subtree, resolve_region
from .registry import alias_text, is_url, parse_aliases, parse_urls
from .schema import AuditEvent, ReportRow, Unit, UnitAlias
from .summary import region_table
from .users import Account, UserRow, resolve_unit_id, visible_regions

UNASSIGNED = "none"  # region filter value: units without a region (待确认 ones among them)
STATES = {"registered": "名册内", "unregistered": "名册外", "pending": "待确认"}
PER_PAGE = (20, 50, 100)
MAX_NAME = 200  # the units.name column
FIRST_YEAR, LAST_YEAR = 1990, 2100  # as the registry template's 起始/终止年度
_KEEP: Any = object()  # edit_unit: a field left as it is


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- listing -------------------------------------------------------------------------------------


@dataclass(slots=True)
class UnitFilters:
    """What the 单位名录 shows (all optional)."""

    q: str | None = None  # part of the name or a former name, a credit code, or a unit id
    region: str | None = None  # a region id, path or unique name (its subtree), or UNASSIGNED
    state: str | None = None  # a key of STATES
    page: int = 1
    per_page: int = 50

    def query(self, **changes: object) -> dict[str, str]:
        """The filters as URL query parameters (with changes; empty values left out)."""
        d: dict[str, object] = {"q": self.q, "region": self.region, "state": self.state,
                                "page": self.page if self.page != 1 else None,
                                "per_page": self.per_page if self.per_page != 50 else None}
        d.update(changes)
        return {k: str(v) for k, v in d.items() if v not in (None, "")}


@dataclass(frozen=True, slots=True)
class UnitItem:
    """One line of the 单位名录."""

    id: int
    name: str
    unit_type: str | None
    region: str | None
    candidates: tuple[str, ...]  # official paths a 待确认 unit's name could mean
    registered: bool
    credit_code: str | None
    years: tuple[int, ...]  # years with a current report, newest first

    @property
    def type_cn(self) -> str:
        """单位类型 in Chinese."""
        return _type_cn(self.unit_type)

    @property
    def pending(self) -> bool:
        """Whether the unit waits for its region (待确认)."""
        return self.region is None and bool(self.candidates)

    @property
    def state(self) -> str:
        """pending, registered or unregistered."""
        return "pending" if self.pending else "registered" if self.registered else "unregistered"


@dataclass(slots=True)
class UnitPage:
    """A page of the 单位名录 and the counts of the filtered units by state."""

    items: list[UnitItem]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, ceil(self.total / self.per_page))


def _type_cn(value: str | None) -> str:
    return UnitType(value).cn if value is not None and value in UnitType._value2member_map_ else ""


def _pending() -> ColumnElement[bool]:
    # an import writes a unit without candidates as JSON null (the text "null"), not SQL NULL
    return and_(Unit.region_id.is_(None), Unit.candidates.is_not(None), sql_cast(Unit.candidates, String) != "null")


def _state(state: str) -> ColumnElement[bool]:
    """A unit is in one state: 待确认 whatever its registration, else 名册内 or 名册外."""
    if state == "pending":
        return _pending()
    return and_(~_pending(), Unit.registered.is_(state == "registered"))


def _conditions(s: Session, account: Account, f: UnitFilters) -> list[ColumnElement[bool]]:
    """The filters but the state, as SQL: a StoreError (with suggestions) for a region that is none."""
    cond: list[ColumnElement[bool]] = []
    allowed = visible_regions(s, account)
    if allowed is not None:  # a reviewer: the units of the region subtree (none without a region)
        cond.append(Unit.region_id.in_(allowed))
    if f.region == UNASSIGNED:
        cond.append(Unit.region_id.is_(None))
    elif f.region:
        cond.append(Unit.region_id.in_(region_subtree(s, resolve_region(s, f.region, region_table(s).paths))))
    text = " ".join((f.q or "").split())
    if text:
        key = normalise_unit(text)
        either = [Unit.name.contains(text, autoescape=True), Unit.key.contains(key, autoescape=True),
                  Unit.id.in_(select(UnitAlias.unit_id).where(UnitAlias.key.contains(key, autoescape=True)))]
        if len(text) == 18:
            either.append(Unit.credit_code == text.upper())
        if text.isdigit() and len(text) <= 9:
            either.append(Unit.id == int(text))
        cond.append(or_(*either))
    return cond


def list_units(store: Store, account: Account, f: UnitFilters) -> UnitPage:
    """One page of the units the account may see (a reviewer: those of their region subtree), by name.

    Costs one count, one page query and the years of that page's units, whatever the store's size.
    """
    with store.session() as s:
        cond = _conditions(s, account, f)
        pending, registered = _pending(), Unit.registered.is_(True)
        n, n_pending, n_registered = s.execute(select(
            func.count(Unit.id), func.sum(case((pending, 1), else_=0)),
            func.sum(case((and_(registered, ~pending), 1), else_=0))).where(*cond)).one()
        counts = {"registered": int(n_registered or 0), "pending": int(n_pending or 0)}
        counts["unregistered"] = int(n or 0) - counts["registered"] - counts["pending"]
        if f.state in STATES:
            cond.append(_state(f.state))
        total = int(cast(int, s.scalar(select(func.count(Unit.id)).where(*cond))))  # COUNT: always a row
        page = max(1, min(f.page, max(1, ceil(total / f.per_page))))
        rows = list(s.execute(select(Unit.id, Unit.name, Unit.unit_type, Unit.region_id, Unit.candidates,
                                     Unit.registered, Unit.credit_code).where(*cond).order_by(Unit.name, Unit.id)
                              .limit(f.per_page).offset((page - 1) * f.per_page)))
        years: dict[int, list[int]] = {}
        if rows:
            for uid, year in s.execute(select(ReportRow.unit_id, ReportRow.year).distinct().where(
                    ReportRow.unit_id.in_([r.id for r in rows]), ReportRow.is_current, ReportRow.year.is_not(None))):
                if uid is not None and year is not None:  # both are, by the query
                    years.setdefault(uid, []).append(year)
        paths = region_table(s).paths if rows else {}
    items = [UnitItem(r.id, r.name, r.unit_type, paths.get(r.region_id) if r.region_id is not None else None,
                      _candidates(r.candidates) if r.region_id is None else (), bool(r.registered), r.credit_code,
                      tuple(sorted(years.get(r.id, ()), reverse=True))) for r in rows]
    return UnitPage(items, total, page, f.per_page, counts)


def _candidates(codes: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(divisions.path(c) for c in codes or () if divisions.division(c) is not None)


# --- one unit ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AliasInfo:
    """A former or other name of a unit, with the years it was used."""

    name: str
    since: int | None
    until: int | None

    @property
    def text(self) -> str:
        """As the registry template writes it: ``旧名(2019-2022)``."""
        return alias_text(self.name, self.since, self.until)


@dataclass(frozen=True, slots=True)
class UnitReport:
    """A stored file of the unit's reports."""

    id: int
    year: int | None
    source_name: str
    status: str
    current: bool
    published_on: dt.date | None

    @property
    def status_cn(self) -> str:
        """有效, 已撤回 or 已删除."""
        return VersionStatus(self.status).cn


@dataclass(frozen=True, slots=True)
class UnitDetail:
    """Everything the unit page shows."""

    id: int
    name: str
    unit_type: str | None
    region_id: int | None
    region: str | None
    candidates: tuple[str, ...]
    registered: bool
    credit_code: str | None
    parent_id: int | None
    parent: str | None
    portal_urls: tuple[str, ...]
    since: int | None
    until: int | None
    aliases: tuple[AliasInfo, ...]
    children: tuple[tuple[int, str], ...]  # (id, name), the first MAX_CHILDREN
    child_count: int
    users: tuple[str, ...]  # accounts of this unit (填报单位)
    reports: tuple[UnitReport, ...]  # newest year first

    @property
    def type_cn(self) -> str:
        """单位类型 in Chinese."""
        return _type_cn(self.unit_type)

    @property
    def pending(self) -> bool:
        """Whether the unit waits for its region (待确认)."""
        return self.region_id is None and bool(self.candidates)

    @property
    def aliases_text(self) -> str:
        """The aliases one a line, as the edit form takes them."""
        return "\n".join(a.text for a in self.aliases)


MAX_CHILDREN = 200


def unit_detail(store: Store, unit: int | str) -> UnitDetail:
    """One unit by id or exact name (a StoreError with the nearest names when there is none)."""
    with store.session() as s:
        row = _unit(s, unit)
        paths = region_table(s).paths
        parent = s.scalar(select(Unit.name).where(Unit.id == row.parent_id)) if row.parent_id is not None else None
        aliases = tuple(AliasInfo(a.name, a.since, a.until) for a in s.scalars(
            select(UnitAlias).where(UnitAlias.unit_id == row.id).order_by(UnitAlias.since.nulls_last(), UnitAlias.id)))
        children = tuple((i, n) for i, n in s.execute(select(Unit.id, Unit.name).where(Unit.parent_id == row.id)
                                                      .order_by(Unit.name).limit(MAX_CHILDREN)))
        child_count = int(cast(int, s.scalar(select(func.count(Unit.id)).where(Unit.parent_id == row.id))))
        users = tuple(s.scalars(select(UserRow.name).where(UserRow.unit_id == row.id).order_by(UserRow.name)))
        reports = tuple(UnitReport(r.id, r.year, r.source_name, r.status, r.is_current, r.published_on)
                        for r in s.execute(select(ReportRow.id, ReportRow.year, ReportRow.source_name, ReportRow.status,
                                                  ReportRow.is_current, ReportRow.published_on)
                                           .where(ReportRow.unit_id == row.id)
                                           .order_by(ReportRow.year.desc().nulls_last(), ReportRow.id)))
        return UnitDetail(row.id, row.name, row.unit_type, row.region_id,
                          paths.get(row.region_id) if row.region_id is not None else None,
                          _candidates(row.candidates) if row.region_id is None else (), bool(row.registered),
                          row.credit_code, row.parent_id, parent, tuple(row.portal_urls or ()), row.since, row.until,
                          aliases, children, child_count, users, reports)


def similar_units(store: Store, unit: int | str, n: int = 8) -> list[tuple[int, str]]:
    """Units whose name is close to this one's (possible duplicates to merge), nearest first."""
    with store.session() as s:
        row = _unit(s, unit)
        key = row.key
        alike = {k: (i, name) for i, k, name in s.execute(
            select(Unit.id, Unit.key, Unit.name).where(Unit.id != row.id, or_(
                Unit.key.startswith(key[:3], autoescape=True), Unit.key.contains(key[-6:], autoescape=True)))
            .limit(2000))}
    return [alike[k] for k in difflib.get_close_matches(key, list(alike), n=n, cutoff=0.75)]


def unit_history(store: Store, unit: int | str, limit: int = 100) -> list[AuditEntry]:
    """The registry changes of a unit (under its name or a former one), newest first."""
    with store.session() as s:
        row = _unit(s, unit)
        names = {row.name, *s.scalars(select(UnitAlias.name).where(UnitAlias.unit_id == row.id))}
        q = (select(AuditEvent).where(AuditEvent.report_id.is_(None), AuditEvent.action.startswith("unit_", autoescape=True),
                                      AuditEvent.unit_name.in_(names))
             .order_by(AuditEvent.id.desc()).limit(limit))
        return [AuditEntry(e.at, e.actor, e.action, e.report_id, e.unit_name, e.year, e.source_name, e.reason)
                for e in s.scalars(q)]


def _unit(s: Session, unit: int | str) -> Unit:
    row = s.get(Unit, resolve_unit_id(s, unit))
    assert row is not None  # resolve_unit_id found it
    return row


# --- changes -------------------------------------------------------------------------------------


def _actor(actor: str) -> str:
    if not actor or not actor.strip():
        raise StoreError("必须注明操作人")
    return actor.strip()[:100]


def _audit(s: Session, actor: str, action: str, unit_name: str, reason: str) -> None:
    s.add(AuditEvent(at=_now(), actor=actor, action=action, unit_name=unit_name, reason=reason))


def _revise_reports(s: Session, unit_ids: Sequence[int]) -> None:
    """A change of what the statistics summaries show of these units' reports (store/summary.py)."""
    s.execute(update(ReportRow).where(ReportRow.unit_id.in_(list(unit_ids))).values(revision=ReportRow.revision + 1))


def _rows(result: Any) -> int:
    """How many rows an UPDATE changed."""
    return int(getattr(result, "rowcount", 0) or 0)


def _year(text: int | str | None, label: str, errors: list[str]) -> int | None:
    if text is None or str(text).strip() == "":
        return None
    t = str(text).strip()
    if re.fullmatch(r"\d{4}", t) and FIRST_YEAR <= int(t) <= LAST_YEAR:
        return int(t)
    errors.append(f"{label}“{t}”不是年度（如 2024）")
    return None


def unit_type_of(text: str | None) -> UnitType | None:
    """A 单位类型 as typed: its value (``department``) or a template label (政府部门, 县级人民政府 …); None
    for a blank; a StoreError for anything else.
    """
    t = (text or "").strip()
    if not t:
        return None
    if t in UnitType._value2member_map_:
        return UnitType(t)
    if t in TYPE_LABELS:
        return TYPE_LABELS[t]
    raise StoreError(f"“{t}”不是可用的单位类型（{'、'.join(dict.fromkeys(TYPE_LABELS))}）")


def _shown(value: object) -> str:
    if value is None or value == "" or value == ():
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    return str(value)


def edit_unit(
    store: Store,
    unit: int | str,
    actor: str,
    *,
    name: str = _KEEP,
    credit_code: str | None = _KEEP,
    unit_type: str | None = _KEEP,
    parent: int | str | None = _KEEP,
    portal_urls: str | Sequence[str] | None = _KEEP,
    since: int | str | None = _KEEP,
    until: int | str | None = _KEEP,
    registered: bool = _KEEP,
    aliases: str | Sequence[tuple[str, int | None, int | None]] | None = _KEEP,
) -> list[str]:
    """Change the fields given (the others stay); returns what changed, in Chinese (empty: nothing did).

    Every problem of the input is listed in one StoreError and nothing is written. A new name keeps the
    old one as a former name (曾用名), so reports under it still find the unit; a name or credit code of
    another unit is refused (two records of one organ are merged, see :func:`merge_units`). ``unit_type``
    blank: from the name, as an import does. ``aliases`` (all of them, replacing the old ones): text in
    the template's form, ``旧名(2019-2022)`` one a line or separated by “；”, or (name, since, until).
    """
    actor = _actor(actor)
    errors: list[str] = []
    changes: list[str] = []
    with store.session() as s:
        row = _unit(s, unit)
        old_name, old_key = row.name, row.key
        revise = False
        # name
        new_name, new_key = old_name, old_key
        if name is not _KEEP:
            new_name = " ".join((name or "").split())
            new_key = normalise_unit(new_name)
            if not new_key:
                errors.append("单位名称不能为空")
            elif len(new_name) > MAX_NAME:
                errors.append(f"单位名称超过 {MAX_NAME} 字")
            elif new_key != old_key:
                other = s.execute(select(Unit.id, Unit.name).where(Unit.key == new_key)).first()
                owner = s.execute(select(Unit.id, Unit.name).join(UnitAlias, UnitAlias.unit_id == Unit.id)
                                  .where(UnitAlias.key == new_key, Unit.id != row.id)).first()
                if other is not None:
                    errors.append(f"已有名为“{other.name}”的单位（编号 {other.id}）；如是同一单位，请用“合并”")
                elif owner is not None:
                    errors.append(f"“{new_name}”是单位“{owner.name}”（编号 {owner.id}）的曾用名")
        # credit code
        code = row.credit_code
        if credit_code is not _KEEP:
            code = (credit_code or "").upper().replace(" ", "") or None
            if code is not None:
                if (why := credit_code_error(code)) is not None:
                    errors.append(f"统一社会信用代码“{code}”{why}")
                elif (holder := s.execute(select(Unit.id, Unit.name).where(Unit.credit_code == code, Unit.id != row.id))
                      .first()) is not None:
                    errors.append(f"统一社会信用代码 {code} 已属于单位“{holder.name}”（编号 {holder.id}）；"
                                  "如是同一单位，请用“合并”")
        # type
        kind = row.unit_type
        if unit_type is not _KEEP:
            try:
                typed = unit_type_of(unit_type) or infer_unit_type(new_name)  # blank: from the name, as an import
                kind = typed.value if typed is not None else None
            except StoreError as e:
                errors.append(str(e))
        # parent
        parent_id = row.parent_id
        if parent is not _KEEP:
            if parent in (None, ""):
                parent_id = None
            else:
                try:
                    parent_id = resolve_unit_id(s, cast(int | str, parent))
                except StoreError as e:
                    errors.append(f"上级单位：{e}")
                else:
                    if _below(s, parent_id, row.id):
                        errors.append("上级单位不能是本单位或本单位的下级单位")
        # portal URLs
        urls = list(row.portal_urls or ())
        if portal_urls is not _KEEP:
            urls = parse_urls(portal_urls or "") if isinstance(portal_urls, str) or portal_urls is None else \
                list(dict.fromkeys(u.strip() for u in portal_urls if u.strip()))
            bad = [u for u in urls if not is_url(u)]
            if bad:
                errors.append(f"年报栏目网址“{bad[0]}”不是 http(s) 网址")
        # years owed
        first = row.since if since is _KEEP else _year(since, "起始年度", errors)
        last = row.until if until is _KEEP else _year(until, "终止年度", errors)
        if first is not None and last is not None and first > last:
            errors.append("终止年度早于起始年度")
        # aliases
        wanted: dict[str, tuple[str, int | None, int | None]] | None = None
        if aliases is not _KEEP:
            listed = parse_aliases(aliases or "") if isinstance(aliases, str) or aliases is None else list(aliases)
            wanted = {}
            for alias, a_since, a_until in listed:
                alias = " ".join(alias.split())
                key = normalise_unit(alias)
                if not key or key == new_key or key in wanted:
                    continue  # the unit's own name, or listed twice
                if len(alias) > MAX_NAME:
                    errors.append(f"曾用名“{alias[:20]}…”超过 {MAX_NAME} 字")
                    continue
                if a_since is not None and a_until is not None and a_since > a_until:
                    errors.append(f"曾用名“{alias}”的终止年度早于起始年度")
                other = s.execute(select(Unit.id, Unit.name).where(Unit.key == key, Unit.id != row.id)).first()
                owner = s.execute(select(Unit.id, Unit.name).join(UnitAlias, UnitAlias.unit_id == Unit.id)
                                  .where(UnitAlias.key == key, Unit.id != row.id)).first()
                if other is not None:
                    errors.append(f"曾用名“{alias}”是另一个单位（编号 {other.id}）的名称；如是同一单位，请用“合并”")
                elif owner is not None:
                    errors.append(f"曾用名“{alias}”已是单位“{owner.name}”（编号 {owner.id}）的曾用名")
                wanted[key] = (alias, a_since, a_until)
        if errors:
            raise StoreError("未保存：" + "；".join(errors))
        # write
        if new_name != old_name:
            changes.append(f"名称：{old_name} → {new_name}")
            row.name, row.key = new_name, new_key
            revise = True
        if code != row.credit_code:
            changes.append(f"统一社会信用代码：{_shown(row.credit_code)} → {_shown(code)}")
            row.credit_code = code
        if kind != row.unit_type:
            changes.append(f"单位类型：{_shown(_type_cn(row.unit_type))} → {_shown(_type_cn(kind))}")
            row.unit_type = kind
            revise = True
        if parent_id != row.parent_id:
            names: dict[int | None, str] = {i: n for i, n in s.execute(select(Unit.id, Unit.name).where(Unit.id.in_(
                {i for i in (parent_id, row.parent_id) if i is not None})))}
            changes.append(f"上级单位：{_shown(names.get(row.parent_id))} → {_shown(names.get(parent_id))}")
            row.parent_id = parent_id
        if urls != list(row.portal_urls or ()):
            changes.append(f"年报栏目网址：{_shown(tuple(row.portal_urls or ()))} → {_shown(tuple(urls))}")
            row.portal_urls = urls or None
        if first != row.since:
            changes.append(f"起始年度：{_shown(row.since)} → {_shown(first)}")
            row.since = first
        if last != row.until:
            changes.append(f"终止年度：{_shown(row.until)} → {_shown(last)}")
            row.until = last
        if registered is not _KEEP and bool(registered) != bool(row.registered):
            changes.append("列入单位名册" if registered else "移出单位名册")
            row.registered = bool(registered)
        s.flush()
        mine = {a.key: a for a in s.scalars(select(UnitAlias).where(UnitAlias.unit_id == row.id))}
        before = sorted(alias_text(a.name, a.since, a.until) for a in mine.values())
        if wanted is None:  # the list as it was, without the new name (it is the name now)
            wanted = {k: (a.name, a.since, a.until) for k, a in mine.items() if k != new_key}
        if new_key != old_key and old_key not in wanted:
            wanted[old_key] = (old_name, None, None)  # the old name still finds the unit
        for key, old in list(mine.items()):
            if key not in wanted:
                s.delete(old)
                del mine[key]
        s.flush()
        for key, (alias_name, a_since, a_until) in wanted.items():
            if key in mine:
                mine[key].name, mine[key].since, mine[key].until = alias_name, a_since, a_until
            else:
                taken = s.scalar(select(UnitAlias).where(UnitAlias.key == key))
                if taken is not None:  # only the unit's old name can be here: an alias of nobody else
                    taken.unit_id, taken.name, taken.since, taken.until = row.id, alias_name, a_since, a_until
                else:
                    s.add(UnitAlias(unit_id=row.id, key=key, name=alias_name, since=a_since, until=a_until))
        after = sorted(alias_text(*a) for a in wanted.values())
        if after != before:
            changes.append(f"曾用名：{_shown(tuple(before))} → {_shown(tuple(after))}")
        if revise:
            _revise_reports(s, [row.id])
        if changes:
            _audit(s, actor, "unit_edit", row.name, "；".join(changes))
    return changes


# references to a unit that a merge moves itself (the rest are found in the database: see _other_references)
_HANDLED = {("units", "parent_id"), ("reports", "unit_id"), ("unit_aliases", "unit_id"), ("users", "unit_id")}


def _other_references(s: Session) -> list[tuple[str, str]]:
    """Every (table, column) of the database that references a unit, but those a merge handles itself: read
    from the database, not the metadata, so a table whose module this process never imported still moves.
    """
    found = inspect(s.connection())
    out = []
    for name in found.get_table_names():
        for fk in found.get_foreign_keys(name):
            if fk.get("referred_table") == "units" and list(fk.get("referred_columns") or ()) == ["id"]:
                out += [(name, col) for col in fk.get("constrained_columns") or () if (name, col) not in _HANDLED]
    return out


def _below(s: Session, candidate: int, unit_id: int) -> bool:
    """Whether ``candidate`` is the unit or one of its descendants (it cannot be its parent then)."""
    at: int | None = candidate
    seen: set[int] = set()
    while at is not None and at not in seen:
        if at == unit_id:
            return True
        seen.add(at)
        at = s.scalar(select(Unit.parent_id).where(Unit.id == at))
    return False


def move_unit(store: Store, unit: int | str, region: str, actor: str, reason: str = "") -> str:
    """Move a unit (placed or 待确认) to a region of the store or an official division, by path, unique
    name or 6-digit code; returns the region's path. A typo is refused with the nearest regions, never a
    new region. Its reports move with it: they are counted in the new region from now on.
    """
    actor = _actor(actor)
    with store.session() as s:
        row = _unit(s, unit)
        path = placement(s, region)
        region_id, group = store._placed(s, path)
        if region_id == row.region_id:
            raise StoreError(f"单位“{row.name}”已在“{path}”")
        old = region_table(s).paths.get(row.region_id) if row.region_id is not None else None
        row.region_id, row.group_key, row.candidates = region_id, group, None
        _revise_reports(s, [row.id])  # the region shown with its ranked reports, even within one group
        why = f"（{reason.strip()}）" if reason.strip() else ""
        _audit(s, actor, "unit_move", row.name, f"所属地区：{old or '（未归属地区）'} → {path}{why}")
    return path


@dataclass(frozen=True, slots=True)
class Merged:
    """What a merge did."""

    kept_id: int
    kept: str
    merged: str  # the name of the unit that is gone (now a former name of the kept one)
    reports: int  # moved to the kept unit
    years: tuple[int, ...]  # of the moved reports
    changed: tuple[int, ...]  # years whose current report changed
    aliases: int  # former names moved (the merged unit's name not counted)
    users: int  # accounts of the merged unit, now of the kept one
    children: int  # units whose parent was the merged one
    filled: tuple[str, ...]  # the kept unit's blanks filled from the merged one
    notes: tuple[str, ...] = ()  # differences kept as the kept unit had them

    def details(self) -> str:
        """What moved and what was settled, in Chinese."""
        parts = [f"报告 {self.reports} 份" + (f"（{'、'.join(map(str, self.years))} 年度）" if self.years else "")]
        for n, what in ((self.aliases, "曾用名"), (self.users, "账号"), (self.children, "下级单位")):
            if n:
                parts.append(f"{what} {n} 个")
        text = "，".join(parts) + "；原名称已作为曾用名保留"
        if self.changed:
            text += f"；{'、'.join(map(str, self.changed))} 年度的当前版本已按规则重新确定"
        if self.filled:
            text += f"；补充了{'、'.join(self.filled)}"
        if self.notes:
            text += "；" + "；".join(self.notes)
        return text

    def summary(self) -> str:
        """In Chinese, for a notice."""
        return f"已将“{self.merged}”并入“{self.kept}”：{self.details()}。"


def merge_units(store: Store, keep: int | str, other: int | str, actor: str, reason: str = "") -> Merged:
    """Merge ``other`` into ``keep`` (two records of one organ): its reports, former names, accounts and
    child units go to ``keep``, its name becomes a former name of ``keep``, and it is gone.

    ``keep``'s registry facts stay; its blanks are filled from ``other`` (credit code, type, region,
    parent, years owed, portal addresses added). Two different credit codes are two organs: refused. The
    current version of each year of the moved reports is settled again by the store's rule; where both
    had chosen a version explicitly for a year, ``keep``'s choice stands.
    """
    actor = _actor(actor)
    with store.session() as s:
        a, b = _unit(s, keep), _unit(s, other)
        if a.id == b.id:
            raise StoreError("不能把单位并入它自己")
        if a.credit_code and b.credit_code and a.credit_code != b.credit_code:
            raise StoreError(f"两个单位的统一社会信用代码不同（{a.credit_code}、{b.credit_code}），不像同一单位，未合并；"
                             "如确是同一单位，请先清除其中一个的代码")
        paths = region_table(s).paths
        b_id, b_name, b_key = b.id, b.name, b.key
        b_code, b_type, b_region, b_group, b_candidates = b.credit_code, b.unit_type, b.region_id, b.group_key, b.candidates
        b_parent, b_urls, b_since, b_until, b_registered = (b.parent_id, list(b.portal_urls or ()), b.since, b.until,
                                                            bool(b.registered))
        s.expunge(b)  # changed with statements below; the ORM must not write it back
        # the reports: a year's explicit choice of the kept unit stands
        years = sorted(y for y in s.scalars(select(ReportRow.year).distinct().where(ReportRow.unit_id == b_id))
                       if y is not None)
        chosen = set(s.scalars(select(ReportRow.year).where(ReportRow.unit_id == a.id, ReportRow.chosen)))
        if chosen:
            s.execute(update(ReportRow).where(ReportRow.unit_id == b_id, ReportRow.chosen, ReportRow.year.in_(chosen))
                      .values(chosen=False))
        moved = list(s.execute(select(ReportRow.id, ReportRow.year, ReportRow.source_name)
                               .where(ReportRow.unit_id == b_id).order_by(ReportRow.id)))
        s.execute(update(ReportRow).where(ReportRow.unit_id == b_id)
                  .values(unit_id=a.id, revision=ReportRow.revision + 1))
        # former names, accounts, child units
        s.execute(delete(UnitAlias).where(UnitAlias.unit_id == b_id, UnitAlias.key == a.key))
        n_aliases = _rows(s.execute(update(UnitAlias).where(UnitAlias.unit_id == b_id).values(unit_id=a.id)))
        n_users = _rows(s.execute(update(UserRow).where(UserRow.unit_id == b_id).values(unit_id=a.id)))
        if a.parent_id == b_id:  # the kept unit was below the merged one: it takes its place
            a.parent_id = b_parent if b_parent != a.id else None
            s.flush()
        n_children = _rows(s.execute(update(Unit).where(Unit.parent_id == b_id, Unit.id != a.id).values(parent_id=a.id)))
        for name, col in _other_references(s):  # what other features attach to a unit (collection sources …)
            try:
                with s.begin_nested():
                    s.execute(update(table(name, column(col))).where(column(col) == b_id).values({col: a.id}))
            except IntegrityError:
                raise StoreError(f"无法合并：被并入单位在表 {name} 中的记录与保留单位的冲突") from None
        s.execute(delete(Unit).where(Unit.id == b_id))
        # the merged unit's name finds the kept one from now on
        alias = s.scalar(select(UnitAlias).where(UnitAlias.key == b_key))
        if alias is None:
            s.add(UnitAlias(unit_id=a.id, key=b_key, name=b_name))
        elif alias.unit_id != a.id:
            alias.unit_id = a.id
        # the kept unit's blanks
        filled: list[str] = []
        notes: list[str] = []
        if a.credit_code is None and b_code is not None:
            a.credit_code = b_code
            filled.append("统一社会信用代码")
        if a.unit_type is None and b_type is not None:
            a.unit_type = b_type
            filled.append("单位类型")
        if a.region_id is None and b_region is not None:
            a.region_id, a.group_key, a.candidates = b_region, b_group, None
            filled.append("所属地区")
            _revise_reports(s, [a.id])  # its own reports leave the group of units without a region
        elif a.region_id is None and not a.candidates and b_candidates:
            a.candidates = b_candidates
        elif b_region is not None and a.region_id is not None and b_region != a.region_id:
            notes.append(f"所属地区保留“{paths.get(a.region_id, '')}”（被并入单位原属“{paths.get(b_region, '')}”）")
        if a.parent_id is None and b_parent is not None and b_parent != a.id and not _below(s, b_parent, a.id):
            a.parent_id = b_parent
            filled.append("上级单位")
        urls = list(dict.fromkeys([*(a.portal_urls or ()), *b_urls]))
        if urls != list(a.portal_urls or ()):
            a.portal_urls = urls
            filled.append("年报栏目网址")
        if b_registered:
            if not a.registered:
                a.since, a.until = b_since, b_until
                filled.append("单位名册登记")
            else:  # both owed reports: the merged organ owed them over both spans
                a.since = None if a.since is None or b_since is None else min(a.since, b_since)
                a.until = None if a.until is None or b_until is None else max(a.until, b_until)
            a.registered = True
        s.flush()
        changed = store._elect(s, [(a.id, y) for y in years])
        why = f"（{reason.strip()}）" if reason.strip() else ""
        result = Merged(a.id, a.name, b_name, len(moved), tuple(years), tuple(sorted({y for _, y in changed})),
                        n_aliases, n_users, n_children, tuple(filled), tuple(notes))
        _audit(s, actor, "unit_merge", a.name, f"“{b_name}”（编号 {b_id}）并入本单位：{result.details()}{why}")
        for rid, year, source in moved:
            s.add(AuditEvent(at=_now(), actor=actor, action="unit_merge", report_id=rid, unit_name=a.name, year=year,
                             source_name=source, reason=f"单位“{b_name}”并入“{a.name}”{why}"))
    return result


__all__ = ["PER_PAGE", "STATES", "UNASSIGNED", "AliasInfo", "Merged", "UnitDetail", "UnitFilters", "UnitItem",
           "UnitPage", "UnitReport", "edit_unit", "list_units", "merge_units", "move_unit", "similar_units",
           "unit_detail", "unit_history", "unit_type_of"]
