"""Hostile binary documents (DOCX, XLSX, PDF, images): each is built here, small, and must give a
report or a ParseError with a Chinese reason — never another exception, a hang, or a wrong number.

Each input is just big enough to show that the work is bounded structurally (a refusal before the
expensive step, a counted number of renders or decoded frames), not by timing. The same builders,
scaled up (a 400-frame A4 TIFF, a 500-page PDF), measured the before/after memory and seconds.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile

import pytest

from zfxxgk.check import check
from zfxxgk.model import CellState, NoteKind
from zfxxgk.model.limits import LIMITS
from zfxxgk.parse import ParseError, parse_bytes

CJK = re.compile(r"[\u4e00-\u9fff]")


def outcome(data: bytes, name: str):
    """The report, or the ParseError (whose reason must be Chinese); any other exception fails the test.

    A report is also checked: what the reader let through must not break a rule either.
    """
    try:
        report = parse_bytes(data, name)
    except ParseError as e:
        assert CJK.search(e.reason), e.reason
        return e
    check(report)
    return report


# ---------------------------------------------------------------- zip helpers


def rezip(data: bytes, member: str, edit) -> bytes:
    """The zip with one member's bytes replaced by ``edit(old bytes)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, edit(body) if info.filename == member else body)
    return out.getvalue()


def body(xml: bytes) -> bytes:
    """An XML part without its declaration (to put a DOCTYPE before the root)."""
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


# ---------------------------------------------------------------- DOCX


