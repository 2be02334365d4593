"""Row readers: lines of text → one row model, whatever the layout (spec §2.5, §2.8).

Every reader emits :class:`Row` objects (cell texts with spans); mapping rows to cell ids is
shared (``tables.py``). Layouts:

* ``grid``  — Markdown pipe tables (C, F): columns are reliable, blanks are visible.
* ``tsv``   — one table row per line, TAB-separated (A), or `` | ``-joined flattened HTML (E).
* ``cells`` — one cell per line, each starting with TAB, rows ended by an empty line (B).
* ``spaced`` — space-aligned columns, e.g. PDF text extracted with its layout (D): cells are
  separated by runs of ≥ 2 spaces, and trailing numbers by any whitespace.
* ``furniture`` — page numbers and running footers (layout I), ignored by the tables.
* ``text``  — any other line (prose, headings, and single-cell table lines of layout A).
* ``blank`` — an empty line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Span
from .normalize import has_cjk
from .values import clean_cell

_RULE_ROW = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{0,}:?\s*)*\|?\s*$")
_HEADING_LIKE = re.compile(r"^[#\s]*[一二三四五六七八九十]+[、.．]")
_NUMERIC = re.compile(r"^\s*[-\d.,/]*\s*$")


class RCell:
    """A cell as read: raw text (continuation lines joined by a newline) and its raw extent.

    A plain class with an explicit ``__init__``: compiled, it is a C struct with unboxed ints,
    ≈ 4× cheaper to make and to read than a NamedTuple (a report has hundreds). The span (trimmed
    of surrounding whitespace) is computed on demand: most cells never need it.
    """

    __slots__ = ("text", "line", "col", "end_line", "end_col")

    def __init__(self, text: str, line: int, col: int, end_line: int, end_col: int) -> None:
        self.text = text
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col

    def __repr__(self) -> str:
        return f"RCell({self.text!r}, {self.line}, {self.col}, {self.end_line}, {self.end_col})"

    @property
    def clean(self) -> str:
        """Text without markup and whitespace."""
        return clean_cell(self.text)

    @property
    def span(self) -> Span:
        """Where the cell's text is (1-based line, 0-based columns, end exclusive)."""
        t, line, col, end_line, end_col = self.text, self.line, self.col, self.end_line, self.end_col
        if t and line == end_line and not t[0].isspace() and not t[-1].isspace():
            return Span(line, col, line, end_col)  # common case: nothing to trim
        body = t.strip()
        if not body:
            return Span(line, col, end_line, end_col)
        lead = len(t) - len(t.lstrip())
        if line == end_line:
            return Span(line, col + lead, line, col + lead + len(body))
        return Span(line, col + lead, end_line, end_col)


@dataclass(slots=True, init=False)  # explicit __init__: compiled by mypyc (see model/report.py)
class Row:
    """One row of the row model."""

    kind: str  # grid | tsv | cells | spaced | text | blank
    line: int
    end_line: int
    cells: list[RCell]

    def __init__(self, kind: str, line: int, end_line: int, cells: list[RCell] | None = None) -> None:
        self.kind = kind
        self.line = line
        self.end_line = end_line
        self.cells = [] if cells is None else cells

    @property
    def text(self) -> str:
        """All cell texts joined with TAB (for prose rows: the line)."""
        return "\t".join(c.text for c in self.cells)

    @property
    def is_table(self) -> bool:
        """Whether the row came from a table layout."""
        return self.kind in ("grid", "tsv", "cells", "spaced")

    def span(self) -> Span:
        """The row's line span."""
        last = self.cells[-1].end_col if self.cells else 0
        return Span(self.line, 0, self.end_line, last)


def most_common(values: list[str]) -> str | None:
    """The most frequent value, the first seen on a tie (as ``Counter.most_common(1)``); None if empty."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    best: str | None = None
    best_n = 0
    for v, n in counts.items():
        if n > best_n:
            best, best_n = v, n
    return best


def split_lines(text: str) -> list[str]:
    """Lines of a text with any newline convention; form feeds (page breaks) end a line too."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")


def _split_cells(line: str, sep: str, lineno: int, strip_edges: bool = False) -> list[RCell]:
    parts = line.split(sep)
    start = 0
    if strip_edges:
        # "| a | b |": drop the empty strings outside the outer pipes.
        if parts and not parts[0].strip():
            start = len(parts[0]) + len(sep)
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]
    cells: list[RCell] = []
    width = len(sep)
    for p in parts:
        end = start + len(p)
        cells.append(RCell(p, lineno, start, lineno, end))
        start = end + width
    return cells


