"""Finding the three tables in the row model and mapping their rows to cell ids (spec §1.3, §2.7).

Rows are identified by their labels (never by counting numbers in order); value slots are
assigned by header column (grid layouts) or by the slot rules of §2.7 step 3, and a row whose
slots cannot be assigned is UNREADABLE rather than guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from ..model import Cell, CellState, NoteKind, ParseNote, Report, Span, Table, TableInfo
from ..model.ids import (
    T2_ROW_COLUMNS,
    T2_ROWS,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    TABLE_CELLS,
    row_cells,
    t2,
    t4,
)
from .labels import (
    FORMAT_2019_MARKERS,
    T2_BLOCK_LABELS,
    T2_COLUMN_LABELS,
    T2_HEADER_MARK,
    T2_ROW_LABELS,
    T3_ANCHORS,
    T3_COLUMN_LABELS,
    T3_GROUPS,
    T3_ROW_LABELS,
    T4_HEADER_LABELS,
    Match,
)
from .normalize import MARKUP as _MARKUP
from .normalize import core_label, norm_label
from .rows import RCell, Row, most_common
from .values import clean_cell, is_label_text, is_number_text, is_value_text, read_value

T3_ROW_ORDER = [r.key for r in T3_ROWS]
T3_COLUMN_ORDER = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
T4_ORDER = [t4(b.key, c.key) for b in T4_BLOCKS for c in T4_COLUMNS]
_AMBIGUOUS_LEAVES = {"total_processed", "other_other"}  # their core text is also a column header


@dataclass(slots=True)
class Region:
    """The rows of one table."""

    table: Table
    rows: list[Row]
    section: int | None

    def span(self) -> Span:
        """Lines covered."""
        return Span(self.rows[0].line, 0, self.rows[-1].end_line, 0)

    def layout(self) -> str:
        """Dominant row layout of the region."""
        return most_common([r.kind for r in self.rows if r.is_table]) or "text"


@dataclass(slots=True)
class _Ctx:
    report: Report
    table: Table
    layout: str
    found: dict[str, Row] = field(default_factory=dict)

    def note(self, kind: NoteKind, span: Span | None, **data: object) -> None:
        self.report.notes.append(ParseNote(kind, self.table, span, dict(data)))


# --- region finding ---------------------------------------------------------------------------


def _is_prose(row: Row) -> bool:
    if row.kind != "text":
        return False
    text = row.cells[0].text
    return "。" in text or len(text) > 60 and len("".join(text.split())) > 60


_ANCHOR_HINTS = ("第二十条", "勾稽", "申请人", "行政复议")
# any hint, spaces allowed between its characters (cells are TAB-joined, so never across cells)
_ANCHOR_HINT = re.compile("|".join(" *".join(h) for h in _ANCHOR_HINTS))


def _anchor(row: Row) -> Table | None:
    if row.kind == "blank" or _is_prose(row):  # (a prose test is cheaper than a regex scan of the line)
        return None
    cells = row.cells
    raw = cells[0].text if len(cells) == 1 else "\t".join([c.text for c in cells])
    if _ANCHOR_HINT.search(raw) is None:
        return None  # fast path: most rows hold none of the hints
    norms = [norm_label(c.text) for c in row.cells]
    if any("第二十条第(一)项" in n for n in norms):
        return Table.T2
    if any(len(n) <= 60 and (T3_ANCHORS[0] in n or n == T3_ANCHORS[1]) for n in norms):
        return Table.T3
    if row.is_table and "行政复议" in norms and any(n.startswith("行政诉讼") for n in norms):
        return Table.T4
    return None


def find_regions(rows: Sequence[Row], headings: set[int], section_at: Sequence[int | None]) -> dict[Table, Region]:
    """Locate each table: from its anchor row to the next heading, anchor or prose line."""
    anchors: list[tuple[int, Table]] = []
    seen: set[Table] = set()
    for i, row in enumerate(rows):
        if i in headings:
            continue
        t = _anchor(row)
        if t is not None and t not in seen:
            anchors.append((i, t))
            seen.add(t)
    if Table.T4 not in seen:
        i4 = _t4_fallback(rows, headings, section_at)
        if i4 is not None:
            anchors.append((i4, Table.T4))
            anchors.sort()
    starts = {i for i, _ in anchors}
    regions: dict[Table, Region] = {}
    for i, t in anchors:
        j = i + 1
        while j < len(rows) and j not in headings and j not in starts and not _is_prose(rows[j]):
            j += 1
        body = list(rows[i:j])
        while body and body[-1].kind == "blank":
            body.pop()
        regions[t] = Region(t, body, section_at[i])
    return regions


def _t4_fallback(rows: Sequence[Row], headings: set[int], section_at: Sequence[int | None]) -> int | None:
    """Section 四 without the header row: its first row of exactly 15 numbers."""
    for i, row in enumerate(rows):
        if section_at[i] == 4 and row.is_table and i not in headings:
            vals = [c for c in row.cells if c.clean]
            if len(vals) == 15 and all(read_value(c.text)[0] is CellState.NUMBER for c in vals):
                return i
    return None


# --- helpers ----------------------------------------------------------------------------------


def _labels(row: Row) -> list[tuple[int, RCell]]:
    return [(i, c) for i, c in enumerate(row.cells) if is_label_text(c.text)]


def _found_text(c: RCell) -> str:
    """The label as printed, only markup and whitespace removed (for messages)."""
    return "".join(_MARKUP.sub("", c.text.replace("&nbsp;", " ")).split())


def _variant(ctx: _Ctx, cell: RCell, m: Match) -> None:
    if m.variant:
        ctx.note(NoteKind.LABEL_VARIANT, cell.span, found=_found_text(cell), standard=m.standard)


def _numbers(row: Row) -> int:
    return sum(1 for c in row.cells if is_number_text(c.text))


def assign_slots(row: Row, start: int, k: int, layout: str) -> list[RCell] | None:
    """Value cells for k slots after the last label (spec §2.7 step 3), or None if ambiguous."""
    values = row.cells[start:]
    if layout == "grid" and len(values) == k:
        return values  # a pipe table's columns are reliable: blanks are visible
    trimmed = list(values)
    while trimmed and not trimmed[-1].clean:
        trimmed.pop()
    if layout == "cells":
        if len(values) == k:
            return values
        return trimmed if len(trimmed) == k else None
    nonempty = [c for c in trimmed if c.clean]
    if len(nonempty) == k:
        return nonempty
    if trimmed and trimmed[0].clean and len(trimmed) == k:
        return trimmed
    return None


_MAX_SPLITS = 200_000  # candidate splits examined at most; beyond that the row stays unreadable


def _row_identity(table: Table, k: int) -> Callable[[Sequence[int]], bool] | None:
    """The identities one row must satisfy on its own: table 3's six applicant columns add up to
    总计; table 4's data row holds three blocks whose four results add up to their 总计.
    """
    if table is Table.T3 and k == 7:
        return lambda v: sum(v[:6]) == v[6]
    if table is Table.T4 and k == 15:
        return lambda v: all(sum(v[b:b + 4]) == v[b + 4] for b in (0, 5, 10))
    return None


def _token_splits(token: str, parts: int) -> Iterator[list[str]]:
    """Every way to cut a digit string into ``parts`` numbers (no leading zeros: “05” is no number)."""
    if parts == 1:
        if token == "0" or not token.startswith("0"):
            yield [token]
        return
    for cut in range(1, len(token) - parts + 2):
        head = token[:cut]
        if head != "0" and head.startswith("0"):
            break
        for rest in _token_splits(token[cut:], parts - 1):
            yield [head, *rest]


def split_glued(table: Table, cells: Sequence[RCell], k: int) -> list[tuple[str, Span]] | None:
    """Layout H (spec §2.8): cells run together without separators (``0000010`` for seven cells).

    The digit strings are cut into ``k`` numbers only when that is the one reading whatever cells were
    blank, and the row's own identity holds. A blank cell leaves no trace once the separators are gone,
    and a row with a blank cannot be checked against its identity: ``0 0 0 0 11 …`` with a blank
    somewhere reads as ``1|1`` just as well as the blank, so a cut is only forced when the digits are
    exactly ``k`` and no two neighbours of a run can be one number (every digit followed by another in
    its run is a 0: ``05`` is no number). Multi-digit cuts are left to the stream reader
    (parse/stream.py), which needs the tables' column identities to vouch for them. Anything else → None.
    """
    check = _row_identity(table, k)
    tokens = [c for c in cells if c.clean]
    # plain digit runs only, as printed (no spaces or markup inside: each piece keeps an exact span)
    if check is None or not tokens or len(tokens) >= k or not all(c.clean.isascii() and c.clean.isdigit() and c.text.strip() == c.clean
                                                                  and c.line == c.end_line for c in tokens):
        return None
    texts = [c.clean for c in tokens]
    if sum(len(t) for t in texts) != k or any(t[i] != "0" for t in texts for i in range(len(t) - 1)):
        return None  # a cell may have been blank, or two digits may be one number: not forced
    if sum(len(t) for t in texts) < k or math.comb(sum(len(t) - 1 for t in texts), k - len(texts)) > _MAX_SPLITS:
        return None
    found: list[list[str]] = []

    def walk(i: int, left: int, acc: list[list[str]]) -> None:
        if i == len(texts):
            if left == 0:
                flat = [x for part in acc for x in part]
                if check([int(x) for x in flat]):
                    found.append(flat)
            return
        rest = len(texts) - i - 1
        for n in range(1, min(len(texts[i]), left - rest) + 1):
            for cut in _token_splits(texts[i], n):
                walk(i + 1, left - n, [*acc, cut])
                if len(found) > 1:
                    return

    walk(0, k, [])
    if len(found) != 1:
        return None
    out: list[tuple[str, Span]] = []
    pieces = iter(found[0])
    for cell, text in zip(tokens, texts, strict=True):
        span = cell.span
        at = 0
        while at < len(text):
            piece = next(pieces)
            out.append((piece, span._replace(col=span.col + at, end_col=span.col + at + len(piece))))
            at += len(piece)
    return out


def _set(ctx: _Ctx, cell_id: str, rc: RCell | None, fractional: bool = False) -> None:
    if rc is None:
        ctx.report.cells[cell_id] = Cell(cell_id, CellState.BLANK, None, "", None)
        return
    t = rc.text
    state, value = read_value(t, fractional)
    ctx.report.cells[cell_id] = Cell(cell_id, state, value, t.strip(), rc.span)


def _fill(ctx: _Ctx, ids: Sequence[str], row: Row, start: int, colmap: dict[str, int] | None, label: str) -> bool:
    """Fill one row's cells; UNREADABLE with a note when the slots are ambiguous."""
    fractional = ctx.table is Table.T2 and ids[-1].endswith(".amount")
    if colmap is not None:
        for cid in ids:
            idx = colmap[cid]
            _set(ctx, cid, row.cells[idx] if idx < len(row.cells) else None, fractional)
        return True
    layout = row.kind if row.kind == "grid" else ctx.layout if row.kind != "text" else "tsv"
    slots = assign_slots(row, start, len(ids), layout)
    if slots is None and (split := split_glued(ctx.table, row.cells[start:], len(ids))) is not None:
        for cid, (text, span) in zip(ids, split, strict=True):
            ctx.report.cells[cid] = Cell(cid, CellState.NUMBER, int(text), text, span)
        ctx.note(NoteKind.DIGITS_SPLIT, row.span(), label=label, raw=" ".join(c.clean for c in row.cells[start:] if c.clean),
                 values=[int(t) for t, _ in split], cells=list(ids))
        return True
    if slots is None:
        raw = "\t".join(c.text for c in row.cells[start:]).strip()
        for cid in ids:
            ctx.report.cells[cid] = Cell(cid, CellState.UNREADABLE, None, raw, row.span())
        k = len([c for c in row.cells[start:] if c.clean])
        ctx.note(NoteKind.ROW_AMBIGUOUS, row.span(), label=label, k=k, expected=len(ids), cells=list(ids))
        return False
    for cid, rc in zip(ids, slots, strict=True):
        _set(ctx, cid, rc, fractional)
    return True


