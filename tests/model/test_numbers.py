"""The one number helper: the same value reads the same in the model, in JSON and on the page."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zfxxgk.model.numbers import json_number, normal, number_text


@pytest.mark.parametrize(
    ("raw", "model"),
    [(None, None), (3, 3), (Decimal("12.0"), 12), (Decimal("1.2E+1"), 12), ("0.50", Decimal("0.5")), ("7", 7),
     (Decimal("-0.0"), 0), (2.5, Decimal("2.5"))],
)
def test_normal(raw, model):
    got = normal(raw)
    assert got == model and type(got) is type(model)


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "空白"), (0, "0"), (Decimal("1.2E+1"), "12"), (Decimal("0.50"), "0.5"), (Decimal("1E-4"), "0.0001"),
     (Decimal("123456789012.5"), "123456789012.5")],
)
def test_number_text_never_scientific_and_blank_never_zero(value, text):
    assert number_text(value) == text


def test_json_number():
    assert json_number(None) is None
    assert json_number(Decimal("3.00")) == 3 and isinstance(json_number(Decimal("3.00")), int)
    assert json_number(Decimal("0.25")) == 0.25


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12))
def test_round_trip_through_text(d: Decimal):
    n = normal(d)
    assert n == d
    assert normal(number_text(n)) == n
