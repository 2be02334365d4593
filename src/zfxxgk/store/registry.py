"""The unit registry: the units that must report, read from and written to a spreadsheet template.

The template (CSV or XLSX, first sheet) has one unit a row under these Chinese headers, in any order:
单位名称 (required), 统一社会信用代码, 单位类型, 所属地区, 上级单位, 年报栏目网址, and optionally
曾用名 (``旧名(2019-2022)；另一名``), 起始年度, 终止年度. A blank cell means “not known”.

A file is checked whole before anything is written: every row's problem is listed (row number, column,
reason, the nearest region for a typo) and nothing is stored until the file is clean; a clean file is
written in one transaction. A row updates the unit with the same credit code, else the same name (the
unit an import created), else adds one. Its region comes from 所属地区 (one of the store's regions or an
official division), else from the credit code (characters 3–8 are the division), else from the name
(model/divisions.py); a name that could mean several divisions needs 所属地区.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..model import divisions
from ..model.units import (
    TYPE_LABELS,
    UnitType,
    credit_code_error,
    credit_division,
    infer_unit_type,
    normalise_unit,
)
from .db import Store, StoreError, fit_name
from .regions import placement, region_paths, region_subtree, resolve_region
from .schema import ReportRow, Unit, UnitAlias

COLUMNS = ("单位名称", "统一社会信用代码", "单位类型", "所属地区", "上级单位", "年报栏目网址")
OPTIONAL = ("曾用名", "起始年度", "终止年度")
MAX_ROWS = 200_000  # a country's organs with room to spare; a larger file is not a registry
_SPLIT = re.compile(r"[；;\s]+")
_ALIAS = re.compile(r"^(?P<name>.+?)(?:[（(](?P<since>\d{4})?\s*[-—–~至]\s*(?P<until>\d{4})?[)）])?$")


@dataclass(slots=True)
class Entry:
    """One registry row, checked."""

    row: int
    name: str
    credit_code: str | None = None
    unit_type: UnitType | None = None
    region: str | None = None  # a region path the store knows or an official division's path
    parent: str | None = None
    portal_urls: list[str] = field(default_factory=list)
    aliases: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    since: int | None = None
    until: int | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem of one row (``row`` as the spreadsheet numbers it: the header is row 1)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行“{self.column}”：{self.reason}"


class RegistryError(StoreError):
    """The file was not stored: every problem found in it."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        shown = "；".join(str(e) for e in self.errors[:20])
        more = f"；另有 {len(self.errors) - 20} 处" if len(self.errors) > 20 else ""
        super().__init__(f"单位名册有 {len(self.errors)} 处问题，未导入：{shown}{more}")


@dataclass(frozen=True, slots=True)
class RegistryUnit:
    """A registered unit as listed and exported."""

    id: int
    name: str
    credit_code: str | None
    unit_type: str | None
    region: str | None
    parent: str | None
    portal_urls: tuple[str, ...]
    aliases: tuple[str, ...]
    since: int | None
    until: int | None

    @property
    def type_cn(self) -> str:
        """单位类型 in Chinese."""
        return UnitType(self.unit_type).cn if self.unit_type is not None and self.unit_type in UnitType._value2member_map_ else ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "unit": self.name, "credit_code": self.credit_code, "unit_type": self.unit_type,
                "region": self.region, "parent": self.parent, "portal_urls": list(self.portal_urls),
                "aliases": list(self.aliases), "since": self.since, "until": self.until}

    def row(self) -> list[str]:
        """The template's columns (then the optional ones)."""
        return [self.name, self.credit_code or "", self.type_cn, self.region or "", self.parent or "",
                "；".join(self.portal_urls), "；".join(self.aliases), str(self.since or ""), str(self.until or "")]


