"""OFD reader: the seeds rendered to PDF and rewritten as OFD (GB/T 33190) read back to the same cells."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.conftest import SEEDS
from zfxxgk.model import CellState
from zfxxgk.parse import ParseError, detect_format, parse_bytes, parse_file
from zfxxgk.render import render

NS = "http://www.ofdspec.org/2016"
MM = 25.4 / 72  # PDF points → mm


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _runs(textpage, page_height: float):
    """Runs of glyphs on one line with no space between them, as (text, [(left, baseline, right, size)])."""
    run: list[tuple[str, tuple[float, float, float, float]]] = []
    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        left, bottom, right, top = textpage.get_charbox(i, loose=True)  # font box: one baseline a line
        glyph = (left * MM, (page_height - bottom) * MM, right * MM, max(top - bottom, 1) * MM)
        if ch.isspace() or not ch or (run and (abs(run[-1][1][1] - glyph[1]) > 1.5 or glyph[0] < run[-1][1][0])):
            if run:
                yield run
            run = []
        if ch and not ch.isspace():
            run.append((ch, glyph))
    if run:
        yield run


def pdf_to_ofd(pdf: bytes, per_glyph: bool = False, shuffle: bool = False) -> bytes:
    """A minimal valid OFD with the PDF's text where the PDF has it: one TextObject per run of glyphs
    (or per glyph), its Boundary in mm from the page's top left, DeltaX from the glyphs' positions;
    ``shuffle``: the objects of each page in random order (a producer that draws in no reading order).
    """
    import random

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    out = io.BytesIO()
    oid = 10
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" '
                              'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>'
                              '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        pages = []
        for n in range(len(doc)):
            page = doc[n]
            width, height = page.get_size()
            tp = page.get_textpage()
            objs = []
            for run in _runs(tp, height):
                groups = [[g] for g in run] if per_glyph else [run]
                for group in groups:
                    oid += 1
                    size = max(g[3] for _, g in group)
                    x0, base = group[0][1][0], group[0][1][1]
                    x1 = max(g[2] for _, g in group)
                    deltas = " ".join(f"{b[0] - a[0]:.3f}" for (_, a), (_, b) in zip(group, group[1:]))
                    text = _esc("".join(ch for ch, _ in group))
                    objs.append(f'<ofd:TextObject ID="{oid}" Boundary="{x0:.3f} {base - size:.3f} {x1 - x0 + 1:.3f} '
                                f'{size * 1.3:.3f}" Font="3" Size="{size:.3f}"><ofd:TextCode X="0" Y="{size:.3f}"'
                                + (f' DeltaX="{deltas}"' if deltas else "") + f">{text}</ofd:TextCode></ofd:TextObject>")
            tp.close()
            page.close()
            if shuffle:
                random.Random(n).shuffle(objs)
            z.writestr(f"Doc_0/Pages/Page_{n}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                       f'<ofd:Layer ID="{n + 2}">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>')
            pages.append(f'<ofd:Page ID="{n + 2}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
            box = f"0 0 {width * MM:.1f} {height * MM:.1f}"
        z.writestr("Doc_0/Document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                   f"<ofd:MaxUnitID>{oid}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>{box}</ofd:PhysicalBox>"
                   f'</ofd:PageArea></ofd:CommonData><ofd:Pages>{"".join(pages)}</ofd:Pages></ofd:Document>')
    doc.close()
    return out.getvalue()


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_seed_as_ofd_reads_back(seed):
    report = parse_file(seed)
    data = pdf_to_ofd(render(report, "pdf"))
    assert detect_format(data, "report.ofd") == detect_format(data, "") == "ofd"
    back = parse_bytes(data, seed.stem + ".ofd")
    assert back.format == "ofd"
    assert back.to_dict()["cells"] == report.to_dict()["cells"]
    assert (back.unit, back.year, back.period, back.signed_on) == (report.unit, report.year, report.period, report.signed_on)
    assert sorted(back.sections) == [1, 2, 3, 4, 5, 6]


def test_ofd_written_glyph_by_glyph_reads_back_with_blanks_in_their_columns():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("001")))
    back = parse_bytes(pdf_to_ofd(render(report, "pdf"), per_glyph=True), "001.ofd")
    assert back.to_dict()["cells"] == report.to_dict()["cells"]
    assert back.cells["t3.granted.natural_person"].state is CellState.BLANK
    located = str(back.cells["t3.total_processed.total"].span)
    assert located.startswith("ofd:第") and located.endswith("]")  # page and box in mm


def test_ofd_drawn_in_no_reading_order_is_read_top_to_bottom():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("000")))
    back = parse_bytes(pdf_to_ofd(render(report, "pdf"), shuffle=True), "000.ofd")
    assert back.to_dict()["cells"] == report.to_dict()["cells"]


def _package(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


def test_ofd_without_text_is_a_clear_error():
    ofd = f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
    doc = f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'
    page = f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2"><ofd:ImageObject ID="3" ResourceID="9" Boundary="0 0 210 297"/></ofd:Layer></ofd:Content></ofd:Page>'
    data = _package({"OFD.xml": ofd, "Doc_0/Document.xml": doc, "Doc_0/Pages/Page_0/Content.xml": page})
    with pytest.raises(ParseError) as e:
        parse_bytes(data, "scan.ofd")
    assert "扫描件" in e.value.reason


@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        ({"OFD.xml": "<OFD/>"}, "DocRoot"),
        ({"OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'}, "缺少"),
        ({"OFD.xml": "<OFD><DocBody><DocRoot>../../etc/passwd</DocRoot></DocBody></OFD>"}, "缺少"),
        ({"OFD.xml": "<OFD"}, "无法读取"),
        ({"OFD.xml": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><OFD><DocBody><DocRoot>&e;</DocRoot></DocBody></OFD>'}, "DocRoot"),
    ],
)
def test_broken_ofds_give_a_clear_error(parts, reason):
    with pytest.raises(ParseError) as e:
        parse_bytes(_package(parts), "bad.ofd")
    assert reason in e.value.reason


def test_an_ofd_zip_bomb_is_refused_before_it_is_unpacked():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", "<OFD/>")
        z.writestr("Doc_0/Res/padding.xml", b" " * (32 * 1024 * 1024))
    with pytest.raises(ParseError) as e:
        parse_bytes(buf.getvalue(), "bomb.ofd")
    assert "压缩炸弹" in e.value.reason
