"""PDF reader (text layer): pdfium's text in reading order → the shared text parser.

PDF text arrives as lines whose cells are separated by single spaces (layout D of the spec):
the row reader splits labels from trailing numbers, wrapped labels are joined and page footers
dropped. A blank table cell leaves no trace in a text layer, so a row with a blank reads as
UNREADABLE (PARSE-ROW-AMBIGUOUS) — never as shifted numbers. Cells get ``pdf:第{n}页`` locators.
A PDF without a text layer (a scan) needs OCR.
"""

from __future__ import annotations

import re

from ..model import Report, Span
from . import ParseError
from .text import parse_text

MAX_PAGES = 500


_NUM = re.compile(r"^(?:-?\d[\d,]*(?:\.\d+)?|[/／—–-]|无)$")
Token = tuple[str, float]  # text, x-centre


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


def _numeric_tail(tokens: list[Token]) -> list[Token]:
    k = len(tokens)
    while k > 0 and _NUM.match(tokens[k - 1][0]):
        k -= 1
    return tokens[k:]


def _place_blanks(lines: list[tuple[str, list[Token]]], widths: tuple[int, ...] = (7, 15)) -> list[str]:
    """Rows of a table with some numbers missing: put each number under its column, blanks elsewhere.

    For a table width W (7 for table 3, 15 for table 4), column centres come from the rows of
    the page with exactly W numbers; a nearby row with W−3 … W−1 numbers is rewritten as a pipe
    row with explicit blank cells, but only when every number falls clearly under a distinct
    column. Anything else is left as it is, and reads as ambiguous rather than shifted.
    """
    out = [line for line, _ in lines]
    tails = [_numeric_tail(toks) for _, toks in lines]
    for width in widths:
        full = [i for i, t in enumerate(tails) if len(t) == width]
        if len(full) < 2:
            continue
        centres = [sum(tails[i][c][1] for i in full) / len(full) for c in range(width)]
        gap = min(b - a for a, b in zip(centres, centres[1:]))
        if gap <= 0:
            continue
        for i in range(max(0, full[0] - 3), min(len(lines), full[-1] + 4)):
            if width - 3 <= len(tails[i]) < width:
                out[i] = _as_grid_row(lines[i][0], tails[i], centres, gap) or out[i]
    return out


def _as_grid_row(line: str, tail: list[Token], centres: list[float], gap: float) -> str | None:
    slots: dict[int, str] = {}
    for text, x in tail:
        c = min(range(len(centres)), key=lambda n: abs(centres[n] - x))
        if c in slots or abs(centres[c] - x) > gap / 2:
            return None
        slots[c] = text
    label = line.rstrip()
    for text, _ in reversed(tail):
        label = label[: label.rfind(text)].rstrip()
    return "| " + label + " | " + " | ".join(slots.get(c, "") for c in range(len(centres))) + " |"


def parse_pdf(data: bytes, source: str = "<pdf>") -> Report:
    """Parse a PDF report from its text layer."""
    pages = pdf_pages(data, source)
    if sum(len("".join(line.split())) for page in pages for line, _ in page) < 20:
        raise ParseError(source, "PDF 没有文字层（可能是扫描件），需要 OCR 识别，暂不支持")
    lines: list[str] = []
    page_of: list[int] = []
    for n, page in enumerate(pages, 1):
        for line in _place_blanks(page):
            lines.append(line)
            page_of.append(n)
    report = parse_text("\n".join(lines), source)
    report.format = "pdf"
    for cell in report.cells.values():
        s = cell.span
        if s is not None and 0 < s.line <= len(page_of):
            cell.span = Span(s.line, s.col, s.end_line, s.end_col, f"pdf:第{page_of[s.line - 1]}页第{s.line}行")
    return report
