"""One pass over a report's 200 cells, shared by every rule of a run (see :func:`run_memo`).

The value, blank and truncation rules each used to loop over all cells; almost every cell is a
plain number, so one pass that sorts out the few others leaves each rule a short list to read.
Every list keeps the order of ``CELL_IDS`` (hence of ``TABLE_CELLS``), the order findings follow.
"""

from __future__ import annotations

from typing import NamedTuple

from ...model import CellState, Report, Table
from ...model.ids import CELL, CELL_IDS, TABLE_CELLS
from ..registry import run_memo

_NUMBER = CellState.NUMBER
_ABSENT = CellState.ABSENT
_BLANK = CellState.BLANK
_TEXT_LIKE = (CellState.TEXT, CellState.UNREADABLE)
_PLACEHOLDERS = (CellState.DASH, CellState.NONE_WORD)
_SPECS = tuple((i, CELL[i].table) for i in CELL_IDS)
_TABLE_SIZE = {t: len(TABLE_CELLS[t]) for t in Table}


class CellFacts(NamedTuple):
    """The cells that are not plain non-negative integers, sorted by what they are."""

    suspects: list[str]  # a negative int, or a value that is not an int (a Decimal)
    text_like: list[str]  # state TEXT or UNREADABLE
    placeholders: list[str]  # state DASH or NONE_WORD
    blank: dict[Table, list[str]]  # state BLANK, per table
    absent: dict[Table, int]  # how many cells of each table are ABSENT
    read: dict[Table, bool]  # whether any cell of each table is not ABSENT
    nulls: dict[Table, int]  # how many cells of each table have no value


_KEY = "cell_facts"


def cell_facts(report: Report) -> CellFacts:
    """The report's :class:`CellFacts`, computed once per run."""
    memo = run_memo(report)
    facts = memo.get(_KEY)
    if facts is None:
        facts = memo[_KEY] = _scan(report)
    return facts


def _scan(report: Report) -> CellFacts:
    cells = report.cells
    suspects: list[str] = []
    text_like: list[str] = []
    placeholders: list[str] = []
    blank: dict[Table, list[str]] = {t: [] for t in Table}
    absent = dict.fromkeys(Table, 0)
    nulls = dict.fromkeys(Table, 0)
    for i, table in _SPECS:
        cell = cells[i]
        v = cell.value
        # Only plain ints are judged here; the rules test any other value themselves, exactly as
        # before (a Decimal NaN then raises in the same rule as it always did).
        if v is None:
            nulls[table] += 1
        elif type(v) is not int or v < 0:
            suspects.append(i)
        state = cell.state
        if state is _NUMBER:
            continue
        if state is _ABSENT:
            absent[table] += 1
        elif state is _BLANK:
            blank[table].append(i)
        elif state in _TEXT_LIKE:
            text_like.append(i)
        elif state in _PLACEHOLDERS:
            placeholders.append(i)
    read = {t: absent[t] < _TABLE_SIZE[t] for t in Table}
    return CellFacts(suspects, text_like, placeholders, blank, absent, read, nulls)