_TOKEN = re.compile(r"[^\s\u3000]+(?:[ \u3000][^\s\u3000]+)*")  # text between runs of ≥ 2 spaces
_WORD = re.compile(r"[^\s\u3000]+")
FURNITURE = re.compile(
    r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d+\s*页(?:\s*[/,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+)$", re.I
)
_FURNITURE_FIRST = "-—–第pP"  # what FURNITURE can start with, besides a digit (\d: any Unicode decimal)
_DIGIT = re.compile(r"\d")
_ORDINAL_ONLY = re.compile(r"^[#\s]*(?:[一二三四五六七八九十]+|\d+)[、.．]?$")
_VALUE_TOKEN = re.compile(r"^(?:-?[\d,]+(?:\.\d+)?|[/／—–-]+|无)$")


def _spaced_cells(line: str, lineno: int) -> list[RCell] | None:
    """Cells of a space-aligned line, or None when the line is prose.

    A line is a table row when it ends with ≥ 2 value tokens, or splits into ≥ 3 cells at runs
    of spaces and holds no full stop.
    """
    if "。" in line:
        return None
    parts = line.split()  # the same words as _WORD finds (both split at Unicode whitespace)
    if not parts:
        return None
    cells: list[RCell] = []
    if "  " not in line.strip() and not _VALUE_TOKEN.match(parts[-1]):
        # single-spaced short labels, e.g. PDF text “行政复议 行政诉讼”: one cell per word
        if not 2 <= len(parts) <= 16:
            return None  # (a heading, a title: one word)
        words = list(_WORD.finditer(line))
        if 2 <= len(words) <= 16 and all(len(w.group(0)) <= 24 and has_cjk(w.group(0), 2) and not _DIGIT.search(w.group(0)) for w in words):
            return None if _HEADING_LIKE.match(line) else [RCell(w.group(0), lineno, w.start(), lineno, w.end()) for w in words]
        return None
    for m in _TOKEN.finditer(line):
        words = list(_WORD.finditer(m.group(0)))
        if len(words) > 1 and all(_VALUE_TOKEN.match(w.group(0)) for w in words):
            cells += [RCell(w.group(0), lineno, m.start() + w.start(), lineno, m.start() + w.end()) for w in words]
        else:
            # A label followed by single-spaced numbers: split the numbers off.
            tail = words[:]
            k = len(tail)
            while k > 0 and _VALUE_TOKEN.match(tail[k - 1].group(0)):
                k -= 1
            if 0 < k < len(tail) and len(tail) - k >= 1:
                head_end = tail[k - 1].end()
                cells.append(RCell(m.group(0)[:head_end], lineno, m.start(), lineno, m.start() + head_end))
                cells += [RCell(w.group(0), lineno, m.start() + w.start(), lineno, m.start() + w.end()) for w in tail[k:]]
            else:
                cells.append(RCell(m.group(0), lineno, m.start(), lineno, m.end()))
    values = 0
    for c in reversed(cells):
        if not _VALUE_TOKEN.match(c.text):
            break
        values += 1
    if values >= 2 or (len(cells) >= 3 and (values >= 1 or all(len(c.text) <= 24 for c in cells))):
        return cells
    if len(cells) == 2 and not _ORDINAL_ONLY.match(cells[0].text) and not _HEADING_LIKE.match(line):
        short = len(line.strip()) <= 40 and has_cjk(cells[0].text, 2)
        if "  " in line.strip() and (values == 1 or all(len(c.text) <= 24 for c in cells)):
            return cells  # “行政许可      0”, “信息内容      本年处理决定数量”
        if short and (values == 1 or all(len(c.text) <= 24 and has_cjk(c.text, 2) for c in cells)):
            return cells  # PDF text: “行政许可 0”, “行政复议 行政诉讼”
    return None


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and line.count("\t") == 1


def _continues_cell(prev: str, line: str) -> bool:
    """Whether a line without a leading TAB continues a layout-B cell (a wrapped label)."""
    s = line.strip()
    if not s or "\t" in line or s.startswith("|"):
        return False
    if _NUMERIC.match(prev) or len(s) > 30 or _HEADING_LIKE.match(s) or "。" in s:
        return False
    return True


def read_rows(lines: list[str]) -> list[Row]:
    """Read every line into the row model."""
    rows: list[Row] = []
    append = rows.append
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        ln = i + 1
        if _is_cell_line(line):  # layout B: one cell per line
            cells: list[RCell] = []
            while i < n:
                cur = lines[i]
                if not _is_cell_line(cur):
                    break
                text = cur[1:]
                first, end_col = i + 1, len(cur)
                i += 1
                # the next cell line (a TAB in it) is the common case: no continuation test needed
                while i < n and "\t" not in lines[i] and _continues_cell(text, lines[i]):
                    text += "\n" + lines[i].strip()
                    end_col = len(lines[i])
                    i += 1
                cells.append(RCell(text, first, 1, i, end_col))
            append(Row("cells", ln, i, cells))
            continue
        i += 1
        stripped = line.strip()
        if not stripped:
            append(Row("blank", ln, ln, []))
        elif (stripped[0] in _FURNITURE_FIRST or stripped[0].isdecimal()) and FURNITURE.match(stripped):
            append(Row("furniture", ln, ln, [RCell(stripped, ln, 0, ln, len(line))]))
        elif stripped[0] == "|":
            if not _RULE_ROW.match(stripped):
                append(Row("grid", ln, ln, _split_cells(line, "|", ln, strip_edges=True)))
        elif "\t" in line:
            append(Row("tsv", ln, ln, _split_cells(line, "\t", ln)))
        elif " | " in stripped and stripped.count(" | ") >= 2:
            append(Row("tsv", ln, ln, _split_cells(line, "|", ln)))
        elif (spaced := _spaced_cells(line, ln)) is not None:
            append(Row("spaced", ln, ln, spaced))
        else:
            start = len(line) - len(line.lstrip())
            append(Row("text", ln, ln, [RCell(stripped, ln, start, ln, start + len(stripped))]))
    return rows