def docx_table(span: str | None = None, rows: int = 2, vmerge_rows: int = 0) -> bytes:
    """A Word file with one small table; ``span`` is written as the first cell's raw gridSpan; the first
    column is merged vertically over ``vmerge_rows`` rows."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_paragraph("某县人民政府2024年政府信息公开工作年度报告")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "5"
    if span is not None:
        grid = OxmlElement("w:gridSpan")
        grid.set(qn("w:val"), span)
        table.cell(0, 0)._tc.get_or_add_tcPr().append(grid)
    first = table._tbl.tr_lst[0]
    rows_xml = [first] + [copy.deepcopy(first) for _ in range(1, max(rows, vmerge_rows))]
    table._tbl.extend(rows_xml[1:])  # copies of the row, as XML (python-docx's row access is quadratic)
    for r, tr in enumerate(rows_xml[:vmerge_rows]):
        merge = OxmlElement("w:vMerge")
        if r == 0:
            merge.set(qn("w:val"), "restart")
        tr.tc_lst[0].get_or_add_tcPr().append(merge)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_gridspan_of_2_to_the_32_is_refused_before_any_cell_is_made():
    result = outcome(docx_table("4294967296"), "span.docx")
    assert isinstance(result, ParseError) and "合并列数" in result.reason


@pytest.mark.parametrize("span", ["9223372036854775808", "abc", "-3", "1e9", "9" * 5000, str(LIMITS.span + 1)])
def test_docx_odd_gridspan_is_refused(span):
    result = outcome(docx_table(span), "span.docx")
    assert isinstance(result, ParseError) and "合并列数" in result.reason


def test_docx_gridspan_within_the_limit_reads():
    assert not isinstance(outcome(docx_table("2"), "ok.docx"), ParseError)


def test_docx_long_vertical_merge_does_not_recurse():
    # python-docx follows a vertical merge upwards recursively: 2,000 rows overflow the stack
    assert not isinstance(outcome(docx_table(None, vmerge_rows=2000), "merge.docx"), ParseError)


def test_docx_vertical_merge_without_a_cell_above():
    data = rezip(docx_table(), "word/document.xml", lambda b: b.replace(b"<w:tcPr>", b'<w:tcPr><w:vMerge/>', 1))
    assert not isinstance(outcome(data, "merge.docx"), ParseError)


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b[: len(b) // 2],  # cut off: malformed XML
        lambda b: b.replace(b"<w:body>", b"<w:body><w:p><w:r><w:br w:type=\"bogus\"/></w:r></w:p>", 1),
        lambda b: b.replace(b"<w:body>", b"<w:body><!-- a comment --><?pi x?>", 1),
        lambda b: b.replace(b"<w:body>", b'<w:body><w:p><w:hyperlink r:id="rId999"><w:r><w:t>x</w:t></w:r>'
                                          b"</w:hyperlink></w:p>", 1),
        lambda b: b"<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;"
        b"&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY e '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>"
        b"<!ENTITY f SYSTEM 'file:///etc/passwd'>]>" + body(b).replace(b"5</w:t>", b"&e;&e;&f;</w:t>", 1),
    ],
    ids=["truncated", "bad-break-type", "comment", "bad-relationship-id", "entities"],
)
def test_docx_malformed_document_xml(edit):
    result = outcome(rezip(docx_table(), "word/document.xml", edit), "bad.docx")
    if not isinstance(result, ParseError):
        assert "/bin/" not in result.text  # no external entity is ever read


def test_docx_bad_relationship_target():
    data = rezip(docx_table(), "word/_rels/document.xml.rels",
                 lambda b: re.sub(rb'Target="styles.xml"', b'Target="../../../nowhere.xml"', b))
    outcome(data, "rels.docx")


def test_docx_zlib_error_inside_the_zip():
    data = bytearray(docx_table())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10 : start + 60] = b"\xff" * 50  # the deflate stream, not the headers
    result = outcome(bytes(data), "zlib.docx")
    assert isinstance(result, ParseError)


# ---------------------------------------------------------------- XLSX


def xlsx_with(formulas: dict[str, str], ids: list[tuple] | None = None, defined: str | None = None) -> bytes:
    """A workbook shaped like the template: an ``_ids`` sheet mapping a cell id to 表三!B1, whose
    formula (and others) are given."""
    from openpyxl import Workbook

    from zfxxgk.model.ids import t3
    from zfxxgk.model.template import ID_SHEET

    wb = Workbook()
    ws = wb.active
    ws.title = "表三"
    for ref, value in formulas.items():
        ws[ref] = value
    sheet = wb.create_sheet(ID_SHEET)
    sheet.append(["id", "sheet", "ref"])
    for row in ids if ids is not None else [(t3("new_received", "total"), "表三", "B1")]:
        sheet.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if defined is not None:
        data = rezip(data, "xl/workbook.xml", lambda b: b.replace(
            b"</workbook>", b"<definedNames><definedName name=\"X\">" + defined.encode() + b"</definedName>"
                            b"</definedNames></workbook>"))
    return data


def total_cell(report):
    from zfxxgk.model.ids import t3

    return report.cells[t3("new_received", "total")]


def test_xlsx_sum_over_the_whole_sheet_is_not_materialised():
    report = outcome(xlsx_with({"B1": "=SUM(C1:XFD1048576)", "C1": 5}), "sum.xlsx")
    assert total_cell(report).state is CellState.UNREADABLE  # never a number from a cut range


def test_xlsx_sum_over_a_small_range_reads():
    report = outcome(xlsx_with({"B1": "=SUM(C1:D2)", "C1": 5, "D2": 2, "C2": 0, "D1": 1}), "sum.xlsx")
    assert total_cell(report).value == 8


def test_xlsx_deep_formula_chain_stops_at_the_depth_limit():
    chain = {f"C{i}": f"=C{i + 1}" if i % 2 else f"=SUM(C{i + 1})" for i in range(1, 3001)}
    chain["C3001"] = 1
    report = outcome(xlsx_with({"B1": "=C1", **chain}), "deep.xlsx")
    assert total_cell(report).state is CellState.UNREADABLE


def test_xlsx_shallow_chain_reads():
    report = outcome(xlsx_with({"B1": "=C1+C2", "C1": "=C3", "C2": "=SUM(C3,C3)", "C3": 2}), "chain.xlsx")
    assert total_cell(report).value == 6


def test_xlsx_diamond_of_formulas_is_evaluated_once_per_cell():
    # every cell adds the one below twice: 2^60 paths without a memo
    chain = {f"C{i}": f"=C{i + 1}+C{i + 1}" for i in range(1, 61)}
    report = outcome(xlsx_with({"B1": "=C1", **chain, "C61": 0}), "diamond.xlsx")
    assert total_cell(report).value == 0


@pytest.mark.parametrize("formula", ["=SUM(A1:B2:C3)", "=SUM(:)", "=SUM(C1:)", "=SUM(ZZZZ1:C1)", "=SUM(C99999999)",
                                     "=SUM(X)", "=表二!A1", "=SUM(C1:C2", "=C1*C2", "=C0"])
def test_xlsx_odd_formula_is_unreadable(formula):
    report = outcome(xlsx_with({"B1": formula, "C1": 1, "C2": 1}), "odd.xlsx")
    assert total_cell(report).state is CellState.UNREADABLE


def test_xlsx_cycle_is_unreadable():
    report = outcome(xlsx_with({"B1": "=C1", "C1": "=C2", "C2": "=C1"}), "cycle.xlsx")
    assert total_cell(report).state is CellState.UNREADABLE


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "ZZZZ1", "A0", "A99999999", None, 7, "表三!B1"])
def test_xlsx_bad_ids_reference_is_ignored(ref):
    from zfxxgk.model.ids import t3

    report = outcome(xlsx_with({"B1": 3}, ids=[(t3("new_received", "total"), "表三", ref), ("nope", "x", "A1")]), "ids.xlsx")
    assert total_cell(report).state is CellState.ABSENT


def test_xlsx_far_away_cell_does_not_make_the_sheet_iterate_a_million_rows():
    from zfxxgk.model.template import ID_SHEET

    data = xlsx_with({"B1": 3})
    data = rezip(data, "xl/worksheets/sheet2.xml", lambda b: b.replace(
        b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    result = outcome(data, "far.xlsx")
    assert isinstance(result, ParseError) and ID_SHEET in result.reason


@pytest.mark.parametrize("value", ["1e999", "-1e999", "nan"])
def test_xlsx_non_finite_number(value):
    data = xlsx_with({"B1": 3})
    data = rezip(data, "xl/worksheets/sheet1.xml", lambda b: b.replace(b"<v>3</v>", b"<v>" + value.encode() + b"</v>"))
    report = outcome(data, "inf.xlsx")  # openpyxl refuses "nan" itself
    assert isinstance(report, ParseError) or total_cell(report).value is None


@pytest.mark.parametrize("defined", ["表三!$A$1:$B$2:$C$3", "'表三'!#REF!", "((((", "A1:XFD1048576"])
def test_xlsx_odd_defined_name(defined):
    outcome(xlsx_with({"B1": "=SUM(X)"}, defined=defined), "names.xlsx")


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b[: len(b) // 2],
        lambda b: b"<?xml version='1.0'?><!DOCTYPE w [<!ENTITY a 'aaaaaaaaaaaaaaaaaaaa'>"
        + b"".join(b"<!ENTITY a%d '%s'>" % (i + 1, (b"&a%d;" % i if i else b"&a;") * 10) for i in range(8))
        + b"]>" + body(b).replace(b"<v>3</v>", b"<v>&a8;</v>"),
        lambda b: b"<?xml version='1.0'?><!DOCTYPE w [<!ENTITY f SYSTEM 'file:///etc/passwd'>]>"
        + body(b).replace(b"<v>3</v>", b"<v>&f;</v>"),
    ],
    ids=["truncated", "billion-laughs", "external-entity"],
)
def test_xlsx_malformed_sheet_xml(edit):
    data = rezip(xlsx_with({"B1": 3}), "xl/worksheets/sheet1.xml", edit)
    result = outcome(data, "bad.xlsx")
    if not isinstance(result, ParseError):
        assert total_cell(result).value in (None, 3)


# ---------------------------------------------------------------- PDF


def pdf_of(pages: int = 1, box: str = "0 0 595 842") -> bytes:
    """A PDF of blank pages (no text layer: it goes to OCR), written by hand (a few dozen bytes a page)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>",
               b"<</Type/Pages/Kids[" + b" ".join(b"%d 0 R" % (3 + i) for i in range(pages)) + b"]/Count %d>>" % pages]
    objects += [b"<</Type/Page/Parent 2 0 R/MediaBox[" + box.encode() + b"]>>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj%s endobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def renders(monkeypatch):
    """Count pdfium page renders and OCR calls (no real OCR: blank pages give no text)."""
    import pypdfium2 as pdfium

    from zfxxgk.parse import ocr

    calls = {"render": 0, "ocr": 0}
    real = pdfium.PdfPage.render

    def render(self, *a, **kw):
        calls["render"] += 1
        return real(self, *a, **kw)

    def lines(image):
        calls["ocr"] += 1
        return [], []

    monkeypatch.setattr(pdfium.PdfPage, "render", render)
    monkeypatch.setattr(ocr, "ocr_lines", lines)
    monkeypatch.setenv("ZFXXGK_OCR_PROCS", "1")  # pages read in this process, where they are counted
    return calls


@pytest.mark.parametrize("box", ["0 0 14400000 14400000", "0 0 1e30 1e30", "0 0 -1e30 5", "0 0 0 0", "0 0 nan x"])
def test_pdf_page_of_absurd_size_is_not_rendered(renders, box):
    result = outcome(pdf_of(1, box), "huge.pdf")
    assert isinstance(result, ParseError)
    assert renders["render"] == 0 or "没有识别出文字" in result.reason


def test_pdf_scan_with_more_pages_than_the_ocr_limit_renders_none(renders):
    result = outcome(pdf_of(LIMITS.ocr_pages + 1), "blank.pdf")
    assert isinstance(result, ParseError) and str(LIMITS.ocr_pages) in result.reason
    assert renders["render"] == 0


def test_pdf_scan_renders_one_page_at_a_time(renders):
    result = outcome(pdf_of(3), "blank.pdf")
    assert isinstance(result, ParseError) and renders == {"render": 3, "ocr": 3}


@pytest.fixture
def small_limits(monkeypatch):
    """An image limit of 5,000 pixels, so that 'too large' is shown on tiny inputs."""
    import dataclasses

    from PIL import Image

    from zfxxgk.parse import ocr

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # restored after the test
    monkeypatch.setattr(ocr, "LIMITS", dataclasses.replace(LIMITS, image_pixels=5_000))
    return ocr.LIMITS


def test_pdf_large_page_is_rendered_at_a_lower_resolution(monkeypatch, small_limits):
    from zfxxgk.parse import ocr

    sizes = []
    monkeypatch.setattr(ocr, "ocr_lines", lambda image: (sizes.append(image.size), ([], []))[1])
    outcome(pdf_of(1, "0 0 14000 14000"), "poster.pdf")  # 200 inches square: 1.5 G pixels at 200 dpi
    assert sizes and 0.9 * small_limits.image_pixels <= sizes[0][0] * sizes[0][1] <= small_limits.image_pixels


@pytest.mark.parametrize("data", [b"%PDF-1.4\n", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 1 0 R>>endobj\ntrailer<</Root 1 0 R>>"])
def test_pdf_broken(data, renders):
    assert isinstance(outcome(data, "broken.pdf"), ParseError)


# ---------------------------------------------------------------- images


def tiff_of(frames: int, size: tuple[int, int] = (64, 64)) -> bytes:
    from PIL import Image

    images = [Image.new("1", size, 1) for _ in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, "TIFF", save_all=True, append_images=images[1:], compression="group4")
    return buf.getvalue()


@pytest.fixture
def converts(monkeypatch):
    """Count decoded frames (Image.convert) and OCR calls."""
    from PIL import Image

    from zfxxgk.parse import ocr

    calls = {"convert": 0, "ocr": 0}
    real = Image.Image.convert

    def convert(self, *a, **kw):
        calls["convert"] += 1
        return real(self, *a, **kw)

    def lines(image):
        calls["ocr"] += 1
        return [], []

    monkeypatch.setattr(Image.Image, "convert", convert)
    monkeypatch.setattr(ocr, "ocr_lines", lines)
    monkeypatch.setenv("ZFXXGK_OCR_PROCS", "1")  # pages read in this process, where they are counted
    return calls


def test_tiff_with_more_frames_than_the_limit_decodes_none(converts):
    result = outcome(tiff_of(LIMITS.image_frames + 10), "many.tif")
    assert isinstance(result, ParseError) and str(LIMITS.image_frames) in result.reason
    assert converts == {"convert": 0, "ocr": 0}


def test_tiff_frames_are_decoded_one_at_a_time(converts, monkeypatch):
    from zfxxgk.parse import ocr

    live = []
    monkeypatch.setattr(ocr, "ocr_lines", lambda image: (live.append(image), ([], []))[1])
    outcome(tiff_of(3), "few.tif")
    assert len(live) == 3


def test_tiff_frame_larger_than_the_first_is_checked(small_limits, converts):
    from PIL import Image

    frames = [Image.new("1", (64, 64), 1), Image.new("1", (100, 90), 1)]  # the second beyond the limit
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    result = outcome(buf.getvalue(), "big.tif")
    assert isinstance(result, ParseError) and "过大" in result.reason and "第 2 帧" in result.reason
    assert converts["convert"] == 1  # the first frame only: the second is refused before decoding


@pytest.mark.parametrize("cut", [200, 400, 2000])
def test_corrupt_jpeg(cut, converts):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, "JPEG")
    assert isinstance(outcome(buf.getvalue()[:cut], "bad.jpg"), ParseError)


# ---------------------------------------------------------------- OCR values


def fake_engine(lines: list[str], score: float = 0.95):
    """An OCR page reader that 'reads' the given lines: one box per tab-separated piece (no crops)."""

    def engine(image):
        result = []
        for n, line in enumerate(lines):
            pieces = line.rstrip("\t").split("\t")
            tail = 0
            while tail < len(pieces) and re.fullmatch(r"[-\d,.]+", pieces[len(pieces) - 1 - tail]):
                tail += 1
            for k, piece in enumerate(pieces):  # numbers right-aligned on a fixed grid, as in a ruled table
                column = k if k < len(pieces) - tail else 12 - (len(pieces) - k)
                if piece.strip():
                    x, w = 10 + 500 * column, min(480, 20 * len(piece))
                    result.append(([[x, 30 * n], [x + w, 30 * n], [x + w, 30 * n + 20], [x, 30 * n + 20]], piece, score,
                                   None))
        return result

    return engine


@pytest.mark.parametrize("garbled", ["01", "007", "1,2", "1..2", "12,34", "3.", ".5"])
def test_ocr_garbled_number_is_never_a_confident_value(monkeypatch, garbled):
    from PIL import Image

    from tests.parse.builders import text_with
    from zfxxgk.model.ids import t3
    from zfxxgk.parse import ocr

    cid = t3("granted", "natural_person")
    lines = [line.replace("\t7777\t", f"\t{garbled}\t") for line in text_with({cid: 7777}).splitlines()]
    assert any(garbled in line for line in lines)
    monkeypatch.setattr(ocr, "_read_page", fake_engine(lines))
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buf, "PNG")
    report = outcome(buf.getvalue(), "scan.png")
    assert report.cells[cid].state is CellState.UNREADABLE and report.cells[cid].value is None
    notes = [n for n in report.notes if n.kind is NoteKind.OCR_LOW_CONFIDENCE]
    assert notes and notes[0].data["cells"] == [cid]  # the rest of the row still reads
    assert [f.cells for f in check(report).findings if f.rule == "PARSE-OCR-LOW-CONFIDENCE"] == [[cid]]


def test_ocr_well_formed_numbers_stay_numbers(monkeypatch):
    from PIL import Image

    from tests.parse.builders import text_with
    from zfxxgk.model.ids import t3
    from zfxxgk.parse import ocr

    cid = t3("granted", "natural_person")
    monkeypatch.setattr(ocr, "_read_page", fake_engine(text_with({cid: 1234}).splitlines()))
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buf, "PNG")
    report = outcome(buf.getvalue(), "scan.png")
    assert report.cells[cid].value == 1234 and not any(n.kind is NoteKind.OCR_LOW_CONFIDENCE for n in report.notes)


