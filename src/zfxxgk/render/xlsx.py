"""The Excel fill-in template: header facts, the three tables laid out like the standard, section texts.

Value cells are the only unlocked cells, validated as non-negative numbers; totals are formulas.
A hidden sheet ``_ids`` maps every cell id to its sheet and address, so that the reader
(``zfxxgk.parse.xlsx``) finds each value without knowing the layout. Prefilled from a report, the
template keeps what the report got wrong: cells and sections it lacked are marked missing in ``_ids``
and a total that disagrees with its parts is written as reported, not as a formula (so ``render``
refuses the same errors ``check`` found in the report).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..model import Cell, CellState, Report, Table
from ..model.ids import (
    CELL,
    OUTCOME_ROWS,
    SECTION_TITLES,
    T3_APPLICANT_COLUMNS,
    T4_PARTS,
    TABLE_TITLES,
    section_heading,
    t3,
    t4,
)
from ..model.numbers import json_number
from ..model.template import (
    ABSENT_MARK,
    COVER_FIELDS,
    COVER_SHEET,
    ID_SHEET,
    TABLE_SHEETS,
    TEXT_INTRO,
    TEXT_SHEET,
)
from .document import strip_signature
from .layout import LAYOUT_BUILDERS

_FONT = Font(name="宋体", size=10)
_BOLD = Font(name="宋体", size=10, bold=True)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT = PatternFill("solid", fgColor="FFF9E5")
_FORMULA = PatternFill("solid", fgColor="EAF1FB")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TABLE_COLUMN_WIDTHS = {Table.T2: (24, 16, 16, 16), Table.T3: (10, 12, 34, *([9] * 7)), Table.T4: tuple([9] * 15)}


def _total_parts() -> dict[str, list[str]]:
    """The cells each total of the template sums: row totals of table 3, （七）总计, table-4 block totals."""
    parts: dict[str, list[str]] = {}
    for row in {CELL[i].row for i in CELL if i.startswith("t3.")}:
        if row != "total_processed":
            parts[t3(row, "total")] = [t3(row, c) for c in T3_APPLICANT_COLUMNS]
    for col in (*T3_APPLICANT_COLUMNS, "total"):
        parts[t3("total_processed", col)] = [t3(r, col) for r in OUTCOME_ROWS]
    for block in ("review", "litigation_direct", "litigation_after_review"):
        parts[t4(block, "total")] = [t4(block, c) for c in T4_PARTS]
    return parts


TOTAL_PARTS = _total_parts()


def _totals(addr: dict[str, str]) -> dict[str, str]:
    """Formulas for the totals (:data:`TOTAL_PARTS`)."""
    return {total: f"=SUM({','.join(addr[p] for p in parts)})" for total, parts in TOTAL_PARTS.items() if total in addr}


def render_template(report: Report | None = None) -> bytes:
    """The fill-in workbook (bytes); values of ``report``, if given, are filled in."""
    wb = Workbook()
    cover = wb.active
    cover.title = COVER_SHEET
    _cover(cover, report)
    ids = wb.create_sheet(ID_SHEET)
    ids.append(["id", "sheet", "cell"])
    addr_all: dict[str, tuple[str, str]] = {}
    for table, sheet_name in TABLE_SHEETS.items():
        ws = wb.create_sheet(sheet_name)
        addr = _table_sheet(ws, table, report)
        addr_all.update({i: (sheet_name, a) for i, a in addr.items()})
    formulas = _totals({i: a for i, (_s, a) in addr_all.items()})
    for cid, (sheet_name, a) in addr_all.items():
        # a cell the source report did not have (its row or table missing) is marked so, or the
        # template would turn a missing table (an error) into blank cells (a warning): see parse.xlsx
        absent = report is not None and report.cells[cid].state is CellState.ABSENT
        ids.append([cid, sheet_name, a, ABSENT_MARK if absent else None])
        if cid in formulas and _formula_agrees(report, cid):
            cell = wb[sheet_name][a]
            cell.value = formulas[cid]
            cell.fill = _FORMULA
            cell.protection = Protection(locked=True)
    text_ws = wb.create_sheet(TEXT_SHEET)
    _text_sheet(text_ws, report)
    if report is not None:
        for row in text_ws.iter_rows(min_row=2):
            part = row[0].value
            if isinstance(part, int) and part not in report.sections:
                ids.append([f"section.{part}", TEXT_SHEET, row[2].coordinate, ABSENT_MARK])
    ids.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _formula_agrees(report: Report | None, cid: str) -> bool:
    """Whether the template's formula for total ``cid`` gives what the report states.

    Otherwise the reported total is written as it was (an input cell): a formula would correct a
    wrong total, or invent one the report left blank, and the report's errors would be laundered.
    """
    if report is None:
        return True
    total = report.cells[cid]
    parts = [report.cells[p] for p in TOTAL_PARTS[cid]]
    if any(p.state is not CellState.NUMBER for p in parts):
        # over a blank (or a missing, written blank) part the formula reads blank, as the total was;
        # a missing total stays missing through the _ids mark and sums the parts once they are filled
        return total.state in (CellState.BLANK, CellState.ABSENT) and all(
            p.state in (CellState.BLANK, CellState.NUMBER, CellState.ABSENT) for p in parts)
    return total.state is CellState.NUMBER and total.value == sum(p.value for p in parts if p.value is not None)


def _literal(cell: Cell) -> object:
    """What the template shows for a prefilled cell: its number, else its text (“—”, “无”) as written."""
    if cell.value is not None:
        return json_number(cell.value)
    if cell.state in (CellState.BLANK, CellState.ABSENT) or (cell.raw or "").lstrip().startswith("="):
        return None
    return cell.raw or None


def _cover(ws, report: Report | None) -> None:
    ws["A1"] = "政府信息公开工作年度报告 填报表"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws["A2"] = "说明：黄色单元格为填报项；蓝色单元格为自动合计，请勿修改。没有发生的事项填 0，不要留空。"
    ws["A2"].font = _FONT
    values = {
        "unit": report.unit if report else None,
        "year": report.year if report else None,
        "period_start": report.period[0] if report and report.period else None,
        "period_end": report.period[1] if report and report.period else None,
        "signed_unit": report.signed_unit if report else None,
        "signed_on": report.signed_on if report else None,
    }
    for i, (label, key) in enumerate(COVER_FIELDS, start=4):
        ws.cell(i, 1, label).font = _BOLD
        cell = ws.cell(i, 2, values[key])
        cell.fill = _INPUT
        cell.font = _FONT
        if key in ("period_start", "period_end", "signed_on"):
            cell.number_format = "yyyy-mm-dd"
    year_check = DataValidation(type="whole", operator="between", formula1="2008", formula2="2100", showErrorMessage=True,
                                errorTitle="报告年度", error="请填写四位数年份")
    ws.add_data_validation(year_check)
    year_check.add("B5")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 40


def _table_sheet(ws, table: Table, report: Report | None) -> dict[str, str]:
    layout = LAYOUT_BUILDERS[table]()
    ws.cell(1, 1, f"{table.cn} {TABLE_TITLES[table]}").font = Font(name="宋体", size=12, bold=True)
    top = 3
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", showErrorMessage=True,
                            errorTitle="填报错误", error="请填写不小于 0 的整数（件）")
    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", showErrorMessage=True,
                           errorTitle="填报错误", error="请填写不小于 0 的金额（万元）")
    ws.add_data_validation(counts)
    ws.add_data_validation(money)
    taken: set[tuple[int, int]] = set()
    addr: dict[str, str] = {}
    for r, row in enumerate(layout.rows):
        c = 0
        for lc in row:
            while (r, c) in taken:
                c += 1
            for dr in range(lc.rowspan):
                for dc in range(lc.colspan):
                    taken.add((r + dr, c + dc))
            row_i, col_i = top + r, 1 + c
            if lc.rowspan > 1 or lc.colspan > 1:
                ws.merge_cells(start_row=row_i, start_column=col_i, end_row=row_i + lc.rowspan - 1,
                               end_column=col_i + lc.colspan - 1)
            for dr in range(lc.rowspan):
                for dc in range(lc.colspan):
                    ws.cell(row_i + dr, col_i + dc).border = _BORDER
            cell = ws.cell(row_i, col_i)
            cell.font = _FONT
            if lc.cell_id:
                cell.value = _literal(report.cells[lc.cell_id]) if report else None
                cell.fill = _INPUT
                cell.alignment = _CENTER
                cell.protection = Protection(locked=False)
                (money if CELL[lc.cell_id].decimal else counts).add(cell.coordinate)
                addr[lc.cell_id] = cell.coordinate
            else:
                cell.value = lc.text
                cell.alignment = _CENTER if lc.header else _LEFT
            c += lc.colspan
    for i, w in enumerate(TABLE_COLUMN_WIDTHS[table], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.protection.sheet = True  # only the yellow input cells can be edited
    return addr


def _text_sheet(ws, report: Report | None) -> None:
    ws.append(["部分", "标题", "内容（每段一行，可用 Alt+Enter 换行）"])
    for c in ws[1]:
        c.font = _BOLD
    ws.append([TEXT_INTRO, "前言（可写明统计期间、联系方式）", report.intro if report else None])
    last = max(report.sections, default=None) if report else None
    for n in SECTION_TITLES:
        text = report.sections[n].text if report and n in report.sections else None
        if report and text and n == last:
            text = strip_signature(text, report)  # the cover's 落款 fields hold it: it would print twice
        ws.append([n, section_heading(n), text])
    for row in ws.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
        row[2].fill = _INPUT
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 100
