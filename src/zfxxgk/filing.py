"""Online filing (在线填报): the form a 填报单位 fills in, validated live by the real checker, rendered when clean.

The form is generated from the cell-id registry (:mod:`zfxxgk.model.ids`) and follows the data
contracts that already exist: the cover facts of the Excel template (:data:`zfxxgk.model.template.COVER_FIELDS`)
and the JSON/YAML report data (:class:`zfxxgk.parse.data.ReportData`), into which a submitted form is
turned before it becomes a :class:`~zfxxgk.model.Report`.

Form fields (all values are strings, as an HTML form posts them):

* cover: ``unit``, ``year``, ``period_start``, ``period_end``, ``signed_unit``, ``signed_on``
  (dates as ``2025-01-15`` or ``2025年1月15日``);
* every cell by its id (``t3.granted.natural_person``); an empty field is a blank cell — never 0 —
  unless the user types 0;
* prose: ``intro`` and ``sections.1`` … ``sections.6`` (the standard headings are printed by the writer).

Computed totals (the ``total`` column of table 3, the row “（七）总计” and the totals of table 4; see
:data:`COMPUTED`) are filled automatically when they are left empty and every cell they add up holds a
number — exactly as the Excel template's formulas (a blank operand leaves the total blank). A total the
user typed is kept as typed, and the checker's 勾稽关系 rules judge it.

>>> v = validate({"unit": "某某镇人民政府", "year": "2024", "t3.new_received.natural_person": "3"})
>>> report, findings, field_errors = v      # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from .app.publish import MEDIA_TYPES, document_name
from .check import check
from .model import CELL, CELL_IDS, Cell, CellState, Finding, Report, Severity, Span, Table
from .model.identities import outcomes_identity, rowsum_identity, sum_identity
from .model.ids import (
    SECTION_TITLES,
    T2_COL,
    T2_ROW_BLOCK,
    T2_ROW_COLUMNS,
    T2_ROWS,
    T3_COLUMNS,
    T3_ROW_GROUP,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    TABLE_SECTION,
    TABLE_TITLES,
    cell_label,
    row_cells,
    section_heading,
)
from .model.limits import MAX_FRACTION_DIGITS, MAX_VALUE, value_fits
from .model.numbers import json_number
from .model.template import COVER_FIELDS, TEXT_INTRO
from .parse import ParseError
from .parse.data import parse_data
from .parse.header import DATE, to_date
from .parse.normalize import nfkc
from .parse.values import read_value
from .render import FORMATS, render

SOURCE = "在线填报"
INTRO = "intro"
GENERAL = "_form"  # field_errors key of a problem that belongs to no single field
MAX_PROSE_DIGITS = 18  # a longer run of digits in the prose is no count anyone meant
_LONG_DIGITS = re.compile(rf"\d{{{MAX_PROSE_DIGITS + 1},}}")
MAX_NUMBER_TEXT = 40  # characters: longer input is not a number anyone meant
COVER_KINDS = {"unit": "text", "year": "year", "period_start": "date", "period_end": "date", "signed_unit": "text",
               "signed_on": "date"}
COVER_HELP = {
    "unit": "报告单位全称，如“某某县某某镇人民政府”。",
    "year": "四位数年份，如 2024。",
    "period_start": "通常为报告年度的1月1日。",
    "period_end": "通常为报告年度的12月31日。",
    "signed_unit": "不填时与单位名称相同。",
    "signed_on": "落款日期，如 2025-01-15。",
}
REQUIRED_COVER = ("unit", "year")


def section_field(n: int) -> str:
    """The form field of section n's text: ``sections.3``."""
    return f"sections.{n}"


SECTION_FIELDS = {section_field(n): n for n in SECTION_TITLES}


# --- computed totals ---------------------------------------------------------------------------


def _computed() -> dict[str, tuple[str, ...]]:
    """Total cell → the cells it adds up, from the checker's identities (fill order: parts before totals)."""
    out: dict[str, tuple[str, ...]] = {}
    for row in T3_ROWS:
        if row.key != "total_processed":
            (total,), parts = rowsum_identity(row.key)
            out[total] = parts
    for col in T3_COLUMNS:  # （七）总计, total column last: it adds up the row totals filled above
        (total,), parts = outcomes_identity(col.key)
        out[total] = parts
    for block in T4_BLOCKS:
        (total,), parts = sum_identity(block.key)
        out[total] = parts
    return out


COMPUTED: dict[str, tuple[str, ...]] = _computed()


