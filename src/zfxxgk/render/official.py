"""Official documents of the review (审核意见书, 工作建议书, 通报): one neutral block list, written as DOCX,
HTML and PDF.

The writers are deterministic: the same document gives the same bytes (a DOCX's package parts carry a
fixed date and fixed core properties; the PDF carries no creation date), so a
document can be generated again and compared, or archived by its hash.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from .html import FONT_STACK

FIXED_TIME = dt.datetime(2000, 1, 1)  # DOCX core properties: no varying timestamps
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
AUTHOR = "zfxxgk 政府信息公开工作年度报告审核系统"


@dataclass(frozen=True, slots=True)
class Card:
    """An indicator: its value, how it is computed, and the change from the previous year."""

    label: str
    value: str
    formula: str = ""
    change: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of a document: ``heading``, ``paragraph``, ``cards``, ``table``, ``items`` or ``note``."""

    kind: str
    text: str = ""
    cards: tuple[Card, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()  # table column widths in %, summing to 100
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OfficialDocument:
    """A whole document: title, an optional line under it (文号, addressee), blocks and the signature."""

    title: str
    subtitle: str = ""
    addressee: str = ""
    blocks: list[Block] = field(default_factory=list)
    signature: tuple[str, ...] = ()  # issuing organ, date


# --- HTML / PDF ---------------------------------------------------------------------------------

CSS = f"""
@page {{ size: A4; margin: 2.5cm 2.3cm 2.4cm 2.3cm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: {FONT_STACK}; font-size: 10pt; }} }}
body {{ font-family: {FONT_STACK}; font-size: 12pt; line-height: 1.6; color: #000; }}
h1 {{ font-size: 20pt; text-align: center; font-weight: bold; margin: 0 0 0.3em; color: #b00000; letter-spacing: 0.05em; }}
.subtitle {{ text-align: center; margin: 0 0 0.4em; font-size: 11pt; }}
hr.red {{ border: none; border-top: 2pt solid #b00000; margin: 0.4em 0 1em; }}
.addressee {{ text-indent: 0; margin: 0 0 0.4em; }}
h2 {{ font-size: 14pt; font-weight: bold; margin: 0.9em 0 0.4em; }}
p {{ text-indent: 2em; margin: 0.25em 0; }}
p.note {{ text-indent: 0; font-size: 9pt; color: #333; }}
ol.items {{ margin: 0.2em 0 0.6em 1.6em; padding: 0; }}
ol.items li {{ margin: 0.15em 0; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.4em 0 0.8em; font-size: 9.5pt; }}
th, td {{ border: 0.6pt solid #000; padding: 2pt 4pt; vertical-align: top; overflow-wrap: anywhere; }}
th {{ background: #eee; font-weight: bold; text-align: center; }}
tr {{ page-break-inside: avoid; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 6pt; margin: 0.4em 0 0.8em; }}
.card {{ border: 0.8pt solid #555; border-radius: 3pt; padding: 4pt 6pt; width: 31%; box-sizing: border-box;
  page-break-inside: avoid; }}
.card .label {{ font-size: 9pt; color: #333; }}
.card .value {{ font-size: 16pt; font-weight: bold; margin: 1pt 0; }}
.card .formula, .card .change {{ font-size: 8pt; color: #333; line-height: 1.35; }}
.signature {{ text-align: right; margin-top: 2em; }}
.signature p {{ text-indent: 0; margin: 0; }}
"""


def _html_block(b: Block) -> str:
    if b.kind == "heading":
        return f"<h2>{escape(b.text)}</h2>"
    if b.kind == "paragraph":
        return f"<p>{escape(b.text)}</p>"
    if b.kind == "note":
        return f'<p class="note">{escape(b.text)}</p>'
    if b.kind == "items":
        return '<ol class="items">' + "".join(f"<li>{escape(t)}</li>" for t in b.lines) + "</ol>"
    if b.kind == "cards":
        cards = []
        for c in b.cards:
            cards.append('<div class="card">'
                         f'<div class="label">{escape(c.label)}</div><div class="value">{escape(c.value)}</div>'
                         + (f'<div class="formula">计算：{escape(c.formula)}</div>' if c.formula else "")
                         + (f'<div class="change">{escape(c.change)}</div>' if c.change else "") + "</div>")
        return '<div class="cards">' + "".join(cards) + "</div>"
    if b.kind == "table":
        cols = "".join(f'<col style="width:{w:.1f}%">' for w in b.widths)
        head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in b.header) + "</tr>"
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in b.rows)
        return f"<table><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody></table>"
    raise ValueError(f"unknown block kind {b.kind!r}")


