"""Issue 19, scans: a 150-dpi scan of every sample report, read back: no wrong cell, and the cells
that stay unreadable listed one by one.

Before, RapidOCR met a 150-dpi page at its own size (1,754 pixels high) and misread labels of
table 3 there, so whole rows went unreadable (sample 001 lost its "partially granted" row); the
reader now resizes every page to one working resolution (``OCR_LONG_SIDE``). Speed is measured in
benchmarks/bench_ocr.py, not here.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.conftest import SEED_IDS, SEEDS
from tests.parse.test_ocr import scanned, score
from zfxxgk.model import CELL_IDS
from zfxxgk.parse import ocr, parse_file


def _pages(report, dpi: int) -> list:
    from PIL import Image

    return [Image.open(io.BytesIO(p)).convert("RGB") for p in scanned(report, dpi=dpi)]


# Cells still unreadable at 150 dpi (measured 2026-12-07), all printed as 0 in table 3. Issue 19 asks
# for none; these are what is left, never read as another number:
# - a lone "0" recognised below MIN_SCORE_NUMBER (a thin glyph at 150 dpi), reported as
#   PARSE-OCR-LOW-CONFIDENCE: 000 and 002 (other_org of two rows), 003 (unavailable_unclear);
# - sample 003's whole "carried over" row: its numbers are not placed under the columns (the row is
#   not recognised as that row), so all seven cells come back unreadable.
STILL_UNREADABLE = {
    "000": {"t3.carried_over.other_org", "t3.other_no_correction.other_org"},
    "002": {"t3.carried_over.other_org", "t3.other_no_correction.other_org"},
    "003": {f"t3.carried_over.{c}" for c in
            ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")}
           | {"t3.unavailable_unclear.natural_person"},
}


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_150_dpi_scan_reads_its_cells(path):
    report = parse_file(path)
    back = ocr.parse_images(iter(_pages(report, 150)), "scan", "image")
    right, wrong = score(report, back)
    assert wrong == 0, "OCR must never produce a wrong number"
    want, got = report.to_dict()["cells"], back.to_dict()["cells"]
    unreadable = {i for i in CELL_IDS if got[i] is None and want[i] is not None}
    assert unreadable <= STILL_UNREADABLE.get(path.stem[:3], set())
    assert right == len(CELL_IDS) - len(unreadable)


def test_pages_meet_the_models_at_one_size():
    small = np.full((1754, 1240, 3), 255, np.uint8)  # A4 at 150 dpi
    large = np.full((3508, 2480, 3), 255, np.uint8)  # A4 at 300 dpi
    up, f_up = ocr._to_long_side(small)
    down, f_down = ocr._to_long_side(large)
    assert max(up.shape[:2]) == max(down.shape[:2]) == ocr.OCR_LONG_SIDE
    assert f_up > 1 > f_down
    snippet = np.full((200, 300, 3), 255, np.uint8)  # a table cut out of a page: enlarged, within reason
    assert ocr._to_long_side(snippet)[1] == ocr.OCR_MAX_UPSCALE


def test_boxes_are_given_in_the_callers_pixels():
    """Positions place numbers under their columns: they must not depend on the working size."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1240, 400), "white")
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 28)
    except OSError:
        font = ImageFont.load_default(28)
    draw.text((100, 180), "12", fill="black", font=font)
    draw.text((900, 180), "345", fill="black", font=font)
    lines, doubtful = ocr.ocr_lines(img)
    assert not doubtful
    tokens = [t for _text, toks in lines for t in toks]
    assert [t for t, _x in tokens] == ["12", "345"]
    assert 100 < tokens[0][1] < 160 and 900 < tokens[1][1] < 990


def test_threads_follow_the_environment(monkeypatch):
    monkeypatch.setenv("ZFXXGK_OCR_THREADS", "1")
    assert ocr.ocr_threads() == 1
    monkeypatch.setenv("ZFXXGK_OCR_THREADS", "many")  # not a count: the CPUs this process may use
    assert ocr.ocr_threads() >= 1