def fill_totals(values: Mapping[str, int | Decimal | None]) -> dict[str, int | Decimal]:
    """Totals that can be computed: for each blank total of :data:`COMPUTED` whose parts are all numbers.

    Returns only the filled cells (id → sum); a total with a blank part stays blank, never 0.
    """
    current = dict(values)
    filled: dict[str, int | Decimal] = {}
    for total, parts in COMPUTED.items():
        if current.get(total) is not None:
            continue
        operands = [v for v in (current.get(p) for p in parts) if v is not None]
        if len(operands) == len(parts):
            s = sum(operands[1:], operands[0])
            current[total] = filled[total] = s
    return filled


# --- the form schema ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One form field: its name (cell id, cover key or ``sections.N``), Chinese label and kind.

    ``kind`` is ``text``, ``year``, ``date``, ``count`` (件, whole numbers ≥ 0), ``amount`` (万元, ≥ 0)
    or ``prose``. ``computed`` cells are totals filled automatically from ``parts`` (see :data:`COMPUTED`).
    """

    name: str
    label: str
    kind: str
    required: bool = False
    help: str = ""
    table: str | None = None
    row: str | None = None
    column: str | None = None
    unit: str | None = None
    computed: bool = False
    parts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "label": self.label, "kind": self.kind, "required": self.required,
                "help": self.help, "table": self.table, "row": self.row, "column": self.column, "unit": self.unit,
                "computed": self.computed, "parts": list(self.parts)}


@dataclass(frozen=True, slots=True)
class RowSpec:
    """A table row (table 4: a block) with its group label and its cells in column order."""

    key: str
    label: str
    group: str
    cells: tuple[FieldSpec, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"key": self.key, "label": self.label, "group": self.group, "cells": [c.name for c in self.cells]}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One of the three tables: title, the section it belongs in, its columns and rows."""

    table: Table
    name: str  # 表二
    title: str
    section: int
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[RowSpec, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"table": self.table.value, "name": self.name, "title": self.title, "section": self.section,
                "columns": [{"key": k, "label": lab} for k, lab in self.columns],
                "rows": [r.to_dict() for r in self.rows]}


@dataclass(frozen=True, slots=True)
class FormSchema:
    """The whole filing form: cover facts, the three tables, the intro and six sections."""

    cover: tuple[FieldSpec, ...]
    tables: tuple[TableSpec, ...]
    prose: tuple[FieldSpec, ...]
    fields: Mapping[str, FieldSpec]  # every field by name

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the JSON twin of the filing page's structure)."""
        return {"cover": [f.to_dict() for f in self.cover], "tables": [t.to_dict() for t in self.tables],
                "prose": [f.to_dict() for f in self.prose],
                "fields": {n: f.to_dict() for n, f in self.fields.items()}}


def _cell_field(cell_id: str) -> FieldSpec:
    spec = CELL[cell_id]
    parts = COMPUTED.get(cell_id, ())
    if parts:
        hint = "自动合计：留空时按各项之和填入（有空白项时保持空白）。"
    elif spec.decimal:
        hint = "单位：万元，可有小数；没有的填 0。"
    else:
        hint = "件数，填不小于 0 的整数；没有发生的填 0，不要留空。"
    return FieldSpec(cell_id, cell_label(cell_id), "amount" if spec.decimal else "count", False, hint,
                     spec.table.value, spec.row, spec.column, spec.unit, bool(parts), parts)


@cache
def form_schema() -> FormSchema:
    """The filing form generated from the registry (cached: it never changes while running)."""
    labels = dict((key, label) for label, key in COVER_FIELDS)
    cover = tuple(FieldSpec(key, labels[key], COVER_KINDS[key], key in REQUIRED_COVER, COVER_HELP[key])
                  for _label, key in COVER_FIELDS)
    t2_rows = tuple(RowSpec(r.key, r.label, T2_ROW_BLOCK[r.key], tuple(_cell_field(i) for i in row_cells(Table.T2, r.key)))
                    for r in T2_ROWS)
    t2_cols = tuple(dict.fromkeys((c, T2_COL[c].label) for r in T2_ROWS for c in T2_ROW_COLUMNS[r.key]))
    t3_rows = tuple(RowSpec(r.key, r.label, T3_ROW_GROUP[r.key], tuple(_cell_field(i) for i in row_cells(Table.T3, r.key)))
                    for r in T3_ROWS)
    t4_rows = tuple(RowSpec(b.key, b.label, "行政诉讼" if b.key.startswith("litigation") else "",
                            tuple(_cell_field(i) for i in row_cells(Table.T4, b.key))) for b in T4_BLOCKS)
    tables = (
        TableSpec(Table.T2, Table.T2.cn, TABLE_TITLES[Table.T2], TABLE_SECTION[Table.T2], t2_cols, t2_rows),
        TableSpec(Table.T3, Table.T3.cn, TABLE_TITLES[Table.T3], TABLE_SECTION[Table.T3],
                  tuple((c.key, c.label) for c in T3_COLUMNS), t3_rows),
        TableSpec(Table.T4, Table.T4.cn, TABLE_TITLES[Table.T4], TABLE_SECTION[Table.T4],
                  tuple((c.key, c.label) for c in T4_COLUMNS), t4_rows),
    )
    prose = (FieldSpec(INTRO, TEXT_INTRO, "prose", False, "标题之后、第一部分之前的说明，可写明统计期间和联系方式。"),
             *(FieldSpec(section_field(n), section_heading(n), "prose", False,
                         "本部分的表格在表格区填写，此处只写文字说明。" if n in TABLE_SECTION.values() else "")
               for n in SECTION_TITLES))
    everything = {f.name: f for f in cover}
    everything.update({c.name: c for t in tables for r in t.rows for c in r.cells})
    everything.update({f.name: f for f in prose})
    assert set(CELL_IDS) <= set(everything)
    return FormSchema(cover, tables, prose, everything)


