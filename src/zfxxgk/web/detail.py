"""What the report page shows: the three tables with coloured cells, the source text, findings with anchors.

The tables come from :mod:`zfxxgk.render.layout` (the official layout with merged cells), so
the page looks like the printed standard. A cell is coloured by the worst finding that names
it; a blank, absent or unreadable cell says so in words and is styled apart from a real 0.
Each finding carries the source lines and cells it is about, collected from its evidence
spans and from its cells' spans, so that a click can scroll to and highlight them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .. import api
from ..check import RULES
from ..check.registry import Rule
from ..model import CELL, CellState, Report, Severity, Table
from ..model.evidence import EVIDENCE_CN, spans, value_cn
from ..model.ids import cell_label
from ..model.numbers import number_text
from ..parse import ParseError, decode_text
from ..parse.pages import PAGE_FORMATS, locator_place, page_png, page_sizes
from ..parse.rows import split_lines
from ..render.layout import LAYOUT_BUILDERS, LCell
from ..store import Store
from ..store.queries import DecisionRecord, finding_history

STATE_CN = {state: state.label for state in CellState}
SEVERITY_RANK = {s.value: s.rank for s in Severity}
FORMAT_CN = {
    "text/tsv": "文本（制表符分隔的表格）",
    "text/cells": "文本（每行一个单元格）",
    "text/grid": "文本（Markdown 表格）",
    "text/prose": "文本（未找到表格）",
    "docx": "Word（DOCX）",
    "html": "网页（HTML）",
    "pdf": "PDF",
    "image": "扫描图片",
    "xlsx": "Excel 填报模板",
    "data": "JSON/YAML 数据",
    "doc": "Word 97-2003（DOC）",
    "wps": "WPS 文字（WPS）",
    "rtf": "RTF 文档",
    "xls": "Excel 97-2003（XLS）",
    "ofd": "OFD 版式文档",
    "pdf-scan": "PDF（扫描件）",
}



def format_cn(fmt: str) -> str:
    """A stored format code in words (``text/grid`` → 文本（Markdown 表格）)."""
    return FORMAT_CN.get(fmt, FORMAT_CN.get(fmt.split("/")[0], fmt))
MAX_ANCHOR_LINES = 400  # a finding about a whole section highlights it, but not a whole book


@dataclass(slots=True)
class CellView:
    """A value cell of a table as shown."""

    id: str
    text: str
    state: str
    severity: str | None
    title: str
    line: int | None
    locator: str | None


@dataclass(slots=True)
class TableView:
    """One table: rows of (layout cell, value cell or None)."""

    table: Table
    title: str
    rows: list[list[tuple[LCell, CellView | None]]]


@dataclass(slots=True)
class FindingItem:
    """A finding with what it points at and its review decisions (latest first)."""

    id: int
    rule: str
    rule_page: str | None
    severity: str
    severity_cn: str
    message: str
    cells: list[str]
    cell_labels: list[str]
    evidence: dict[str, Any]
    fingerprint: str
    lines: list[int]
    locators: list[str]
    decisions: list[DecisionRecord] = field(default_factory=list)

    @property
    def decision(self) -> DecisionRecord | None:
        """The latest decision."""
        return self.decisions[0] if self.decisions else None

    @property
    def line_ranges(self) -> str:
        """``12-14,20`` for the page's script and for reading."""
        return _ranges(self.lines)


def _ranges(lines: Sequence[int]) -> str:
    out: list[str] = []
    start = prev = None
    for n in lines:
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(f"{start}-{prev}" if prev != start else str(start))
        start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else str(start))
    return ",".join(out)


# --- rules -------------------------------------------------------------------------------------


def rule_page(rule: Rule) -> str:
    """URL slug of a rule's reference page: its id without the parameter placeholder."""
    return rule.id.split("-{")[0]


@lru_cache(maxsize=1)
def _instance_index() -> dict[str, Rule]:
    index: dict[str, Rule] = {}
    for r in RULES.values():
        index[rule_page(r)] = r
        for instance, _ in r.instances():
            index[instance] = r
    return index


def find_rule(name: str) -> Rule | None:
    """The rule of an instance id (``T3-BALANCE-total``) or of a page slug (``T3-BALANCE``)."""
    return _instance_index().get(name)