def _cells_text(ctx: _Ctx, ids: Sequence[str]) -> str:
    """The values already read for a row, as ``1/0/…`` (the first occurrence of a duplicated row)."""
    cells = ctx.report.cells  # while mapping, a cell not read yet is not in the dict (parse_text adds them)
    return "/".join(clean_cell(c.raw or "") if (c := cells.get(cid)) is not None else "" for cid in ids)


def _values_text(row: Row, start: int) -> str:
    """A row's non-empty value texts after its label, as ``1/0/…`` (a duplicated row's values)."""
    return "/".join(c.clean for c in row.cells[start:] if c.clean)


def _blank_row(ctx: _Ctx, ids: Sequence[str]) -> None:
    for cid in ids:
        ctx.report.cells[cid] = Cell(cid, CellState.BLANK, None, "", None)


def _check_2019(ctx: _Ctx, labels: list[tuple[int, RCell]]) -> None:
    for _, c in labels:
        n = norm_label(c.text)
        for marker in FORMAT_2019_MARKERS:
            if marker in n and not any(x.kind is NoteKind.FORMAT_2019 for x in ctx.report.notes):
                ctx.note(NoteKind.FORMAT_2019, c.span, marker=marker)


# --- table 2 ----------------------------------------------------------------------------------


def map_t2(region: Region, report: Report) -> None:
    """Table 2: blocks of 第二十条, header rows giving the column order, one row per item."""
    ctx = _Ctx(report, Table.T2, region.layout())
    order: list[str] | None = None
    colmap: dict[str, int] | None = None
    width = 0  # cell count of the header row the column positions came from (grid rows must match it)
    pending: tuple[Row, str, Match] | None = None
    for row in region.rows:
        if row.kind == "blank" or _is_furniture(row):
            continue
        labels = _labels(row)
        _check_2019(ctx, labels)
        if any(T2_BLOCK_LABELS.match(c.text, fuzzy=False) for _, c in labels):
            continue
        heads = [(i, c, T2_COLUMN_LABELS.match(c.text)) for i, c in labels]
        if any(norm_label(c.text) == T2_HEADER_MARK for _, c in labels) or (heads and all(m for *_, m in heads)):
            cols = [(i, c, m) for i, c, m in heads if m is not None]
            for _, c, m in cols:
                _variant(ctx, c, m)
                if m.key == "amount":
                    _check_fee_unit(ctx, c)
            order = [m.key for *_, m in cols]
            colmap = {m.key: i for i, _, m in cols} if ctx.layout == "grid" else None
            width = len(row.cells)
            continue
        leaf = next(((i, c, lm) for i, c in reversed(labels) if (lm := T2_ROW_LABELS.match(c.text))), None)
        if leaf is None:
            if labels and _numbers(row):
                ctx.note(NoteKind.ROW_UNKNOWN, row.span(), label=_found_text(labels[-1][1]))
            elif not labels and pending is not None:
                prow, key, m = pending
                pending = None
                _t2_row(ctx, row, -1, key, order, None, m.standard)
                ctx.note(NoteKind.ROW_SPLIT, Span(prow.line, 0, row.end_line, 0), label=m.standard)
            continue
        i, c, m = leaf
        _variant(ctx, c, m)
        if pending is not None:
            _blank_row(ctx, [t2(pending[1], col) for col in T2_ROW_COLUMNS[pending[1]]])
            pending = None
        if m.key in ctx.found:
            ids2 = [t2(m.key, col) for col in T2_ROW_COLUMNS[m.key]]
            ctx.note(NoteKind.ROW_DUPLICATE, row.span(), row=m.key, label=m.standard,
                     v1=_cells_text(ctx, ids2), v2=_values_text(row, i + 1))
            continue
        if not any(x.clean for x in row.cells[i + 1 :]) and ctx.layout != "grid":
            pending = (row, m.key, m)
            ctx.found[m.key] = row
            continue
        ctx.found[m.key] = row
        _t2_row(ctx, row, i, m.key, order, colmap if len(row.cells) == width else None, m.standard)
    if pending is not None:
        _blank_row(ctx, [t2(pending[1], col) for col in T2_ROW_COLUMNS[pending[1]]])
    if any(n.kind is NoteKind.FORMAT_2019 for n in report.notes):
        # 2019 试行格式 columns (本年新制作/新公开/对外公开总数) mean something else: keep them out.
        for cid in TABLE_CELLS[Table.T2]:
            report.cells[cid] = Cell(cid)
        ctx.found.clear()
    _table_info(report, region, ctx, [r.key for r in T2_ROWS])


