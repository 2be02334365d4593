"""Writers: every output format carries the same 200 cells and header facts; the template round-trips."""

from __future__ import annotations

import datetime as dt
import io
import json
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import SEEDS
from zfxxgk.cli import EXIT_FINDINGS, EXIT_OK, app
from zfxxgk.model import CELL_IDS, CellState
from zfxxgk.model.ids import t3
from zfxxgk.model.template import COVER_SHEET, ID_SHEET, TEXT_SHEET
from zfxxgk.parse import parse_bytes, parse_file, parse_text
from zfxxgk.render import render, render_template
from zfxxgk.render.layout import LAYOUT_BUILDERS

runner = CliRunner()


class _CellCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: dict[str, str] = {}
        self._id: str | None = None

    def handle_starttag(self, tag, attrs):
        self._id = dict(attrs).get("data-cell") if tag == "td" else None
        if self._id:
            self.cells[self._id] = ""

    def handle_data(self, data):
        if self._id:
            self.cells[self._id] += data

    def handle_endtag(self, tag):
        self._id = None


@pytest.fixture(params=SEEDS, ids=[p.stem[:3] for p in SEEDS])
def seed_report(request):
    return parse_file(request.param)


def expected_texts(report) -> dict[str, str]:
    return {i: "" if report.cells[i].value is None else str(report.to_dict()["cells"][i]) for i in CELL_IDS}


def test_html_holds_every_cell(seed_report):
    html = render(seed_report, "html").decode("utf-8")
    collector = _CellCollector()
    collector.feed(html)
    assert collector.cells == expected_texts(seed_report)
    assert html.count("<table") == 3 and 'rowspan="22"' in html and 'colspan="10"' in html


def test_markdown_and_text_layouts_parse_back(seed_report):
    for fmt, layout in (("md", "tsv"), ("txt", "cells"), ("txt", "grid")):
        back = parse_text(render(seed_report, fmt, layout=layout).decode("utf-8"))
        assert back.to_dict()["cells"] == seed_report.to_dict()["cells"], (fmt, layout)
        assert (back.unit, back.year, back.period) == (seed_report.unit, seed_report.year, seed_report.period)


def test_docx_tables_have_the_official_merges_and_values(seed_report):
    import docx

    document = docx.Document(io.BytesIO(render(seed_report, "docx")))
    assert len(document.tables) == 3
    want = expected_texts(seed_report)
    for table, layout in zip(document.tables, (b() for b in LAYOUT_BUILDERS.values()), strict=True):
        assert len(table.rows) == len(layout.rows) and len(table.columns) == layout.columns
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(layout.rows):
            c = 0
            for lc in row:
                while (r, c) in taken:
                    c += 1
                taken |= {(r + dr, c + dc) for dr in range(lc.rowspan) for dc in range(lc.colspan)}
                cell = table.cell(r, c)
                if lc.cell_id:
                    assert cell.text == want[lc.cell_id], lc.cell_id
                else:
                    assert cell.text == lc.text
                if lc.rowspan > 1 or lc.colspan > 1:  # a real merge: every covered position is the same cell
                    assert table.cell(r + lc.rowspan - 1, c + lc.colspan - 1)._tc is cell._tc
                c += lc.colspan
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"


def test_pdf_is_typeset_with_a_cjk_font():
    import pypdfium2 as pdfium

    report = parse_file(SEEDS[2])
    pdf = pdfium.PdfDocument(render(report, "pdf"))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert len(pdf) >= 2
    for s in ("安丘市官庄镇人民政府2023年政府信息公开工作年度报告", "本年新收政府信息公开申请数量", "复议后起诉", "申请人情况"):
        assert s in "".join(text.split()), s


def _fill(book_bytes: bytes, values: dict[str, object], texts: list[str] | None = None) -> bytes:
    """Fill a template the way a clerk would: every input cell, cover facts, section texts."""
    wb = load_workbook(io.BytesIO(book_bytes))
    ids = {r[0]: (r[1], r[2]) for r in wb[ID_SHEET].iter_rows(min_row=2, values_only=True)}
    for cid, (sheet, ref) in ids.items():
        cell = wb[sheet][ref]
        if not (isinstance(cell.value, str) and cell.value.startswith("=")):
            cell.value = values.get(cid, 0)
    cover = wb[COVER_SHEET]
    for row in cover.iter_rows(min_row=4, max_col=2):
        label = row[0].value
        row[1].value = {
            "单位名称": "测试县东风镇人民政府", "报告年度": 2024, "统计期间起始日期": dt.date(2024, 1, 1),
            "统计期间截止日期": dt.date(2024, 12, 31), "落款单位": "测试县东风镇人民政府", "落款日期": dt.date(2025, 1, 20),
        }.get(label, row[1].value)
    sheet = wb[TEXT_SHEET]
    for i, text in enumerate(texts or GOOD_TEXTS, start=2):
        sheet.cell(i, 3, text)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_TEXTS = [
    "本报告所列数据统计期间为2024年1月1日至2024年12月31日。联系电话：0536-1234567。",
    "2024年，我镇做好主动公开、依申请公开、政府信息管理、平台建设和监督保障工作，纳入年度考核，开展社会评议，未发生责任追究。",
    "", "", "",
    "（一）2023年问题整改情况。已完成整改。（二）存在的主要问题。公开不够及时，存在不足。（三）改进措施。下一步将加强培训，完善制度。",
    "本年度未收取信息处理费。落实政务公开工作要点。人大代表建议和政协提案办理结果已公开。创新开展公开日活动。",
]
CONSISTENT = {t3("new_received", "natural_person"): 3, t3("granted", "natural_person"): 2, t3("carried_forward", "natural_person"): 1}


