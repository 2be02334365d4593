"""Reader for the filled-in Excel template (``zfxxgk template``): workbook → Report.

Cell positions come from the workbook's hidden ``_ids`` sheet, header facts from the labels of
the ``封面`` sheet and section texts from ``正文``. Totals are formulas: they are evaluated here
from the cells they name (a blank operand makes the total blank — Excel would show 0), so a
workbook filled by a program, which has no cached formula results, reads the same as one saved by Excel.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from decimal import Decimal
from typing import Any

from ..model import Cell, CellState, PeriodStatement, Report, Section, Span
from ..model.ids import CELL, SECTION_TITLES, section_heading
from ..model.limits import LIMITS
from ..model.template import ABSENT_MARK, COVER_FIELDS, COVER_SHEET, ID_SHEET, TEXT_INTRO, TEXT_SHEET
from . import ParseError, check_archive
from .data import mark_tables
from .values import read_value

COVER_LABELS = dict(COVER_FIELDS)
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$")
_SUM = re.compile(r"^=\s*SUM\((.*)\)\s*$", re.I)
_TERMS = re.compile(r"^[+-]?\$?[A-Z]{1,3}\$?\d{1,7}(?:[+-]\$?[A-Z]{1,3}\$?\d{1,7})*$")
_TERM = re.compile(r"([+-]?)(\$?[A-Z]{1,3}\$?\d{1,7})")
_MAX_ROW, _MAX_COL = 1_048_576, 16_384  # Excel's grid


def parse_xlsx(data: bytes, source: str = "<xlsx>") -> Report:
    """Read a filled template into a Report."""
    from openpyxl import load_workbook

    check_archive(data, source, "Excel 文件")
    _check_merges(data, source)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds on broken files (zip, XML, values)
        raise ParseError(source, f"无法打开 Excel 文件：{type(e).__name__}: {str(e)[:200]}") from None
    if ID_SHEET not in wb.sheetnames:
        raise ParseError(source, "不是 zfxxgk 填报模板（缺少隐藏的 _ids 工作表），请用 zfxxgk template 生成模板")
    report = Report(source=source, format="xlsx")
    _cover(wb, report, source)
    _texts(wb, report, source)
    formulas = _Formulas()
    marked: list[str] = []
    for cid, sheet, ref, *mark in _rows(wb[ID_SHEET], source, 2, 4):
        absent = bool(mark) and mark[0] == ABSENT_MARK
        if absent and isinstance(cid, str) and cid.startswith("section."):
            _drop_unfilled_section(report, cid)
        # the _ids sheet names one cell: anything else (a range, a far-away or odd reference) is no cell
        if cid in CELL and isinstance(sheet, str) and sheet in wb.sheetnames and isinstance(ref, str):
            at = _coordinates(ref)
            if at is not None:
                report.cells[cid] = _cell(cid, wb[sheet], ref, at, sheet, formulas)
                if absent:
                    marked.append(cid)
    _keep_absent(report, marked)
    report.title = f"{report.unit or ''}{report.year or ''}年政府信息公开工作年度报告"
    mark_tables(report, "xlsx")
    return report


def _keep_absent(report: Report, marked: list[str]) -> None:
    """The marked cells of a table none of whose marked cells was filled in read as missing again.

    Once the user fills any of them, the table is theirs: the cells still blank are blank, not missing.
    """
    by_table: dict[object, list[str]] = {}
    for cid in marked:
        by_table.setdefault(CELL[cid].table, []).append(cid)
    for cids in by_table.values():
        if all(report.cells[c].state is CellState.BLANK for c in cids):
            for c in cids:
                report.cells[c] = Cell(c, CellState.ABSENT, None, "", report.cells[c].span)


def _drop_unfilled_section(report: Report, cid: str) -> None:
    """A section the prefilling report lacked, still empty: it stays missing (as in the source)."""
    try:
        n = int(cid.removeprefix("section."))
    except ValueError:
        return
    section = report.sections.get(n)
    if section is not None and not section.text.strip():
        del report.sections[n]


def _rows(ws, source: str, min_row: int, max_col: int) -> list[tuple]:
    """The rows of a sheet's first columns.

    openpyxl makes a cell object for every position it iterates: a single cell at row 1,048,576
    would make millions.
    """
    if ws.max_row * max_col > LIMITS.grid_cells:
        raise ParseError(source, f"Excel 工作表“{ws.title}”有 {ws.max_row} 行，超出填报模板的范围，未读取")
    return list(ws.iter_rows(min_row=min_row, max_col=max_col, values_only=True))


def _check_merges(data: bytes, source: str) -> None:
    """Refuse merged ranges that openpyxl would fill cell by cell on loading (A1:XFD1048576: 17 G cells)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                for ref in _merge_refs(z, name):
                    at = [_coordinates(r) for r in ref.decode("ascii", "replace").split(":")]
                    if len(at) != 2 or None in at:
                        continue  # openpyxl reads no such range
                    (r1, c1), (r2, c2) = at  # type: ignore[misc]
                    if (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1) > LIMITS.grid_cells:
                        raise ParseError(source, f"Excel 文件中合并单元格范围 {ref.decode('ascii', 'replace')[:40]} "
                                                 "过大，超出填报模板的范围，未读取")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return  # not a readable zip: openpyxl says so in its own words
    except Exception as e:  # noqa: BLE001 - zlib.error and the like inside a part
        if isinstance(e, ParseError):
            raise
        raise ParseError(source, f"Excel 文件已损坏：{type(e).__name__}: {str(e)[:200]}") from None


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]{0,200}?\bref\s*=\s*[\"']([^\"']{0,100})")


