"""Property tests: the parser never crashes, never invents a number, and reads back what was written."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEEDS
from tests.parse.builders import report_with
from zfxxgk.model import CELL_IDS, CellState
from zfxxgk.parse import parse_text
from zfxxgk.parse.rows import split_lines
from zfxxgk.parse.values import read_value
from zfxxgk.render import render_text

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
NOISE = ["\t", "|", " ", "\n", "0", "1", "7", "12", "/", "无", "O", "<br>", "。", "一、", "（七）总计", "合计", "#"]


@st.composite
def mangled(draw):
    """A seed with lines dropped, duplicated or swapped and characters replaced or inserted."""
    lines = split_lines(draw(st.sampled_from(SEED_TEXTS)))
    for _ in range(draw(st.integers(0, 12))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "swap", "replace", "insert", "cut"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op in ("replace", "insert") and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            noise = draw(st.sampled_from(NOISE))
            lines[i] = lines[i][:j] + noise + lines[i][j + (op == "replace") :]
        elif op == "cut":
            lines = lines[:i]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_mangled_text_never_crashes_and_never_invents_a_number(text):
    report = parse_text(text)
    lines = split_lines(text)
    for cell in report.cells.values():
        if cell.state is CellState.NUMBER:
            s = cell.span
            assert s is not None and cell.raw is not None
            assert lines[s.line - 1][s.col : s.end_col].strip() == cell.raw, cell.id
            assert read_value(cell.raw, cell.id.endswith(".amount"))[1] == cell.value
        else:
            assert cell.value is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes(text):
    report = parse_text(text)
    assert len(report.cells) == 200


counts = st.integers(min_value=0, max_value=99999)
fee = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def reports(draw, blanks: bool):
    values: dict = {}
    for cid in CELL_IDS:
        if blanks and draw(st.integers(0, 9)) == 0:
            values[cid] = None
        elif cid.endswith(".amount"):
            values[cid] = draw(fee)
        else:
            values[cid] = draw(counts)
    return report_with(values, year=draw(st.integers(2021, 2030)))


def _same_cells(a, b):
    for cid in CELL_IDS:
        va, vb = a.cells[cid].value, b.cells[cid].value
        if isinstance(va, Decimal) or isinstance(vb, Decimal):
            assert va is not None and vb is not None and Decimal(va) == Decimal(vb), cid
        else:
            assert va == vb, cid
        assert (a.cells[cid].state is CellState.BLANK) == (b.cells[cid].state is CellState.BLANK), cid


@settings(max_examples=60, deadline=None)
@given(reports(blanks=True), st.sampled_from(["cells", "grid"]))
def test_render_then_parse_gives_the_same_cells(report, layout):
    back = parse_text(render_text(report, layout))
    _same_cells(report, back)
    assert (back.unit, back.year, back.signed_on) == (report.unit, report.year, report.signed_on)


@settings(max_examples=60, deadline=None)
@given(reports(blanks=False))
def test_render_then_parse_tab_layout(report):
    _same_cells(report, parse_text(render_text(report, "tsv")))
