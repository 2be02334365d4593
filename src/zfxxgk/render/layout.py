"""The official layout of the three tables (国办公开办函〔2021〕30号), with merged cells.

One description drives every writer: HTML and DOCX keep the spans, Markdown and the text
layouts expand them into a grid (the spanned text in the first position, spacers elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Report
from ..model.ids import (
    T2_BLOCKS,
    T2_COL,
    T3_COLUMNS,
    T3_HEADER_NOTE,
    T3_ROW_DEFS,
    T4_BLOCKS,
    T4_COLUMNS,
    Table,
    row_cells,
    t2,
)
from ..model.numbers import number_text


@dataclass(frozen=True, slots=True)
class LCell:
    """A table cell of the layout: text (or the id whose value fills it), spans, header flag."""

    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    cell_id: str | None = None


LRow = list[LCell]


@dataclass(frozen=True, slots=True)
class TableLayout:
    """A table: its number of columns and rows of layout cells (cells covered by spans omitted)."""

    table: Table
    columns: int
    rows: list[LRow]
    label_columns: int  # leading columns holding labels (for the text layouts)
    header_rows: int


def value_text(report: Report, cell_id: str) -> str:
    """What a cell shows: its number, else its raw text (a blank stays blank, never 0).

    A formula is never shown: a template total over blank cells reads as a blank cell whose raw
    text is the formula (``=SUM(D30,…)``), and printing it would put spreadsheet syntax in the report.
    """
    cell = report.cells[cell_id]
    if cell.value is not None:
        return number_text(cell.value)
    raw = cell.raw or ""
    return "" if raw.lstrip().startswith("=") else raw


def _h(text: str, colspan: int = 1, rowspan: int = 1) -> LCell:
    return LCell(text, colspan, rowspan, header=True)


def _v(cell_id: str, colspan: int = 1) -> LCell:
    return LCell("", colspan, cell_id=cell_id)


def table2_layout() -> TableLayout:
    """Table 2: four columns, one block per 第二十条 item."""
    rows: list[LRow] = []
    block = None
    for label, row, cols, _unit in T2_BLOCKS:
        if label != block:
            block = label
            rows.append([_h(label, colspan=4)])
            if len(cols) == 3:
                rows.append([_h("信息内容"), *[_h(T2_COL[c].label) for c in cols]])
            else:
                rows.append([_h("信息内容"), _h(T2_COL[cols[0]].label, colspan=3)])
        if len(cols) == 3:
            rows.append([LCell(row.label), *[_v(t2(row.key, c)) for c in cols]])
        else:
            rows.append([LCell(row.label), _v(t2(row.key, cols[0]), colspan=3)])
    return TableLayout(Table.T2, 4, rows, 1, 0)


def table3_layout() -> TableLayout:
    """Table 3: three label columns and seven value columns."""
    cols = [c.label for c in T3_COLUMNS]
    rows: list[LRow] = [
        [_h(T3_HEADER_NOTE, colspan=3, rowspan=3), _h("申请人情况", colspan=7)],
        [_h(cols[0], rowspan=2), _h("法人或其他组织", colspan=5), _h(cols[6], rowspan=2)],
        [_h(c) for c in cols[1:6]],
    ]
    group_size = {g: sum(1 for gg, _ in T3_ROW_DEFS if gg == g) for g, _ in T3_ROW_DEFS if g}
    outcome_rows = sum(1 for g, _ in T3_ROW_DEFS if g)  # rows under 三、本年度办理结果
    shown: set[str] = set()
    for group, row in T3_ROW_DEFS:
        values = [_v(i) for i in row_cells(Table.T3, row.key)]
        if not group:
            labels = [LCell(row.label, colspan=3)]
        else:
            labels = []
            if "三、本年度办理结果" not in shown:
                labels.append(LCell("三、本年度办理结果", rowspan=outcome_rows))
                shown.add("三、本年度办理结果")
            if group == "三、本年度办理结果":
                labels.append(LCell(row.label, colspan=2))
            else:
                if group not in shown:
                    labels.append(LCell(group, rowspan=group_size[group]))
                    shown.add(group)
                labels.append(LCell(row.label))
        rows.append(labels + values)
    return TableLayout(Table.T3, 10, rows, 3, 3)


def table4_layout() -> TableLayout:
    """Table 4: fifteen value columns under a three-row header."""
    leaf = [c.label for c in T4_COLUMNS]
    rows: list[LRow] = [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [*[_h(x, rowspan=2) for x in leaf], _h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)],
        [*[_h(x) for x in leaf], *[_h(x) for x in leaf]],
        [_v(i) for b in T4_BLOCKS for i in row_cells(Table.T4, b.key)],
    ]
    return TableLayout(Table.T4, 15, rows, 0, 3)


LAYOUT_BUILDERS: dict[Table, Callable[[], TableLayout]] = {
    Table.T2: table2_layout,
    Table.T3: table3_layout,
    Table.T4: table4_layout,
}


def expand(layout: TableLayout, report: Report) -> list[list[str]]:
    """The table as a full grid of texts: a spanned cell's text in its first position only."""
    grid: list[list[str | None]] = [[None] * layout.columns for _ in layout.rows]
    for r, row in enumerate(layout.rows):
        c = 0
        for cell in row:
            while grid[r][c] is not None:
                c += 1
            text = value_text(report, cell.cell_id) if cell.cell_id else cell.text
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[r + dr][c + dc] = text if (dr, dc) == (0, 0) else ""
            c += cell.colspan
    return [[x or "" for x in row] for row in grid]
