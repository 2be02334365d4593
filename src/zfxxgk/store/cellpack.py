"""The cells of a report version as one packed value (the ``cell_packs`` table, migration 0014).

A report version's 200 cells are one JSON array in the order of :data:`CELL_IDS`, each cell an array
``[value, state, raw, line, col, locator]`` with its trailing nulls left out. One row a version instead
of 200: written ≈ 4 × cheaper on SQLite and ≈ 12 × on PostgreSQL, a whole report read 5–6 × faster,
≈ 30 % smaller (``benchmarks/bench_store_cells.py``). Every query the store makes of cells reads whole
reports or a few cells of many (the statistics read them all), so no query needs a cell as a row.

Values stay exact: an int is a JSON integer, a Decimal a JSON string (``"12.5"``), a blank ``null``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..model import CELL_IDS, Cell, CellState, Report, Span, jsontext
from ..model.numbers import Number, normal

_STATE = {state: state.value for state in CellState}  # plain str: the enum descriptor is slow per cell
_INDEX = {cid: k for k, cid in enumerate(CELL_IDS)}

Entry = list[Any]  # [value, state, raw, line, col, locator], trailing nulls dropped


class PackError(ValueError):
    """A stored pack that does not hold the 200 cells."""


def _entry(value: Any, state: str, raw: str | None, line: int | None, col: int | None, locator: str | None) -> Entry:
    e: Entry = [str(value) if isinstance(value, Decimal) else value, state, raw, line, col, locator]
    while e[-1] is None:
        e.pop()
    return e


def dumps(entries: Sequence[Entry]) -> str:
    """The stored text of a pack."""
    if len(entries) != len(CELL_IDS):
        raise PackError(f"单元格数量应为 {len(CELL_IDS)}，实为 {len(entries)}")
    return jsontext.dumps(entries)


def loads(text: str) -> list[Entry]:
    """The entries of a stored pack, in :data:`CELL_IDS` order."""
    entries = jsontext.loads(text)
    if not isinstance(entries, list) or len(entries) != len(CELL_IDS):
        raise PackError(f"存储的单元格数据不完整（应为 {len(CELL_IDS)} 个）")
    return entries


def report_entries(report: Report) -> list[Entry]:
    """A parsed report's cells as entries."""
    out: list[Entry] = []
    cells = report.cells
    for cid in CELL_IDS:
        c = cells[cid]
        s = c.span
        if s is None:
            out.append(_entry(c.value, _STATE[c.state], c.raw, None, None, None))
        else:
            out.append(_entry(c.value, _STATE[c.state], c.raw, s.line, s.col, s.locator))
    return out


def corrected_entry(value: int | Decimal | None, version: int) -> Entry:
    """The entry of a cell set by a correction that made ``version``."""
    return _entry(value, "number" if value is not None else "blank", f"更正：{value}", None, None, f"correction:v{version}")


def value_of(e: Entry) -> Number | None:
    """An entry's value as the model's number."""
    v = e[0] if e else None
    return v if v is None or type(v) is int else normal(v)


def is_correction(e: Entry) -> bool:
    """Whether a correction set this entry (its locator says so)."""
    return len(e) > 5 and isinstance(e[5], str) and e[5].startswith("correction:")


def cell_of(cid: str, e: Entry) -> Cell:
    """The model's cell of an entry (line 0 / col 0 stand for "no line": formats with locators only, corrections)."""
    e = e + [None] * (6 - len(e))
    value, state, raw, line, col, locator = e
    span = None
    if line is not None or locator:
        ln, cl = (line, col if col is not None else 0) if line is not None else (0, 0)
        span = Span(ln, cl, ln, cl, locator)
    return Cell(cid, CellState(state), value_of(e), raw, span)


def cells_of(text: str) -> dict[str, Cell]:
    """Every cell of a stored pack."""
    return {cid: cell_of(cid, e) for cid, e in zip(CELL_IDS, loads(text), strict=True)}


def values_of(text: str, only: Sequence[str] | None = None) -> dict[str, tuple[Number | None, str]]:
    """Cell id → (value, state) of a stored pack (``only`` these cells)."""
    entries = loads(text)
    pairs = zip(CELL_IDS, entries, strict=True) if only is None else ((cid, entries[_INDEX[cid]]) for cid in only)
    out: dict[str, tuple[Number | None, str]] = {}
    for cid, e in pairs:  # every cell of every report for the statistics: value_of inlined
        v = e[0]
        out[cid] = (v if v is None or type(v) is int else normal(v), e[1])
    return out


__all__ = ["Entry", "PackError", "cell_of", "cells_of", "corrected_entry", "dumps", "is_correction", "loads",
           "report_entries", "value_of", "values_of"]
