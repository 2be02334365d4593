"""DOCX reader: Word paragraphs and tables → the shared text parser, with Word locations as provenance.

Each table is expanded into its full grid (python-docx repeats a merged cell at every grid
position it covers; we keep its text at the first position only, so merges become spacers) and
written as a Markdown pipe table, whose columns the text parser reads reliably — a blank Word
cell stays blank. Cells then get a locator ``docx:表{t}行{r}列{c}`` instead of a text line.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..model import Report
from . import ParseError, check_archive
from .text import parse_text, relocate_grid

_WS = re.compile(r"[\t\r\n]+")
_MAX_CELLS = 200_000  # a hostile file with a gigantic table must not exhaust memory


def _cell_text(cell) -> str:
    # Runs are joined per paragraph (digits may be split across runs); paragraphs by <br>.
    text = "<br>".join(p.text for p in cell.paragraphs if p.text.strip())
    return _WS.sub(" ", text).replace("|", "｜").strip()


def docx_lines(data: bytes, source: str) -> tuple[list[str], dict[int, tuple[int, int]]]:
    """The document as text lines, and for each table line its (table, row) numbers (1-based)."""
    check_archive(data, source, "Word 文件")
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ParseError(source, f"无法打开 Word 文件：{e}") from None
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on broken files
        raise ParseError(source, f"无法打开 Word 文件：{type(e).__name__}: {e}") from None
    lines: list[str] = []
    where: dict[int, tuple[int, int]] = {}
    tables = 0
    cells_seen = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text.replace("\t", " "))
            # text boxes (w:txbxContent) hold paragraphs of their own that python-docx's text skips
            for box in child.iter(qn("w:txbxContent")):
                lines += [Paragraph(p, document).text.replace("\t", " ") for p in box.iter(qn("w:p"))]
        elif tag == "tbl":
            tables += 1
            table = DocxTable(child, document)
            lines.append("")
            above: list[object] = []
            for r, row in enumerate(table.rows, 1):
                cells = row.cells
                cells_seen += len(cells)
                if cells_seen > _MAX_CELLS:
                    raise ParseError(source, "Word 表格过大，无法处理")
                texts, prev = [], None
                for c, cell in enumerate(cells):
                    tc = cell._tc
                    repeated = tc is prev or (c < len(above) and above[c] is tc)
                    texts.append("" if repeated else _cell_text(cell))
                    prev = tc
                above = [cell._tc for cell in cells]
                where[len(lines) + 1] = (tables, r)
                lines.append("| " + " | ".join(texts) + " |")
            lines.append("")
    return lines, where


def parse_docx(data: bytes, source: str = "<docx>") -> Report:
    """Parse a Word report."""
    lines, where = docx_lines(data, source)
    report = parse_text("\n".join(lines), source)
    report.format = "docx"

    relocate_grid(report, lines, where, "docx")
    return report
