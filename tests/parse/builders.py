"""Test inputs built with the project's own text writer."""

from __future__ import annotations

import datetime as dt

from zfxxgk.model import CELL_IDS, Cell, CellState, Report
from zfxxgk.render import render_text


def report_with(values: dict[str, int | None] | None = None, unit: str = "东风县红旗镇人民政府", year: int = 2024) -> Report:
    """A report whose cells are all 0 except ``values`` (None → BLANK)."""
    r = Report(source="<built>", unit=unit, year=year, signed_on=dt.date(year + 1, 1, 15))
    for cid in CELL_IDS:
        r.cells[cid] = Cell(cid, CellState.NUMBER, 0, "0")
    for cid, v in (values or {}).items():
        r.cells[cid] = Cell(cid, CellState.NUMBER, v, str(v)) if v is not None else Cell(cid, CellState.BLANK, None, "")
    return r


def text_with(values: dict[str, int | None] | None = None, layout: str = "tsv", **kw) -> str:
    return render_text(report_with(values, **kw), layout)