# --- reading a form ----------------------------------------------------------------------------


_NUMERIC_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _text(form: Mapping[str, Any], name: str) -> str:
    v = form.get(name)
    if v is None:
        return ""
    s = v if isinstance(v, str) else str(v)
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _date(raw: str) -> dt.date | None:
    s = "".join(nfkc(raw).split())
    m = _NUMERIC_DATE.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = DATE.fullmatch(s)
    return to_date(*m.groups()) if m else None


def _year(raw: str) -> int | None:
    s = "".join(nfkc(raw).split()).removesuffix("年度").removesuffix("年")
    return int(s) if re.fullmatch(r"\d{4}", s) and 1900 <= int(s) <= 2200 else None


def _cover(form: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    labels = {f.name: f.label for f in form_schema().cover}
    for _label, key in COVER_FIELDS:
        raw = _text(form, key).strip()
        kind = COVER_KINDS[key]
        if not raw:
            out[key] = None
            if key in REQUIRED_COVER:
                errors.setdefault(key, []).append(f"请填写{labels[key]}。")
            continue
        if kind == "year":
            out[key] = _year(raw)
            if out[key] is None:
                errors.setdefault(key, []).append(f"“{raw[:20]}”不是有效的年份，请填写四位数年份（如 2024）。")
        elif kind == "date":
            out[key] = _date(raw)
            if out[key] is None:
                errors.setdefault(key, []).append(f"“{raw[:20]}”不是有效的日期，请按“2025-01-15”填写。")
        else:
            out[key] = " ".join(raw.split())[:200]
    start, end = out.get("period_start"), out.get("period_end")
    if (start is None) != (end is None) and not errors.get("period_start") and not errors.get("period_end"):
        missing = "period_end" if end is None else "period_start"
        errors.setdefault(missing, []).append("请同时填写统计期间的起始日期和截止日期。")
    if start is not None and end is not None and start > end:
        errors.setdefault("period_end", []).append("统计期间截止日期早于起始日期。")
    return out


def _read_cell(cell_id: str, raw: str) -> tuple[CellState, int | Decimal | None, str | None]:
    """State, value and the field error (Chinese) of one cell's input. Blank stays blank."""
    shown = raw.strip()
    if len(shown) > MAX_NUMBER_TEXT:
        return CellState.TEXT, None, "内容过长，不是有效的数字。"
    decimal = CELL[cell_id].decimal
    state, value = read_value(raw, decimal)
    if state is CellState.BLANK:
        return state, None, None
    if state in (CellState.DASH, CellState.NONE_WORD):
        return state, None, f"“{shown}”不是数字：没有发生的事项请填 0，不清楚的请留空。"
    if state is not CellState.NUMBER or value is None:
        return CellState.TEXT, None, f"“{shown}”不是数字，请填写{'金额（万元）' if decimal else '整数（件）'}。"
    if value < 0:
        return state, value, "不能为负数。"
    if not decimal and isinstance(value, Decimal) and value != value.to_integral_value():
        return state, value, "件数应为整数。"
    if not value_fits(value):
        if abs(value) >= MAX_VALUE:
            return state, value, "数值过大，请核对。"
        return state, value, f"小数位数过多（最多 {MAX_FRACTION_DIGITS} 位）。"
    return state, value, None


# --- validation --------------------------------------------------------------------------------


# Rules without cells that concern a cover or prose field (by rule id prefix, most specific first).
_RULE_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("DATE-PERIOD", ("period_start", "period_end")),
    ("DATE-YEAR", ("year",)),
    ("DATE-", ("signed_on",)),
    ("HDR-YEAR", ("year",)),
    ("HDR-UNIT", ("unit",)),
    ("HDR-SIGNATURE", ("signed_unit", "signed_on")),
    ("HDR-CONTACT", (INTRO,)),
    ("HDR-TITLE", ("unit", "year")),
    *((f"STRUCT-SECTION-MISSING-{n}", (section_field(n),)) for n in SECTION_TITLES),
    *((f"SEC{n}-", (section_field(n),)) for n in SECTION_TITLES),
)