def test_xlsx_huge_merged_range_is_refused_before_openpyxl_fills_it():
    data = rezip(xlsx_with({"B1": 3}), "xl/worksheets/sheet1.xml", lambda b: b.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))
    result = outcome(data, "merged.xlsx")
    assert isinstance(result, ParseError) and "合并单元格" in result.reason


# --- found by the fuzzing harness (docs/fuzzing.md) ------------------------------------------------


def test_pdf_whose_page_cannot_be_loaded_is_refused_with_the_page_number():
    from zfxxgk.parse import ParseError, parse_bytes

    data = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    with pytest.raises(ParseError, match="第 1 页无法读取"):
        parse_bytes(data, "broken-page.pdf")


def test_zip_of_an_unsupported_version_is_refused():
    import io
    import zipfile

    from zfxxgk.parse import ParseError, parse_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    data = bytearray(buf.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 6] = 189  # "version needed to extract": 18.9, beyond what Python reads
    with pytest.raises(ParseError, match="压缩格式不受支持"):
        parse_bytes(bytes(data), "odd.xlsx")


@pytest.mark.parametrize("size", [(1653, 6), (6, 1653), (4000, 100)])
def test_a_sliver_of_an_image_is_not_sent_to_the_ocr_engine(monkeypatch, size):
    """A page 2 points high rendered to 1,653 × 6 pixels made the detector allocate 3.3 GB (fuzzing)."""
    from PIL import Image

    from zfxxgk.parse import ocr

    def engine():
        raise AssertionError("the OCR engine was called")

    monkeypatch.setattr(ocr, "_engine", engine)
    assert ocr.ocr_lines(Image.new("RGB", size, "white")) == ([], [])
