"""The parts of a standard report, in order, for every document writer.

A writer walks :func:`blocks` and lays out each block in its own format, so that the title,
the six sections with standard headings, the tables and the signature come out the same in
HTML, DOCX, PDF and Markdown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model import Finding, Report, Table
from ..model.ids import SECTION_TITLES, TABLE_SECTION, section_heading
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
    if not intro and report.year:
        intro = [f"本报告所列数据统计期间为{report.year}年1月1日至{report.year}年12月31日。"]
    for p in intro:
        yield Block("paragraph", p)
    tables = {n: t for t, n in TABLE_SECTION.items()}
    for n in SECTION_TITLES:
        section = report.sections.get(n)
        yield Block("heading", section_heading(n))
        body = paragraphs(section.text) if section else []
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
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


__all__ = ["Block", "PLACEHOLDER_TEXT", "Table", "blocks", "paragraphs", "title_of"]
