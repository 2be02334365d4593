"""Limits on what a report may hold, so that no file can hang, exhaust or abort a run (one place).

A value beyond a limit is never stored as a number: the cell is read as text (a VAL finding), or the
file is refused with the reason. The limits are far beyond any real report: a township receives a
handful of applications a year, a ministry some tens of thousands.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Every limit on reading one file, in one object (the policy of docs/limits.md).

    Each is checked *before* the expensive step it guards (converting, allocating a grid, rendering a
    page, decoding a frame), and each breach becomes a PARSE-/VAL- finding or a refusal with its
    reason — never a hang, never a wrong number.
    """

    # numbers: the store keeps Numeric(18, 4); a count beyond 10^12 or with > 4 decimals is text
    integer_digits: int = 12
    fraction_digits: int = 4
    # a digit run longer than this is no number at all (int() is slow on it, and raises above 4,300
    # digits); longer than a cell's limit on purpose: a glued row (layout H) runs up to 15 numbers together
    digits_read: int = 300
    # files
    file_bytes: int = 64 * MB  # one report file
    unzipped_bytes: int = 512 * MB  # a DOCX/XLSX is a zip: its parts, unpacked
    zip_ratio: int = 100  # unpacked / packed; real DOCX/XLSX stay far below
    text_chars: int = 8_000_000  # decoded text of one report (the longest real ones are ~1 M)
    lines: int = 200_000  # lines of decoded text
    nesting: int = 400  # element / JSON / YAML nesting depth
    # tables
    span: int = 60  # rowspan / colspan / gridSpan (the standard tables are 9 columns, ~40 rows)
    grid_cells: int = 200_000  # cells of one table grid after spans
    formula_range_cells: int = 100_000  # cells a spreadsheet formula's range may cover
    formula_depth: int = 100  # formula references followed through other formulas
    # pages and images
    pdf_pages: int = 500
    ocr_pages: int = 40  # pages rendered for OCR (a report is 5–15 pages)
    page_points: int = 14_400  # a PDF page side in points (200 inches): beyond, the page is not rendered
    image_pixels: int = 60_000_000
    image_frames: int = 50  # frames of a TIFF/GIF read, counted before any is decoded
    # names: the longest real organ name is ~40 characters; a longer "name" is a misread line
    name_chars: int = 100
    # checking: prose read by one rule
    rule_text_chars: int = 400_000
    # matches of one pattern a text rule reads (a real report has a handful): each costs a pass over
    # its line, so 60,000 repeated words would cost 60,000 passes over one long line
    rule_hits: int = 200
    # one file's budget in a worker (batch, import, upload, collection)
    file_seconds: float = 300.0  # a 40-page scan takes ~80 s of OCR on one core
    worker_memory: int = 2048 * MB


LIMITS = Limits()

# The number limits by name (used in messages and in the store's column checks).
MAX_INTEGER_DIGITS = LIMITS.integer_digits
MAX_FRACTION_DIGITS = LIMITS.fraction_digits
MAX_VALUE = 10**MAX_INTEGER_DIGITS
MAX_DIGITS_READ = LIMITS.digits_read


def readable_digits(text: str) -> bool:
    """Whether a digit string is short enough to be converted at all (see :data:`MAX_DIGITS_READ`)."""
    return len(text) <= MAX_DIGITS_READ


def number_fits(text: str) -> bool:
    """Whether a number written as plain digits (``-1,234.5``) is within the limits (checked before
    converting it: ``int()`` of a 5,000-digit string costs time and raises above 4,300 digits).
    """
    digits = text.lstrip("-+").replace(",", "")
    whole, _, fraction = digits.partition(".")
    return len(whole.lstrip("0")) <= MAX_INTEGER_DIGITS and len(fraction) <= MAX_FRACTION_DIGITS


def value_fits(value: int | Decimal) -> bool:
    """Whether a value can be stored exactly (magnitude first: comparing is cheap at any size)."""
    if isinstance(value, Decimal):
        if not value.is_finite() or not -MAX_VALUE < value < MAX_VALUE:
            return False
        exponent = value.as_tuple().exponent
        return not isinstance(exponent, int) or exponent >= -MAX_FRACTION_DIGITS or value == value.quantize(_QUANTUM)
    return -MAX_VALUE < value < MAX_VALUE


_QUANTUM = Decimal(1).scaleb(-MAX_FRACTION_DIGITS)
MAX_RAW = 40  # characters of an over-long number kept as the cell's text (the source file keeps all)
