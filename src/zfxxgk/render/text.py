"""Render a report as plain text in the three seed layouts (spec §2.5).

``tsv`` = layout A (one row per line, TAB-separated), ``cells`` = layout B (one cell per line,
rows ended by an empty line), ``grid`` = layout C (Markdown pipe table). The table grids follow
the official 2021 layout; merged cells become empty spacer cells.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Finding, Report
from .document import blocks
from .layout import expand, table2_layout, table3_layout, table4_layout

LAYOUTS = ("tsv", "cells", "grid")
Grid = list[list[str]]


def table2_grid(report: Report) -> Grid:
    """Table 2 as a 4-column grid."""
    return expand(table2_layout(), report)


def table3_grid(report: Report) -> Grid:
    """Table 3 as a 10-column grid (3 label columns, 7 value columns)."""
    return expand(table3_layout(), report)


def table4_grid(report: Report) -> Grid:
    """Table 4 as a 15-column grid."""
    return expand(table4_layout(), report)


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


def render_text(report: Report, layout: str = "tsv", findings: Sequence[Finding] = ()) -> str:
    """The whole report as text: title, intro with the period, six sections, tables, signature."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    parts: list[str] = []
    for b in blocks(report, findings):
        if b.kind == "table" and b.table is not None:
            grid = expand(b.table, report)
            # a row of blank values without a label (table 4 unfilled) is only TABs in the tsv and
            # cells layouts, which no reader can tell from an empty line: the pipe grid keeps it a row
            blank_row = any(not any(r) for r in grid[b.table.header_rows:])
            parts.append(format_grid(grid, "grid" if blank_row else layout, b.table.label_columns))
        elif b.kind in ("signature",):
            parts.append("\n".join(b.lines))
        elif b.kind == "appendix":
            parts.append("\n".join([b.text, *b.lines]))
        else:
            parts.append(b.text)
    return "\n\n".join(parts) + "\n"
