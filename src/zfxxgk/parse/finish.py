"""The last step of every reader, in one pass over the cells (compiled with the parser).

- A number read from a cell with a remark in brackets (“22（其中修订16件）” → 22) gets a
  VALUE_ANNOTATED note, whichever reader read it: the remark is kept where a reviewer sees it.
- A number beyond the store's limits becomes text (VAL-TEXT), whichever reader filled it; a unit name
  longer than any organ's is not a unit name (HDR-UNIT-MISSING rather than a garbage unit).

Compiled, and one pass for both: it runs on every report, and two interpreted passes over the 200 cells
cost ≈ 190 µs of a ≈ 1 ms parse (docs/benchmarks.md).
"""

from __future__ import annotations

from ..model import Cell, CellState, NoteKind, ParseNote, Report
from ..model.ids import CELL
from ..model.limits import LIMITS, MAX_RAW, MAX_VALUE, value_fits
from .values import annotation

_CLOSING = (")", "）")


def finish(report: Report, limits: bool = True) -> Report:
    """Notes for annotated numbers and (``limits``) numbers beyond the limits made text, in place."""
    if limits:
        if report.unit is not None and len(report.unit) > LIMITS.name_chars:
            report.unit = None
        if report.signed_unit is not None and len(report.signed_unit) > LIMITS.name_chars:
            report.signed_unit = None
    beyond: list[tuple[str, Cell]] = []
    for cid, cell in report.cells.items():
        if cell.state is not CellState.NUMBER:
            continue
        raw = cell.raw
        if raw and raw.rstrip().endswith(_CLOSING) and cid in CELL:
            remark = annotation(raw)
            if remark is not None:
                report.notes.append(ParseNote(NoteKind.VALUE_ANNOTATED, CELL[cid].table, cell.span,
                                              {"cell": cid, "raw": raw, "remark": remark}))
        value = cell.value
        if limits and value is not None and not (-MAX_VALUE < value < MAX_VALUE if isinstance(value, int)
                                                  else value_fits(value)):
            beyond.append((cid, cell))
    for cid, cell in beyond:
        raw = cell.raw or ""
        if len(raw) > MAX_RAW:
            raw = f"{raw[:MAX_RAW]}…（共 {len(raw)} 个字符）"
        report.cells[cid] = Cell(cid, CellState.TEXT, None, raw, cell.span)
    return report


def note_annotated(report: Report) -> Report:
    """The VALUE_ANNOTATED notes alone (:func:`finish` without the limits)."""
    return finish(report, limits=False)
