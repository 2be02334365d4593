"""Scanned reports: offline OCR (RapidOCR, PP-OCRv4 models shipped inside its wheel) → text rows.

Recognised boxes are grouped into lines by their vertical centre and ordered by x; numbers are
put under their columns by position (``positions.place_blanks``), and the text parser maps the
rows. A number recognised with low confidence, or garbled (``01``, ``1,2``, ``3.``: no printed
count looks like that), is read again from its crop set between confidently read numbers of the
page (``_reread``) and kept only when that reading is confident, agrees twice and gives the
neighbours back as they were; otherwise it is never guessed: it is replaced by ``?`` (read as
unreadable) and reported as PARSE-OCR-LOW-CONFIDENCE. Nothing is downloaded at run time.

A document of several pages is read on ``ocr_procs()`` worker processes (one per CPU, one ONNX
thread each, the bundled models only), pages in order; a single page, or a process that is itself a
worker, reads in place.

Pages and frames are decoded one at a time (with worker processes, at most two per worker ahead),
each checked against the limits (``LIMITS``) before
it is decoded: a 400-frame TIFF or a 500-page blank PDF is refused before any page is rasterised.
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
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
    wanted = os.environ.get("ZFXXGK_OCR_THREADS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return _cpus()


def ocr_procs() -> int:
    """OCR worker processes for a document of several pages: ``ZFXXGK_OCR_PROCS`` or the CPUs allowed.

    One single-threaded onnxruntime process per core reads ≈ 1.5 × the pages of one process running
    a thread per core (the models' small convolutions scale badly over threads). A process that is
    itself a worker (the batch executor's, or this pool's) reads its pages itself: the cores are taken.
    """
    wanted = os.environ.get("ZFXXGK_OCR_PROCS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    import multiprocessing as mp

    return 1 if mp.parent_process() is not None else _cpus()


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity (macOS, Windows)
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=1)
def _engine():
    """One engine per process: loading the three ONNX models (bundled in the wheel) costs ≈ 0.5 s."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise ParseError("<ocr>", f"OCR 组件不可用：{e}") from None
    # Global keys: RapidOCR copies its global thread settings over the per-model ones (det_…, rec_…),
    # so per-model keys were silently dropped and every session ran a thread per core.
    return RapidOCR(max_side_len=OCR_LONG_SIDE, intra_op_num_threads=ocr_threads(), inter_op_num_threads=1)


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


# Text is found on the page at this long side (the working size). Detecting on a smaller copy and
# cropping from the working-size page was measured on the 150-dpi scans of the samples: at 1,600
# pixels 17 of the 1,000 cells went unreadable (boxes of lone digits found less tightly), at 2,240
# still 2; detection keeps the working size.
OCR_DET_LONG_SIDE = 2800
# Recognition reads one crop at a time, padded to at least 320 × 48 pixels as RapidOCR does. RapidOCR
# reads batches of six of similar width, each padded to the widest of its batch: on one core a batch
# costs more than its crops read one by one (six 48 × 960 inputs: 597 ms together, 6 × 63 ms alone),
# and the padding changed a few readings (“引|起”); one at a time, the samples' pages read × 1.19
# faster and their 150-dpi scans still read 1000/1000 cells. Half of a table page's recognition time
# is the 320-pixel padding (a lone "0" is ≈ 30 pixels wide), but the model needs it: padded to its own
# width only, a lone number was read far worse (sample 000 alone lost 46 cells). Only the arithmetic
# around the network is ours (float32, per-character probabilities for the re-reading below).
REC_BATCH = 1
REC_MIN_RATIO = 320 / 48
MIN_SCORE_RECHECK = 0.8  # a doubtful number read again in context is kept only at this confidence, every digit
_CONTEXT_SCORE = 0.9  # numbers confident enough to be read back as context
_CONTEXT_GAP = (24, 36)  # pixels (at height 48) between the parts of a context line, one per reading


def _read_page(work) -> list[tuple]:
    """Every text box of a working-size page: (corner points, text, score, crop); none dropped."""
    import numpy as np

    engine = _engine()
    boxes = _detect(engine, work)
    if not len(boxes):
        return []
    crops = engine.get_crop_img_list(work, [np.asarray(b, dtype=np.float32) for b in boxes])
    return [(box, text, score, crop)
            for box, (text, score), crop in zip(boxes, _recognise(engine, crops), crops, strict=True)]


def _detect(engine, work) -> list:
    """Text boxes (four corners, working-size pixels) in reading order, found on a smaller copy."""
    import cv2
    import numpy as np

    rows_px, cols_px = work.shape[:2]
    factor = min(1.0, OCR_DET_LONG_SIDE / max(rows_px, cols_px))
    # the network takes sides that are multiples of 32
    size = (max(32, round(cols_px * factor / 32) * 32), max(32, round(rows_px * factor / 32) * 32))
    small = cv2.resize(work, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    # normalised in float32: RapidOCR's float64 arithmetic took longer than the network on a page
    tensor = np.ascontiguousarray((small.astype(np.float32) * np.float32(2 / 255) - 1).transpose(2, 0, 1)[None])
    det = engine.text_det
    boxes, _ = det.postprocess_op(det.infer(tensor)[0], (rows_px, cols_px))
    boxes = det.filter_tag_det_res(boxes, (rows_px, cols_px))
    return engine.sorted_boxes(boxes) if len(boxes) else []


def _recognise(engine, crops: list) -> list[tuple[str, float]]:
    """Text and score of each crop (score: mean probability of its characters, as RapidOCR's)."""
    import numpy as np

    rec = engine.text_rec
    ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
    order = sorted(range(len(crops)), key=lambda i: ratios[i])
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for start in range(0, len(order), REC_BATCH):
        batch = order[start:start + REC_BATCH]
        ratio = max(REC_MIN_RATIO, max(ratios[i] for i in batch))
        tensor = np.concatenate([rec.resize_norm_img(crops[i], ratio)[None] for i in batch]).astype(np.float32)
        for i, chars in zip(batch, _ctc(rec, rec.session(tensor)[0]), strict=True):
            out[i] = ("".join(c for c, _p, _t in chars), float(np.mean([p for _c, p, _t in chars])) if chars else 0.0)
    return out


def _ctc(rec, preds) -> list[list[tuple[str, float, int]]]:
    """Greedy CTC decoding: per input, its characters with their probability and time step."""
    chars = rec.postprocess_op.character
    best, prob = preds.argmax(axis=2), preds.max(axis=2)
    out = []
    for row, p in zip(best, prob, strict=True):
        prev, found = 0, []
        for t, k in enumerate(row):
            if k != 0 and k != prev:  # 0 is CTC's blank; a repeat without a blank between is one character
                found.append((chars[k], float(p[t]), t))
            prev = k
        out.append(found)
    return out


def _read_line(engine, parts: list, gap: int) -> list[tuple[str, float]]:
    """Crops set side by side with white gaps and read as one line: each part's text and the lowest
    probability of its characters (each character belongs to the part under its time step).
    """
    import cv2
    import numpy as np

    height = engine.text_rec.rec_image_shape[1]
    pieces: list = []
    spans: list[tuple[int, int]] = []
    x = 0
    for part in parts:
        width = max(1, round(part.shape[1] * height / max(1, part.shape[0])))
        if pieces:
            pieces.append(np.full((height, gap, 3), 255, np.uint8))
            x += gap
        pieces.append(cv2.resize(part, (width, height)))
        spans.append((x, x + width))
        x += width
    line = np.concatenate(pieces, axis=1)
    rec = engine.text_rec
    ratio = max(REC_MIN_RATIO, line.shape[1] / height)
    preds = rec.session(rec.resize_norm_img(line, ratio)[None].astype(np.float32))[0]
    step = height * ratio / preds.shape[1]  # input pixels per time step
    found: list[list[tuple[str, float]]] = [[] for _ in parts]
    for ch, p, t in _ctc(rec, preds)[0]:
        centre = (t + 0.5) * step
        nearest = min(range(len(spans)), key=lambda j: max(spans[j][0] - centre, centre - spans[j][1], 0))
        found[nearest].append((ch, p))
    return [("".join(c for c, _ in f), min((p for _, p in f), default=0.0)) for f in found]


def _reread(engine, crop, context: list[tuple[str, object]]) -> str | None:
    """A doubtful number read again between confidently read numbers of the same page, or None.

    Alone in its box a thin "0" often scores below the threshold (at 150 dpi the model sees a small
    ring: "。", "o", "."); between other numbers of the table it is read as a digit at 0.9 or more.
    The neighbours are only context: each reading counts only if they come back exactly as they were
    read, and the number only if two readings (neighbours in either order, different gaps) agree,
    well formed, each digit at ``MIN_SCORE_RECHECK`` or more. Otherwise it stays unreadable.
    """
    if crop is None or not context:  # no pixels to read again, or no number to read them with
        return None
    first, second = (context * 2)[:2]
    readings = set()
    for (before, after), gap in zip(((first, second), (second, first)), _CONTEXT_GAP, strict=True):
        got = _read_line(engine, [before[1], crop, after[1]], gap)
        if (got[0][0], got[2][0]) != (before[0], after[0]) or min(got[0][1], got[2][1]) < MIN_SCORE_RECHECK:
            return None  # the context itself was misread: this reading proves nothing
        text, score = got[1]
        if score < MIN_SCORE_RECHECK or not _NUMBER.match(text) or not text.isdigit():
            return None
        readings.add(text)
    return readings.pop() if len(readings) == 1 else None


OCR_MIN_SIDE = 16  # pixels: less holds no line of text
OCR_MAX_ASPECT = 25  # a page or picture of a report is never 25 times longer than wide
# a box that may hold a number: digits and separators, or the letter O the model gives a faint zero
_NUMBERISH = re.compile(r"^[-\d,.Oo]+$")


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
    found = _read_page(scaled)
    context = [(text.strip(), crop, _centre(box)) for box, text, score, crop in found
               if score >= _CONTEXT_SCORE and text.strip().isdigit() and _NUMBER.match(text.strip())]
    boxes = []
    for box, text, score, crop in found:
        text = text.strip()
        if _NUMBERISH.match(text.replace(" ", "")) and (score < MIN_SCORE_NUMBER or _garbled(text.split())):
            centre = _centre(box)
            near = sorted((c for c in context if c[2] != centre), key=lambda c: (abs(c[2][1] - centre[1]),
                                                                                 abs(c[2][0] - centre[0])))
            again = _reread(_engine(), crop, [(t, c) for t, c, _ in near[:2]])
            if again is not None:
                text, score = again, 1.0
            elif not _DIGITS.match(text.replace(" ", "")) and score < MIN_SCORE_NUMBER:
                continue  # a faint letter O not confirmed as 0: dropped, as any text below the threshold
        elif score < MIN_SCORE_NUMBER:
            continue  # text below RapidOCR's own threshold (0.5) is noise
        xs = [p[0] / factor for p in box]  # back to the caller's pixels
        ys = [p[1] / factor for p in box]
        boxes.append((min(xs), max(xs), (min(ys) + max(ys)) / 2, max(ys) - min(ys), text, float(score)))
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


def _centre(box) -> tuple[float, float]:
    return (sum(p[0] for p in box) / 4, sum(p[1] for p in box) / 4)


def _garbled(words: list[str]) -> bool:
    """Whether digit words are no number as printed (``01`` read as 1 would be a confident wrong value)."""
    return any(not _NUMBER.match(w) for w in words if any(ch.isdigit() for ch in w))


def parse_images(images: Iterable, source: str, fmt: str) -> Report:
    """Parse a report from page images (taken one at a time: an iterator keeps one page in memory)."""
    lines: list[str] = []
    page_of: list[int] = []
    doubtful_lines: list[tuple[int, str, float]] = []
    for n, (page_lines, doubtful) in enumerate(_pages_read(images, source), 1):
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


_POOL: list = []  # (executor, processes): kept between documents, a worker's models load once
_POOL_LOCK = threading.Lock()


def _pages_read(images: Iterable, source: str = "<ocr>") -> Iterator[tuple[list[tuple[str, list[Token]]], list[tuple[int, str, float]]]]:
    """``ocr_lines`` of each page, in page order: on ``ocr_procs()`` worker processes when there are
    several pages, with at most two pages per worker decoded ahead (memory stays flat).
    """
    import numpy as np

    procs = ocr_procs()
    pages = iter(images)
    if procs <= 1:
        for page in pages:
            yield ocr_lines(page)
        return
    ahead = [page for page in (next(pages, None), next(pages, None)) if page is not None]
    if len(ahead) < 2:  # one page: a pool would cost more to start than it saves
        for page in ahead:
            yield ocr_lines(page)
        return
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(procs)
    pending: deque = deque()
    try:
        for page in _chain(ahead, pages):
            pending.append(pool.submit(ocr_lines, np.asarray(page)))
            if len(pending) >= 2 * procs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        _POOL.clear()  # a worker died (killed, out of memory): the next document starts a new pool
        raise ParseError(source, "文字识别进程意外退出，未能识别") from None
    finally:
        for f in pending:
            f.cancel()


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _pool(procs: int):
    """The worker pool, started once per process (spawned: a fork would copy this process's threads'
    locks). Each worker runs one ONNX thread and loads the bundled models as it starts.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with _POOL_LOCK:  # two threads of a server reading scans at once share one pool
        if _POOL and _POOL[1] == procs:
            return _POOL[0]
        if _POOL:
            _POOL[0].shutdown(wait=False, cancel_futures=True)
            _POOL.clear()
        _POOL.extend([ProcessPoolExecutor(procs, mp_context=mp.get_context("spawn"), initializer=_worker_start), procs])
        return _POOL[0]


def _worker_start() -> None:
    os.environ["ZFXXGK_OCR_THREADS"] = "1"  # one thread per worker, one worker per core
    os.environ["ZFXXGK_OCR_PROCS"] = "1"  # a worker reads its pages itself
    import cv2

    cv2.setNumThreads(1)  # resizing and cropping too: the other cores run the other workers
    _engine()  # models loaded while the first pages are decoded


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
