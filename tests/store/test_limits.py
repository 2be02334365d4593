"""Limits: no number beyond what a report holds and the store keeps exactly; no input that hangs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.check import check
from zfxxgk.model import CellState
from zfxxgk.model.ids import t3
from zfxxgk.model.limits import MAX_VALUE, number_fits, value_fits
from zfxxgk.parse import parse_bytes
from zfxxgk.store import StoreError

CELL = t3("new_received", "total")


def with_count(text_value: str, **kw) -> str:
    """A report whose 本年新收 total reads ``text_value`` (every other cell 0)."""
    line = "一、本年新收政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t"
    return text_with({CELL: 1}, year=2024, **kw).replace(line + "1", line + text_value, 1)


def test_the_limits():
    assert number_fits("999,999,999,999") and not number_fits("1,000,000,000,000")
    assert number_fits("0.1234") and not number_fits("0.12345") and number_fits("000000000000001")
    assert value_fits(MAX_VALUE - 1) and not value_fits(MAX_VALUE) and not value_fits(-MAX_VALUE)
    assert value_fits(Decimal("12.3400")) and value_fits(Decimal("1.23400000")) and not value_fits(Decimal("1.23456"))
    assert not value_fits(Decimal("Infinity")) and not value_fits(Decimal("NaN"))
    assert not value_fits(Decimal("1E999999999")) and not value_fits(Decimal("1E-999999999"))


@pytest.mark.parametrize("value", ['"1E999999999"', "1E999999999", '"1E-999999999"', '"' + "9" * 5000 + '"',
                                   "100000000000000000000", '"0.123456"'])
def test_a_data_file_with_an_impossible_number_reads_it_as_text_at_once(value):
    # 119 bytes that built a billion-digit integer (a hang), or a number the database would round
    data = f'{{"unit":"甲镇人民政府","year":2024,"cells":{{"{CELL}":{value}}}}}'.encode()
    try:
        report = parse_bytes(data, "hostile.json")
    except api.ParseError as e:  # JSON's own limits (an infinite float): refused, never a hang
        assert "数据格式错误" in e.reason
        return
    cell = report.cells[CELL]
    assert cell.state is CellState.TEXT and cell.value is None and len(cell.raw) < 80
    assert "VAL-TEXT" in {f.rule for f in check(report).findings}


@pytest.mark.parametrize("digits", [13, 20, 400, 5000])
def test_a_text_report_with_a_huge_count_keeps_every_other_cell(digits):
    text = with_count("9" * digits)
    report = api.parse(text.encode(), "huge.txt")
    cell = report.cells[CELL]
    assert cell.state is CellState.TEXT and cell.value is None
    assert sum(c.state is CellState.NUMBER for c in report.cells.values()) > 150
    check(report)  # never a crash (int → str beyond 4,300 digits)


def test_a_batch_with_a_huge_count_imports_every_report(store, tmp_path):
    from zfxxgk.app import batch_import

    for k in range(4):
        text = with_count("9" * 20 if k == 2 else "1", unit=f"第{k}镇人民政府")
        (tmp_path / f"{k}.txt").write_text(text, encoding="utf-8")
    stats = batch_import([tmp_path], store, workers=2, chunk=2)
    assert (stats.imported, stats.failed) == (4, 0) and store.count_reports() == 4


def test_a_correction_beyond_the_limits_is_refused(store):
    (o,) = api.import_paths([api.samples()[0]], store)
    with pytest.raises(StoreError, match="数值超出范围"):
        store.correct(o.report_id, {CELL: 10**15}, "李四", "测试")
    with pytest.raises(StoreError, match="数值超出范围"):
        store.correct(o.report_id, {"t2.fee.amount": Decimal("0.00001")}, "李四", "测试")


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_a_count_is_a_number_exactly_when_it_fits(n):
    text = with_count(str(n))
    cell = api.parse(text.encode(), "n.txt").cells[CELL]
    if -MAX_VALUE < n < MAX_VALUE:
        assert (cell.state, cell.value) == (CellState.NUMBER, n)
    else:
        assert cell.state is CellState.TEXT and cell.value is None
