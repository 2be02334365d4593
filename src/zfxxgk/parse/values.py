"""Reading one table cell's text into a state and value (spec §3.1). Blank is never 0."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..model import CellState
from .normalize import has_cjk, nfkc

_INT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)$")
_DEC = re.compile(r"^-?\d+\.\d+$")
_BLANK_MARKUP = re.compile(r"<\s*/?\s*(?:br|p|span|b)\b[^>]*>|&nbsp;", re.I)
DASHES = frozenset({"/", "-", "—", "——", "–", "－", "─", "━", "不适用", "N/A", "n/a", "NA", "\\", "／", "…", "……"})


@lru_cache(maxsize=16384)
def clean_cell(raw: str) -> str:
    """Cell text with markup, NBSP and surrounding whitespace removed (internal spaces dropped)."""
    s = _BLANK_MARKUP.sub("", raw)
    s = nfkc(s)
    return "".join(s.split())


@lru_cache(maxsize=16384)
def read_value(raw: str, fractional: bool = False) -> tuple[CellState, int | Decimal | None]:
    """State and value of a value cell. ``fractional`` cells (fees) keep a Decimal."""
    s = clean_cell(raw)
    if not s:
        return CellState.BLANK, None
    if _INT.match(s):
        return CellState.NUMBER, int(s.replace(",", ""))
    if _DEC.match(s):
        d = Decimal(s)
        if not fractional and d == d.to_integral_value():
            return CellState.NUMBER, int(d)
        return CellState.NUMBER, d
    if s in DASHES or set(s) <= {"-", "—", "－", "/"}:
        return CellState.DASH, None
    if s == "无":
        return CellState.NONE_WORD, None
    if s in ("〇", "零"):
        return CellState.NUMBER, 0
    if fractional and s.endswith("万元"):
        inner = s[:-2]
        if _INT.match(inner) or _DEC.match(inner):
            return read_value(inner, fractional)
    return CellState.TEXT, None


@lru_cache(maxsize=16384)
def is_value_text(raw: str) -> bool:
    """Whether a cell belongs in a value slot rather than being a label.

    Numbers, blanks, dashes and 无 are values; so is a short non-CJK glyph (OCR ``O``, ``l``),
    which becomes TEXT in its slot rather than being mistaken for a label.
    """
    state, _ = read_value(raw)
    if state is not CellState.TEXT:
        return True
    s = clean_cell(raw)
    return not has_cjk(s) and len(s) <= 4 and not s.startswith("(")


@lru_cache(maxsize=16384)
def is_label_text(raw: str) -> bool:
    """Whether a cell holds a label: some text that is not a value (one cached test per text)."""
    return bool(clean_cell(raw)) and not is_value_text(raw)


@lru_cache(maxsize=16384)
def is_number_text(raw: str) -> bool:
    """Whether a cell holds a number."""
    return read_value(raw)[0] is CellState.NUMBER