def _t2_row(ctx: _Ctx, row: Row, i: int, key: str, order: list[str] | None, colmap: dict[str, int] | None, label: str) -> None:
    expected = list(T2_ROW_COLUMNS[key])
    cols = order if order and sorted(order) == sorted(expected) else expected
    ids = [t2(key, c) for c in cols]
    cmap = None
    if colmap is not None and all(c in colmap for c in cols) and all(colmap[c] > i for c in cols):
        cmap = {t2(key, c): colmap[c] for c in cols}
    _fill(ctx, ids, row, i + 1, cmap, label)
    if key == "fee":
        rc = ctx.report.cells[ids[0]]
        if rc.state is CellState.TEXT and rc.raw and clean_cell(rc.raw).endswith("元"):
            ctx.note(NoteKind.FEE_UNIT, rc.span, unit=clean_cell(rc.raw))


def _check_fee_unit(ctx: _Ctx, cell: RCell) -> None:
    n = norm_label(cell.text)
    if "元" in n and "万元" not in n:
        ctx.note(NoteKind.FEE_UNIT, cell.span, unit=_found_text(cell))


# --- table 3 ----------------------------------------------------------------------------------


def _is_t3_data(row: Row, labels: list[tuple[int, RCell]]) -> bool:
    if _numbers(row) >= 3:
        return True
    for _, c in labels:
        m = T3_ROW_LABELS.match(c.text, fuzzy=False)
        if m and m.key not in _AMBIGUOUS_LEAVES:
            return True
    return False