def rule_sections(rule: Rule) -> list[tuple[str, list[str]]]:
    """The docstring as (section heading, paragraphs); the first section has no heading."""
    from ..check.registry import DOC_SECTIONS

    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in rule.doc.splitlines()[1:]:
        stripped = line.strip()
        if stripped in DOC_SECTIONS:
            sections.append((stripped, []))
        elif stripped:
            paras = sections[-1][1]
            if paras and not line.startswith(("    - ", "- ")) and paras[-1] != "":
                paras[-1] += "\n" + stripped
            else:
                paras.append(stripped)
        elif sections[-1][1] and sections[-1][1][-1] != "":
            sections[-1][1].append("")
    return [(h, [p for p in ps if p]) for h, ps in sections if h or any(ps)]


# --- source text -------------------------------------------------------------------------------


def source_lines(store: Store, report_id: int, fmt: str) -> list[str]:
    """The text whose line numbers the report's spans refer to ([] for formats without lines)."""
    return list(_source_lines(store, report_id, fmt))


@lru_cache(maxsize=32)
def _source_lines(store: Store, report_id: int, fmt: str) -> tuple[str, ...]:
    # Keyed by (store, report): stored sources never change. DOCX, HTML, PDF and scans are
    # read into a text by their parsers; parsing again gives the very text the spans refer to.
    name, data = store.source(report_id)
    try:
        if fmt.startswith("text") or fmt == "data":
            text = decode_text(data, name).lstrip("\ufeff")
        elif fmt == "xlsx":
            return ()
        else:
            text = api.parse(data, name).text
    except ParseError:
        return ()
    return tuple(split_lines(text)) if text else ()


# --- page images (PDF and scanned reports) ------------------------------------------------------


@dataclass(slots=True)
class PageView:
    """The pages of a PDF or scanned report, for the page view beside the text: sizes and cells' places."""

    sizes: list[tuple[float, float]]  # per page: width, height (PDF points, image pixels)
    boxes: bool  # whether cells carry boxes (a text-layer PDF) or only their page (OCR)
    first: int  # the page shown first: that of the first table cell found, else 1

    @property
    def pages(self) -> int:
        """Number of pages."""
        return len(self.sizes)


def page_view(store: Store, report_id: int, fmt: str, report: Report) -> PageView | None:
    """What the page view needs (None for formats without page images, or a file that no longer opens)."""
    if fmt not in PAGE_FORMATS:
        return None
    sizes = _page_sizes(store, report_id, fmt)
    if not sizes:
        return None
    places = [p for c in report.cells.values() if c.span is not None and (p := locator_place(c.span.locator))]
    first = min((p.page for p in places if p.page <= len(sizes)), default=1)
    return PageView(list(sizes), any(p.box is not None for p in places), first)


@lru_cache(maxsize=64)
def _page_sizes(store: Store, report_id: int, fmt: str) -> tuple[tuple[float, float], ...]:
    return tuple(page_sizes(store.source(report_id)[1], fmt))  # stored sources never change


@lru_cache(maxsize=24)
def page_image(store: Store, report_id: int, fmt: str, page: int) -> bytes:
    """Page ``page`` of a stored PDF or scanned report as PNG (ParseError when there is none)."""
    name, data = store.source(report_id)
    return page_png(data, fmt, page, name)


# --- building the page -------------------------------------------------------------------------


def cell_text(report: Report, cell_id: str) -> str:
    """What a value cell shows: its number, else its state in words (a blank is never 0)."""
    c = report.cells[cell_id]
    if c.state is CellState.NUMBER and c.value is not None:
        return number_text(c.value)
    if c.state in (CellState.DASH, CellState.NONE_WORD, CellState.TEXT) and c.raw:
        return c.raw
    return STATE_CN[c.state]


def _cell_view(report: Report, cell_id: str, severity: str | None) -> CellView:
    c = report.cells[cell_id]
    line = c.span.line if c.span and c.span.line > 0 else None
    locator = c.span.locator if c.span and c.span.locator else None
    where = locator or (f"原文第 {line} 行" if line else "")
    parts = [cell_label(cell_id), f"状态：{STATE_CN[c.state]}"]
    if c.raw not in (None, ""):
        parts.append(f"原文：“{c.raw}”")
    if where:
        parts.append(f"位置：{where}")
    return CellView(cell_id, cell_text(report, cell_id), c.state.value, severity, "；".join(parts), line, locator)


