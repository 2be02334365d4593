"""Lines of positioned words (PDF character boxes, OCR boxes) → text rows the parser can map.

Text extracted from a PDF or an image loses blank table cells: a row with a blank has fewer
numbers than columns. The x-positions of the numbers tell which column each belongs to.
"""

from __future__ import annotations

import re

from ..model import Report

_NUM = re.compile(r"^(?:-?\d[\d,]*(?:\.\d+)?|[/／—–-]|无)$")
Token = tuple[str, float]  # text, x-centre


def _numeric_tail(tokens: list[Token]) -> list[Token]:
    k = len(tokens)
    while k > 0 and _NUM.match(tokens[k - 1][0]):
        k -= 1
    return tokens[k:]


def place_blanks(lines: list[tuple[str, list[Token]]], widths: tuple[int, ...] = (7, 15), blank: str = "") -> list[str]:
    """Rows of a table with some numbers missing: put each number under its column, blanks elsewhere.

    For a table width W (7 for table 3, 15 for table 4), column centres come from the rows of
    the page with exactly W numbers; a nearby row with W−3 … W−1 numbers is rewritten as a pipe
    row with explicit blank cells, but only when every number falls clearly under a distinct
    column. Anything else is left as it is, and reads as ambiguous rather than shifted.
    """
    out = [line for line, _ in lines]
    tails = [_numeric_tail(toks) for _, toks in lines]
    for width in widths:
        full = [i for i, t in enumerate(tails) if len(t) == width]
        if len(full) < 2:
            continue
        centres = [sum(tails[i][c][1] for i in full) / len(full) for c in range(width)]
        gap = min(b - a for a, b in zip(centres, centres[1:]))
        if gap <= 0:
            continue
        for i in range(max(0, full[0] - 6), min(len(lines), full[-1] + 7)):
            if width - 3 <= len(tails[i]) < width:
                out[i] = _as_grid_row(lines[i][0], tails[i], centres, gap, blank) or out[i]
    return out


def _as_grid_row(line: str, tail: list[Token], centres: list[float], gap: float, blank: str = "") -> str | None:
    slots: dict[int, str] = {}
    for text, x in tail:
        c = min(range(len(centres)), key=lambda n: abs(centres[n] - x))
        if c in slots or abs(centres[c] - x) > gap / 2:
            return None
        slots[c] = text
    label = line.rstrip()
    for text, _ in reversed(tail):
        label = label[: label.rfind(text)].rstrip()
    labels = [x for x in re.split(r"\s{2,}", label) if x] or [""]  # OCR boxes stay separate cells
    return "| " + " | ".join(labels) + " | " + " | ".join(slots.get(c, blank) for c in range(len(centres))) + " |"


Box = tuple[float, float, float, float]  # a word's box on its page, in the format's own units


def locate_cells(report: Report, page_of: list[int], boxes_of: list[list[tuple[str, Box]]], kind: str) -> None:
    """Give every cell read from a positioned format (PDF, OFD) its page and box as locator
    (``pdf:第2页[x0,y0,x1,y1]``): the k-th word of its line with the cell's text.
    """
    by_line: dict[int, list] = {}
    for cell in report.cells.values():
        if cell.span is not None and 0 < cell.span.line <= len(page_of):
            by_line.setdefault(cell.span.line, []).append(cell)
    for line, cells in by_line.items():
        seen: dict[str, int] = {}
        for cell in sorted(cells, key=lambda c: c.span.col):
            raw = (cell.raw or "").strip()
            k = seen.get(raw, 0)
            seen[raw] = k + 1
            matches = [b for t, b in boxes_of[line - 1] if t == raw] if raw else []
            where = f"{kind}:第{page_of[line - 1]}页"
            if k < len(matches):
                x0, y0, x1, y1 = matches[k]
                where += f"[{x0:.0f},{y0:.0f},{x1:.0f},{y1:.0f}]"
            cell.span = cell.span._replace(locator=where)
