"""Limits on what a report may hold, so that no file can hang, exhaust or abort a run (one place).

A value beyond a limit is never stored as a number: the cell is read as text (a VAL finding), or the
file is refused with the reason. The limits are far beyond any real report: a township receives a
handful of applications a year, a ministry some tens of thousands.
"""

from __future__ import annotations

from decimal import Decimal

from .report import Cell, CellState, Report

# Counts and amounts: below 10^12 (the store keeps Numeric(18, 4), i.e. 14 integer digits), and at
# most 4 decimal places (more would be rounded by the database: a wrong number).
MAX_INTEGER_DIGITS = 12
MAX_FRACTION_DIGITS = 4
MAX_VALUE = 10**MAX_INTEGER_DIGITS


# A digit string longer than this is no number at all (and ``int()`` of it would be slow, or raise
# above 4,300 digits). Longer than a cell's limit on purpose: a glued row (layout H) runs up to 15
# numbers together before the table's identities split it.
MAX_DIGITS_READ = 300


def readable_digits(text: str) -> bool:
    """Whether a digit string is short enough to be converted at all (see :data:`MAX_DIGITS_READ`)."""
    return len(text) <= MAX_DIGITS_READ


def number_fits(text: str) -> bool:
    """Whether a number written as plain digits (``-1,234.5``) is within the limits (checked before
    converting it: ``int()`` of a 5,000-digit string costs time and raises above 4,300 digits).
    """
    digits = text.lstrip("-+").replace(",", "")
    whole, _, fraction = digits.partition(".")
    return len(whole.lstrip("0")) <= MAX_INTEGER_DIGITS and len(fraction) <= MAX_FRACTION_DIGITS


def value_fits(value: int | Decimal) -> bool:
    """Whether a value can be stored exactly (magnitude first: comparing is cheap at any size)."""
    if isinstance(value, Decimal):
        if not value.is_finite() or not -MAX_VALUE < value < MAX_VALUE:
            return False
        exponent = value.as_tuple().exponent
        return not isinstance(exponent, int) or exponent >= -MAX_FRACTION_DIGITS or value == value.quantize(_QUANTUM)
    return -MAX_VALUE < value < MAX_VALUE


_QUANTUM = Decimal(1).scaleb(-MAX_FRACTION_DIGITS)
MAX_RAW = 40  # characters of an over-long number kept as the cell's text (the source file keeps all)


def enforce(report: Report) -> Report:
    """Cells whose number is beyond the limits become text (VAL-TEXT), whichever reader filled them."""
    for cid, cell in report.cells.items():
        if cell.state is CellState.NUMBER and cell.value is not None and not value_fits(cell.value):
            raw = cell.raw or ""
            if len(raw) > MAX_RAW:
                raw = f"{raw[:MAX_RAW]}…（共 {len(raw)} 个字符）"
            report.cells[cid] = Cell(cid, CellState.TEXT, None, raw, cell.span)
    return report
