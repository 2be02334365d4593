"""Types shared by every part of zfxxgk: the cell-id registry, the report and findings."""

from .finding import Finding, Outcome, Severity
from .ids import CELL, CELL_IDS, CELLS, CellSpec, Table
from .report import Cell, CellState, NoteKind, ParseNote, PeriodStatement, Report, Section, Span, TableInfo

__all__ = [
    "CELL",
    "CELL_IDS",
    "CELLS",
    "Cell",
    "CellSpec",
    "CellState",
    "Finding",
    "NoteKind",
    "Outcome",
    "ParseNote",
    "PeriodStatement",
    "Report",
    "Section",
    "Severity",
    "Span",
    "Table",
    "TableInfo",
]
