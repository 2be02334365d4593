"""Scanned reports: offline OCR (RapidOCR, PP-OCRv4 models shipped inside its wheel) → text rows.

Recognised boxes are grouped into lines by their vertical centre and ordered by x; numbers are
put under their columns by position (``positions.place_blanks``), and the text parser maps the
rows. A number recognised with low confidence is never guessed: it is replaced by ``?`` (read as
unreadable) and reported as PARSE-OCR-LOW-CONFIDENCE. Nothing is downloaded at run time.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

from ..model import CellState, NoteKind, ParseNote, Report
from . import ParseError
from .positions import Token, place_blanks
from .text import parse_text, relocate

MAX_PIXELS = 60_000_000  # a hostile “image” must not exhaust memory
MIN_SCORE_NUMBER = 0.5  # below this a recognised number is unreadable, not guessed
OCR_DPI = 200  # scans are rasterised at their own resolution or better
_DIGITS = re.compile(r"^[-\d,.]+$")
UNREADABLE_MARK = "?"


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise ParseError("<ocr>", f"OCR 组件不可用：{e}") from None
    return RapidOCR()


def ocr_lines(image) -> tuple[list[tuple[str, list[Token]]], list[tuple[int, str, float]]]:
    """Lines of an image (RGB array or PIL image): text + tokens with x-centres; and low-confidence numbers."""
    import numpy as np

    result, _ = _engine()(np.asarray(image), use_cls=False)
    boxes = []
    for box, text, score in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        boxes.append((min(xs), max(xs), (min(ys) + max(ys)) / 2, max(ys) - min(ys), text.strip(), float(score)))
    if not boxes:
        return [], []
    height = sorted(b[3] for b in boxes)[len(boxes) // 2]
    boxes.sort(key=lambda b: b[2])
    rows: list[list[tuple]] = []
    for b in boxes:
        if rows and abs(rows[-1][-1][2] - b[2]) <= height * 0.5:
            rows[-1].append(b)
        else:
            rows.append([b])
    lines: list[tuple[str, list[Token]]] = []
    doubtful: list[tuple[int, str, float]] = []
    for n, row in enumerate(rows):
        row.sort(key=lambda b: b[0])
        tokens: list[Token] = []
        for left, right, _y, _h, text, score in row:
            words = text.split()
            if _DIGITS.match(text.replace(" ", "")) and score < MIN_SCORE_NUMBER:
                doubtful.append((n + 1, text, score))
                words = [UNREADABLE_MARK]
            step = (right - left) / max(1, len(words))
            tokens += [(w, left + step * (i + 0.5)) for i, w in enumerate(words)]
        lines.append(("  ".join(t for t, _ in tokens), tokens))  # one cell per OCR box
    return lines, doubtful


def parse_images(images: list, source: str, fmt: str) -> Report:
    """Parse a report from page images."""
    lines: list[str] = []
    page_of: list[int] = []
    doubtful_lines: list[tuple[int, str, float]] = []
    for n, image in enumerate(images, 1):
        page_lines, doubtful = ocr_lines(image)
        doubtful_lines += [(len(lines) + ln, text, score) for ln, text, score in doubtful]
        # a number OCR missed looks like a blank cell: never claim “blank” from an image
        for line in place_blanks(page_lines, blank=UNREADABLE_MARK):
            lines.append(line)
            page_of.append(n)
    if sum(len(line) for line in lines) < 20:
        raise ParseError(source, "图片中没有识别出文字")
    report = parse_text("\n".join(lines), source)
    report.format = fmt
    relocate(report, lambda s: f"ocr:第{page_of[s.line - 1]}页第{s.line}行" if 0 < s.line <= len(page_of) else None)
    marked = []
    for cell in report.cells.values():
        if cell.raw == UNREADABLE_MARK:
            cell.state = CellState.UNREADABLE
            marked.append(cell.id)
    if marked:
        report.notes.append(
            ParseNote(NoteKind.OCR_LOW_CONFIDENCE, None, None, {"cells": marked, "threshold": MIN_SCORE_NUMBER})
        )
    return report


def parse_image(data: bytes, source: str = "<image>") -> Report:
    """Parse a scanned page (PNG, JPEG, TIFF …); a multi-page TIFF gives one page per frame."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise ParseError(source, f"图片过大（{img.width}×{img.height} 像素），无法处理")
        pages = [frame.convert("RGB") for frame in ImageSequence.Iterator(img)][:50]
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise ParseError(source, f"无法读取图片：{e}") from None
    return parse_images(pages, source, "image")


def render_pdf_pages(pdf, dpi: int = OCR_DPI) -> list:
    """Rasterise the pages of an open pdfium document for OCR."""
    return [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(pdf))]
