"""The page view of a PDF report: the page rendered as PNG beside the extracted text, cells placed on it."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import SEEDS
from zfxxgk import api
from zfxxgk.parse import parse_file
from zfxxgk.parse.pages import Place, locator_place
from zfxxgk.render import render

QIAOGUAN = 1  # a text report (seed 000)


@pytest.fixture
def pdf_report(store, tmp_path) -> int:
    """Seed 000 (昌乐县乔官镇, the reviewer's region) rendered to PDF and imported as another version."""
    path = tmp_path / "乔官镇2024.pdf"
    path.write_bytes(render(parse_file(SEEDS[0]), "pdf"))
    (outcome,) = list(api.import_paths([path], store))
    assert outcome.error is None and outcome.report_id
    return outcome.report_id


def test_locators_read_back():
    assert locator_place("pdf:第2页[56,700,80,712]") == Place("pdf", 2, (56.0, 700.0, 80.0, 712.0))
    assert locator_place("ocr:第3页第31行") == Place("ocr", 3, None)
    assert locator_place("pdf:第1页") == Place("pdf", 1, None)
    assert locator_place("表二!C5") is None and locator_place(None) is None


def test_a_pdf_report_shows_its_pages_beside_the_text(client_for, store, pdf_report):
    rev = client_for("rev")
    html = rev.get(f"/reports/{pdf_report}").text
    view = re.search(r'<div class="page-view" id="page-view" data-testid="page-view" data-report="(\d+)" '
                     r"data-sizes='([^']+)'>", html)
    assert view and int(view.group(1)) == pdf_report
    sizes = json.loads(view.group(2))
    assert len(sizes) >= 2 and all(w > 0 and h > 0 for w, h in sizes)
    assert "点击单元格，页面上框出它的位置" in html  # a text-layer PDF: cells carry boxes
    cell = re.search(r'data-cell="t3.new_received.natural_person"[^>]*data-locator="([^"]+)"', html)
    place = locator_place(cell.group(1))
    assert place and place.box and place.page <= len(sizes)
    image = rev.get(f"/reports/{pdf_report}/pages/{place.page}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    import io

    from PIL import Image

    png = Image.open(io.BytesIO(image.content))
    w, h = sizes[place.page - 1]
    assert abs(png.width / png.height - w / h) < 0.01  # the box's percentages fit the picture
    assert rev.get(f"/reports/{pdf_report}/pages/{len(sizes) + 1}").status_code == 404


def test_no_page_view_for_text_and_no_pages_outside_the_scope(client_for, pdf_report):
    admin = client_for("admin")
    assert 'data-testid="page-view"' not in admin.get(f"/reports/{QIAOGUAN}").text
    assert admin.get(f"/reports/{QIAOGUAN}/pages/1").status_code == 404
    assert client_for("rev2").get(f"/reports/{pdf_report}/pages/1").status_code == 404  # 枣庄市's reviewer
    assert client_for().get(f"/reports/{pdf_report}/pages/1").status_code in (303, 401)


def test_scanned_images_have_pages_too():
    import io

    from PIL import Image

    from zfxxgk.parse import ParseError
    from zfxxgk.parse.pages import page_png, page_sizes

    frames = [Image.new("RGB", (300, 400), "white"), Image.new("RGB", (320, 200), "gray")]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    data = out.getvalue()
    assert page_sizes(data, "image") == [(300.0, 400.0), (320.0, 200.0)]
    second = Image.open(io.BytesIO(page_png(data, "image", 2)))
    assert (second.width, second.height) == (320, 200)
    with pytest.raises(ParseError):
        page_png(data, "image", 3)
    with pytest.raises(ParseError):
        page_png(b"not a pdf", "pdf", 1)
    assert page_sizes(b"not a pdf", "pdf") == []
