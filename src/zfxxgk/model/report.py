"""The typed report: header facts, sections, 200 cells with state and provenance, parse notes.

These are slotted dataclasses rather than pydantic models on purpose: a report is built and
checked in well under a millisecond, and pydantic validation of 200 cells would dominate that.
Pydantic validates at the boundaries (options, JSON/YAML input) instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .evidence import CellJSON, SpanJSON
from .ids import CELL_IDS, Table
from .numbers import json_number


class CellState(StrEnum):
    """What a cell held in the source. Only NUMBER carries a value; nothing else is ever 0."""

    NUMBER = "number"
    BLANK = "blank"  # empty cell
    DASH = "dash"  # “/” “—” “不适用”: a placeholder, not 0
    NONE_WORD = "none_word"  # “无”
    TEXT = "text"  # words or OCR glyphs where a number belongs
    UNREADABLE = "unreadable"  # present but could not be assigned or read
    ABSENT = "absent"  # row or table not in the source

    @property
    def is_null(self) -> bool:
        """Whether the cell has no value."""
        return self is not CellState.NUMBER

    @property
    def label(self) -> str:
        """The state's name for users (CLI, web pages)."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    CellState.NUMBER: "数值",
    CellState.BLANK: "空白",
    CellState.DASH: "占位符",
    CellState.NONE_WORD: "“无”",
    CellState.TEXT: "非数字",
    CellState.UNREADABLE: "无法识别",
    CellState.ABSENT: "缺失",
}


