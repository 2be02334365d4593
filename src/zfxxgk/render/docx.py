"""DOCX writer (python-docx): real Word tables with merged cells, 宋体/黑体 declared for East Asian text."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..model import Finding, Report
from .document import Block, blocks
from .html import COLUMN_WIDTHS
from .layout import TableLayout, value_text

BODY_FONT = ("Times New Roman", "宋体")  # (Latin, East Asian)
HEADING_FONT = ("Times New Roman", "黑体")
TEXT_WIDTH_CM = 16.0


def _font(run_or_style, fonts: tuple[str, str], size: float | None = None, bold: bool | None = None) -> None:
    """Set Latin and East Asian font names (Word needs w:eastAsia for Chinese)."""
    font = run_or_style.font
    font.name = fonts[0]
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), fonts[1])
    rfonts.set(qn("w:ascii"), fonts[0])
    rfonts.set(qn("w:hAnsi"), fonts[0])


def _paragraph(doc, text: str, *, fonts=BODY_FONT, size=12.0, bold=False, align=None, indent=True):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), fonts, size, bold)
    return p


def _table(doc, layout: TableLayout, report: Report) -> None:
    table = doc.add_table(rows=len(layout.rows), cols=layout.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(TEXT_WIDTH_CM * w / 100) for w in COLUMN_WIDTHS[layout.table.value]]
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
    grid = table._cells  # once: table.cell(r, c) re-reads the whole table on every call
    n = layout.columns
    taken = [[False] * layout.columns for _ in layout.rows]
    for r, row in enumerate(layout.rows):
        c = 0
        for lc in row:
            while taken[r][c]:
                c += 1
            for dr in range(lc.rowspan):
                for dc in range(lc.colspan):
                    taken[r + dr][c + dc] = True
            cell = grid[r * n + c]
            if lc.rowspan > 1 or lc.colspan > 1:  # spans are disjoint: the corner cell is still unmerged
                cell = cell.merge(grid[(r + lc.rowspan - 1) * n + c + lc.colspan - 1])
            text = value_text(report, lc.cell_id) if lc.cell_id else lc.text
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if (not lc.header and not lc.cell_id) else WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(text), BODY_FONT, 9)
            c += lc.colspan


def _block(doc, b: Block, report: Report) -> None:
    if b.kind == "title":
        _paragraph(doc, b.text, fonts=HEADING_FONT, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    elif b.kind == "heading":
        _paragraph(doc, b.text, fonts=HEADING_FONT, size=14, indent=True)
    elif b.kind == "paragraph":
        _paragraph(doc, b.text)
    elif b.kind == "table" and b.table is not None:
        _table(doc, b.table, report)
    elif b.kind == "signature":
        for line in b.lines:
            _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    elif b.kind == "appendix":
        _paragraph(doc, b.text, fonts=HEADING_FONT, size=14)
        for i, line in enumerate(b.lines, 1):
            _paragraph(doc, f"{i}. {line}", size=10.5, indent=False)


def render_docx(report: Report, findings: Sequence[Finding] = ()) -> bytes:
    """The report as a .docx file (bytes)."""
    doc = Document()
    normal = doc.styles["Normal"]
    _font(normal, BODY_FONT, 12)
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    for b in blocks(report, findings):
        _block(doc, b, report)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