def render_official_html(doc: OfficialDocument) -> str:
    """The document as one self-contained HTML page (also the source of the PDF)."""
    parts = [f"<h1>{escape(doc.title)}</h1>"]
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{escape(doc.subtitle)}</p>')
    parts.append('<hr class="red">')
    if doc.addressee:
        parts.append(f'<p class="addressee">{escape(doc.addressee)}</p>')
    parts += [_html_block(b) for b in doc.blocks]
    if doc.signature:
        parts.append('<div class="signature">' + "".join(f"<p>{escape(s)}</p>" for s in doc.signature) + "</div>")
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(doc.title)}</title><style>{CSS}</style></head><body>\n" + "\n".join(parts)
            + "\n</body></html>\n")


def render_official_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes (WeasyPrint)."""
    from .pdf import RenderError

    try:
        from weasyprint import HTML
    except OSError as e:  # pango/cairo missing: the set-up script installs them
        raise RenderError(f"无法加载 PDF 排版组件（WeasyPrint）：{e}；请先运行 scripts/setup") from e
    # WeasyPrint writes no creation date unless the page asks for one, and derives the file identifier
    # from the content: the same document gives the same bytes (tests/app/test_documents.py)
    return HTML(string=render_official_html(doc)).write_pdf()


# --- DOCX ---------------------------------------------------------------------------------------


def render_official_docx(doc: OfficialDocument) -> bytes:
    """The document as a .docx file: real Word tables, 宋体/黑体 declared for East Asian text."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    from .docx import BODY_FONT, HEADING_FONT, _font

    document = Document()
    _font(document.styles["Normal"], BODY_FONT, 12)
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.3)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.4)
    width_cm = 21 - 4.6

    def para(text: str, *, fonts=BODY_FONT, size=12.0, bold=False, align=None, indent=True, color=None):
        p = document.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        _font(run, fonts, size, bold)
        if color is not None:
            run.font.color.rgb = color
        return p

    def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], size: float = 9.5):
        t = document.add_table(rows=1 + len(rows), cols=len(header))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        cells = t._cells  # once: t.cell(r, c) re-reads the table on every call
        n = len(header)
        for r, row in enumerate([list(header), *map(list, rows)]):
            for c, text in enumerate(row):
                cell = cells[r * n + c]
                if widths:
                    cell.width = Cm(width_cm * widths[c] / 100)
                p = cell.paragraphs[0]
                if r == 0:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(p.add_run(text), HEADING_FONT if r == 0 else BODY_FONT, size, r == 0)
        return t

    red = RGBColor(0xB0, 0x00, 0x00)
    para(doc.title, fonts=HEADING_FONT, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, color=red)
    if doc.subtitle:
        para(doc.subtitle, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if doc.addressee:
        para(doc.addressee, indent=False)
    for b in doc.blocks:
        if b.kind == "heading":
            para(b.text, fonts=HEADING_FONT, size=14, indent=False)
        elif b.kind == "paragraph":
            para(b.text)
        elif b.kind == "note":
            para(b.text, size=9, indent=False)
        elif b.kind == "items":
            for i, line in enumerate(b.lines, 1):
                para(f"{i}. {line}", size=11, indent=False)
        elif b.kind == "cards":
            # a grid of three cards a row: label, value, formula, change in each cell
            per = 3
            rows = [b.cards[i:i + per] for i in range(0, len(b.cards), per)]
            t = document.add_table(rows=len(rows), cols=per)
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            cells = t._cells
            for r, group in enumerate(rows):
                for c in range(per):
                    cell = cells[r * per + c]
                    cell.width = Cm(width_cm / per)
                    if c >= len(group):
                        continue
                    card = group[c]
                    p = cell.paragraphs[0]
                    _font(p.add_run(card.label), BODY_FONT, 9)
                    _font(cell.add_paragraph().add_run(card.value), HEADING_FONT, 16, True)
                    if card.formula:
                        _font(cell.add_paragraph().add_run(f"计算：{card.formula}"), BODY_FONT, 8)
                    if card.change:
                        _font(cell.add_paragraph().add_run(card.change), BODY_FONT, 8)
        elif b.kind == "table":
            table(b.header, b.rows, b.widths)
        else:
            raise ValueError(f"unknown block kind {b.kind!r}")
    for i, line in enumerate(doc.signature):
        p = para(line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        if i == 0:
            p.paragraph_format.space_before = Pt(24)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = doc.title, AUTHOR, AUTHOR
    props.created = props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    props.comments = props.keywords = props.subject = props.category = ""
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The package again with every entry dated :data:`ZIP_TIME` (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


FORMATS = {"docx": render_official_docx, "pdf": render_official_pdf}
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "pdf": "application/pdf"}


def render_official(doc: OfficialDocument, fmt: str) -> bytes:
    """The document as ``docx``, ``pdf`` or ``html`` (UTF-8)."""
    if fmt == "html":
        return render_official_html(doc).encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(f"不支持的格式：{fmt}（可选：docx、pdf、html）")
    return FORMATS[fmt](doc)
