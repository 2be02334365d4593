"""Reader for the filled-in Excel template (``zfxxgk template``): workbook → Report.

Cell positions come from the workbook's hidden ``_ids`` sheet, header facts from the labels of
the ``封面`` sheet and section texts from ``正文``. Totals are formulas: they are evaluated here
from the cells they name (a blank operand makes the total blank — Excel would show 0), so a
workbook filled by a program, which has no cached formula results, reads the same as one saved by Excel.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

from ..model import Cell, CellState, PeriodStatement, Report, Section, Span
from ..model.ids import CELL, SECTION_TITLES, section_heading
from ..model.template import COVER_FIELDS, COVER_SHEET, ID_SHEET, TEXT_INTRO, TEXT_SHEET
from . import ParseError, check_archive
from .data import mark_tables
from .values import read_value

COVER_LABELS = dict(COVER_FIELDS)
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_SUM = re.compile(r"^=\s*SUM\((.*)\)\s*$", re.I)


def parse_xlsx(data: bytes, source: str = "<xlsx>") -> Report:
    """Read a filled template into a Report."""
    from openpyxl import load_workbook

    check_archive(data, source, "Excel 文件")
    try:
        wb = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ParseError(source, f"无法打开 Excel 文件：{e}") from None
    if ID_SHEET not in wb.sheetnames:
        raise ParseError(source, "不是 zfxxgk 填报模板（缺少隐藏的 _ids 工作表），请用 zfxxgk template 生成模板")
    report = Report(source=source, format="xlsx")
    _cover(wb, report)
    _texts(wb, report)
    ids = wb[ID_SHEET]
    for cid, sheet, ref in ids.iter_rows(min_row=2, max_col=3, values_only=True):
        if cid in CELL and sheet in wb.sheetnames and ref:
            report.cells[cid] = _cell(cid, wb[sheet], str(ref), sheet)
    report.title = f"{report.unit or ''}{report.year or ''}年政府信息公开工作年度报告"
    mark_tables(report, "xlsx")
    return report


def _cell(cid: str, ws, ref: str, sheet: str) -> Cell:
    span = Span(0, 0, 0, 0, locator=f"{sheet}!{ref}")
    raw = ws[ref].value
    if isinstance(raw, str) and raw.startswith("="):
        value = _evaluate(ws, raw, set())
        if value is None:
            return Cell(cid, CellState.BLANK, None, raw, span)
        if value is _UNREADABLE:
            return Cell(cid, CellState.UNREADABLE, None, raw, span)
        return Cell(cid, CellState.NUMBER, _number(value, CELL[cid].decimal), raw, span)
    if raw is None:
        return Cell(cid, CellState.BLANK, None, "", span)
    if isinstance(raw, bool):
        return Cell(cid, CellState.TEXT, None, str(raw), span)
    if isinstance(raw, (int, float)):
        return Cell(cid, CellState.NUMBER, _number(raw, CELL[cid].decimal), str(raw), span)
    state, value = read_value(str(raw), CELL[cid].decimal)
    return Cell(cid, state, value, str(raw), span)


def _number(v: Any, fractional: bool) -> int | Decimal:
    """An integral value as int; a fraction as Decimal (VAL-NOT-INTEGER reports it outside fees)."""
    d = Decimal(str(v))
    return int(d) if d == d.to_integral_value() else d


_UNREADABLE = object()


def _evaluate(ws, formula: str, seen: set[str]) -> Any:
    """SUM(refs and ranges) or a + b − c of references; None when an operand is blank."""
    m = _SUM.match(formula)
    refs: list[tuple[int, str]] = []
    if m:
        for part in m.group(1).split(","):
            part = part.strip()
            if ":" in part:
                a, b = part.split(":")
                for row in ws[a:b]:
                    refs += [(1, c.coordinate) for c in row]
            else:
                refs.append((1, part))
    else:
        expr = formula.lstrip("=").replace(" ", "")
        for sign, ref in re.findall(r"([+-]?)([A-Z]{1,3}\d+)", expr):
            refs.append((-1 if sign == "-" else 1, ref))
        if not refs or re.sub(r"[+-]?[A-Z]{1,3}\d+", "", expr):
            return _UNREADABLE
    total: Any = 0
    for sign, ref in refs:
        if not _REF.match(ref.replace("$", "")) or ref in seen:
            return _UNREADABLE
        v = ws[ref.replace("$", "")].value
        if isinstance(v, str) and v.startswith("="):
            v = _evaluate(ws, v, seen | {ref})
        elif isinstance(v, str):
            state, v = read_value(v, True)
            if state is CellState.BLANK:
                v = None
            elif state is not CellState.NUMBER:
                return _UNREADABLE
        if v is None or v is _UNREADABLE:
            return v
        total += sign * Decimal(str(v))
    return total


def _cover(wb, report: Report) -> None:
    if COVER_SHEET not in wb.sheetnames:
        return
    facts: dict[str, Any] = {}
    for label, value in wb[COVER_SHEET].iter_rows(min_col=1, max_col=2, values_only=True):
        key = COVER_LABELS.get(str(label).strip()) if label else None
        if key:
            facts[key] = value
    report.unit = _text(facts.get("unit"))
    report.signed_unit = _text(facts.get("signed_unit")) or report.unit
    year = facts.get("year")
    try:
        report.year = int(str(year).strip()) if year not in (None, "") else None
    except ValueError:
        report.year = None
    report.signed_on = _date(facts.get("signed_on"))
    start, end = _date(facts.get("period_start")), _date(facts.get("period_end"))
    if start and end:
        text = f"统计期间为{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
        report.periods = [PeriodStatement(start, end, text, Span(0, 0, 0, 0, locator=f"{COVER_SHEET}!B6"))]


def _texts(wb, report: Report) -> None:
    if TEXT_SHEET not in wb.sheetnames:
        return
    for i, (part, _heading, text) in enumerate(wb[TEXT_SHEET].iter_rows(min_row=2, max_col=3, values_only=True), start=2):
        body = _text(text) or ""
        span = Span(0, 0, 0, 0, locator=f"{TEXT_SHEET}!C{i}")
        if str(part).strip() == TEXT_INTRO:
            report.intro = body
            continue
        try:
            n = int(part)
        except (TypeError, ValueError):
            continue
        if n in SECTION_TITLES:
            h = section_heading(n)
            report.sections[n] = Section(n, n, h, h, False, body, span)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and v.strip():
        from .header import DATE, to_date

        s = v.strip()
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            m = DATE.search("".join(s.split()))
            return to_date(*m.groups()) if m else None
    return None