def test_template_filled_reads_back_with_computed_totals(tmp_path):
    book = _fill(render_template(), CONSISTENT)
    report = parse_bytes(book, "filled.xlsx")
    assert report.cells[t3("new_received", "total")].value == 3  # formula evaluated, no cached value needed
    assert report.cells[t3("total_processed", "natural_person")].value == 2
    assert (report.unit, report.year, report.signed_on) == ("测试县东风镇人民政府", 2024, dt.date(2025, 1, 20))
    assert report.cells[t3("granted", "natural_person")].span.locator.startswith("表三!")


def test_blank_operand_makes_the_total_blank_not_zero():
    report = parse_bytes(_fill(render_template(), {**CONSISTENT, t3("granted", "research"): None}), "x.xlsx")
    assert report.cells[t3("granted", "research")].state is CellState.BLANK
    assert report.cells[t3("granted", "total")].state is CellState.BLANK


def test_template_render_docx_and_pdf_tables_carry_the_numbers(tmp_path):
    src = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", str(src)]).exit_code == 0
    src.write_bytes(_fill(src.read_bytes(), CONSISTENT))
    for fmt in ("docx", "pdf", "html", "md", "txt"):
        result = runner.invoke(app, ["render", str(src), "--to", fmt])
        assert result.exit_code == EXIT_OK, result.output
        assert (tmp_path / f"t.{fmt}").stat().st_size > 0
    want = parse_bytes(src.read_bytes(), "t.xlsx").to_dict()["cells"]
    assert parse_text((tmp_path / "t.md").read_text(encoding="utf-8")).to_dict()["cells"] == want
    assert parse_file(tmp_path / "t.docx").to_dict()["cells"] == want  # the Word tables read back
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(tmp_path / "t.pdf"))
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert parse_text(text).to_dict()["cells"] == want  # and so does the PDF's text layer


def test_render_refuses_an_unbalanced_table_3(tmp_path):
    src = tmp_path / "bad.xlsx"
    src.write_bytes(_fill(render_template(), {t3("new_received", "natural_person"): 3, t3("granted", "natural_person"): 2}))
    result = runner.invoke(app, ["render", str(src), "--to", "docx"])
    assert result.exit_code == EXIT_FINDINGS
    assert "拒绝生成" in result.stderr and "T3-BALANCE-total" in result.stderr and "勾稽关系不成立" in result.stderr
    assert not (tmp_path / "bad.docx").exists()
    forced = runner.invoke(app, ["render", str(src), "--to", "html", "--force"])
    assert forced.exit_code == EXIT_OK
    html = (tmp_path / "bad.html").read_text(encoding="utf-8")
    assert "附录：校验发现的问题" in html and "勾稽关系不成立" in html


def test_json_and_yaml_input(tmp_path):
    record = parse_file(SEEDS[0]).to_dict()
    src = tmp_path / "r.json"
    src.write_text(json.dumps({**record, "sections": {}}, ensure_ascii=False), encoding="utf-8")
    report = parse_file(src)
    assert report.to_dict()["cells"] == record["cells"] and report.unit == record["unit"]
    y = tmp_path / "r.yaml"
    y.write_text("unit: 某镇人民政府\nyear: 2024\ncells:\n  t3.new_received.total: 2\n  t3.granted.total: null\n", encoding="utf-8")
    r2 = parse_file(y)
    assert r2.cells[t3("new_received", "total")].value == 2
    assert r2.cells[t3("granted", "total")].state is CellState.BLANK
    assert r2.cells[t3("granted", "natural_person")].state is CellState.ABSENT


def test_bad_data_input_is_a_clear_error(tmp_path):
    from zfxxgk.parse import ParseError

    bad = tmp_path / "bad.json"
    bad.write_text('{"cells": {"t9.nothing": 1}}', encoding="utf-8")
    with pytest.raises(ParseError) as e:
        parse_file(bad)
    assert "未知的单元格编号" in e.value.reason


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_pdf_text_layer_parses_back_to_the_same_numbers(seed):
    """The rendered PDF's text layer (pdfium, in reading order) reads back to the same 200 cells."""
    import pypdfium2 as pdfium

    report = parse_file(seed)
    pdf = pdfium.PdfDocument(render(report, "pdf"))
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    back = parse_text(text, "rendered.pdf")
    assert (back.unit, back.year, back.period, back.signed_on) == (report.unit, report.year, report.period, report.signed_on)
    assert sorted(back.sections) == [1, 2, 3, 4, 5, 6]
    assert not [n for n in back.notes if n.kind.value in ("label_variant", "row_unknown")]
    want, got = report.to_dict()["cells"], back.to_dict()["cells"]
    if not any(c.state is CellState.BLANK for c in report.cells.values()):
        assert got == want
        return
    # A blank leaves no trace in extracted text: its row cannot be assigned and reads as unreadable,
    # never as shifted numbers (positions will come from the PDF parser's character boxes).
    assert all(got[i] in (want[i], None) for i in CELL_IDS)
    ambiguous = {i for n in back.notes if n.kind.value == "row_ambiguous" for i in n.data["cells"]}
    assert {i for i in CELL_IDS if got[i] != want[i]} <= ambiguous
