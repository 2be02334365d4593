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
from ..model.limits import LIMITS
from . import ParseError, check_archive
from .text import parse_text, relocate_grid

_WS = re.compile(r"[\t\r\n]+")
_SPAN = re.compile(r"^\s*\d{1,9}\s*$")  # digits only: int() of a hostile 5,000-digit value is slow


def _cell_text(cell) -> str:
    # Runs are joined per paragraph (digits may be split across runs); paragraphs by <br>.
    text = "<br>".join(p.text for p in cell.paragraphs if p.text.strip())
    return _WS.sub(" ", text).replace("|", "｜").strip()


def docx_lines(data: bytes, source: str) -> tuple[list[str], dict[int, tuple[int, int]]]:
    """The document as text lines, and for each table line its (table, row) numbers (1-based)."""
    check_archive(data, source, "Word 文件")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ParseError(source, f"无法打开 Word 文件：{e}") from None
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on broken files
        raise ParseError(source, f"无法打开 Word 文件：{type(e).__name__}: {e}") from None
    try:
        return _walk(document, source)
    except ParseError:
        raise
    except Exception as e:  # noqa: BLE001 - python-docx validates attributes lazily, raising many kinds
        raise ParseError(source, f"Word 文件内容格式不正确：{type(e).__name__}: {str(e)[:200]}") from None


def _walk(document, source: str) -> tuple[list[str], dict[int, tuple[int, int]]]:
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    where: dict[int, tuple[int, int]] = {}
    tables = 0
    cells_seen = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""  # comments have no str tag
        if tag == "p":
            lines.append(Paragraph(child, document).text.replace("\t", " "))
            # text boxes (w:txbxContent) hold paragraphs of their own that python-docx's text skips
            for box in child.iter(qn("w:txbxContent")):
                lines += [Paragraph(p, document).text.replace("\t", " ") for p in box.iter(qn("w:p"))]
        elif tag == "tbl":
            tables += 1
            lines.append("")
            for r, texts in enumerate(_grid_rows(child, document, source, tables), 1):
                cells_seen += len(texts)
                if cells_seen > LIMITS.grid_cells:
                    raise ParseError(source, f"Word 表格过大（超过 {LIMITS.grid_cells} 个单元格），无法处理")
                where[len(lines) + 1] = (tables, r)
                lines.append("| " + " | ".join(texts) + " |")
            lines.append("")
    return lines, where


def _grid_rows(tbl, document, source: str, number: int):
    """The texts of a table's rows on its layout grid, a merged cell's text at its first position only.

    The grid is built here rather than by python-docx's ``row.cells``: that trusts ``w:gridSpan``
    (``4294967296`` loops for ever), raises on a non-numeric one, and follows a vertical merge
    upwards recursively (a long merge overflows the stack). Spans are checked before any cell is
    made; a vertical continuation takes the cell above it, if any, without recursion.
    """
    from docx.oxml.ns import qn
    from docx.table import _Cell

    w_tc, w_tcpr, w_span, w_vmerge, w_val = qn("w:tc"), qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:val")
    above: list[object] = []  # the cell element (first of its merge) at each grid column of the row above
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr")), 1):
        texts: list[str] = []
        roots: list[object] = []
        for tc in tr.iterchildren(w_tc):
            pr = tc.find(w_tcpr)
            span, merged = 1, False
            if pr is not None:
                grid = pr.find(w_span)
                if grid is not None:
                    raw = grid.get(w_val, "1")
                    if not _SPAN.match(raw) or int(raw) > LIMITS.span:
                        raise ParseError(source, f"Word 表格{number}第{r}行有单元格合并列数为“{raw[:20]}”"
                                                 f"（上限 {LIMITS.span} 列），文件可能已损坏，未读取")
                    span = max(1, int(raw))  # Word draws 0 as 1
                vmerge = pr.find(w_vmerge)
                merged = vmerge is not None and vmerge.get(w_val, "continue") == "continue"
            c = len(roots)
            root = above[c] if merged and c < len(above) else tc
            for k in range(span):
                repeated = k > 0 or root is not tc
                texts.append("" if repeated else _cell_text(_Cell(tc, document)))
                roots.append(root)
            if len(roots) > LIMITS.grid_cells:
                raise ParseError(source, f"Word 表格过大（超过 {LIMITS.grid_cells} 个单元格），无法处理")
        above = roots
        yield texts


def parse_docx(data: bytes, source: str = "<docx>") -> Report:
    """Parse a Word report."""
    lines, where = docx_lines(data, source)
    report = parse_text("\n".join(lines), source)
    report.format = "docx"

    relocate_grid(report, lines, where, "docx")
    return report
