"""HTML reader: a report page (GBK/GB18030/UTF-8, portal chrome, nested layout tables) → Report.

The page is reduced to its main content, then written as text lines for the shared text parser:
block elements become lines, and every *data* table (one with no table inside) is expanded into
its full grid — rowspan/colspan filled, the spanned text kept at the first position only — and
written as a Markdown pipe table, so that columns stay reliable and blank cells stay blank.
Cells get a locator ``html:表{t}行{r}列{c}``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass

from ..model import Report
from ..model.limits import LIMITS
from . import ParseError
from .header import find_index_number, to_date
from .text import parse_text, relocate_grid

_PUBLISHED = re.compile(r"(?:发布日期|发布时间|发文日期)\s*[:：]\s*([0-9０-９]{4})\s*[-/.年]\s*([0-9０-９]{1,2})\s*[-/.月]\s*([0-9０-９]{1,2})")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_WS = re.compile(r"\s+")
_BLOCKS = {
    "p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr",
    "table", "center", "blockquote", "pre", "dd", "dt", "dl", "header", "footer", "main", "form", "hr",
}
_SKIP = {"script", "style", "noscript", "head", "iframe", "select", "option", "button", "svg", "template"}
_TABLE_HINTS = ("第二十条", "申请人情况", "勾稽关系", "行政复议", "本年新收")
_CONTENT_HINTS = ("总体情况", "年度报告")
# Layout tags dropped from a page nested too deep to parse (block ones still end a line).
_LAYOUT_BLOCK = re.compile(
    r"<\s*/?\s*(?:div|section|article|main|header|footer|nav|aside|center|blockquote|form|ul|ol|li|dl|dd|dt|p|h[1-6])\b[^>]*>",
    re.I,
)
_LAYOUT_INLINE = re.compile(r"<\s*/?\s*(?:span|font|b|strong|em|i|u|a|small|big|label)\b[^>]*>", re.I)
# Codecs a page may name but is never written in: decoding with them would turn "\\u0031" or bytes
# into characters (numbers) the page does not show.
_NOT_PAGE_CODECS = ("utf-16", "utf-32", "utf-7", "unicode-escape", "raw-unicode-escape", "punycode", "idna")


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
            if codecs.lookup(enc).name.startswith(_NOT_PAGE_CODECS):
                continue  # the declaration was read as ASCII bytes: no 2- or 4-byte encoding, no escape codec
            return data.decode(enc)
        except (LookupError, UnicodeError):  # unknown names, and codecs that always fail ("undefined")
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
    chain = [node, *node.iterancestors()]
    # The lowest one whose text holds the hint. Joining each ancestor's text anew costs depth × size
    # (hundreds of nested <div>s around a large page): one pass records where each one's text lies.
    hint = _CONTENT_HINTS[0]
    text, spans = _text_spans(root, set(chain))
    found = []  # where the hint starts in text, in order
    at = text.find(hint)
    while at >= 0:
        found.append(at)
        at = text.find(hint, at + 1)
    for node in chain[:-1]:
        start, end = spans[node]
        k = bisect_left(found, start)
        if k < len(found) and found[k] + len(hint) <= end:
            return node
    return chain[-1]


def _text_spans(root, wanted: set) -> tuple[str, dict]:
    """``"".join(root.itertext())`` and, for each element in ``wanted``, where its own itertext() lies in it.

    The same walk as lxml's itertext (text at an element's start; the tail of a comment, PI or
    closed element, except the root's own tail).
    """
    from lxml import etree

    parts: list[str] = []
    pos = 0
    spans: dict = {}
    for event, el in etree.iterwalk(root, events=("start", "comment", "pi", "end")):
        if event == "start":
            if el in wanted:
                spans[el] = [pos, pos]
            piece = el.text
        else:
            if event == "end" and el in wanted:
                spans[el][1] = pos
            piece = el.tail if el is not root else None
        if piece:
            parts.append(piece)
            pos += len(piece)
    return "".join(parts), spans


def _grid(table, source: str, left: int) -> list[list[str]]:
    """A data table as a full grid (spans filled; the text at each span's first position only).

    ``left``: grid cells the page may still fill (a page's tables share one budget: a few hundred
    bytes of rowspan/colspan make ~200,000 cells, and a page may hold many such tables).
    """
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
            if len(grid) > left:
                raise _too_large(source)
            c += cs
            width = max(width, c)
    height = len(rows)
    if height * width > left:  # spans to the right of short rows fill the whole width
        raise _too_large(source)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def _too_large(source: str) -> ParseError:
    return ParseError(source, f"网页表格过大（合并单元格展开后超过 {LIMITS.grid_cells} 个单元格），超出正常年度报告的范围，无法处理")


def _span(v: str | None) -> int:
    text = str(v).strip()
    if len(text) > 9:  # int() of a long digit run is slow (and raises beyond 4,300 digits)
        return LIMITS.span if text.isdigit() else 1
    try:
        return max(1, min(LIMITS.span, int(text or 1)))
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


def _parse(text: str, source: str):
    """The page's element tree, or None when the parser dropped elements nested too deep."""
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (ValueError, lxml.etree.ParserError) as e:
        raise ParseError(source, f"无法解析网页：{e}") from None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        return None
    return root


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the page around the report says of it (its chrome, not its content): the CMS's <meta> tags
    first (TRS/WCM write ArticleTitle, PubDate, ContentSource, ColumnName), then what the page shows.
    """

    title: str | None = None  # ArticleTitle, else the <title>
    published: dt.date | None = None  # PubDate, else the visible 发布日期/发布时间
    index_no: str | None = None  # the 索引号 of the page's metadata table
    source: str | None = None  # ContentSource, else the visible 发布机构/来源
    column: str | None = None  # ColumnName
    article_title: bool = False  # the title is the CMS's ArticleTitle (no site name around it)


_META_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})")
_PUBLISHER = re.compile(r"(?:发布机构|发文机关|发布单位|信息来源|来\s*源)\s*[:：]\s*([^\s:：|｜]{2,40})")


def page_facts(root) -> PageFacts:
    """A parsed page's own account of itself."""
    metas = {(m.get("name") or "").strip().lower(): (m.get("content") or "").strip() for m in root.iter("meta")}
    page_text = _text(root)
    article = metas.get("articletitle") or None
    title = article or next((_text(t) for t in root.iter("title")), None)
    published = None
    if (m := _META_DATE.search(metas.get("pubdate") or metas.get("publishdate") or metas.get("firstpublishedtime") or "")):
        published = to_date(*m.groups())
    if published is None and (m := _PUBLISHED.search(page_text)):
        published = to_date(*m.groups())
    source = metas.get("contentsource") or None
    if source is None and (m := _PUBLISHER.search(page_text)):
        source = m.group(1)
    return PageFacts(title or None, published, find_index_number(page_text), source, metas.get("columnname") or None,
                     article is not None)


def read_page_facts(data: bytes, source: str) -> PageFacts:
    """:func:`page_facts` of a page's bytes (an empty account when the page cannot be parsed)."""
    try:
        root = _parse(decode_html(data, source), source)
    except ParseError:
        root = None
    return page_facts(root) if root is not None else PageFacts()


def html_lines(data: bytes, source: str) -> tuple[list[str], dict[int, tuple[int, int]], PageFacts]:
    """The page as text lines, the (table, row) of each table line, and the page's own facts."""
    text = decode_html(data, source)
    root = _parse(text, source)
    if root is None:
        # libxml2 drops whatever lies deeper than 256 elements (layout <div>s nested by a broken CMS):
        # without the layout tags the tables are within reach again.
        root = _parse(_LAYOUT_BLOCK.sub("<br>", _LAYOUT_INLINE.sub("", text)), source)
        if root is None:
            raise ParseError(source, "网页元素嵌套层级过深（表格多层相互嵌套），其中的表格无法完整读取")
    facts = page_facts(root)
    content = _main_content(root)
    lines: list[str] = []
    where: dict[int, tuple[int, int]] = {}
    tables = 0
    cells_left = LIMITS.grid_cells
    current = [""]

    def flush() -> None:
        if current[0].strip():
            lines.append(_WS.sub(" ", current[0]).strip())
        current[0] = ""

    def walk(node) -> None:
        nonlocal tables, cells_left
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            if node.tail:
                current[0] += node.tail
            return
        if tag == "table" and node.find(".//table") is None:
            flush()
            tables += 1
            lines.append("")
            grid = _grid(node, source, cells_left)
            cells_left -= sum(map(len, grid))
            for r, row in enumerate(grid, 1):
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
    return lines, where, facts


def parse_html(data: bytes, source: str = "<html>") -> Report:
    """Parse a report web page."""
    lines, where, facts = html_lines(data, source)
    title = facts.title if facts.article_title and facts.title and "年度报告" in facts.title else next(
        (part for part in re.split(r"[_|｜]|\s-\s|——", facts.title or "") if "年度报告" in part), None)
    if title and not any("年度报告" in x and "。" not in x and len(x) <= 80 for x in lines[:3]):
        lines = [title.strip(), "", *lines]  # the title sits in the page chrome, not in the content
        where = {k + 2: v for k, v in where.items()}
    report = parse_text("\n".join(lines), source)
    report.format = "html"
    report.published_on = facts.published  # the portal's 发布日期 (spec §1.2: preferred to the signature date)
    report.index_no = report.index_no or facts.index_no
    if report.unit is None:  # neither title nor signature names it: the page's 发布机构 does
        report.unit = facts.source

    relocate_grid(report, lines, where, "html")
    return report