def fields_of(finding: Finding) -> list[str]:
    """The form fields a finding concerns: the cells it names, else cover/prose fields by rule."""
    if finding.cells:
        return [c for c in finding.cells if c in CELL]
    for prefix, names in _RULE_FIELDS:
        if finding.rule.startswith(prefix):
            return list(names)
    return []


@dataclass(slots=True)
class Validation:
    """The result of :func:`validate`; unpacks as ``report, findings, field_errors``.

    ``field_errors``: input problems per field (Chinese; they block submission). ``field_findings``:
    the checker's findings per field they concern; ``general`` the findings that name no field.
    ``filled``: totals computed automatically.
    """

    report: Report
    findings: list[Finding]
    field_errors: dict[str, list[str]]
    field_findings: dict[str, list[Finding]] = field(default_factory=dict)
    general: list[Finding] = field(default_factory=list)
    filled: dict[str, int | Decimal] = field(default_factory=dict)

    def __iter__(self):
        """``report, findings, field_errors = validate(form)``."""
        return iter((self.report, self.findings, self.field_errors))

    @property
    def errors(self) -> list[Finding]:
        """Error-severity findings (any one blocks submission)."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        """Whether the form can be submitted: no input error and no error finding."""
        return not self.field_errors and not self.errors

    def messages(self) -> list[str]:
        """Everything that blocks submission, one Chinese line each (field label first)."""
        fields = form_schema().fields
        lines = [f"{fields[n].label if n in fields else '填报内容'}：{m}" for n, ms in self.field_errors.items() for m in ms]
        lines += [f"{f.rule}：{f.message}" for f in self.errors]
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the JSON twin of the live validation)."""
        return {
            "ok": self.ok,
            "field_errors": {k: list(v) for k, v in self.field_errors.items()},
            "findings": [f.to_dict() for f in self.findings],
            "field_findings": {k: [f.fingerprint for f in v] for k, v in self.field_findings.items()},
            "general": [f.fingerprint for f in self.general],
            "filled": {k: json_number(v) for k, v in self.filled.items()},
            "counts": {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity},
        }


def to_report(form: Mapping[str, Any], auto_totals: bool = True) -> tuple[Report, dict[str, list[str]], dict[str, Any]]:
    """The form as a Report (through the JSON/YAML data contract), its field errors and the filled totals."""
    errors: dict[str, list[str]] = {}
    cover = _cover(form, errors)
    values: dict[str, int | Decimal | None] = {}
    odd: dict[str, tuple[CellState, str]] = {}  # input that is not a number: kept as text, not blank
    for cid in CELL_IDS:
        raw = _text(form, cid)
        state, value, problem = _read_cell(cid, raw)
        values[cid] = value
        if problem:
            errors.setdefault(cid, []).append(problem)
        if state not in (CellState.NUMBER, CellState.BLANK):
            odd[cid] = (state, raw.strip()[:MAX_NUMBER_TEXT])
    # a total over a cell holding text is not computed (the text cell is left out, as a blank)
    filled = fill_totals({c: v for c, v in values.items() if c not in odd}) if auto_totals else {}
    values.update(filled)
    period = [cover["period_start"].isoformat(), cover["period_end"].isoformat()] \
        if cover.get("period_start") and cover.get("period_end") and not errors.get("period_end") else None
    data = {
        "unit": cover.get("unit"),
        "year": cover.get("year"),
        "published": cover["signed_on"].isoformat() if cover.get("signed_on") else None,
        "signed_unit": cover.get("signed_unit") or cover.get("unit"),
        "period": period,
        "intro": _text(form, INTRO).strip(),
        "sections": {str(n): _text(form, name).strip() for name, n in SECTION_FIELDS.items()},
        "cells": {c: (str(v) if isinstance(v, Decimal) else v) for c, v in values.items()},
    }
    try:
        report = parse_data(json.dumps(data, ensure_ascii=False), SOURCE)
    except ParseError as e:  # the cover was validated above: this is a safeguard, not a path
        errors.setdefault(GENERAL, []).append(e.reason)
        report = parse_data(json.dumps({"cells": data["cells"]}), SOURCE)
    for cid, (state, raw) in odd.items():
        report.cells[cid] = Cell(cid, state, None, raw, Span(0, 0, 0, 0, f"cells.{cid}"))
    for cid in filled:
        report.cells[cid].raw = str(json_number(filled[cid]))
        report.cells[cid].span = Span(0, 0, 0, 0, f"cells.{cid}:auto")
    return report, errors, filled


