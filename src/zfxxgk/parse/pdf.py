"""PDF reader (text layer): pdfium's text in reading order → the shared text parser.

PDF text arrives as lines whose cells are separated by single spaces (layout D of the spec):
the row reader splits labels from trailing numbers, wrapped labels are joined and page footers
dropped. A blank table cell leaves no trace in a text layer, so a row with a blank reads as
UNREADABLE (PARSE-ROW-AMBIGUOUS) — never as shifted numbers. Cells get ``pdf:第{n}页`` locators.
A PDF without a text layer (a scan) needs OCR.
"""

from __future__ import annotations

import re

from ..model import Report
from . import ParseError
from .positions import Token, place_blanks
from .text import parse_text, relocate

MAX_PAGES = 500


def pdf_pages(data: bytes, source: str) -> list[list[tuple[str, list[Token]]]]:
    """Per page: its lines, each with its tokens (space-separated words) and their x-centres."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        reason = str(e)
        if "password" in reason.lower():
            raise ParseError(source, "PDF 文件已加密（需要密码），无法读取") from None
        raise ParseError(source, f"PDF 文件已损坏或格式不正确：{reason}") from None
    try:
        if len(pdf) == 0:
            raise ParseError(source, "PDF 文件没有页面")
        if len(pdf) > MAX_PAGES:
            raise ParseError(source, f"PDF 页数过多（{len(pdf)} 页，上限 {MAX_PAGES} 页）")
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(_lines_with_positions(textpage))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _lines_with_positions(textpage) -> list[tuple[str, list[Token]]]:
    """Pdfium's text in reading order, split into lines; character i of the text is char box i."""
    text = textpage.get_text_range()
    lines: list[tuple[str, list[Token]]] = []
    pos = 0
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        tokens: list[Token] = []
        for m in re.finditer(r"\S+", line):
            left = textpage.get_charbox(pos + m.start())[0]
            right = textpage.get_charbox(pos + m.end() - 1)[2]
            tokens.append((m.group(0), (left + right) / 2))
        lines.append((line, tokens))
        pos += len(raw) + 1
    return lines


def parse_pdf(data: bytes, source: str = "<pdf>") -> Report:
    """Parse a PDF report from its text layer."""
    pages = pdf_pages(data, source)
    if sum(len("".join(line.split())) for page in pages for line, _ in page) < 20:
        return _ocr_pdf(data, source)  # no text layer: a scan
    lines: list[str] = []
    page_of: list[int] = []
    for n, page in enumerate(pages, 1):
        for line in place_blanks(page):
            lines.append(line)
            page_of.append(n)
    report = parse_text("\n".join(lines), source)
    report.format = "pdf"
    relocate(report, lambda s: f"pdf:第{page_of[s.line - 1]}页第{s.line}行" if 0 < s.line <= len(page_of) else None)
    return report


def _ocr_pdf(data: bytes, source: str) -> Report:
    import pypdfium2 as pdfium

    from .ocr import parse_images, render_pdf_pages

    pdf = pdfium.PdfDocument(data)
    try:
        return parse_images(render_pdf_pages(pdf), source, "pdf-scan")
    finally:
        pdf.close()
