"""The store's JSON writer: the values ``json`` would write, whichever encoder wrote them."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zfxxgk.model import jsontext

# What the store writes: documents, cell packs and summaries of plain JSON values. Integers well beyond
# 64 bits (a note's digits) and non-string keys are among them on purpose: orjson refuses those.
_SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text())
_DATA = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=5)
                     | st.dictionaries(st.text() | st.integers(), inner, max_size=5), max_leaves=30)


def _json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@given(_DATA)
def test_the_same_values_as_json(obj: object) -> None:
    text = jsontext.dumps(obj)
    assert json.loads(text) == json.loads(_json(obj))
    assert jsontext.dumps_bytes(obj) == text.encode()


def test_a_lone_surrogate_is_refused_as_before() -> None:
    with pytest.raises(UnicodeEncodeError):  # json's text of it cannot be stored as UTF-8 either
        jsontext.dumps_bytes(["\ud800"])


def test_what_orjson_refuses_is_written_by_json() -> None:
    big = 2**64 + 1  # orjson refuses it; json writes it exactly
    assert jsontext.dumps([big, {1: "a"}]) == '[18446744073709551617,{"1":"a"}]'
    assert json.loads(jsontext.dumps({"v": -big}))["v"] == -big


def test_compact_and_unescaped_like_the_stored_texts_before() -> None:
    obj = {"raw": "行政许可\t12", "cells": [[1, "number", "12", 3, 4], None, [None, "blank"]], "f": 0.1}
    assert jsontext.dumps(obj) == _json(obj)
    assert math.isclose(json.loads(jsontext.dumps({"x": 1e-7}))["x"], 1e-7)


@given(_DATA)
def test_loads_reads_the_values_and_types_json_reads(obj: object) -> None:
    for text in (_json(obj), jsontext.dumps(obj)):
        want = _json(json.loads(text))  # an integer read as a float would be written 1.0 / 1e+20
        assert _json(jsontext.loads(text)) == want
        assert _json(jsontext.loads(text.encode())) == want


def test_loads_keeps_long_integers_exact_and_reads_what_orjson_refuses() -> None:
    big = 2**64 + 1  # beyond uint64: orjson would read it as a float, and not even this one
    assert jsontext.loads(f"[{big},-{big}]".encode()) == [big, -big]
    assert type(jsontext.loads(b'{"n":9223372036854775807}')["n"]) is int
    assert math.isnan(jsontext.loads("[NaN]")[0]) and jsontext.loads(b"[1e400]") == [math.inf]
    with pytest.raises(ValueError):
        jsontext.loads(b"{broken")