def map_t3(region: Region, report: Report) -> None:
    """Table 3: header rows give the columns, then one row per leaf label."""
    ctx = _Ctx(report, Table.T3, region.layout())
    if _t3_separated_blocks(ctx, region):
        _table_info(report, region, ctx, T3_ROW_ORDER)
        return
    colpos: dict[str, int] = {}
    width = 0  # cell count of the grid header row the column positions came from
    in_header = True
    fragments: list[tuple[Row, str]] = []
    pending: _Pending | None = None
    carry: RCell | None = None  # a label fragment on a line of its own (label broken across lines)
    last_leaf: tuple[RCell, Match] | None = None  # the previous row's leaf, when it matched as a variant
    unlabeled: list[tuple[int, Row]] = []  # (index of last mapped row, row) for position inference
    last_idx = -1
    bare_labels: list[Row] = []  # consecutive rows holding a row label and nothing else
    separated: list[tuple[list[Row], list[Row]]] = []  # (labels, the numbers after them): layout G not read
    for row in region.rows:
        if row.kind == "blank" or _is_furniture(row):
            continue
        labels = _labels(row)
        if in_header and not _is_t3_data(row, labels):
            if _t3_header(ctx, row, labels, colpos):
                width = len(row.cells)
            continue
        in_header = False
        matches: list[tuple[int, RCell, Match]] = []
        frags: list[tuple[int, RCell]] = []
        for i, c in labels:
            if T3_GROUPS.match(c.text, fuzzy=False):
                continue
            m = T3_ROW_LABELS.match(c.text)
            if m is not None:
                matches.append((i, c, m))
            elif (g := T3_GROUPS.match(c.text)) is not None:
                _variant(ctx, c, g)
            elif core_label(c.text):
                frags.append((i, c))
        if carry is not None and frags and not matches:
            for k, (fi, fc) in enumerate(frags):
                joined_cell = RCell(carry.text.strip() + fc.text.strip(), carry.line, carry.col, row.line, fc.end_col)
                jm = T3_ROW_LABELS.match(joined_cell.text)
                if jm is not None:
                    matches.append((fi, joined_cell, jm))
                    frags = frags[:k] + frags[k + 1 :]
                    break
        if last_leaf is not None and frags and not matches and not _numbers(row):
            # the rest of the previous row's label on a line of its own (OCR, PDF): no variant after all
            cell, m = last_leaf
            whole = T3_ROW_LABELS.match(cell.text.strip() + frags[0][1].text.strip(), fuzzy=False)
            if whole is not None and whole.key == m.key:
                ctx.report.notes[:] = [n for n in ctx.report.notes
                                       if not (n.kind is NoteKind.LABEL_VARIANT and n.span == cell.span)]
                if pending is not None and pending.cell is cell:
                    pending.variants = []
                frags = frags[1:]
            last_leaf = None
        carry = frags[-1][1] if frags and not matches and not _numbers(row) else None
        if pending is not None and frags and not matches:
            # A leaf label broken across lines (layout I): the first line matched on its own.
            joined = T3_ROW_LABELS.match(pending.cell.text + frags[0][1].text, fuzzy=False)
            if joined is not None and joined.key == pending.match.key:
                pending.variants = [v for v in pending.variants if v[0] is not pending.cell]
                frags = frags[1:]
        _split_groups(ctx, row, [_found_text(c) for _, c in frags], fragments)
        if not matches:
            if _numbers(row) and not labels and (len(bare_labels) >= 2 or (separated and not bare_labels)):
                # Several bare labels, then numbers without labels: labels and numbers printed apart
                # (layout G) and not read as such: these numbers belong to no single row.
                if bare_labels:
                    separated.append((bare_labels, []))
                    bare_labels = []
                separated[-1][1].append(row)
                pending = None
                continue
            if _numbers(row):
                bare_labels = []
                start = max((i for i, _ in labels), default=-1) + 1
                if pending is not None:
                    pending.commit(ctx)
                    _fill(ctx, row_cells(Table.T3, pending.match.key), row, start, None, pending.match.standard)
                    ctx.note(NoteKind.ROW_SPLIT, Span(pending.row.line, 0, row.end_line, 0), label=pending.match.standard)
                    pending = None
                elif not any(T3_GROUPS.match(c.text, fuzzy=False) for _, c in labels):
                    unlabeled.append((last_idx, row))  # a group label alone (2019 “（六）其他处理”) is no leaf
            continue
        i, c, m = matches[-1]
        last_leaf = (c, m) if m.variant else None
        variants = [(cell, mm) for _, cell, mm in matches if mm.variant]
        if pending is not None:
            pending.commit(ctx)
            _blank_row(ctx, row_cells(Table.T3, pending.match.key))
            pending = None
        if m.key in ctx.found:
            _commit_variants(ctx, variants)
            ctx.note(NoteKind.ROW_DUPLICATE, row.span(), row=m.key, label=m.standard,
                     v1=_cells_text(ctx, row_cells(Table.T3, m.key)), v2=_values_text(row, i + 1))
            continue
        ctx.found[m.key] = row
        last_idx = T3_ROW_ORDER.index(m.key)
        ids = row_cells(Table.T3, m.key)
        if ctx.layout == "grid" and width and len(row.cells) == width and all(col in colpos for col in T3_COLUMN_ORDER):
            cmap = {f"t3.{m.key}.{col}": colpos[col] for col in T3_COLUMN_ORDER}
            if all(p > i for p in cmap.values()):
                _commit_variants(ctx, variants)
                _fill(ctx, ids, row, i + 1, cmap, m.standard)
                continue
        if not any(x.clean for x in row.cells[i + 1 :]):
            pending = _Pending(row, c, m, variants)
            bare_labels = [*bare_labels, row] if len(row.cells) <= i + 1 else []
            continue
        bare_labels = []
        _commit_variants(ctx, variants)
        _fill(ctx, ids, row, i + 1, None, m.standard)
    if pending is not None:
        pending.commit(ctx)
        _blank_row(ctx, row_cells(Table.T3, pending.match.key))
    for labels_block, numbers in separated:
        _unreadable_block(ctx, labels_block, numbers)
    _infer_positions(ctx, unlabeled)
    _table_info(report, region, ctx, T3_ROW_ORDER)


