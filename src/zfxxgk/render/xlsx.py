"""The Excel fill-in template: header facts, the three tables laid out like the standard, section texts.

Value cells are the only unlocked cells, validated as non-negative numbers; totals are formulas.
A hidden sheet ``_ids`` maps every cell id to its sheet and address, so that the reader
(``zfxxgk.parse.xlsx``) finds each value without knowing the layout.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..model import Report, Table
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
from ..model.template import COVER_FIELDS, COVER_SHEET, ID_SHEET, TABLE_SHEETS, TEXT_INTRO, TEXT_SHEET
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


def _totals(addr: dict[str, str]) -> dict[str, str]:
    """Formulas for the totals: row totals of table 3, （七）总计, table-4 block totals."""
    f: dict[str, str] = {}
    for row in {CELL[i].row for i in addr if i.startswith("t3.")}:
        if row == "total_processed":
            continue
        parts = [addr[t3(row, c)] for c in T3_APPLICANT_COLUMNS]
        f[t3(row, "total")] = f"=SUM({','.join(parts)})"
    for col in (*T3_APPLICANT_COLUMNS, "total"):
        f[t3("total_processed", col)] = f"=SUM({','.join(addr[t3(r, col)] for r in OUTCOME_ROWS)})"
    for block in ("review", "litigation_direct", "litigation_after_review"):
        f[t4(block, "total")] = f"=SUM({','.join(addr[t4(block, c)] for c in T4_PARTS)})"
    return f


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
        ids.append([cid, sheet_name, a])
        if cid in formulas:
            cell = wb[sheet_name][a]
            cell.value = formulas[cid]
            cell.fill = _FORMULA
            cell.protection = Protection(locked=True)
    ids.sheet_state = "hidden"
    _text_sheet(wb.create_sheet(TEXT_SHEET), report)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
                value = report.cells[lc.cell_id].value if report else None
                cell.value = json_number(value)
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
    for n in SECTION_TITLES:
        text = report.sections[n].text if report and n in report.sections else None
        ws.append([n, section_heading(n), text])
    for row in ws.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
        row[2].fill = _INPUT
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 100
