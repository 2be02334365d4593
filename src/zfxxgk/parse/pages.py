"""Page images of a stored report (PDF pages, scanned images) for the report page, and cell locators read back.

A cell read from a PDF's text layer carries ``pdf:第2页[x0,y0,x1,y1]`` (PDF points, origin at the
bottom left); a cell read by OCR ``ocr:第2页第31行`` (the page only). :func:`locator_place` reads
these back, :func:`page_sizes` gives each page's size in points and :func:`page_png` renders one
page as PNG, so that the page can be shown beside the extracted text with the cell's box on it.
"""

from __future__ import annotations

import io
import math
import re
import threading
from dataclasses import dataclass

from ..model.limits import LIMITS
from . import ParseError

PAGE_FORMATS = ("pdf", "pdf-scan", "image")  # stored formats whose pages can be shown as images
VIEW_DPI = 110  # rendering for the screen: a page of A4 is 910 × 1286 pixels
MAX_VIEW_PIXELS = 6_000_000  # a page shown on screen needs no more
_PDFIUM = threading.Lock()  # pdfium is not thread-safe: the web app renders pages from a thread pool

_LOCATOR = re.compile(r"^(pdf|ocr|ofd):第(\d+)页(?:\[(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),"
                      r"(-?\d+(?:\.\d+)?)\])?")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a cell is on its page: the 1-based page and, for a text-layer PDF, its box in points."""

    kind: str  # pdf | ocr | ofd
    page: int
    box: tuple[float, float, float, float] | None = None  # left, bottom, right, top


def locator_place(locator: str | None) -> Place | None:
    """The page (and box) named by a cell's locator; None for locators of other formats."""
    m = _LOCATOR.match(locator or "")
    if m is None:
        return None
    box = tuple(float(m.group(i)) for i in range(3, 7)) if m.group(3) is not None else None
    return Place(m.group(1), int(m.group(2)), box)  # type: ignore[arg-type]  # four floats


def page_sizes(data: bytes, fmt: str) -> list[tuple[float, float]]:
    """Each page's (width, height): points for a PDF, pixels for an image ([] when unreadable)."""
    try:
        if fmt == "image":
            return [(float(w), float(h)) for w, h in _image_sizes(data)]
        import pypdfium2 as pdfium

        with _PDFIUM:
            pdf = pdfium.PdfDocument(data)
            try:
                return [(float(w), float(h))
                        for w, h in (pdf.get_page_size(i) for i in range(min(len(pdf), LIMITS.pdf_pages)))]
            finally:
                pdf.close()
    except Exception:  # noqa: BLE001 - a stored file that no longer opens: no page view
        return []


def page_png(data: bytes, fmt: str, page: int, source: str = "<report>") -> bytes:
    """Page ``page`` (1-based) as PNG, at most ``VIEW_DPI`` and ``MAX_VIEW_PIXELS``; ParseError if there is none."""
    if fmt not in PAGE_FORMATS:
        raise ParseError(source, "此格式没有页面图像")
    if fmt == "image":
        image = _image_page(data, page, source)
    else:
        with _PDFIUM:
            image = _pdf_page(data, page, source)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _pdf_page(data: bytes, page: int, source: str):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ParseError(source, f"PDF 文件无法打开：{e}") from None
    try:
        if not 1 <= page <= min(len(pdf), LIMITS.pdf_pages):
            raise ParseError(source, f"没有第 {page} 页（共 {len(pdf)} 页）")
        p = pdf[page - 1]
        try:
            width, height = p.get_size()
            if not (0 < width <= LIMITS.page_points and 0 < height <= LIMITS.page_points):
                raise ParseError(source, f"第 {page} 页尺寸异常，无法显示")
            scale = min(VIEW_DPI / 72, math.sqrt(MAX_VIEW_PIXELS / (width * height)))
            return p.render(scale=scale).to_pil().convert("RGB")
        finally:
            p.close()
    except pdfium.PdfiumError as e:
        raise ParseError(source, f"第 {page} 页无法渲染：{e}") from None
    finally:
        pdf.close()


def _open_image(data: bytes, source: str):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = LIMITS.image_pixels
    try:
        return Image.open(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - Pillow raises many kinds on broken files
        raise ParseError(source, f"无法读取图片：{type(e).__name__}") from None


def _image_sizes(data: bytes) -> list[tuple[int, int]]:
    img = _open_image(data, "<image>")
    sizes = []
    for i in range(LIMITS.image_frames):
        try:
            img.seek(i)
        except EOFError:
            break
        sizes.append((img.width, img.height))
    return sizes


def _image_page(data: bytes, page: int, source: str):
    img = _open_image(data, source)
    try:
        if not 1 <= page <= LIMITS.image_frames:
            raise EOFError
        img.seek(page - 1)
        if img.width * img.height > LIMITS.image_pixels:
            raise ParseError(source, f"第 {page} 页图片过大，无法显示")
        frame = img.convert("RGB")
    except EOFError:
        raise ParseError(source, f"没有第 {page} 页") from None
    except ParseError:
        raise
    except Exception as e:  # noqa: BLE001 - a corrupt frame
        raise ParseError(source, f"第 {page} 页无法读取：{type(e).__name__}") from None
    scale = min(1.0, math.sqrt(MAX_VIEW_PIXELS / (frame.width * frame.height)))
    if scale < 1:
        frame = frame.resize((max(1, int(frame.width * scale)), max(1, int(frame.height * scale))))
    return frame


__all__ = ["PAGE_FORMATS", "Place", "locator_place", "page_png", "page_sizes"]