def _merge_refs(z, name: str):
    """The ref of every mergeCell of a part, read in chunks (a sheet may unpack to hundreds of MB)."""
    tail = b""
    with z.open(name) as part:
        while chunk := part.read(1 << 20):
            text = tail + chunk
            end = max(0, len(text) - 400)  # a tag cut at the chunk's end is matched with the next chunk
            for m in _MERGE.finditer(text):
                if m.start() < end:
                    yield m.group(1)
            tail = text[end:]
    for m in _MERGE.finditer(tail):
        yield m.group(1)


def _coordinates(ref: str) -> tuple[int, int] | None:
    """(row, column) of a single-cell reference within Excel's grid, else None."""
    m = _REF.match(ref.strip())
    if m is None:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    row = int(m.group(2))
    return (row, col) if 1 <= row <= _MAX_ROW and 1 <= col <= _MAX_COL else None


def _value_at(ws, at: tuple[int, int]) -> Any:
    # openpyxl's ws[ref] creates the cell it is asked for: look it up instead (ranges may be large)
    cell = ws._cells.get(at)
    return None if cell is None else cell.value


def _cell(cid: str, ws, ref: str, at: tuple[int, int], sheet: str, formulas: _Formulas) -> Cell:
    span = Span(0, 0, 0, 0, locator=f"{sheet}!{ref}")
    raw = _value_at(ws, at)
    if isinstance(raw, str) and raw.startswith("="):
        value = formulas.value(ws, at)
        if value is None:
            return Cell(cid, CellState.BLANK, None, raw, span)
        if value is _UNREADABLE or value is _TOO_DEEP:
            return Cell(cid, CellState.UNREADABLE, None, raw, span)
        return Cell(cid, CellState.NUMBER, _number(value, CELL[cid].decimal), raw, span)
    if raw is None:
        return Cell(cid, CellState.BLANK, None, "", span)
    if isinstance(raw, bool) or (isinstance(raw, float) and not math.isfinite(raw)):
        return Cell(cid, CellState.TEXT, None, str(raw), span)  # TRUE, inf, nan: no count
    if isinstance(raw, (int, float)):
        return Cell(cid, CellState.NUMBER, _number(raw, CELL[cid].decimal), str(raw), span)
    state, value = read_value(str(raw), CELL[cid].decimal)
    return Cell(cid, state, value, str(raw), span)


def _number(v: Any, fractional: bool) -> int | Decimal:
    """An integral value as int; a fraction as Decimal (VAL-NOT-INTEGER reports it outside fees)."""
    d = Decimal(str(v))
    return int(d) if d == d.to_integral_value() else d


_UNREADABLE = object()
_TOO_DEEP = object()  # unreadable from where it was reached (not memoised: reached higher up it may read)


