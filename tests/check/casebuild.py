"""Build a :class:`Report` from one rule case of ``tests/check/cases/*.yaml``.

A case starts from a base and applies overrides:

* ``base: zeros`` (default): every cell NUMBER 0 (raw ``"0"``), the six sections present with their
  standard headings, in order, all three tables found in their sections with every row, year 2024.
* ``base: empty``: every cell ABSENT, no tables, no sections, no year.
* ``base: text``: ``text:`` parsed with :func:`zfxxgk.parse.parse_text`; ``⇥`` in the text is a TAB.

Overrides, applied in this order:

* ``cells: {id: v}``: int/float → NUMBER (float → Decimal via ``str``), null → BLANK, ``"ABSENT"`` →
  ABSENT, any other string → read with :func:`zfxxgk.parse.values.read_value` (``"/"`` → DASH …).
* ``sections: {n: {ordinal, heading, standard, variant, line}}``: change a section (``line`` moves its
  heading, which changes the order sections are found in).
* ``remove_sections: [n]``; ``remove_tables: [t]`` (the table's cells become ABSENT).
* ``tables: {t: {section: n}}``: the section a table lies in.
* ``notes: [{kind, table, data, span: [line, col, end_line, end_col]}]``: appended.
* ``year``.

For non-text bases, a found table's ``rows_found`` is recomputed from its cells (a row whose cells
are all ABSENT was not found).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zfxxgk.model import Cell, CellState, NoteKind, ParseNote, Report, Section, Span, Table, TableInfo
from zfxxgk.model.ids import (
    CELL,
    CELL_IDS,
    SECTION_TITLES,
    TABLE_CELLS,
    TABLE_ROWS,
    TABLE_SECTION,
    row_cells,
    section_heading,
)
from zfxxgk.parse import parse_text
from zfxxgk.parse.values import read_value

TAB_MARK = "⇥"
BASES = ("zeros", "empty", "text")


def zeros_report() -> Report:
    """Every cell 0, six standard sections in order, three complete tables."""
    report = Report(source="<case>", year=2024, title="测试镇人民政府2024年政府信息公开工作年度报告")
    for cid in CELL_IDS:
        report.cells[cid] = Cell(cid, CellState.NUMBER, 0, "0", None)
    for n in SECTION_TITLES:
        line = n * 10
        report.sections[n] = Section(
            number=n, ordinal=n, heading=section_heading(n), standard=section_heading(n), variant=False,
            text="", span=Span(line, 0, line + 9, 0),
        )
    for t in Table:
        line = TABLE_SECTION[t] * 10 + 2
        report.tables[t] = TableInfo(t, Span(line, 0, line + 5, 0), "tsv", TABLE_SECTION[t], [r.key for r in TABLE_ROWS[t]])
    return report


def cell_from(cell_id: str, v: Any) -> Cell:
    """A cell from a case override value."""
    if v is None:
        return Cell(cell_id, CellState.BLANK, None, "", None)
    if isinstance(v, bool):
        raise TypeError(f"{cell_id}: boolean is not a cell value")
    if isinstance(v, int):
        return Cell(cell_id, CellState.NUMBER, v, str(v), None)
    if isinstance(v, float):
        return Cell(cell_id, CellState.NUMBER, Decimal(str(v)), str(v), None)
    if v == "ABSENT":
        return Cell(cell_id)
    state, value = read_value(str(v), CELL[cell_id].decimal)
    return Cell(cell_id, state, value, str(v), None)


def note_from(d: dict[str, Any]) -> ParseNote:
    """A parse note from a case entry."""
    span = d.get("span", [1, 0, 1, 0])
    table = d.get("table")
    return ParseNote(
        NoteKind(d["kind"]),
        Table(table) if table else None,
        Span(*span) if span is not None else None,
        dict(d.get("data") or {}),
    )


def build_report(case: dict[str, Any]) -> Report:
    """The report a case describes."""
    base = case.get("base", "zeros")
    if base not in BASES:
        raise ValueError(f"unknown base {base!r}")
    if base == "text":
        report = parse_text(case["text"].replace(TAB_MARK, "\t"), "<case>")
    elif base == "empty":
        report = Report(source="<case>")
    else:
        report = zeros_report()

    for cid, v in (case.get("cells") or {}).items():
        if cid not in report.cells:
            raise KeyError(f"unknown cell id {cid!r}")
        report.cells[cid] = cell_from(cid, v)
    for n, changes in (case.get("sections") or {}).items():
        sec = report.sections[int(n)]
        for key in ("ordinal", "heading", "standard", "variant"):
            if key in changes:
                setattr(sec, key, changes[key])
        if "line" in changes:
            sec.span = Span(changes["line"], 0, changes["line"] + 9, 0)
    for n in case.get("remove_sections") or ():
        report.sections.pop(int(n), None)
    for t in case.get("remove_tables") or ():
        table = Table(t)
        report.tables.pop(table, None)
        for cid in TABLE_CELLS[table]:
            report.cells[cid] = Cell(cid)
    for t, changes in (case.get("tables") or {}).items():
        info = report.tables[Table(t)]
        if "section" in changes:
            info.section = changes["section"]
    report.notes.extend(note_from(d) for d in case.get("notes") or ())
    if "year" in case:
        report.year = case["year"]
    if base != "text":
        for t, info in report.tables.items():
            info.rows_found = [
                r.key for r in TABLE_ROWS[t]
                if any(report.cells[i].state is not CellState.ABSENT for i in row_cells(t, r.key))
            ]
    return report
