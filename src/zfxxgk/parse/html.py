"""HTML reader: a report page (GBK/GB18030/UTF-8, portal chrome, nested layout tables) → Report.

The page is reduced to its main content, then written as text lines for the shared text parser:
block elements become lines, and every *data* table (one with no table inside) is expanded into
its full grid — rowspan/colspan filled, the spanned text kept at the first position only — and
written as a Markdown pipe table, so that columns stay reliable and blank cells stay blank.
Cells get a locator ``html:表{t}行{r}列{c}``.
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import Report
from . import ParseError
from .header import to_date
from .text import parse_text, relocate_grid

_PUBLISHED = re.compile(r"(?:发布日期|发布时间|发文日期)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_WS = re.compile(r"\s+")
_BLOCKS = {
    "p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr",
    "table", "center", "blockquote", "pre", "dd", "dt", "dl", "header", "footer", "main", "form", "hr",
}
_SKIP = {"script", "style", "noscript", "head", "iframe", "select", "option", "button", "svg", "template"}
_TABLE_HINTS = ("第二十条", "申请人情况", "勾稽关系", "行政复议", "本年新收")
_CONTENT_HINTS = ("总体情况", "年度报告")
MAX_SPAN = 60
MAX_GRID_CELLS = 200_000


def decode_html(data: bytes, source: str) -> str:
    """Text of an HTML page: BOM, then the declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    m = _CHARSET.search(data[:4096])
    candidates = [m.group(1).decode("ascii", "ignore").lower()] if m else []
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        enc = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(enc, enc)
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def _text(el) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip()


def _main_content(root):
    """The element holding the report: the lowest common ancestor of its data tables, widened to its headings."""
    tables = [t for t in root.iter("table") if t.find(".//table") is None and any(h in _text(t) for h in _TABLE_HINTS)]
    if not tables:
        return root
    ancestors = [set(t.iterancestors()) for t in tables]
    common = set.intersection(*ancestors) if len(ancestors) > 1 else ancestors[0] | {tables[0]}
    node = next((a for a in tables[0].iterancestors() if a in common), root)
    while node.getparent() is not None and not all(h in _text(node) for h in _CONTENT_HINTS[:1]):
        node = node.getparent()
    return node


def _grid(table, source: str) -> list[list[str]]:
    """A data table as a full grid (spans filled; the text at each span's first position only)."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.iter("tr")]
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            cs, rs = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            text = "<br>".join(_WS.sub(" ", t).strip() for t in _lines(cell) if t.strip()).replace("|", "｜")
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            if len(grid) > MAX_GRID_CELLS:
                raise ParseError(source, "网页表格过大，无法处理")
            c += cs
            width = max(width, c)
    height = len(rows)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def _span(v: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(v).strip() or 1)))
    except ValueError:  # a malformed span is read as 1, never a crash
        return 1


def _lines(el) -> list[str]:
    """Text of an element split at its <br> and block children."""
    out = [""]

    def walk(node) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            if node.tail:
                out[-1] += node.tail
            return
        if tag in _BLOCKS and out[-1].strip():
            out.append("")
        if node.text and tag:
            out[-1] += node.text
        for child in node:
            walk(child)
        if tag in _BLOCKS and out[-1].strip():
            out.append("")
        if node.tail:
            out[-1] += node.tail

    for child in el:
        walk(child)
    if el.text:
        out[0] = el.text + out[0]
    return [x for x in out if x.strip()]


def html_lines(
    data: bytes, source: str
) -> tuple[list[str], dict[int, tuple[int, int]], str | None, dt.date | None]:
    """The page as text lines, the (table, row) of each table line, the page's title and its 发布日期."""
    import lxml.html

    text = decode_html(data, source)
    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as e:
        raise ParseError(source, f"无法解析网页：{e}") from None
    page_title = next((_text(t) for t in root.iter("title")), None)
    m = _PUBLISHED.search(_text(root))
    published = to_date(*m.groups()) if m else None
    content = _main_content(root)
    lines: list[str] = []
    where: dict[int, tuple[int, int]] = {}
    tables = 0
    current = [""]

    def flush() -> None:
        if current[0].strip():
            lines.append(_WS.sub(" ", current[0]).strip())
        current[0] = ""

    def walk(node) -> None:
        nonlocal tables
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            if node.tail:
                current[0] += node.tail
            return
        if tag == "table" and node.find(".//table") is None:
            flush()
            tables += 1
            lines.append("")
            for r, row in enumerate(_grid(node, source), 1):
                where[len(lines) + 1] = (tables, r)
                lines.append("| " + " | ".join(row) + " |")
            lines.append("")
        else:
            if tag in _BLOCKS:
                flush()
            if node.text and tag:
                current[0] += node.text
            for child in node:
                walk(child)
            if tag in _BLOCKS:
                flush()
        if node.tail:
            current[0] += node.tail

    walk(content)
    flush()
    return lines, where, page_title, published


def parse_html(data: bytes, source: str = "<html>") -> Report:
    """Parse a report web page."""
    lines, where, page_title, published = html_lines(data, source)
    title = next((part for part in re.split(r"[_|｜]|\s-\s|——", page_title or "") if "年度报告" in part), None)
    if title and not any("年度报告" in x and "。" not in x and len(x) <= 80 for x in lines[:3]):
        lines = [title.strip(), "", *lines]  # the title sits in the page chrome, not in the content
        where = {k + 2: v for k, v in where.items()}
    report = parse_text("\n".join(lines), source)
    report.format = "html"
    report.published_on = published  # the portal's 发布日期 (spec §1.2: preferred to the signature date)

    relocate_grid(report, lines, where, "html")
    return report
