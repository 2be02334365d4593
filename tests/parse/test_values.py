"""Cell text → state and value (spec §3.1): a blank is never 0."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zfxxgk.model import CellState
from zfxxgk.parse.values import is_value_text, read_value

N, B, D, W, T = CellState.NUMBER, CellState.BLANK, CellState.DASH, CellState.NONE_WORD, CellState.TEXT


@pytest.mark.parametrize(
    ("raw", "state", "value"),
    [
        ("0", N, 0), ("12", N, 12), ("1,234", N, 1234), ("０", N, 0), ("１２", N, 12), ("〇", N, 0), ("零", N, 0),
        (" 3 ", N, 3), ("-3", N, -3), ("", B, None), ("   ", B, None), ("&nbsp;", B, None), ("<br>", B, None),
        ("/", D, None), ("／", D, None), ("—", D, None), ("——", D, None), ("-", D, None), ("不适用", D, None),
        ("无", W, None), ("O", T, None), ("l", T, None), ("?", T, None), ("1O", T, None), ("12,34", T, None),
    ],
)
def test_read_value(raw, state, value):
    assert read_value(raw) == (state, value)


def test_fractions():
    assert read_value("0.5", fractional=True) == (N, Decimal("0.5"))
    assert read_value("2.0", fractional=False) == (N, 2)
    assert read_value("2.5", fractional=False) == (N, Decimal("2.5"))
    assert read_value("1.5万元", fractional=True) == (N, Decimal("1.5"))
    assert read_value("5000元", fractional=True) == (T, None)


@pytest.mark.parametrize(("raw", "value"), [("0", True), ("", True), ("/", True), ("O", True), ("规章", False), ("一、", False), ("(七)总计", False)])
def test_value_or_label(raw, value):
    assert is_value_text(raw) is value