def _unreadable_block(ctx: _Ctx, labels: list[Row], numbers: list[Row]) -> None:
    """Rows whose labels and numbers were printed apart and could not be paired: UNREADABLE, one note."""
    ids: list[str] = []
    for row in labels:
        key = next((m.key for _, c in _labels(row) if (m := T3_ROW_LABELS.match(c.text)) is not None), None)
        if key is not None:
            ids += row_cells(Table.T3, key)
    raw = " ".join(c.clean for r in numbers for c in r.cells if c.clean)
    span = Span(labels[0].line, 0, numbers[-1].end_line, 0)
    for cid in ids:
        ctx.report.cells[cid] = Cell(cid, CellState.UNREADABLE, None, raw, span)
    k = sum(1 for r in numbers for c in r.cells if c.clean)
    ctx.note(NoteKind.ROW_AMBIGUOUS, span, label="各行（标签与数值分开排列）", k=k, expected=len(ids), cells=ids)


def _t3_separated_blocks(ctx: _Ctx, region: Region) -> bool:
    """Layout G (spec §2.8): every row label in one block, then all the numbers (PDF text without layout).

    Read only when the numbers are exactly 7 per labelled row and exactly one reading order —
    row by row or column by column — makes every row's six applicant columns add up to its 总计;
    otherwise False, and the rows go through the normal path (unreadable, never guessed).
    """
    leaves: list[tuple[Row, RCell, Match]] = []
    values: list[RCell] = []
    for row in region.rows:
        if row.kind == "blank" or _is_furniture(row):
            continue
        labels = _labels(row)
        filled = [c for c in row.cells if c.clean and is_value_text(c.text)]
        if labels and filled:
            return False  # a row with its label and its values: not this layout
        if filled:
            values += filled
            continue
        found = [(c, m) for _, c in labels if (m := T3_ROW_LABELS.match(c.text, fuzzy=False)) is not None
                 and (leaves or m.key not in _AMBIGUOUS_LEAVES)]  # 其他/总计 before any row label: column headers
        if found:
            if values:
                return False  # labels after numbers: not one block of each
            leaves.append((row, *found[-1]))
    n = len(leaves)
    if n < 2 or len(values) != 7 * n or len({m.key for _, _, m in leaves}) != n:
        return False
    numbers = [read_value(c.text)[1] for c in values]
    if any(v is None for v in numbers):
        return False  # a dash or a word among them: the identities cannot decide the order
    by_row = [values[7 * i:7 * i + 7] for i in range(n)]
    by_column = [[values[j * n + i] for j in range(7)] for i in range(n)]

    def adds_up(rows: list[list[RCell]]) -> bool:
        vals = [[read_value(c.text)[1] for c in r] for r in rows]
        return all(sum(cast("list[int | Decimal]", v[:6])) == v[6] for v in vals)  # no None: checked above

    fits = [order for order in (by_row, by_column) if adds_up(order)]
    if not fits or (len(fits) == 2 and [[c.clean for c in r] for r in fits[0]] != [[c.clean for c in r] for r in fits[1]]):
        return False
    for (row, cell, m), cells in zip(leaves, fits[0], strict=True):
        _variant(ctx, cell, m)
        ctx.found[m.key] = row
        for cid, rc in zip(row_cells(Table.T3, m.key), cells, strict=True):
            _set(ctx, cid, rc)
    first, last = leaves[0][0], values[-1]
    ctx.note(NoteKind.ROW_SPLIT, Span(first.line, 0, last.end_line, 0), label="各行（标签与数值分开排列）")
    return True


