"""Helpers shared by the rule modules: Chinese names for tables, sections and cells, note evidence.

Messages name rows and columns by their standard Chinese labels (spec §4.0), never by cell id;
the ids stay in ``Finding.cells`` and in the evidence.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator

from ...model import Finding, NoteKind, ParseNote, Report, Table
from ...model.evidence import CellJSON, Evidence
from ...model.ids import (
    SECTION_ORDINALS,
    row_cells,
)
from ...model.units import UnitType, infer_unit_type
from ..context import CheckContext
from ..registry import Emit, run_memo
from ._cells import cell_facts

SECTION_MISSING = "section.%d"  # how a missing section is named in not_assessable(missing=…)


def table_name(table: Table | None) -> str:
    """表二/表三/表四 (“表格” when a note names no table)."""
    return table.cn if table is not None else "表格"


def section_cn(n: int) -> str:
    """Chinese ordinal of a section number (4 → 四)."""
    return SECTION_ORDINALS[n - 1] if 1 <= n <= len(SECTION_ORDINALS) else str(n)


def cells_evidence(report: Report, ids: Iterable[str]) -> list[CellJSON]:
    """``Cell.to_dict()`` of each cell (id, raw, value, state, span)."""
    return [report.cells[i].to_dict() for i in ids]


def notes_of(report: Report, kind: NoteKind) -> list[ParseNote]:
    """The parser's notes of one kind, in source order."""
    return [n for n in report.notes if n.kind is kind]


def note_evidence(report: Report, note: ParseNote, cells: Iterable[str] = ()) -> Evidence:
    """Evidence of a note-based finding: table, source span, the note's data and its cells."""
    ev: Evidence = {
        "table": note.table.value if note.table is not None else None,
        "span": note.span.to_dict() if note.span is not None else None,
        "note": dict(note.data),
    }
    ids = [i for i in cells if i in report.cells]
    if ids:
        ev["cells"] = cells_evidence(report, ids)
    return ev


def note_row_cells(note: ParseNote) -> list[str]:
    """Cell ids of the row a note names (``data["row"]``), when it names a standard row."""
    row = note.data.get("row")
    if note.table is None or not row:
        return []
    return list(row_cells(note.table, str(row)))


def table_present(report: Report, table: Table) -> bool:
    """Whether the table was found, or at least one of its cells was read."""
    return table in report.tables or cell_facts(report).read[table]


_TABLES = tuple(Table)  # iterating the enum class itself is slow, and this runs ~10 times a check


def absent_tables(report: Report) -> list[str]:
    """Tables neither found nor read (for ``not_assessable(missing=…)``)."""
    return [t.value for t in _TABLES if not table_present(report, t)]


_ABSENT_KEY = "absent_tables"


def no_table_found(report: Report, emit: Emit) -> Finding | None:
    """NOT_ASSESSABLE when none of the three tables is in the report (a table rule has no input)."""
    memo = run_memo(report)
    missing = memo.get(_ABSENT_KEY)
    if missing is None:
        missing = memo[_ABSENT_KEY] = absent_tables(report)  # ten rules ask, once a run
    if len(missing) == len(_TABLES):
        return emit.not_assessable(missing=missing, reason="未找到任何表格")
    return None


# --- Prose and header helpers (spec §3.2, §4.7–§4.9) -------------------------------------------



@functools.lru_cache(maxsize=256)
def cn_date(d: dt.date) -> str:
    """A date as printed in messages: 2025年1月31日."""
    return f"{d.year}年{d.month}月{d.day}日"


def unit_type_of(report: Report, ctx: CheckContext | None) -> tuple[UnitType | None, str]:
    """Unit type and where it came from: the settings (catalogue metadata), else the unit's name (§4.8)."""
    if ctx is not None and ctx.settings.unit_type is not None:
        return ctx.settings.unit_type, "settings"
    inferred = infer_unit_type(report.unit or report.signed_unit)
    return inferred, ("name" if inferred is not None else "")


def has_any(text: str, words: Iterable[str]) -> bool:
    """Whether any of the keywords occurs in the text (plain substring tests)."""
    return any(w in text for w in words)


def label_note_findings(report: Report, emit: Emit, kind: NoteKind) -> Iterator[Finding]:
    """One finding per parse note of ``kind`` that names a label (message fields: table, label)."""
    notes = notes_of(report, kind)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        label = str(note.data.get("label", ""))
        yield emit.fail(
            excerpt=f"{note.table}:{label}",
            evidence=note_evidence(report, note),
            table=table_name(note.table),
            label=label,
        )