# --- reading the template ------------------------------------------------------------------------


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """The template's rows as header → text (CSV in UTF-8 with or without BOM, or GB18030; XLSX first sheet)."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in r] for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif p.suffix.lower() == ".csv":
        data = p.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise StoreError(f"{p.name}：无法识别文件编码（请保存为 UTF-8 的 CSV 或 Excel）")
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    else:
        raise StoreError(f"{p.name}：单位名册应为 .xlsx 或 .csv 文件")
    rows = [r for r in rows if any(r)]
    if not rows:
        raise StoreError(f"{p.name}：文件是空的")
    if len(rows) > MAX_ROWS + 1:
        raise StoreError(f"{p.name}：超过 {MAX_ROWS} 行，不像单位名册")
    header = rows[0]
    if "单位名称" not in header:
        raise StoreError(f"{p.name}：第 1 行应为表头，至少要有“单位名称”（可用列：{'、'.join(COLUMNS + OPTIONAL)}）")
    unknown = [h for h in header if h and h not in COLUMNS + OPTIONAL]
    if unknown:
        raise StoreError(f"{p.name}：不认识的列“{'、'.join(unknown)}”（可用列：{'、'.join(COLUMNS + OPTIONAL)}）")
    return [{h: (r[i] if i < len(r) else "") for i, h in enumerate(header) if h} for r in rows[1:]]


def parse_urls(text: str) -> list[str]:
    """年报栏目网址 as typed: several separated by “；”, “;”, spaces or line breaks."""
    return list(dict.fromkeys(u for u in _SPLIT.split(text or "") if u))


def is_url(text: str) -> bool:
    """Whether a 年报栏目网址 is an http(s) address."""
    return re.match(r"^https?://[^\s/]+", text) is not None


def parse_aliases(text: str) -> list[tuple[str, int | None, int | None]]:
    """曾用名 as the template writes them (``旧名(2019-2022)；另一名``, or one a line): (name, since, until)."""
    out = []
    for alias in (a for a in re.split(r"[；;\r\n]+", text or "") if a.strip()):
        m = _ALIAS.match(alias.strip())
        assert m is not None  # the pattern matches any non-empty text
        out.append((" ".join(m["name"].split()), int(m["since"]) if m["since"] else None,
                    int(m["until"]) if m["until"] else None))
    return out


def alias_text(name: str, since: int | None, until: int | None) -> str:
    """An alias as the template writes it (the inverse of :func:`parse_aliases`)."""
    return f"{name}({since or ''}-{until or ''})" if since or until else name


def _year(text: str, row: int, column: str, errors: list[RowError]) -> int | None:
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text) and 1990 <= int(text) <= 2100:
        return int(text)
    errors.append(RowError(row, column, f"“{text}”不是年度（如 2024）"))
    return None


def check_rows(s: Session, rows: Sequence[dict[str, str]]) -> tuple[list[Entry], list[RowError]]:
    """Each row checked against the others, the store's regions and the division table."""
    entries: list[Entry] = []
    errors: list[RowError] = []
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for i, r in enumerate(rows, start=2):
        name = " ".join(r.get("单位名称", "").split())
        if not name:
            errors.append(RowError(i, "单位名称", "不能为空"))
            continue
        if len(name) > 200:
            errors.append(RowError(i, "单位名称", "超过 200 字"))
            continue
        key = normalise_unit(name)
        if key in names:
            errors.append(RowError(i, "单位名称", f"与第 {names[key]} 行重复"))
            continue
        names[key] = i
        e = Entry(i, name)
        code = r.get("统一社会信用代码", "").upper().replace(" ", "")
        if code:
            if (why := credit_code_error(code)) is not None:
                errors.append(RowError(i, "统一社会信用代码", f"“{code}”{why}"))
            elif code in codes:
                errors.append(RowError(i, "统一社会信用代码", f"与第 {codes[code]} 行重复"))
            else:
                codes[code] = i
                e.credit_code = code
        label = r.get("单位类型", "")
        if label:
            if label in TYPE_LABELS:
                e.unit_type = TYPE_LABELS[label]
            else:
                errors.append(RowError(i, "单位类型", f"“{label}”不是可用的类型（{'、'.join(dict.fromkeys(TYPE_LABELS))}）"))
        else:
            e.unit_type = infer_unit_type(name)
        typed = r.get("所属地区", "")
        try:
            e.region = _region_of(s, name, typed, e.credit_code)
        except StoreError as err:
            errors.append(RowError(i, "所属地区" if typed else "单位名称", str(err)))
        e.parent = " ".join(r.get("上级单位", "").split()) or None
        e.portal_urls = parse_urls(r.get("年报栏目网址", ""))
        bad = [u for u in e.portal_urls if not is_url(u)]
        if bad:
            errors.append(RowError(i, "年报栏目网址", f"“{bad[0]}”不是 http(s) 网址"))
        e.aliases = parse_aliases(r.get("曾用名", ""))
        e.since = _year(r.get("起始年度", ""), i, "起始年度", errors)
        e.until = _year(r.get("终止年度", ""), i, "终止年度", errors)
        if e.since and e.until and e.since > e.until:
            errors.append(RowError(i, "终止年度", "早于起始年度"))
        entries.append(e)
    for e in entries:
        if e.parent is not None and normalise_unit(e.parent) not in names and \
                s.scalar(select(Unit.id).where(Unit.key == normalise_unit(e.parent))) is None:
            errors.append(RowError(e.row, "上级单位", f"“{e.parent}”既不在本名册中，也不在库中"))
        for alias, _, _ in e.aliases:
            if normalise_unit(alias) in names:
                errors.append(RowError(e.row, "曾用名", f"“{alias}”是本名册中另一个单位的名称"))
    return entries, errors


