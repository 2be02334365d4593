"""Scanned reports: offline OCR (RapidOCR, PP-OCRv4 models shipped inside its wheel) → text rows.

Recognised boxes are grouped into lines by their vertical centre and ordered by x; numbers are
put under their columns by position (``positions.place_blanks``), and the text parser maps the
rows. A number recognised with low confidence, or garbled (``01``, ``1,2``, ``3.``: no printed
count looks like that), is never guessed: it is replaced by ``?`` (read as unreadable) and reported
as PARSE-OCR-LOW-CONFIDENCE. Nothing is downloaded at run time.

Pages and frames are decoded one at a time, each checked against the limits (``LIMITS``) before
it is decoded: a 400-frame TIFF or a 500-page blank PDF is refused before any page is rasterised.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..model import CellState, NoteKind, ParseNote, Report
from ..model.limits import LIMITS
from . import ParseError
from .positions import Token, place_blanks
from .text import parse_text, relocate

MIN_SCORE_NUMBER = 0.5  # below this a recognised number is unreadable, not guessed
OCR_DPI = 200  # scans are rasterised at their own resolution or better
_DIGITS = re.compile(r"^[-\d,.]+$")
# a number as printed in a report: no leading zero, thousands groups of three, digits after a point
_NUMBER = re.compile(r"^-?(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?$")
UNREADABLE_MARK = "?"
# While numbers are put under their columns, an unreadable number stands in as a token that reads as
# a number there (a "?" would end the row's numbers and shift the rest). It is garbled by _NUMBER,
# so OCR text never holds it as a token of its own: such a token was itself made unreadable.
_STAND_IN = "00.00"
_STAND_IN_TOKEN = re.compile(r"(?<!\S)00\.00(?!\S)")
_MARK_TOKEN = re.compile(r"(?<!\S)\?(?!\S)")


# Pages are recognised with their long side at this many pixels (A4 at ≈ 240 dpi). RapidOCR by
# default shrinks a page to 2,000 pixels and leaves a small one as it is: a 150-dpi scan (1,754
# pixels) then lost whole rows of table 3 (a label misread, its numbers unplaced), while the same
# page at 300 dpi read all. Upscaled to this size, the 150-dpi scans of the samples lose 12 of their
# 1,000 cells (tests/parse/test_ocr_scans.py lists them), none wrong; a 300-dpi page is shrunk to it,
# so both meet the models at one resolution.
OCR_LONG_SIDE = 2800
OCR_MAX_UPSCALE = 2.5  # a small picture (a table cut out of a page) is enlarged no further


def ocr_threads() -> int:
    """Threads per ONNX session: ``ZFXXGK_OCR_THREADS`` or the CPUs this process may use.

    onnxruntime's default counts the machine's cores, not the ones this process is allowed; with
    several OCR processes (one per core) each should run one thread, or they contend for the cores.
    """
    import os

    wanted = os.environ.get("ZFXXGK_OCR_THREADS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity (macOS, Windows)
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=1)
def _engine():
    """One engine per process: loading the three ONNX models costs ≈ 0.5 s."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise ParseError("<ocr>", f"OCR 组件不可用：{e}") from None
    n = ocr_threads()
    threads = {f"{part}_{kind}_op_num_threads": (n if kind == "intra" else 1)
               for part in ("det", "cls", "rec") for kind in ("intra", "inter")}
    return RapidOCR(max_side_len=OCR_LONG_SIDE, **threads)


def _to_long_side(pixels):
    """The page resized so its long side is ``OCR_LONG_SIDE`` (see there), and the factor applied."""
    import cv2

    rows_px, cols_px = pixels.shape[:2]
    factor = min(OCR_MAX_UPSCALE, OCR_LONG_SIDE / max(rows_px, cols_px))
    if abs(factor - 1) < 0.02:
        return pixels, 1.0
    size = (max(1, round(cols_px * factor)), max(1, round(rows_px * factor)))
    # cubic interpolation keeps strokes sharp when enlarging; area averaging avoids aliasing when shrinking
    return cv2.resize(pixels, size, interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA), factor


OCR_MIN_SIDE = 16  # pixels: less holds no line of text
OCR_MAX_ASPECT = 25  # a page or picture of a report is never 25 times longer than wide


def ocr_lines(image) -> tuple[list[tuple[str, list[Token]]], list[tuple[int, str, float]]]:
    """Lines of an image (RGB array or PIL image): text + tokens with x-centres; and low-confidence numbers."""
    import numpy as np

    pixels = np.asarray(image)
    rows_px, cols_px = pixels.shape[:2]
    if min(rows_px, cols_px) < OCR_MIN_SIDE or max(rows_px, cols_px) > OCR_MAX_ASPECT * min(rows_px, cols_px):
        # a sliver (a 2-point-high page, a 1-pixel line): the detector scales its short side up to its
        # input size, and 1,653 × 6 pixels became a 200,000-pixel-wide tensor (3.3 GB). No text fits there.
        return [], []
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)  # a grayscale array: the models take three channels
    scaled, factor = _to_long_side(np.ascontiguousarray(pixels))
    result, _ = _engine()(scaled, use_cls=False)
    boxes = []
    for box, text, score in result or []:
        xs = [p[0] / factor for p in box]  # back to the caller's pixels
        ys = [p[1] / factor for p in box]
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
            if _DIGITS.match(text.replace(" ", "")) and (score < MIN_SCORE_NUMBER or _garbled(words)):
                doubtful.append((n + 1, text, score))
                words = [UNREADABLE_MARK]
            step = (right - left) / max(1, len(words))
            tokens += [(w, left + step * (i + 0.5)) for i, w in enumerate(words)]
        lines.append(("  ".join(t for t, _ in tokens), tokens))  # one cell per OCR box
    return lines, doubtful


