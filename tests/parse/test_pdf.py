"""PDF reader (text layer): the seeds rendered to PDF read back to the same cells, blanks included."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import ROOT, SEEDS
from zfxxgk.model import CellState
from zfxxgk.parse import ParseError, parse_bytes, parse_file
from zfxxgk.render import render


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_seed_as_pdf_reads_back(seed):
    report = parse_file(seed)
    back = parse_bytes(render(report, "pdf"), seed.stem + ".pdf")
    assert back.format == "pdf"
    assert back.to_dict()["cells"] == report.to_dict()["cells"]
    assert (back.unit, back.year, back.period, back.signed_on) == (report.unit, report.year, report.period, report.signed_on)
    assert sorted(back.sections) == [1, 2, 3, 4, 5, 6]
    assert not [n for n in back.notes if n.kind.value in ("row_ambiguous", "row_unknown", "label_variant")]


def test_blank_cells_in_a_pdf_are_placed_by_column_position():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("001")))
    back = parse_bytes(render(report, "pdf"), "001.pdf")
    blanks = sorted(c.id for c in back.cells.values() if c.state is CellState.BLANK)
    assert blanks == sorted(c.id for c in report.cells.values() if c.state is CellState.BLANK)
    located = str(back.cells["t3.total_processed.total"].span)
    assert located.startswith("pdf:第") and located.endswith("]")  # page and bounding box


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"%PDF-1.4 garbage", "损坏"), (b"%PDF-1.7\n" + b"x" * 500, "损坏")],
)
def test_broken_pdfs_give_a_clear_error(data, reason):
    with pytest.raises(ParseError) as e:
        parse_bytes(data, "bad.pdf")
    assert reason in e.value.reason


def test_pdf_without_text_layer_goes_to_ocr():
    from weasyprint import HTML

    png = base64.b64encode((ROOT / "docs" / "images" / "seed-002-table3.png").read_bytes()).decode()
    pdf = HTML(string=f'<img src="data:image/png;base64,{png}" style="width:100%">').write_pdf()
    report = parse_bytes(pdf, "scan.pdf")
    assert report.format == "pdf-scan"
    # an 80-dpi picture of table 3 of seed 002, too coarse for most digits: what OCR reads must be right,
    # what it cannot read stays null (full-resolution scans: tests/parse/test_ocr.py)
    truth = parse_file(next(p for p in SEEDS if p.name.startswith("002"))).to_dict()["cells"]
    got = report.to_dict()["cells"]
    read = [i for i in got if i.startswith("t3.") and got[i] is not None]
    assert len(read) >= 7 and all(got[i] == truth[i] for i in read)


FIXTURES = ROOT / "tests" / "fixtures"  # made with qpdf --encrypt from a one-line PDF


def test_a_pdf_that_needs_a_password_gives_a_clear_error():
    with pytest.raises(ParseError) as e:
        parse_bytes((FIXTURES / "encrypted-user-password.pdf").read_bytes(), "locked.pdf")
    assert "加密" in e.value.reason and "密码" in e.value.reason


def test_a_pdf_with_only_an_owner_password_is_read():
    # Permissions (no printing/copying) do not stop reading: its text comes out.
    report = parse_bytes((FIXTURES / "encrypted-owner-only.pdf").read_bytes(), "restricted.pdf")
    assert "12 applications" in report.text