def validate(form: Mapping[str, Any], auto_totals: bool = True, select: Sequence[str] | None = None,
             ignore: Sequence[str] | None = None) -> Validation:
    """Read the form, run the checker on it and map the findings to the fields they concern.

    Never raises on bad input: what cannot be read is a field error (Chinese, keyed by field name).
    """
    report, errors, filled = to_report(form, auto_totals)
    for name in (INTRO, *SECTION_FIELDS):
        if _LONG_DIGITS.search(nfkc(_text(form, name))):
            errors.setdefault(name, []).append(f"含有超过{MAX_PROSE_DIGITS}位的数字，请核对。")
    try:
        found = check(report, select, ignore).findings
    except Exception as e:  # noqa: BLE001 - a checker bug must not take the page down; the form is refused
        errors.setdefault(GENERAL, []).append(f"校验时发生内部错误（{type(e).__name__}），请核对填写内容后重试。")
        found = []
    by_field: dict[str, list[Finding]] = {}
    general: list[Finding] = []
    for f in found:
        names = fields_of(f)
        if not names:
            general.append(f)
        for n in names:
            by_field.setdefault(n, []).append(f)
    return Validation(report, found, errors, by_field, general, filled)


# --- submission --------------------------------------------------------------------------------


class FilingRefused(Exception):
    """Submission refused: input errors or error-severity findings (the message is for users, in Chinese)."""

    def __init__(self, validation: Validation) -> None:
        self.validation = validation
        n_fields, n_errors = len(validation.field_errors), len(validation.errors)
        parts = ([f"{n_fields}处填报内容有误"] if n_fields else []) + ([f"{n_errors}个“错误”级问题"] if n_errors else [])
        super().__init__(f"拒绝生成：{'，'.join(parts)}，请修改后重新提交。\n" + "\n".join(validation.messages()))


@dataclass(slots=True)
class Submission:
    """A rendered report: its bytes, file name and media type, and the validation it passed."""

    data: bytes
    filename: str
    media_type: str
    validation: Validation




def submit(form: Mapping[str, Any], fmt: str = "docx", auto_totals: bool = True) -> Submission:
    """Validate the form and render the standard report (DOCX, PDF …), or raise :class:`FilingRefused`.

    The policy is that of ``zfxxgk render`` without ``--force``: any “错误” finding refuses (so does
    any input error here); warnings and hints do not, and are not printed in the document.
    """
    if fmt not in FORMATS:
        raise ValueError(f"不支持的输出格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    v = validate(form, auto_totals)
    if not v.ok:
        raise FilingRefused(v)
    report = v.report
    return Submission(render(report, fmt), document_name(report, fmt), MEDIA_TYPES[fmt], v)


def form_from_report(report: Report) -> dict[str, str]:
    """A report's data as form values (to pre-fill the form, e.g. from last year's report or an upload).

    A blank cell is an empty field; a placeholder or text keeps its source text (a field error to fix).
    """
    form: dict[str, str] = {
        "unit": report.unit or "",
        "year": str(report.year) if report.year is not None else "",
        "period_start": report.period[0].isoformat() if report.period else "",
        "period_end": report.period[1].isoformat() if report.period else "",
        "signed_unit": report.signed_unit or "",
        "signed_on": report.signed_on.isoformat() if report.signed_on else "",
        INTRO: report.intro.strip(),
    }
    for name, n in SECTION_FIELDS.items():
        section = report.sections.get(n)
        form[name] = "\n".join(line for line in section.text.split("\n") if line.strip()) if section else ""
    for cid in CELL_IDS:
        cell = report.cells[cid]
        form[cid] = str(json_number(cell.value)) if cell.value is not None else (cell.raw or "").strip()
    return form


__all__ = [
    "COMPUTED",
    "FieldSpec",
    "FilingRefused",
    "FormSchema",
    "RowSpec",
    "Submission",
    "TableSpec",
    "Validation",
    "fields_of",
    "fill_totals",
    "form_from_report",
    "form_schema",
    "section_field",
    "submit",
    "to_report",
    "validate",
]
