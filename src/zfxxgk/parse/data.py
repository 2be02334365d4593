"""JSON / YAML input: a report given as data (validated with pydantic), e.g. for ``zfxxgk render``.

The shape is that of ``zfxxgk parse --json`` plus section texts::

    {"unit": "…人民政府", "year": 2024, "published": "2025-01-15", "period": ["2024-01-01", "2024-12-31"],
     "intro": "…", "sections": {"1": "正文…", …}, "cells": {"t3.new_received.total": 3, …}}

``sections`` values may be texts or ``{"heading": …, "text": …}``; cells left out are absent,
``null`` cells are blank.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..model import Cell, CellState, PeriodStatement, Report, Section, Span, Table, TableInfo
from ..model.ids import CELL, SECTION_TITLES, TABLE_ROWS, TABLE_SECTION, row_cells, section_heading
from ..model.limits import LIMITS, MAX_RAW, value_fits
from . import ParseError


class SectionData(BaseModel):
    """A section given with its heading."""

    heading: str | None = None
    text: str = ""


class ReportData(BaseModel):
    """A report as data."""

    model_config = ConfigDict(extra="ignore")

    unit: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2200)
    published: dt.date | None = None
    signed_unit: str | None = None
    period: tuple[dt.date, dt.date] | None = None
    intro: str = ""
    sections: dict[int, str | SectionData | None] = Field(default_factory=dict)
    cells: dict[str, int | Decimal | None] = Field(default_factory=dict)

    @field_validator("cells")
    @classmethod
    def _known_ids(cls, cells: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(cells) - set(CELL))
        if unknown:
            raise ValueError(f"未知的单元格编号：{', '.join(unknown[:5])}")
        return cells

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, sections: dict[int, Any]) -> dict[int, Any]:
        bad = sorted(n for n in sections if n not in SECTION_TITLES)
        if bad:
            raise ValueError(f"章节编号应为 1–6，实际为 {bad}")
        return sections


def parse_data(text: str, source: str = "<data>") -> Report:
    """A report from JSON or YAML text."""
    try:
        raw = _json(text) if text.lstrip().startswith("{") else _yaml(text)
        data = ReportData.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ParseError(source, f"数据格式错误（{where}）：{first['msg']}") from None
    except ValueError as e:
        raise ParseError(source, f"无法读取 JSON/YAML：{e}") from None
    report = Report(source=source, format="data", unit=data.unit, year=data.year, intro=data.intro)
    report.signed_unit = data.signed_unit or data.unit
    report.signed_on = data.published
    if data.period:
        # Not "e": mypy takes it for the exception name bound (and deleted) by the except clauses above.
        start, end = data.period
        report.periods = [
            PeriodStatement(start, end, f"统计期间为{start.isoformat()}至{end.isoformat()}", Span(0, 0, 0, 0, "period"))
        ]
    for n, sec in data.sections.items():
        heading = section_heading(n)
        body = sec if isinstance(sec, str) else (sec.text if sec else "")
        shown = sec.heading if isinstance(sec, SectionData) and sec.heading else heading
        report.sections[n] = Section(n, n, shown, heading, shown != heading, body or "", Span(0, 0, 0, 0, f"sections.{n}"))
    for cid, v in data.cells.items():
        span = Span(0, 0, 0, 0, f"cells.{cid}")
        if v is None:
            report.cells[cid] = Cell(cid, CellState.BLANK, None, "", span)
        elif not value_fits(v):  # before int(): 1E999999999 would build a billion-digit integer
            raw = str(v)
            raw = raw if len(raw) <= MAX_RAW else f"{raw[:MAX_RAW]}…（共 {len(raw)} 个字符）"
            report.cells[cid] = Cell(cid, CellState.TEXT, None, raw, span)
        else:
            d = Decimal(str(v))
            value = int(d) if d == d.to_integral_value() else d
            report.cells[cid] = Cell(cid, CellState.NUMBER, value, str(v), span)
    report.title = f"{report.unit or ''}{report.year or ''}年政府信息公开工作年度报告"
    mark_tables(report, "data")
    return report


def mark_tables(report: Report, layout: str) -> None:
    """Record as found every table with at least one cell given, and the rows it has."""
    for table in Table:
        rows = [r.key for r in TABLE_ROWS[table] if any(report.cells[i].state is not CellState.ABSENT for i in row_cells(table, r.key))]
        if rows:
            report.tables[table] = TableInfo(table, Span(0, 0, 0, 0, f"{table.value}"), layout, TABLE_SECTION[table], rows)


_TOO_DEEP = f"嵌套超过 {LIMITS.nesting} 层，不是年度报告数据"


def _json_int(digits: str) -> int | str:
    # int() is slow on a long digit run and raises beyond 4,300 digits: kept as written, the value
    # becomes a text cell (a string is what validation reads without converting it)
    return digits if len(digits) > LIMITS.digits_read else int(digits)


def _json_float(text: str) -> Decimal | str:
    # exact (0.1, 1.00000000000000000000000000001 are not rounded); a Decimal beyond the limits is
    # kept as written: validating Decimal("1E999999999") as an int would build a billion-digit integer
    d = Decimal(text)
    return d if value_fits(d) else text


def _json(text: str) -> Any:
    """JSON with exact numbers (see :func:`_json_float`)."""
    try:
        return json.loads(text, parse_float=_json_float, parse_int=_json_int)
    except RecursionError:  # the C decoder recurses per nesting level
        raise ValueError(_TOO_DEEP) from None


def _yaml(text: str) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        """Numbers kept exact (floats as Decimals, long digit runs never converted to int)."""

    def decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        value = str(loader.construct_scalar(node)).replace("_", "")
        try:
            return _json_float(value)
        except ArithmeticError:  # .inf, .nan, sexagesimal 1:30.5: YAML's own reading
            return loader.construct_yaml_float(node)

    def integer(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        value = str(loader.construct_scalar(node)).replace("_", "")
        if len(value) > LIMITS.digits_read:
            return value  # kept as written: a text cell, never converted
        return loader.construct_yaml_int(node)

    Loader.add_constructor("tag:yaml.org,2002:float", decimal)
    Loader.add_constructor("tag:yaml.org,2002:int", integer)
    try:
        # The composer recurses per nesting level (and the scanner slows down with it): the event
        # stream is read first, and a document nested deeper than the limit is refused before that.
        depth = 0
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > LIMITS.nesting:
                    raise ValueError(_TOO_DEEP)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        return yaml.load(text, Loader=Loader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as e:
        raise ValueError(str(e).splitlines()[0]) from None