class _Formulas:
    """The template's formulas: SUM(refs and ranges) or a + b − c of references, on one sheet.

    None when an operand is blank. A hostile workbook must not make this slow or deep: every
    formula is evaluated once (a memo: a chain of cells each adding the one below twice would
    otherwise cost 2^n), references are followed at most ``formula_depth`` levels (no recursion
    error), a range covers at most ``formula_range_cells`` cells, and all formulas of a workbook
    together read at most that many cells — the template's totals read a few hundred.
    """

    def __init__(self) -> None:
        self.memo: dict[tuple[int, tuple[int, int]], Any] = {}
        self.budget = LIMITS.formula_range_cells
        self.open: set[tuple[int, tuple[int, int]]] = set()

    def value(self, ws, at: tuple[int, int], depth: int = 0) -> Any:
        key = (id(ws), at)
        if key in self.memo:
            return self.memo[key]
        if key in self.open:
            return _UNREADABLE  # a cycle
        if depth >= LIMITS.formula_depth:
            return _TOO_DEEP
        self.open.add(key)
        try:
            result = self._evaluate(ws, str(_value_at(ws, at)), depth)
        finally:
            self.open.discard(key)
        if result is not _TOO_DEEP:
            self.memo[key] = result
        return result

    def _operands(self, formula: str) -> list[tuple[int, tuple[int, int], tuple[int, int]]] | None:
        """(sign, first, last) of each reference or range, or None when the formula is none of ours."""
        m = _SUM.match(formula)
        found: list[tuple[int, tuple[int, int], tuple[int, int]]] = []
        if m:
            for part in m.group(1).split(","):
                r = _RANGE.match(part.strip())
                if r is None:
                    return None  # A1:B2:C3, names, other sheets, functions
                first = _coordinates(f"{r.group(1)}{r.group(2)}")
                last = _coordinates(f"{r.group(3)}{r.group(4)}") if r.group(3) else first
                if first is None or last is None:
                    return None
                found.append((1, first, last))
            return found
        expr = formula.lstrip("=").replace(" ", "")
        if not _TERMS.match(expr):
            return None
        for sign, ref in _TERM.findall(expr):
            at = _coordinates(ref)
            if at is None:
                return None
            found.append((-1 if sign == "-" else 1, at, at))
        return found

    def _evaluate(self, ws, formula: str, depth: int) -> Any:
        operands = self._operands(formula)
        if operands is None:
            return _UNREADABLE
        total: Any = 0
        for sign, (r1, c1), (r2, c2) in operands:
            rows, cols = range(min(r1, r2), max(r1, r2) + 1), range(min(c1, c2), max(c1, c2) + 1)
            if len(rows) * len(cols) > self.budget:
                return _UNREADABLE  # checked before any cell of the range is looked at
            self.budget -= len(rows) * len(cols)
            for row in rows:
                for col in cols:
                    v = self._operand(ws, (row, col), depth)
                    if v is None or v is _UNREADABLE or v is _TOO_DEEP:
                        return v
                    total += sign * v
        return total

    def _operand(self, ws, at: tuple[int, int], depth: int) -> Any:
        v = _value_at(ws, at)
        if isinstance(v, str) and v.startswith("="):
            return self.value(ws, at, depth + 1)
        if isinstance(v, str):
            state, number = read_value(v, True)
            if state is CellState.BLANK:
                return None
            return Decimal(number) if state is CellState.NUMBER and number is not None else _UNREADABLE
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
            return _UNREADABLE  # TRUE, a date: no count
        if isinstance(v, float) and not math.isfinite(v):
            return _UNREADABLE
        return Decimal(str(v))


def _cover(wb, report: Report, source: str) -> None:
    if COVER_SHEET not in wb.sheetnames:
        return
    facts: dict[str, Any] = {}
    for label, value in _rows(wb[COVER_SHEET], source, 1, 2):
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


def _texts(wb, report: Report, source: str) -> None:
    if TEXT_SHEET not in wb.sheetnames:
        return
    for i, (part, _heading, text) in enumerate(_rows(wb[TEXT_SHEET], source, 2, 3), start=2):
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
