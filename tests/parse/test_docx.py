"""DOCX reader: the seeds written as Word documents read back to the same 200 cells, blanks included."""

from __future__ import annotations

import io

import pytest

from tests.conftest import SEEDS
from zfxxgk.model import CellState
from zfxxgk.parse import ParseError, parse_bytes, parse_file
from zfxxgk.render import render


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_seed_as_docx_reads_back(seed):
    report = parse_file(seed)
    back = parse_bytes(render(report, "docx"), seed.stem + ".docx")
    assert back.format == "docx"
    assert back.to_dict()["cells"] == report.to_dict()["cells"]
    assert (back.unit, back.year, back.period, back.signed_on) == (report.unit, report.year, report.period, report.signed_on)
    assert back.notes == []
    for cell in back.cells.values():
        if cell.state is not CellState.ABSENT:
            assert cell.span.locator.startswith("docx:表"), cell.id


def test_blank_word_cell_stays_blank():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("001")))
    back = parse_bytes(render(report, "docx"), "x.docx")
    assert back.cells["t3.granted.natural_person"].state is CellState.BLANK
    assert str(back.cells["t3.granted.natural_person"].span) == "docx:表2行6列4"


def test_corrupt_docx_is_a_clear_error():
    data = render(parse_file(SEEDS[0]), "docx")
    broken = io.BytesIO(data[: len(data) // 2]).getvalue()
    with pytest.raises(ParseError) as e:
        parse_bytes(broken, "broken.docx")
    assert "Word" in e.value.reason or "ZIP" in e.value.reason


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked():
    import zipfile

    data = render(parse_file(SEEDS[0]), "docx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("word/media/padding.xml", b" " * (32 * 1024 * 1024))  # 32 MB of spaces, ~32 KB packed
    with pytest.raises(ParseError) as e:
        parse_bytes(bomb.getvalue(), "bomb.docx")
    assert "压缩炸弹" in e.value.reason


def test_text_in_a_text_box_is_read():
    import docx
    from docx.oxml import parse_xml

    report = parse_file(SEEDS[0])
    document = docx.Document(io.BytesIO(render(report, "docx")))
    title = document.paragraphs[0]
    title_text = title.text
    for run in list(title.runs):
        run._r.getparent().remove(run._r)
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    box = parse_xml(f'<w:r {ns}><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{title_text}</w:t></w:r></w:p>'
                    "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    title._p.append(box)
    buf = io.BytesIO()
    document.save(buf)
    back = parse_bytes(buf.getvalue(), "boxed.docx")
    assert back.unit == report.unit and back.year == report.year