@dataclass(slots=True)
class _Pending:
    """A label-only row waiting for its values on a following line."""

    row: Row
    cell: RCell
    match: Match
    variants: list[tuple[RCell, Match]]

    def commit(self, ctx: _Ctx) -> None:
        _commit_variants(ctx, self.variants)
        self.variants = []


def _commit_variants(ctx: _Ctx, variants: list[tuple[RCell, Match]]) -> None:
    for cell, m in variants:
        _variant(ctx, cell, m)


def _is_furniture(row: Row) -> bool:
    """Page numbers and running footers inside a table (layout I): never table rows."""
    return row.kind == "furniture"


def _t3_header(ctx: _Ctx, row: Row, labels: list[tuple[int, RCell]], colpos: dict[str, int]) -> bool:
    """Record the column labels of a header row; True when it held leaf column labels."""
    found = False
    for i, c in labels:
        n = norm_label(c.text)
        if "勾稽" in n:
            continue
        m = T3_COLUMN_LABELS.match(c.text)
        if m is None:
            continue
        if not (m.variant and norm_label(m.standard).startswith(norm_label(c.text))):
            _variant(ctx, c, m)  # a label cut by a line break (商业企 / 业) is no variant
        if not m.key.startswith("_"):
            colpos.setdefault(m.key, i)
            found = True
    return found