def tables(report: Report, worst: dict[str, str]) -> list[TableView]:
    """The three tables laid out as in the standard, with cell views."""
    out = []
    for table, build in LAYOUT_BUILDERS.items():
        layout = build()
        rows = [[(lc, _cell_view(report, lc.cell_id, worst.get(lc.cell_id)) if lc.cell_id else None) for lc in row]
                for row in layout.rows]
        out.append(TableView(table, f"{table.cn} {table.title}", rows))
    return out


@dataclass(slots=True)
class CorrectionRow:
    """A cell in the correction form: its Chinese labels, what it shows now and the source line it was read from."""

    id: str
    table: str  # 表二
    row: str
    column: str
    text: str
    line: int | None
    source: str  # the text of that line ("" when the format has no lines)
    locator: str | None


def correction_rows(report: Report, lines: Sequence[str]) -> list[tuple[str, list[CorrectionRow]]]:
    """Every canonical cell by table (``表二 主动公开政府信息情况`` → rows) for the correction form."""
    out: dict[Table, list[CorrectionRow]] = {}
    for cid, spec in CELL.items():
        c = report.cells[cid]
        line = c.span.line if c.span and c.span.line > 0 else None
        source = lines[line - 1].strip().replace("\t", " | ") if line is not None and line <= len(lines) else ""
        label = cell_label(cid)  # 表三·（三）不予公开1.属于国家秘密·自然人: the row keeps its group
        row = label[len(spec.table.cn) + 1:len(label) - len(spec.column_label) - 1]
        out.setdefault(spec.table, []).append(CorrectionRow(
            cid, spec.table.cn, row, spec.column_label, cell_text(report, cid), line, source[:200],
            c.span.locator if c.span and c.span.locator else None))
    return [(f"{t.cn} {t.title}", rows) for t, rows in out.items()]


def worst_severity(findings: Iterable[FindingItem]) -> dict[str, str]:
    """Cell id → the worst severity among the findings that name the cell."""
    worst: dict[str, str] = {}
    for f in findings:
        for cid in f.cells:
            if cid in CELL and (cid not in worst or SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst[cid]]):
                worst[cid] = f.severity
    return worst


def _anchor(report: Report, cells: Sequence[str], evidence: dict[str, Any]) -> tuple[list[int], list[str]]:
    lines: set[int] = set()
    locators: list[str] = []
    for span in spans(evidence):
        start = span["line"]
        end = span.get("end_line") if isinstance(span.get("end_line"), int) else start
        if start > 0:
            lines.update(range(start, min(max(end, start), start + MAX_ANCHOR_LINES) + 1))
        if span.get("locator"):
            locators.append(str(span["locator"]))
    for cid in cells:
        c = report.cells.get(cid)
        if c is not None and c.span is not None:
            if c.span.line > 0:
                lines.add(c.span.line)
            if c.span.locator:
                locators.append(c.span.locator)
    return sorted(lines), list(dict.fromkeys(locators))


def finding_items(store: Store, report_id: int, report: Report) -> list[FindingItem]:
    """The current version's findings (errors first) with anchors and review decisions (latest first)."""
    rows, decisions = finding_history(store, report_id)
    items = []
    for f in rows:
        rule = find_rule(f.rule)
        lines, locators = _anchor(report, f.cells, f.evidence)
        items.append(FindingItem(
            f.id, f.rule, rule_page(rule) if rule else None, f.severity, Severity(f.severity).cn, f.message, f.cells,
            [cell_label(c) if c in CELL else c for c in f.cells], f.evidence, f.fingerprint, lines, locators,
            decisions.get(f.fingerprint, []),
        ))
    items.sort(key=lambda i: SEVERITY_RANK.get(i.severity, 9))
    return items


def evidence_items(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """The evidence as short (Chinese name, text) pairs for reading (spans, bookkeeping and the message's own
    values left out).
    """
    hidden = {"rule_id", "severity", "span", "fields"}
    return [(EVIDENCE_CN.get(k, k), _short(value_cn(k, v))) for k, v in evidence.items() if k not in hidden]


def _short(v: Any, limit: int = 300) -> str:
    import json

    if isinstance(v, str):
        text = v
    else:
        text = json.dumps(_strip_spans(v), ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + "…"


def _strip_spans(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip_spans(x) for k, x in v.items() if k != "span"}
    if isinstance(v, list):
        return [_strip_spans(x) for x in v]
    return v
