"""PDF reader (text layer): pdfium's text in reading order → the shared text parser.

PDF text arrives as lines whose cells are separated by single spaces (layout D of the spec):
the row reader splits labels from trailing numbers, wrapped labels are joined and page footers
dropped. A blank table cell leaves no trace in a text layer, so a row with a blank reads as
UNREADABLE (PARSE-ROW-AMBIGUOUS) — never as shifted numbers; the x-positions of the numbers put
them under their columns when they can. Cells get ``pdf:第{n}页[x0,y0,x1,y1]`` locators (PDF points).
A PDF without a text layer (a scan) goes to OCR.
"""

from __future__ import annotations

import re

from ..model import Report
from ..model.limits import LIMITS
from . import ParseError
from .positions import Token, locate_cells, place_blanks
from .text import parse_text


def pdf_pages(data: bytes, source: str) -> list[list[tuple[str, list[Token], list[Box]]]]:
    """Per page: its lines, each with its words' x-centres and boxes."""
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
        if len(pdf) > LIMITS.pdf_pages:
            raise ParseError(source, f"PDF 页数过多（{len(pdf)} 页，上限 {LIMITS.pdf_pages} 页）")
        pages = []
        for i in range(len(pdf)):
            try:
                page = pdf[i]  # a damaged page tree fails here, not at opening
            except pdfium.PdfiumError as e:
                raise ParseError(source, f"PDF 第 {i + 1} 页无法读取：{e}") from None
            try:
                textpage = page.get_textpage()
                pages.append(_lines_with_positions(textpage))
                textpage.close()
            except pdfium.PdfiumError as e:
                raise ParseError(source, f"PDF 第 {i + 1} 页无法读取：{e}") from None
            finally:
                page.close()
        return pages
    finally:
        pdf.close()


Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)


def _lines_with_positions(textpage) -> list[tuple[str, list[Token], list[Box]]]:
    """Pdfium's text in reading order, split into lines, with each word's x-centre and box.

    Character i of pdfium's text is character box i (line breaks are characters too).
    """
    text = textpage.get_text_range()
    lines: list[tuple[str, list[Token], list[Box]]] = []
    pos = 0
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        tokens: list[Token] = []
        boxes: list[Box] = []
        for m in re.finditer(r"\S+", line):
            first = textpage.get_charbox(pos + m.start())
            last = textpage.get_charbox(pos + m.end() - 1)
            box = (first[0], min(first[1], last[1]), last[2], max(first[3], last[3]))
            tokens.append((m.group(0), (box[0] + box[2]) / 2))
            boxes.append(box)
        lines.append((line, tokens, boxes))
        pos += len(raw) + 1
    return lines


def parse_pdf(data: bytes, source: str = "<pdf>") -> Report:
    """Parse a PDF report from its text layer."""
    pages = pdf_pages(data, source)
    if sum(len("".join(line.split())) for page in pages for line, _, _ in page) < 20:
        return _ocr_pdf(data, source)  # no text layer: a scan
    lines: list[str] = []
    page_of: list[int] = []
    boxes_of: list[list[tuple[str, Box]]] = []
    for n, page in enumerate(pages, 1):
        placed = place_blanks([(line, tokens) for line, tokens, _ in page])
        for line, (_, tokens, boxes) in zip(placed, page, strict=True):
            lines.append(line)
            page_of.append(n)
            boxes_of.append([(t, b) for (t, _x), b in zip(tokens, boxes, strict=True)])
    report = parse_text("\n".join(lines), source)
    report.format = "pdf"
    locate_cells(report, page_of, boxes_of, "pdf")
    return report


def _ocr_pdf(data: bytes, source: str) -> Report:
    import pypdfium2 as pdfium

    from .ocr import parse_images, render_pdf_pages

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ParseError(source, f"PDF 文件已损坏或格式不正确：{e}") from None
    try:
        return parse_images(render_pdf_pages(pdf, source), source, "pdf-scan")
    finally:
        pdf.close()
