"""Reading one table cell's text into a state and value (spec §3.1). Blank is never 0."""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import CellState
from ..model.limits import readable_digits
from .normalize import has_cjk, make_room, nfkc

# ASCII digits only ([0-9], not \d): after NFKC full-width digits are ASCII; other scripts' digits
# (١٢, १२) are no numbers a Chinese report prints.
_INT = re.compile(r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)$")
_DEC = re.compile(r"^-?[0-9]+\.[0-9]+$")
# Digits apart (“12 345”, “1<br>2”): two numbers or one, nobody can tell — never joined into one.
_SPLIT_DIGITS = re.compile(r"[0-9.,][\s\u00a0\u3000]+[0-9.,]")
_BLANK_MARKUP = re.compile(r"<\s*/?\s*(?:br|p|span|b)\b[^>]*>|&nbsp;", re.I)
# A number with a remark in brackets after it: “22（其中修订16件）”, “3(含转办1件)” (after NFKC the
# brackets are ASCII). Nothing but the number before the bracket, one bracket at the very end.
# (Greedy and anchored: one pass over a long cell, never a backtracking search.)
_ANNOTATED = re.compile(r"^([^()]+)\(([^()]*)\)$")
_OPENING = re.compile(r"[（(]")
DASHES = frozenset({"/", "-", "—", "——", "–", "－", "─", "━", "不适用", "N/A", "n/a", "NA", "\\", "／", "…", "……"})


# Memos of the per-cell-text functions below (see normalize.make_room).
_CLEAN: dict[str, str] = {}
_VALUE: dict[str, tuple[CellState, int | Decimal | None]] = {}
_VALUE_FRACTIONAL: dict[str, tuple[CellState, int | Decimal | None]] = {}
_IS_VALUE: dict[str, bool] = {}
_IS_LABEL: dict[str, bool] = {}
_IS_NUMBER: dict[str, bool] = {}


def clean_cell(raw: str) -> str:
    """Cell text with markup, NBSP and surrounding whitespace removed (internal spaces dropped)."""
    found = _CLEAN.get(raw)
    if found is None:
        make_room(_CLEAN)
        found = _CLEAN[raw] = "".join(nfkc(_BLANK_MARKUP.sub("", raw)).split())
    return found


def read_value(raw: str, fractional: bool = False) -> tuple[CellState, int | Decimal | None]:
    """State and value of a value cell. ``fractional`` cells (fees) keep a Decimal."""
    memo = _VALUE_FRACTIONAL if fractional else _VALUE
    found = memo.get(raw)
    if found is None:
        make_room(memo)
        found = memo[raw] = _read_value(raw, fractional)
    return found


def _read_value(raw: str, fractional: bool) -> tuple[CellState, int | Decimal | None]:
    s = clean_cell(raw)
    if not s:
        return CellState.BLANK, None
    if not readable_digits(s) and (_INT.match(s) or _DEC.match(s)):
        return CellState.TEXT, None  # no number at all (cells beyond the store's limits: parse.finish)
    if (_INT.match(s) or _DEC.match(s)) and (_foreign_digits(raw) or _SPLIT_DIGITS.search(nfkc(_BLANK_MARKUP.sub(" ", raw)))):
        return CellState.TEXT, None
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
    if s.endswith(")") and annotation(raw) is not None:
        return read_value(_annotated(raw)[0], fractional)
    return CellState.TEXT, None


def _annotated(raw: str) -> tuple[str, str]:
    """The number's text and the remark of an annotated cell, else ("", "")."""
    m = _ANNOTATED.match(nfkc(_BLANK_MARKUP.sub(" ", raw)).strip())
    return (m.group(1).strip(), m.group(2).strip()) if m else ("", "")


def annotation(raw: str) -> str | None:
    """The remark of a number annotated in brackets (“22（其中修订16件）” → “其中修订16件”), else None.

    The cell reads as the number before the bracket — the count the table asks for; the remark
    breaks it down and its numbers are never the cell's. Only a remark in words qualifies (“22(16)”
    could be two counts), and only a plain number before it: anything else (“22件（…）”,
    “22 5（…）”, “（其中16件）22”) stays text rather than become a guess.
    """
    head, remark = _annotated(raw)
    if not head or not has_cjk(remark) or _foreign_digits(_OPENING.split(raw, 1)[0]):
        return None  # (NFKC made "2" of "②": the digits before the bracket are checked as written)
    state = read_value(head)[0]
    return remark if state is CellState.NUMBER else None


def _foreign_digits(raw: str) -> bool:
    """Whether NFKC made digits of characters no report writes as numbers (①, ², ⑴).

    Full-width digits (０-９) are common in Chinese reports and read as numbers; the circled,
    parenthesised and superscript forms mark notes and list items.
    """
    return not raw.isascii() and any(ch.isdigit() and not ("0" <= ch <= "9" or "０" <= ch <= "９") for ch in raw)


def is_value_text(raw: str) -> bool:
    """Whether a cell belongs in a value slot rather than being a label.

    Numbers, blanks, dashes and 无 are values; so is a short non-CJK glyph (OCR ``O``, ``l``),
    which becomes TEXT in its slot rather than being mistaken for a label.
    """
    found = _IS_VALUE.get(raw)
    if found is None:
        make_room(_IS_VALUE)
        if read_value(raw)[0] is not CellState.TEXT:
            found = True
        else:
            s = clean_cell(raw)
            found = not has_cjk(s) and len(s) <= 4 and not s.startswith("(")
        _IS_VALUE[raw] = found
    return found


def is_label_text(raw: str) -> bool:
    """Whether a cell holds a label: some text that is not a value (one memoised test per text)."""
    found = _IS_LABEL.get(raw)
    if found is None:
        make_room(_IS_LABEL)
        found = _IS_LABEL[raw] = bool(clean_cell(raw)) and not is_value_text(raw)
    return found


def is_number_text(raw: str) -> bool:
    """Whether a cell holds a number."""
    found = _IS_NUMBER.get(raw)
    if found is None:
        make_room(_IS_NUMBER)
        found = _IS_NUMBER[raw] = read_value(raw)[0] is CellState.NUMBER
    return found