def _split_groups(ctx: _Ctx, row: Row, frags: list[str], buf: list[tuple[Row, str]]) -> None:
    """A group label broken over consecutive rows (001: 三、本 / 年度办 / 理结果)."""
    if not frags:
        buf.clear()
        return
    buf.append((row, frags[0]))
    joined = "".join(f for _, f in buf)
    m = T3_GROUPS.match(joined, fuzzy=len(buf) > 1)
    if m is not None and len(buf) > 1:
        ctx.note(NoteKind.ROW_SPLIT, Span(buf[0][0].line, 0, row.end_line, 0), label=m.standard)
        buf.clear()
    elif len(buf) >= 6:
        buf.pop(0)


def _infer_positions(ctx: _Ctx, unlabeled: list[tuple[int, Row]]) -> None:
    """A value row without a readable label, between known rows with exactly one gap (§2.7 step 4)."""
    for prev_idx, row in unlabeled:
        nxt = prev_idx + 1
        if nxt >= len(T3_ROW_ORDER):
            continue
        key = T3_ROW_ORDER[nxt]
        following = T3_ROW_ORDER[nxt + 1] if nxt + 1 < len(T3_ROW_ORDER) else None
        if key in ctx.found or (following is not None and following not in ctx.found):
            labels = _labels(row)
            ctx.note(NoteKind.ROW_UNKNOWN, row.span(), label=_found_text(labels[-1][1]) if labels else "")
            continue
        # The unreadable label may itself look like a glyph: values start after the last non-number text.
        states = [read_value(c.text)[0] if c.clean else CellState.BLANK for c in row.cells]
        first_number = next((i for i, st in enumerate(states) if st is CellState.NUMBER), len(states))
        texts = [i for i, st in enumerate(states[:first_number]) if st is CellState.TEXT]
        labels = _labels(row)
        before = ([labels[-1][0]] if labels else []) + texts[-1:]
        start = max(before) + 1 if before else 0
        if assign_slots(row, start, 7, ctx.layout) is None:
            continue  # not a recognisable row of 7 values (e.g. a stray number): leave the row absent
        ctx.found[key] = row
        _fill(ctx, row_cells(Table.T3, key), row, start, None, key)
        ctx.note(NoteKind.LABEL_INFERRED, row.span(), row=key, label=T3_ROWS[nxt].label, index=nxt + 1)