class Span:
    """Where something came from: 1-based lines, 0-based columns (end exclusive).

    ``locator`` is for formats without lines (HTML element path, DOCX table/row/cell, PDF page+bbox).
    Immutable, compared and hashed by value, and iterable as ``(line, col, end_line, end_col,
    locator)``. A plain class rather than a NamedTuple: compiled, it is a C struct, ≈ 4× cheaper
    to make than a tuple subclass, and a report makes hundreds.
    """

    __slots__ = ("line", "col", "end_line", "end_col", "locator")

    def __init__(self, line: int, col: int, end_line: int, end_col: int, locator: str | None = None) -> None:
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.locator = locator

    def _values(self) -> tuple[int, int, int, int, str | None]:
        return (self.line, self.col, self.end_line, self.end_col, self.locator)

    def __iter__(self) -> Iterator[int | str | None]:
        return iter(self._values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (f"Span(line={self.line!r}, col={self.col!r}, end_line={self.end_line!r}, end_col={self.end_col!r}, "
                f"locator={self.locator!r})")

    def __reduce__(self) -> tuple[type[Span], tuple[int, int, int, int, str | None]]:
        return (Span, self._values())

    def _replace(
        self,
        *,
        line: int | None = None,
        col: int | None = None,
        end_line: int | None = None,
        end_col: int | None = None,
        locator: str | None = None,
    ) -> Span:
        """A copy with some fields changed (as ``NamedTuple._replace``; a field cannot be set to None)."""
        return Span(
            self.line if line is None else line,
            self.col if col is None else col,
            self.end_line if end_line is None else end_line,
            self.end_col if end_col is None else end_col,
            self.locator if locator is None else locator,
        )

    def to_dict(self) -> SpanJSON:
        """JSON form."""
        d: SpanJSON = {"line": self.line, "col": self.col, "end_line": self.end_line, "end_col": self.end_col}
        if self.locator:
            d["locator"] = self.locator
        return d

    def __str__(self) -> str:
        if self.locator:
            return self.locator
        if self.line == self.end_line:
            return f"{self.line}:{self.col + 1}"
        return f"{self.line}:{self.col + 1}-{self.end_line}:{self.end_col}"


# The hot classes below spell out ``__init__`` (``init=False``): mypyc compiles an explicit one, while
# the one ``dataclasses`` generates runs as interpreted Python, ≈ 3× slower per object made.


@dataclass(slots=True, init=False)
class Cell:
    """One of the 200 cells: value (int; fee Decimal), state, raw source text and span."""

    id: str
    state: CellState
    value: int | Decimal | None
    raw: str | None
    span: Span | None

    def __init__(
        self,
        id: str,
        state: CellState = CellState.ABSENT,
        value: int | Decimal | None = None,
        raw: str | None = None,
        span: Span | None = None,
    ) -> None:
        self.id = id
        self.state = state
        self.value = value
        self.raw = raw
        self.span = span

    def __reduce__(self) -> tuple[type[Cell], tuple[Any, ...]]:
        # compiled (mypyc) classes are rebuilt by pickle through their constructor's arguments
        return (Cell, (self.id, self.state, self.value, self.raw, self.span))

    def to_dict(self) -> CellJSON:
        """JSON form used in evidence."""
        return {
            "id": self.id,
            "state": self.state.value,
            "value": json_number(self.value),
            "raw": self.raw,
            "span": self.span.to_dict() if self.span else None,
        }


class NoteKind(StrEnum):
    """Structured observations of a parser; check rules turn them into findings."""

    LABEL_VARIANT = "label_variant"  # data: found, standard
    ROW_UNKNOWN = "row_unknown"  # data: label
    ROW_DUPLICATE = "row_duplicate"  # data: row, label, v1, v2
    ROW_AMBIGUOUS = "row_ambiguous"  # data: row, label, k, expected
    ROW_SPLIT = "row_split"  # data: label
    HEADER_GARBLED = "header_garbled"  # data: raw (list)
    LABEL_INFERRED = "label_inferred"  # data: row, index
    FEE_UNIT = "fee_unit"  # data: unit
    FORMAT_2019 = "format_2019"  # data: marker
    NOT_ANNUAL_REPORT = "not_annual_report"  # data: reason
    TRAILING_JUNK = "trailing_junk"  # data: text
    OCR_LOW_CONFIDENCE = "ocr_low_confidence"  # data: cells, threshold
    DIGITS_SPLIT = "digits_split"  # data: label, raw, values, cells (layout H: glued digits split by identities)
    VALUE_ANNOTATED = "value_annotated"  # data: cell, raw, remark (“22（其中修订16件）” read as 22)
    STRUCTURE_INFERRED = "structure_inferred"  # data: layout, inference, cells, split, unreadable (parse/stream.py)


@dataclass(slots=True, init=False)
class ParseNote:
    """A parser observation with its source span."""

    kind: NoteKind
    table: Table | None
    span: Span | None
    data: dict[str, Any]

    def __init__(
        self, kind: NoteKind, table: Table | None = None, span: Span | None = None, data: dict[str, Any] | None = None
    ) -> None:
        self.kind = kind
        self.table = table
        self.span = span
        self.data = {} if data is None else data

    def __reduce__(self) -> tuple[type[ParseNote], tuple[Any, ...]]:
        return (ParseNote, (self.kind, self.table, self.span, self.data))


@dataclass(slots=True)
class Section:
    """One of the six sections: its heading as printed and its body text."""

    number: int
    ordinal: int  # the ordinal printed before the heading (may differ from number)
    heading: str  # verbatim, Markdown markers and surrounding whitespace removed
    standard: str  # the standard heading it was matched to
    variant: bool  # matched through a known variant or similarity, not verbatim
    text: str  # prose only: table lines blanked; line k of text is source line span.line + 1 + k
    span: Span  # heading line .. last line of the body

    def lines(self) -> list[tuple[int, str]]:
        """(source line number, text) of each line of the body."""
        return [(self.span.line + 1 + k, t) for k, t in enumerate(self.text.split("\n"))]


@dataclass(slots=True)
class TableInfo:
    """Where a table was found and how it was read."""

    table: Table
    span: Span
    layout: str  # tsv | cells | grid
    section: int | None  # section number it lies in
    rows_found: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PeriodStatement:
    """A stated statistics period with the text it came from."""

    start: dt.date
    end: dt.date
    text: str
    span: Span


@dataclass(slots=True)
class Report:
    """A parsed annual report. All 200 cells are always present (ABSENT when not in the source)."""

    source: str
    text: str = ""
    format: str = "text"
    title: str | None = None
    title_span: Span | None = None
    unit: str | None = None
    year: int | None = None
    signed_unit: str | None = None
    signed_on: dt.date | None = None
    signature_span: Span | None = None
    published_on: dt.date | None = None  # portal 发布日期 metadata, when a collector supplies it
    index_no: str | None = None  # the portal's 索引号 as printed (its prefix names the publishing organ)
    periods: list[PeriodStatement] = field(default_factory=list)
    intro: str = ""  # text between title and first heading (table lines blanked)
    intro_line: int = 1  # source line of the intro's first line
    sections: dict[int, Section] = field(default_factory=dict)
    tables: dict[Table, TableInfo] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=lambda: {i: Cell(i) for i in CELL_IDS})
    notes: list[ParseNote] = field(default_factory=list)

    @property
    def published(self) -> dt.date | None:
        """Publication date: portal metadata, else the signature date (a lower bound)."""
        return self.published_on or self.signed_on

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The first stated statistics period."""
        if not self.periods:
            return None
        return (self.periods[0].start, self.periods[0].end)

    def value(self, cell_id: str) -> int | Decimal | None:
        """Value of a cell (None unless NUMBER)."""
        return self.cells[cell_id].value

    def to_dict(self) -> dict[str, Any]:
        """The ``zfxxgk parse --json`` record (keys as in the gold files)."""
        period = self.period
        return {
            "source": self.source,
            "format": self.format,
            "unit": self.unit,
            "year": self.year,
            "published": self.published.isoformat() if self.published else None,
            "period": [period[0].isoformat(), period[1].isoformat()] if period else None,
            "sections": {str(n): s.heading for n, s in sorted(self.sections.items())},
            "cells": {i: json_number(self.cells[i].value) for i in CELL_IDS},
        }
