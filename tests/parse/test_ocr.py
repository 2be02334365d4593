"""Scanned reports through offline OCR: near-exact cells, the rest unreadable, none wrong."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.conftest import SEEDS
from zfxxgk.model import CELL_IDS
from zfxxgk.parse import ParseError, parse_bytes, parse_file
from zfxxgk.render import render


def scanned(report, dpi: int = 150, skew: float = 0.4, noise: float = 6.0, quality: int = 70) -> list:
    """The report as a scanner would give it: rasterised, slightly rotated, noisy, JPEG-compressed."""
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(render(report, "pdf"))
    rng = np.random.default_rng(7)
    pages = []
    for i in range(len(pdf)):
        img = pdf[i].render(scale=dpi / 72).to_pil().convert("L").rotate(skew, expand=True, fillcolor=255)
        arr = np.clip(np.asarray(img, dtype=np.float32) + rng.normal(0, noise, (img.height, img.width)), 0, 255)
        buf = io.BytesIO()
        Image.fromarray(arr.astype(np.uint8)).save(buf, "JPEG", quality=quality)
        pages.append(buf.getvalue())
    return pages


def scanned_pdf(pages: list[bytes]) -> bytes:
    from PIL import Image

    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return buf.getvalue()


def score(report, back) -> tuple[int, int]:
    want, got = report.to_dict()["cells"], back.to_dict()["cells"]
    right = sum(want[i] == got[i] for i in CELL_IDS)
    wrong = sum(got[i] is not None and want[i] != got[i] for i in CELL_IDS)
    return right, wrong


def test_scanned_pdf_with_blanks_noise_and_skew():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("001")))
    back = parse_bytes(scanned_pdf(scanned(report)), "scan.pdf")
    assert back.format == "pdf-scan"
    right, wrong = score(report, back)
    assert wrong == 0, "OCR must never produce a wrong number"
    assert right >= 199  # ≥ 99.5 %
    assert (back.unit, back.year, back.period) == (report.unit, report.year, report.period)
    unreadable = [n for n in back.notes if n.kind.value == "ocr_low_confidence"]
    assert unreadable and all(back.cells[c].value is None for c in unreadable[0].data["cells"])


def test_single_scanned_page_image():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("002")))
    pages = scanned(report, skew=0.0, noise=3.0)
    page = next(p for p in pages if b"" != p and _has_table3(p))
    back = parse_bytes(page, "page3.jpg")
    assert back.format == "image"
    right, wrong = score(report, back)
    assert wrong == 0
    t3 = [i for i in CELL_IDS if i.startswith("t3.")]
    assert all(back.to_dict()["cells"][i] == report.to_dict()["cells"][i] for i in t3)


def _has_table3(jpeg: bytes) -> bool:
    from PIL import Image

    from zfxxgk.parse.ocr import ocr_lines

    lines, _ = ocr_lines(Image.open(io.BytesIO(jpeg)).convert("RGB"))
    return any("本年新收" in text for text, _ in lines) and any("结转下年度" in text for text, _ in lines)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_huge_image_is_refused():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buf, "PNG")
    with pytest.raises(ParseError) as e:
        parse_bytes(buf.getvalue(), "huge.png")
    assert "过大" in e.value.reason


def test_not_an_image():
    with pytest.raises(ParseError):
        parse_bytes(b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "x.png")
