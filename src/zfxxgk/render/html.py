"""HTML writer: the standard report as one self-contained page (also the source of the PDF)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..model import Finding, Report
from .document import Block, blocks, title_of
from .layout import TableLayout, value_text

FONT_STACK = '"SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Noto Sans CJK SC", serif'
CSS = f"""
@page {{ size: A4; margin: 2.2cm 2cm 2.2cm 2cm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: {FONT_STACK}; font-size: 10pt; }} }}
body {{ font-family: {FONT_STACK}; font-size: 12pt; line-height: 1.6; color: #000; max-width: 60em; margin: auto; }}
h1 {{ font-size: 18pt; text-align: center; font-weight: bold; margin: 0.5em 0 1em; }}
h2 {{ font-size: 14pt; font-weight: bold; margin: 1em 0 0.5em; }}
p {{ text-indent: 2em; margin: 0.3em 0; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.6em 0 1em; font-size: 9pt; page-break-inside: auto; }}
th, td {{ border: 0.6pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; }}
th {{ font-weight: normal; }}
td.label {{ text-align: left; }}
td.value {{ font-variant-numeric: tabular-nums; height: 1.6em; }}
tr {{ page-break-inside: avoid; }}
.signature {{ text-align: right; margin-top: 2em; }}
.signature p {{ text-indent: 0; margin: 0; }}
.appendix {{ margin-top: 2em; border-top: 1pt solid #000; }}
.appendix li {{ font-size: 10pt; }}
"""


# Column widths (%) per table: labels wide enough for the standard wording, numbers equal.
COLUMN_WIDTHS = {
    "t2": (28, 24, 24, 24),
    "t3": (9, 9, 26, *([8] * 7)),
    "t4": tuple([100 / 15] * 15),
}


def render_table(layout: TableLayout, report: Report) -> str:
    """One standard table with its merged cells (ids kept in data attributes)."""
    widths = "".join(f'<col style="width:{w:.2f}%">' for w in COLUMN_WIDTHS[layout.table.value])
    out = [f'<table class="{layout.table.value}">', f"<colgroup>{widths}</colgroup>"]
    for row in layout.rows:
        cells = []
        for c in row:
            span = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
            if c.cell_id:
                cells.append(f'<td class="value" data-cell="{c.cell_id}"{span}>{escape(value_text(report, c.cell_id))}</td>')
            elif c.header:
                cells.append(f"<th{span}>{escape(c.text)}</th>")
            else:
                cells.append(f'<td class="label"{span}>{escape(c.text)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _block(b: Block, report: Report) -> str:
    if b.kind == "title":
        return f"<h1>{escape(b.text)}</h1>"
    if b.kind == "heading":
        return f"<h2>{escape(b.text)}</h2>"
    if b.kind == "paragraph":
        return f"<p>{escape(b.text)}</p>"
    if b.kind == "table" and b.table is not None:
        return render_table(b.table, report)
    if b.kind == "signature":
        return '<div class="signature">' + "".join(f"<p>{escape(x)}</p>" for x in b.lines) + "</div>"
    if b.kind == "appendix":
        items = "".join(f"<li>{escape(x)}</li>" for x in b.lines)
        return f'<section class="appendix"><h2>{escape(b.text)}</h2><ol>{items}</ol></section>'
    raise ValueError(f"unknown block {b.kind}")


def render_html(report: Report, findings: Sequence[Finding] = ()) -> str:
    """The report as an HTML document (UTF-8)."""
    body = "\n".join(_block(b, report) for b in blocks(report, findings))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title_of(report))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
