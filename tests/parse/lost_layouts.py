"""Text that lost its table structure, made from the project's own rendered reports (issue 19).

Each function turns a :class:`Report` into the text a real collection holds for it:

* ``glued``: the HTML page's text with no separator between elements (lxml ``text_content()``);
  each table row keeps its line, its cells run together (``一、本年新收…数量2000103``);
* ``glued_line``: the same with every line break gone (crawler ``page.txt``): one line;
* ``pdf_cells``: one text segment a line, as plain ``pdftotext`` gives a table;
* ``pdf_blocks``: plain ``pdftotext`` of a table whose numbers come after all its labels, column by
  column;
* ``pdf_wrapped``: PDF text line by line with long labels wrapped over three lines and the row's
  numbers on the middle line (vertically centred cells);
* ``md_ocr``: PDF/OCR → Markdown: generic headers (数据1…), rows split over several table rows,
  table 2's captions detached from their tables, a spurious header row inside table 3, table 4 in
  three small tables.

They are test material: no writer of the project makes them.
"""

from __future__ import annotations

from collections.abc import Callable

from zfxxgk.model import Report
from zfxxgk.render import render
from zfxxgk.render.document import blocks
from zfxxgk.render.layout import expand


def glued(report: Report) -> bytes:
    import lxml.html

    return lxml.html.document_fromstring(render(report, "html").decode("utf-8")).text_content().encode("utf-8")


def glued_line(report: Report) -> bytes:
    return b"".join(glued(report).split(b"\n"))


def pdf_cells(report: Report) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(render(report, "pdf"))
    out = []
    for i in range(len(pdf)):
        tp = pdf[i].get_textpage()
        out += [tp.get_text_bounded(*tp.get_rect(k)).strip() for k in range(tp.count_rects())]
    return "\n".join(x for x in out if x).encode("utf-8")


def _document(report: Report, table: Callable[[int, list[list[str]]], list[str]]) -> bytes:
    """The report as plain text, each table written by ``table(number, grid)``."""
    lines: list[str] = []
    number = 1
    for b in blocks(report, ()):
        if b.kind == "table" and b.table is not None:
            number += 1
            lines += table(number, expand(b.table, report))
        elif b.kind in ("signature", "appendix"):
            lines += list(b.lines) if b.kind == "signature" else [b.text, *b.lines]
        else:
            lines.append(b.text)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _is_number(s: str) -> bool:
    return s.replace(".", "", 1).isdigit()


def _one_per_line(grid: list[list[str]]) -> list[str]:
    return [c for row in grid for c in row if c.strip()]


def pdf_blocks(report: Report) -> bytes:
    def table(number: int, grid: list[list[str]]) -> list[str]:
        if number != 3:
            return _one_per_line(grid)
        data = [row for row in grid if any(_is_number(c) or c == "" for c in row[3:]) and any(row[:3])
                and sum(_is_number(c) for c in row[3:]) == 7]
        header = [row for row in grid if row not in data]
        labels = [c for row in data for c in row[:3] if c.strip()]
        numbers = [row[3 + j] for j in range(7) for row in data]  # column by column
        return _one_per_line(header) + labels + numbers

    return _document(report, table)


def _wrap(label: str, width: int) -> list[str]:
    return [label[i:i + width] for i in range(0, len(label), width)] or [""]


def pdf_wrapped(report: Report) -> bytes:
    def table(number: int, grid: list[list[str]]) -> list[str]:
        out = []
        for row in grid:
            label = "".join(c for c in row[:3] if c.strip()) if number == 3 else row[0]
            values = [c for c in (row[3:] if number == 3 else row[1:]) if c.strip()]
            if number == 4 or not values:
                out.append("  ".join(c for c in row if c.strip()))
                continue
            parts = _wrap(label, 12)
            if len(parts) < 3:
                out.append(label + "  " + "  ".join(values))
                continue
            mid = len(parts) // 2
            out += parts[:mid] + [parts[mid] + "  " + "  ".join(values)] + parts[mid + 1:]
        return out

    return _document(report, table)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def md_ocr(report: Report) -> bytes:
    def table(number: int, grid: list[list[str]]) -> list[str]:
        out: list[str] = []
        if number == 2:
            for row in grid:
                if row[0].startswith("第二十条"):
                    out += ["", row[0], ""]  # the caption detached from its table
                    out += [_md_row(["数据1", "数据2", "数据3", "数据4"]), _md_row(["---"] * 4)]
                else:
                    out.append(_md_row(row))
            return out
        if number == 4:
            head = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            values = grid[-1]
            for k, name in enumerate(("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")):
                out += ["", name, "", _md_row(head), _md_row(["---"] * 5), _md_row(values[5 * k:5 * k + 5]), ""]
            return out
        width = len(grid[0])
        out += [_md_row([f"数据{i + 1}" for i in range(width)]), _md_row(["---"] * width)]
        for k, row in enumerate(grid):
            label = "".join(c for c in row[:3] if c.strip())
            if k == 12:
                out.append(_md_row([f"数据{i + 1}" for i in range(width)]))  # a page break's header again
            if len(label) > 16 and any(_is_number(c) for c in row[3:]):
                out.append(_md_row([label[:10]] + [""] * (width - 1)))  # the row split over two
                out.append(_md_row([label[10:], "", "", *row[3:]]))
            else:
                out.append(_md_row(row))
        return out

    return _document(report, table)


LOST: dict[str, Callable[[Report], bytes]] = {
    "glued": glued,
    "glued-line": glued_line,
    "pdf-cells": pdf_cells,
    "pdf-blocks": pdf_blocks,
    "pdf-wrapped": pdf_wrapped,
    "md-ocr": md_ocr,
}