def _region_of(s: Session, name: str, typed: str, credit_code: str | None) -> str | None:
    """The region path of a row: typed, else the credit code's division, else the name's."""
    if typed:
        return placement(s, typed)
    if credit_code is not None and (d := divisions.division_of_code(credit_division(credit_code))) is not None:
        return divisions.path(d.code)
    located = divisions.locate(name)
    if located.division is not None:
        return divisions.path(located.division.code)
    if located.candidates:
        shown = "、".join(divisions.path(c.code) for c in located.candidates[:5])
        raise StoreError(f"名称可能指多个地区（{shown}），请填写“所属地区”")
    return None


# --- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Imported:
    """What a registry import did."""

    added: int
    updated: int


def import_registry(store: Store, path: str | Path) -> Imported:
    """Check the whole file, then store every row in one transaction (a RegistryError lists the problems)."""
    rows = read_rows(path)
    with store.session() as s:
        entries, errors = check_rows(s, rows)
        if errors:
            raise RegistryError(errors)
        added = updated = 0
        by_key: dict[str, Unit] = {}
        for e in entries:
            unit = None
            if e.credit_code is not None:
                unit = s.scalar(select(Unit).where(Unit.credit_code == e.credit_code))
            if unit is None:
                unit = s.scalar(select(Unit).where(Unit.key == normalise_unit(e.name)))
            if unit is None:
                unit = Unit(key=normalise_unit(e.name), name=e.name)
                s.add(unit)
                added += 1
            else:
                updated += 1
            unit.registered = True
            unit.credit_code = e.credit_code or unit.credit_code
            unit.unit_type = e.unit_type.value if e.unit_type else unit.unit_type
            unit.portal_urls = e.portal_urls or None
            unit.since, unit.until = e.since, e.until
            if e.region is not None:
                unit.region_id, unit.group_key = store._placed(s, e.region)
                unit.candidates = None
            s.flush()
            by_key[normalise_unit(e.name)] = unit
            for alias, since, until in e.aliases:
                key = normalise_unit(alias)
                other = s.scalar(select(Unit.id).where(Unit.key == key))
                if other is not None and other != unit.id and s.scalar(
                        select(ReportRow.id).where(ReportRow.unit_id == other).limit(1)) is not None:
                    raise RegistryError([RowError(e.row, "曾用名", f"“{alias}”已作为单独的单位导入过报告（请先合并）")])
                existing = s.scalar(select(UnitAlias).where(UnitAlias.key == key))
                if existing is None:
                    s.add(UnitAlias(unit_id=unit.id, key=key, name=fit_name(alias, 200), since=since, until=until))
                else:
                    existing.unit_id, existing.since, existing.until = unit.id, since, until
        for e in entries:
            if e.parent is not None:
                key = normalise_unit(e.parent)
                parent = by_key.get(key) or s.scalar(select(Unit).where(Unit.key == key))
                by_key[normalise_unit(e.name)].parent_id = parent.id if parent is not None else None
    return Imported(added, updated)


# --- reading the registry ------------------------------------------------------------------------


def registry_units(store: Store, region: int | str | None = None, year: int | None = None) -> list[RegistryUnit]:
    """The registered units (in a region subtree; owing a report for ``year``), by region then name."""
    with store.session() as s:
        paths = region_paths(s)
        subtree = region_subtree(s, resolve_region(s, region, paths)) if region is not None else None
        units = list(s.scalars(select(Unit).where(Unit.registered)))
        names = {u.id: u.name for u in s.scalars(select(Unit).where(Unit.id.in_({u.parent_id for u in units
                                                                                   if u.parent_id})))}
        aliases: dict[int, list[str]] = {}
        for a in s.scalars(select(UnitAlias).order_by(UnitAlias.id)):
            aliases.setdefault(a.unit_id, []).append(alias_text(a.name, a.since, a.until))
    out = [RegistryUnit(u.id, u.name, u.credit_code, u.unit_type, paths.get(u.region_id) if u.region_id else None,
                        names.get(u.parent_id) if u.parent_id else None, tuple(u.portal_urls or ()),
                        tuple(aliases.get(u.id, ())), u.since, u.until)
           for u in units
           if (subtree is None or u.region_id in subtree) and (year is None or owes(u.since, u.until, year))]
    out.sort(key=lambda u: (u.region or "\uffff", u.name))
    return out


def owes(since: int | None, until: int | None, year: int) -> bool:
    """Whether a registered unit owes a report for ``year``."""
    return (since is None or since <= year) and (until is None or year <= until)


def export_registry(units: Iterable[RegistryUnit], path: str | Path) -> int:
    """Write the units in the import template (XLSX or CSV by extension); returns how many."""
    from .export import write_table

    return write_table(path, "单位名册", COLUMNS + OPTIONAL, (u.row() for u in units), (32, 22, 18, 30, 28, 40, 30, 9, 9))


__all__ = ["COLUMNS", "OPTIONAL", "Imported", "RegistryError", "RegistryUnit", "RowError", "alias_text", "export_registry",
           "import_registry", "is_url", "owes", "parse_aliases", "parse_urls", "read_rows", "registry_units"]