# --- table 4 ----------------------------------------------------------------------------------


def _is_t4_data(row: Row, labels: list[tuple[int, RCell]]) -> bool:
    """The data row: no header label, and numbers (or a full row of blanks in a grid)."""
    if _numbers(row) >= 5:
        return True
    if any(T4_HEADER_LABELS.match(c.text) for _, c in labels):
        return False
    values = [c for c in row.cells if c.clean]
    if any(read_value(c.text)[0] not in (CellState.TEXT,) for c in values):
        return not labels or _numbers(row) > 0
    return row.kind in ("grid", "cells") and len(row.cells) >= 15 and not values


def _only_wrapped_labels(cells: list[RCell]) -> bool:
    """Whether unmatched header cells are just pieces of standard labels broken over lines (结果 / 维持 …)."""
    labels = [norm_label(x) for x in T4_HEADER_LABELS.standard.values()]
    return all(any(norm_label(c.text) in label for label in labels) for c in cells if norm_label(c.text))


def map_t4(region: Region, report: Report) -> None:
    """Table 4: header rows (garbled cells noted), then the one row of 15 values."""
    ctx = _Ctx(report, Table.T4, region.layout())
    garbled: list[RCell] = []
    colmap: dict[str, int] | None = None
    leaf_pos: dict[int, str] = {}
    for row in region.rows:
        if row.kind == "blank" or _is_furniture(row):
            continue
        labels = _labels(row)
        if not _is_t4_data(row, labels):
            leafs = []
            for i, c in enumerate(row.cells):
                if not c.clean:
                    continue
                m = T4_HEADER_LABELS.match(c.text)
                if m is None:
                    garbled.append(c)
                elif not m.key.startswith("_"):
                    leafs.append((i, m.key))
            leaf_pos.update(leafs)
            if ctx.layout == "grid" and len(leaf_pos) == 15:
                ordered = sorted(leaf_pos.items())
                colmap = {t4(T4_BLOCKS[n // 5].key, key): i for n, (i, key) in enumerate(ordered)}
                if len(colmap) != 15:
                    colmap = None
            continue
        if "data" in ctx.found:
            continue
        ctx.found["data"] = row
        start = labels[-1][0] + 1 if labels else 0
        if colmap is not None and not all(p >= start for p in colmap.values()):
            colmap = None
        _fill(ctx, T4_ORDER, row, start, colmap, "行政复议、行政诉讼数据行")
        for b in T4_BLOCKS:
            ctx.found[b.key] = row
    if garbled and not _only_wrapped_labels(garbled):
        ctx.note(NoteKind.HEADER_GARBLED, garbled[0].span, raw=[c.text.strip() for c in garbled])
    ctx.found.pop("data", None)
    _table_info(report, region, ctx, [b.key for b in T4_BLOCKS])


def _table_info(report: Report, region: Region, ctx: _Ctx, order: list[str]) -> None:
    report.tables[region.table] = TableInfo(
        region.table, region.span(), ctx.layout, region.section, [k for k in order if k in ctx.found]
    )
