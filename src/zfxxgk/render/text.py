"""Render a report as plain text in the three seed layouts (spec §2.5).

``tsv`` = layout A (one row per line, TAB-separated), ``cells`` = layout B (one cell per line,
rows ended by an empty line), ``grid`` = layout C (Markdown pipe table). The table grids follow
the official 2021 layout; merged cells become empty spacer cells.
"""

from __future__ import annotations

from ..model import Report
from ..model.ids import (
    SECTION_TITLES,
    T2_BLOCKS,
    T2_COL,
    T3_COLUMNS,
    T3_HEADER_NOTE,
    T3_ROW_DEFS,
    T4_BLOCKS,
    T4_COLUMNS,
    Table,
    row_cells,
    section_heading,
    t2,
)
from ..model.report import json_number

LAYOUTS = ("tsv", "cells", "grid")
SECTION_HEADINGS = tuple(section_heading(n) for n in SECTION_TITLES)
Grid = list[list[str]]


def _v(report: Report, cell_id: str) -> str:
    cell = report.cells[cell_id]
    if cell.value is not None:
        return str(json_number(cell.value))
    return cell.raw or ""


def table2_grid(report: Report) -> Grid:
    """Table 2 as a 4-column grid."""
    rows: Grid = []
    block = None
    for label, row, cols, _unit in T2_BLOCKS:
        if label != block:
            block = label
            rows.append([label, "", "", ""])
            rows.append(["信息内容", *[T2_COL[c].label for c in cols], *[""] * (3 - len(cols))])
        rows.append([row.label, *[_v(report, t2(row.key, c)) for c in cols], *[""] * (3 - len(cols))])
    return rows


def table3_grid(report: Report) -> Grid:
    """Table 3 as a 10-column grid (3 label columns, 7 value columns)."""
    cols = [c.label for c in T3_COLUMNS]
    rows: Grid = [
        [T3_HEADER_NOTE, "", "", "申请人情况", "", "", "", "", "", ""],
        ["", "", "", cols[0], "法人或其他组织", "", "", "", "", cols[6]],
        ["", "", "", "", *cols[1:6], ""],
    ]
    shown: set[str] = set()
    for group, row in T3_ROW_DEFS:
        values = [_v(report, i) for i in row_cells(Table.T3, row.key)]
        first = "" if group in shown else group
        shown.add(group)
        if not group:
            labels = [row.label, "", ""]
        elif group == "三、本年度办理结果":
            labels = [first, row.label, ""]
        else:
            labels = ["", first, row.label]
        rows.append(labels + values)
    return rows


def table4_grid(report: Report) -> Grid:
    """Table 4 as a 15-column grid."""
    leaf = [c.label for c in T4_COLUMNS]
    return [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*leaf, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        [*[""] * 5, *leaf, *leaf],
        [_v(report, i) for b in T4_BLOCKS for i in row_cells(Table.T4, b.key)],
    ]


def _collapse(row: list[str], label_cols: int) -> list[str]:
    """Drop the empty label cells after the last label (merged cells that B/A layouts omit)."""
    labels, values = row[:label_cols], row[label_cols:]
    while labels and not labels[-1] and any(labels):
        labels.pop()
    return labels + values


def format_grid(grid: Grid, layout: str, label_cols: int) -> str:
    """Lay a grid out as text."""
    if layout == "grid":
        width = max(len(r) for r in grid)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in grid]
        lines.insert(1, "|" + "---|" * width)
        return "\n".join(lines)
    rows = [_collapse(r, label_cols) for r in grid]
    if layout == "tsv":
        return "\n".join("\t".join(r) for r in rows)
    if layout == "cells":
        return "\n\n".join("\n".join("\t" + c for c in r) for r in rows)
    raise ValueError(f"unknown layout {layout!r}")


def render_text(report: Report, layout: str = "tsv") -> str:
    """The whole report as text: title, intro with the period, six sections, tables, signature."""
    year = report.year
    unit = report.unit or ""
    parts = [f"{unit}{year}年政府信息公开工作年度报告", ""]
    intro = report.intro or f"本报告所列数据统计期间为{year}年1月1日至{year}年12月31日。"
    parts += [intro, ""]
    tables = {2: (table2_grid, 1), 3: (table3_grid, 3), 4: (table4_grid, 0)}
    for n, heading in enumerate(SECTION_HEADINGS, 1):
        section = report.sections.get(n)
        parts += [section.heading if section else heading, ""]
        if n in tables:
            make, label_cols = tables[n]
            parts += [format_grid(make(report), layout, label_cols), ""]
        else:
            parts += [section.text if section and section.text else "（略）", ""]
    if report.signed_unit or report.unit:
        parts.append(report.signed_unit or unit)
    if report.signed_on:
        parts.append(f"{report.signed_on.year}年{report.signed_on.month}月{report.signed_on.day}日")
    return "\n".join(parts) + "\n"
