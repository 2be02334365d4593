"""Types shared by every part of zfxxgk: the cell-id registry, the report and findings."""

from .evidence import EVIDENCE_CN, Evidence
from .finding import DECISION_CN, OUTCOME_CN, SEVERITY_CN, Decision, Finding, Outcome, Severity
from .ids import CELL, CELL_IDS, CELLS, CellSpec, Table
from .report import Cell, CellState, NoteKind, ParseNote, PeriodStatement, Report, Section, Span, TableInfo

__all__ = [
    "DECISION_CN",
    "EVIDENCE_CN",
    "Evidence",
    "OUTCOME_CN",
    "SEVERITY_CN",
    "Decision",
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
