"""The parts of a standard report, in order, for every document writer.

A writer walks :func:`blocks` and lays out each block in its own format, so that the title,
the six sections with standard headings, the tables and the signature come out the same in
HTML, DOCX, PDF and Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model import Finding, Report, Table
from ..model.dates import DATE, states_period, to_date
from ..model.ids import SECTION_TITLES, TABLE_SECTION, section_heading
from ..model.text import squash
from .layout import LAYOUT_BUILDERS, TableLayout

PLACEHOLDER_TEXT = "（无）"


@dataclass(frozen=True, slots=True)
class Block:
    """One part of the document."""

    kind: str  # title | paragraph | heading | table | signature | appendix
    text: str = ""
    table: TableLayout | None = None
    lines: tuple[str, ...] = ()


def title_of(report: Report) -> str:
    """The standard title: ``{unit}{year}年政府信息公开工作年度报告``."""
    return f"{report.unit or ''}{report.year or ''}年政府信息公开工作年度报告"


def paragraphs(text: str) -> list[str]:
    """Non-empty lines of a text, stripped of whitespace and Markdown heading markers."""
    return [p for line in text.split("\n") if (p := line.strip().lstrip("#").strip())]


def blocks(report: Report, findings: Sequence[Finding] = ()) -> Iterator[Block]:
    """The document, block by block."""
    yield Block("title", title_of(report))
    intro = paragraphs(report.intro)
    # the period is a header fact (the template's cover holds it apart from the 前言 text): a 前言 that
    # does not state it must not drop it, or the document loses a fact the report has
    # (a report with no period at all gets the calendar year only when it has no 前言 either, as before)
    if not states_period([report.intro, *(s.text for s in report.sections.values())]) and (report.period or not intro):
        intro.extend(p for p in [period_sentence(report)] if p)
    for p in intro:
        yield Block("paragraph", p)
    tables = {n: t for t, n in TABLE_SECTION.items()}
    last = max(report.sections, default=None)
    for n in SECTION_TITLES:
        section = report.sections.get(n)
        yield Block("heading", section_heading(n))
        # a parsed report's last section ends with the signature, which is printed once, below
        text = (strip_signature(section.text, report) if n == last else section.text) if section else ""
        body = paragraphs(text)
        for p in body:
            yield Block("paragraph", p)
        if n in tables:
            yield Block("table", table=LAYOUT_BUILDERS[tables[n]]())
        elif not body:
            yield Block("paragraph", PLACEHOLDER_TEXT)
    signature = [x for x in (report.signed_unit or report.unit, _cn_date(report)) if x]
    if signature:
        yield Block("signature", lines=tuple(signature))
    if findings:
        yield Block(
            "appendix",
            "附录：校验发现的问题",
            lines=tuple(f"{f.severity.cn} {f.rule}：{f.message}" for f in findings),
        )


def _cn_date(report: Report) -> str:
    d = report.signed_on
    return _cn(d) if d else ""


def _cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def period_sentence(report: Report) -> str:
    """The statistics-period sentence: the report's stated period, else its calendar year ("" if neither)."""
    if report.period:
        start, end = report.period
        return f"本报告所列数据统计期间为{_cn(start)}至{_cn(end)}。"
    if report.year:
        return f"本报告所列数据统计期间为{report.year}年1月1日至{report.year}年12月31日。"
    return ""


def _is_signature_line(line: str, report: Report) -> bool:
    s = squash(line.strip().lstrip("#"))
    if not s:
        return False
    if s in {squash(u) for u in (report.signed_unit, report.unit) if u}:
        return True
    m = DATE.fullmatch(s)
    return m is not None and report.signed_on is not None and to_date(*m.groups()) == report.signed_on


def strip_signature(text: str, report: Report) -> str:
    """``text`` without the signature lines (unit, date) at its end, which the writers print themselves."""
    lines = text.split("\n")
    dropped = 0
    while lines and dropped < 2:
        if not lines[-1].strip():
            lines.pop()
        elif _is_signature_line(lines[-1], report):
            lines.pop()
            dropped += 1
        else:
            break
    return "\n".join(lines) if dropped else text


__all__ = ["Block", "PLACEHOLDER_TEXT", "Table", "blocks", "paragraphs", "period_sentence", "strip_signature", "title_of"]
