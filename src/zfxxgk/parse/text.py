"""Parser for plain-text reports in every text layout (A tab rows, B cell-per-line, C Markdown)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Cell, NoteKind, ParseNote, Report, Section, Span, Table
from ..model.ids import CELL_IDS
from . import check_text_size
from .header import find_index_number, find_periods, find_signature, find_title, unit_and_year
from .rows import Row, most_common, read_rows, split_lines
from .sections import HeadingMatch, match_heading
from .stream import fill_from_stream, table_lines, unglue
from .tables import find_regions, map_t2, map_t3, map_t4

_MAPPERS = {Table.T2: map_t2, Table.T3: map_t3, Table.T4: map_t4}


def parse_text(text: str, source: str = "<text>") -> Report:
    """Parse the text of one report into a :class:`Report` (:class:`ParseError` beyond the size limits)."""
    check_text_size(text, source)  # every reader's text comes here: one place for the limit
    text = unglue(text.lstrip("\ufeff"))
    lines = split_lines(text)
    rows = read_rows(lines)
    # Cells start empty and the absent ones are added at the end: most of the 200 are read from
    # the tables, so making all 200 first and then replacing them was wasted work.
    report = Report(source=source, text=text, cells={})

    headings = _find_headings(rows)
    section_at: list[int | None] = []
    current: int | None = None
    for i in range(len(rows)):
        if i in headings:
            current = headings[i].number
        section_at.append(current)
    regions = find_regions(rows, set(headings), section_at)
    # Section and intro texts are prose only: table lines are blanked so line offsets still hold.
    prose = list(lines)
    for region in regions.values():
        # the whole span, so that Markdown rule rows (|---|) between table rows go too
        for ln in range(region.rows[0].line, region.rows[-1].end_line + 1):
            prose[ln - 1] = ""

    first_heading_line = rows[min(headings)].line if headings else len(lines) + 1
    report.title, report.title_span = find_title(lines, first_heading_line - 1)
    report.unit, report.year = unit_and_year(report.title)
    report.periods = find_periods(lines)
    report.index_no = find_index_number(text)
    last_heading_line = rows[max(headings)].line if headings else 0
    report.signed_unit, report.signed_on, report.signature_span = find_signature(lines, last_heading_line)
    if report.unit is None:
        report.unit = report.signed_unit
    if report.year is None:
        if report.periods:
            report.year = report.periods[0].start.year
        elif report.signed_on:
            report.year = report.signed_on.year - 1
    intro_end = first_heading_line - 1
    title_end = report.title_span.end_line if report.title_span else 0
    report.intro = "\n".join(prose[title_end:intro_end]).rstrip()
    report.intro_line = title_end + 1

    for table, region in regions.items():
        _MAPPERS[table](region, report)
    # Text that lost its table structure: the rows' order and the tables' identities read what the
    # layout could not; the lines of a table found that way are no prose either.
    for table, (lo, hi) in fill_from_stream(report, lines, _section_offsets(rows, headings, lines)).items():
        if table not in regions:
            for i in table_lines(lines, lo, hi):
                prose[i] = ""
    _sections(report, rows, headings, prose)
    read = report.cells
    report.cells = {i: read[i] if i in read else Cell(i) for i in CELL_IDS}  # in registry order
    report.format = "text/" + (most_common([t.layout for t in report.tables.values()]) or "prose")

    if not _looks_like_report(report):
        report.notes.append(ParseNote(NoteKind.NOT_ANNUAL_REPORT, None, None, {"reason": _not_report_reason(report)}))
        # Numbers of another kind of document (a 部门决算, a portal page) must not pass as table cells.
        report.cells = Report(source).cells
        report.tables.clear()
    return report


def relocate(report: Report, locate: Callable[[Span], str | None]) -> None:
    """Give every cell read from a synthesised text the locator of where it is in the original file."""
    for cell in report.cells.values():
        if cell.span is not None and (locator := locate(cell.span)) is not None:
            cell.span = cell.span._replace(locator=locator)


def relocate_grid(report: Report, lines: list[str], where: dict[int, tuple[int, int]], prefix: str) -> None:
    """Locators ``{prefix}:表t行r列c`` for cells read from pipe rows written for table t, row r."""

    def locate(span: Span) -> str | None:
        if span.line not in where:
            return None
        t, r = where[span.line]
        return f"{prefix}:表{t}行{r}列{lines[span.line - 1][: span.col].count('|')}"

    relocate(report, locate)


def _section_offsets(rows: list[Row], headings: dict[int, HeadingMatch], lines: list[str]) -> dict[int, tuple[int, int]]:
    """Each section's body as offsets into the text (its lines joined by newlines)."""
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    order = sorted(headings)
    out: dict[int, tuple[int, int]] = {}
    for k, i in enumerate(order):
        first = rows[i].line  # 1-based line of the heading: the body starts on the next line
        end = rows[order[k + 1]].line - 1 if k + 1 < len(order) else len(lines)
        out[headings[i].number] = (starts[first], starts[end] if end > first else starts[first])
    return out


def _find_headings(rows: list[Row]) -> dict[int, HeadingMatch]:
    found: dict[int, HeadingMatch] = {}
    numbers: set[int] = set()
    for i, row in enumerate(rows):
        if row.kind != "text":
            continue
        h = match_heading(row.cells[0].text)
        if h is not None and h.number not in numbers:
            found[i] = h
            numbers.add(h.number)
    return found


def _sections(report: Report, rows: list[Row], headings: dict[int, HeadingMatch], lines: list[str]) -> None:
    order = sorted(headings)
    for k, i in enumerate(order):
        h = headings[i]
        start = rows[i].line  # 1-based line of the heading
        end = rows[order[k + 1]].line - 1 if k + 1 < len(order) else len(lines)
        body = "\n".join(lines[start:end]).rstrip()  # line k of the body is source line start + 1 + k
        report.sections[h.number] = Section(
            number=h.number,
            ordinal=h.ordinal,
            heading=h.heading,
            standard=h.standard,
            variant=h.variant,
            text=body,
            span=Span(start, 0, max(start, end), 0),
        )


def _looks_like_report(report: Report) -> bool:
    title = report.title or ""
    return (
        ("政府信息公开" in title and "报告" in title)
        or len(report.sections) >= 2
        or Table.T3 in report.tables
    )


def _not_report_reason(report: Report) -> str:
    if report.title:
        return f"标题为“{report.title[:40]}”，且未找到标准章节标题和表三"
    return "未找到年度报告标题、标准章节标题和表三"
