"""Old office formats (.doc, .wps, .rtf, .xls): the project's own DOCX and Excel template, converted to
the old format by LibreOffice, read back through the converter to the original's cells.

They skip with the reason when LibreOffice is missing, unless ``ZFXXGK_REQUIRE_SOFFICE=1`` (CI, whose
scripts/setup installs it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from zfxxgk.model import CellState
from zfxxgk.parse import ParseError, detect_format, office, parse_bytes, parse_file
from zfxxgk.render import render, render_template

REQUIRED = os.environ.get("ZFXXGK_REQUIRE_SOFFICE") == "1"


@pytest.fixture(scope="module")
def soffice() -> str:
    program = office.soffice()
    if program is None:
        reason = "LibreOffice（soffice）未安装：运行 scripts/setup 安装后可测"
        if REQUIRED:
            pytest.fail(f"ZFXXGK_REQUIRE_SOFFICE=1 but {reason}")
        pytest.skip(reason)
    return program


def to_old(program: str, data: bytes, suffix: str, target: str, tmp: Path) -> bytes:
    """``data`` (a .docx or .xlsx) converted by LibreOffice to ``target`` (doc, rtf, xls)."""
    src = tmp / f"in{suffix}"
    src.write_bytes(data)
    subprocess.run([program, "--headless", "--norestore", f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                    "--convert-to", target, "--outdir", str(tmp), str(src)], check=True, capture_output=True, timeout=180)
    return (tmp / f"in.{target}").read_bytes()


SEED = next(p for p in SEEDS if p.name.startswith("001"))  # has a blank cell, which must stay blank


@pytest.mark.parametrize("target", ["doc", "rtf"])
def test_word_report_in_an_old_format_reads_back(soffice, tmp_path, target):
    report = parse_file(SEED)
    original = parse_bytes(render(report, "docx"), "r.docx")
    data = to_old(soffice, render(report, "docx"), ".docx", target, tmp_path)
    assert detect_format(data, "") == target
    back = parse_bytes(data, f"r.{target}")
    assert back.format == target
    assert back.to_dict()["cells"] == original.to_dict()["cells"] == report.to_dict()["cells"]
    assert (back.unit, back.year, back.period, back.signed_on) == (report.unit, report.year, report.period, report.signed_on)
    assert back.cells["t3.granted.natural_person"].state is CellState.BLANK
    assert str(back.cells["t3.granted.natural_person"].span).startswith("docx:表")


def test_a_doc_named_wps_reads_as_wps(soffice, tmp_path):
    data = to_old(soffice, render(parse_file(SEED), "docx"), ".docx", "doc", tmp_path)
    assert detect_format(data, "r.wps") == "wps"
    back = parse_bytes(data, "r.wps")
    assert back.format == "wps"
    assert back.to_dict()["cells"] == parse_file(SEED).to_dict()["cells"]


def test_excel_template_as_xls_reads_back(soffice, tmp_path):
    xlsx = render_template(parse_file(SEED))
    original = parse_bytes(xlsx, "r.xlsx")
    data = to_old(soffice, xlsx, ".xlsx", "xls", tmp_path)
    assert detect_format(data, "") == "xls"
    back = parse_bytes(data, "r.xls")
    assert back.format == "xls"
    assert back.to_dict()["cells"] == original.to_dict()["cells"]


def workbook_like_the_docx(docx_bytes: bytes) -> bytes:
    """A portal's own spreadsheet of the report: the Word document's paragraphs in column A, its tables
    cell for cell (a merged cell's text at its first position), numbers as numbers, one sheet.
    """
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from openpyxl import Workbook

    document = docx.Document(io.BytesIO(docx_bytes))
    wb = Workbook()
    ws = wb.active
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p" and (text := Paragraph(child, document).text.strip()):
            ws.append([text])
        elif tag == "tbl":
            ws.append([])
            for row in Table(child, document).rows:
                seen: set[int] = set()
                values: list[object] = []
                for cell in row.cells:
                    text = "" if id(cell._tc) in seen else cell.text.strip()
                    seen.add(id(cell._tc))
                    values.append(int(text) if text.isdigit() else text or None)
                ws.append(values)
            ws.append([])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_any_workbook_as_xls_reads_as_tables(soffice, tmp_path):
    """A portal's own spreadsheet (no template): its sheets are read as tables, as a Word table is."""
    report = parse_file(SEED)
    xlsx = workbook_like_the_docx(render(report, "docx"))
    back = parse_bytes(to_old(soffice, xlsx, ".xlsx", "xls", tmp_path), "r.xls")
    assert back.format == "xls"
    assert back.to_dict()["cells"] == report.to_dict()["cells"]
    assert back.cells["t3.granted.natural_person"].state is CellState.BLANK
    assert str(back.cells["t3.total_processed.total"].span).startswith("xls:表")


def test_a_broken_doc_is_a_clear_error(soffice):
    with pytest.raises(ParseError) as e:
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "broken.doc")
    assert "LibreOffice" in e.value.reason and "无法转换" in e.value.reason


def test_without_libreoffice_the_error_says_how_to_get_it(monkeypatch):
    monkeypatch.setenv("ZFXXGK_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(ParseError) as e:
        parse_bytes(b"{\\rtf1\\ansi hello}", "r.rtf")
    assert "LibreOffice" in e.value.reason and "scripts/setup" in e.value.reason


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [
        (b"{\\rtf1\\ansi x}", "", "rtf"),
        (b"{\"unit\": 1}", "", "data"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "a.xls", "xls"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "a.doc", "doc"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "a.wps", "wps"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "a.msg", "ole"),
        (b"\xd0\xcf\x11\xe0" + "Workbook".encode("utf-16-le") + b"\x00" * 100, "x.bin", "xls"),
    ],
)
def test_old_formats_are_detected_by_content_then_name(data, name, fmt):
    assert detect_format(data, name) == fmt


def test_an_unknown_compound_file_is_refused_without_converting():
    with pytest.raises(ParseError) as e:
        parse_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "mail.msg")
    assert "暂不支持" in e.value.reason