def _garbled(words: list[str]) -> bool:
    """Whether digit words are no number as printed (``01`` read as 1 would be a confident wrong value)."""
    return any(not _NUMBER.match(w) for w in words if any(ch.isdigit() for ch in w))


def parse_images(images: Iterable, source: str, fmt: str) -> Report:
    """Parse a report from page images (taken one at a time: an iterator keeps one page in memory)."""
    lines: list[str] = []
    page_of: list[int] = []
    doubtful_lines: list[tuple[int, str, float]] = []
    for n, image in enumerate(images, 1):
        page_lines, doubtful = ocr_lines(image)
        doubtful_lines += [(len(lines) + ln, text, score) for ln, text, score in doubtful]
        # a number OCR missed looks like a blank cell: never claim “blank” from an image
        stood_in = [(_MARK_TOKEN.sub(_STAND_IN, line),
                     [(_STAND_IN if t == UNREADABLE_MARK else t, x) for t, x in tokens]) for line, tokens in page_lines]
        for line in place_blanks(stood_in, blank=UNREADABLE_MARK):
            line = _STAND_IN_TOKEN.sub(UNREADABLE_MARK, line)
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
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = LIMITS.image_pixels  # Pillow refuses twice that on opening
    try:
        img = Image.open(io.BytesIO(data))
        frames = _frame_count(img)
    except Exception as e:  # noqa: BLE001 - Pillow raises many kinds on broken files
        raise ParseError(source, f"无法读取图片：{type(e).__name__}: {str(e)[:200]}") from None
    if frames > LIMITS.image_frames:
        raise ParseError(source, f"图片超过 {LIMITS.image_frames} 帧（页），超出年度报告的范围，未识别；请拆分文件")
    return parse_images(_frames(img, frames, source), source, "image")


def _frame_count(img) -> int:
    """The number of frames, counting no further than one beyond the limit.

    A TIFF's frames are a chain: walking all of a hostile one costs time, decoding them memory.
    """
    if not getattr(img, "is_animated", False):
        return 1
    count = 1
    while count <= LIMITS.image_frames:  # not n_frames: it walks the whole chain (and is wrong after a failed seek)
        try:
            img.seek(count)  # reads the frame's header only
        except EOFError:
            break
        count += 1
    img.seek(0)
    return count


def _frames(img, count: int, source: str) -> Iterator:
    """Each frame as RGB, decoded when it is needed, its size checked before it is decoded."""
    for i in range(count):
        try:
            img.seek(i)
            if img.width * img.height > LIMITS.image_pixels:
                raise ParseError(source, f"图片第 {i + 1} 帧过大（{img.width}×{img.height} 像素，"
                                         f"上限 {LIMITS.image_pixels // 1_000_000} 百万像素），无法处理")
            page = img.convert("RGB")
        except ParseError:
            raise
        except Exception as e:  # noqa: BLE001 - a corrupt frame: Pillow raises OSError, ValueError, SyntaxError …
            raise ParseError(source, f"无法读取图片第 {i + 1} 帧：{type(e).__name__}: {str(e)[:200]}") from None
        yield page


def render_pdf_pages(pdf, source: str = "<pdf>", dpi: int = OCR_DPI) -> Iterator:
    """Rasterise the pages of an open pdfium document for OCR, one at a time.

    A scan with more pages than OCR reads is refused before any is rendered; a page whose side is
    beyond ``page_points`` (or no size at all) is not rendered; a large page is rendered at a lower
    resolution so that it stays within ``image_pixels``.
    """
    import pypdfium2 as pdfium

    pages = len(pdf)
    if pages > LIMITS.ocr_pages:
        raise ParseError(source, f"扫描版 PDF（没有文字层）共 {pages} 页，超过文字识别上限 {LIMITS.ocr_pages} 页"
                                 "（年度报告一般 5–15 页），未识别；请提供带文字层的 PDF 或拆分文件")
    for i in range(pages):
        try:
            page = pdf[i]
            try:
                width, height = page.get_size()
                if not (0 < width <= LIMITS.page_points and 0 < height <= LIMITS.page_points):  # nan fails too
                    raise ParseError(source, f"PDF 第 {i + 1} 页尺寸异常（{width:.0f}×{height:.0f} 点，"
                                             f"上限 {LIMITS.page_points} 点），无法识别")
                scale = min(dpi / 72, math.sqrt(LIMITS.image_pixels / (width * height)))
                while math.ceil(width * scale) * math.ceil(height * scale) > LIMITS.image_pixels:
                    scale *= 0.99  # pdfium rounds the bitmap's sides up
                image = page.render(scale=scale).to_pil().convert("RGB")
            finally:
                page.close()
        except pdfium.PdfiumError as e:
            raise ParseError(source, f"PDF 第 {i + 1} 页无法渲染：{e}") from None
        yield image
