"""Hostile text-like inputs (plain text, HTML, JSON/YAML): never a crash, a hang or an invented number.

Each input is built here, just large enough that the old quadratic or amplifying code would show
(the old code took seconds to minutes and gigabytes on them); each test asserts bounded work
structurally: a result (or a refusal with its reason) and the limit that bounded it.
"""

from __future__ import annotations

import pytest

from tests.parse.builders import report_with, text_with
from tests.parse.portals import body_of
from zfxxgk.check import check
from zfxxgk.check.prose_text import build_prose, fee_statements, new_received_claims
from zfxxgk.model import CellState
from zfxxgk.model.limits import LIMITS
from zfxxgk.parse import ParseError, parse_bytes
from zfxxgk.parse.values import read_value

CELL = "t3.new_received.total"


def _run(data: bytes, name: str):
    """parse + check; a ParseError (with a Chinese reason) is an allowed answer, nothing else escapes."""
    try:
        report = parse_bytes(data, name)
    except ParseError as e:
        assert e.reason and not e.reason.isascii()
        return None, None
    return report, check(report)


def _with_prose(sentence: str) -> bytes:
    lines = text_with().split("\n")
    at = next(k for k, line in enumerate(lines) if line.startswith("一、"))
    lines.insert(at + 1, sentence)
    return "\n".join(lines).encode()


# 1. TXT-DUP-WORD ------------------------------------------------------------------------------


def test_repeated_words_give_a_bounded_number_of_findings():
    # 40,000 back-to-back repeats on one line: each finding used to re-read the whole line
    report, result = _run(_with_prose("领导" * 40_000), "dup.txt")
    dup = [f for f in result.findings if f.rule == "TXT-DUP-WORD"]
    assert 1 <= len(dup) <= LIMITS.rule_hits
    assert all(len(f.excerpt) <= 4 * 2_000 for f in dup)  # a window of the clause, not all of it


def test_a_long_text_without_full_stops_bounds_every_text_rule():
    sentence = "收到政府信息公开申请3件XX" * 20_000  # placeholder and claim patterns match everywhere
    report, result = _run(_with_prose(sentence), "claims.txt")
    per_rule: dict[str, int] = {}
    for f in result.findings:
        per_rule[f.rule] = per_rule.get(f.rule, 0) + 1
    assert per_rule.get("TXT-PLACEHOLDER", 0) <= LIMITS.rule_hits


# 2. HTML -----------------------------------------------------------------------------------


def _page(inner: str) -> bytes:
    return f"<html><head><meta charset='utf-8'></head><body>{inner}</body></html>".encode()


def test_spans_amplified_over_many_tables_are_refused_at_once():
    # ~1 KB per table expands to 198,000 grid cells; the budget is per page, not per table
    bomb = "<table><tr>" + "<td rowspan=60 colspan=60>1</td>" * 55 + "</tr>" + "<tr></tr>" * 59 + "</table>"
    with pytest.raises(ParseError, match="网页表格过大"):
        parse_bytes(_page(body_of(report_with()) + bomb * 3), "bomb.html")


def test_a_huge_span_value_is_clamped_not_converted():
    table = "<table><tr><td colspan='" + "9" * 5000 + "'>申请人情况</td></tr></table>"
    _run(_page(body_of(report_with()) + table), "span.html")


@pytest.mark.parametrize("depth", [300, 3000])
def test_tables_inside_deeply_nested_divs_are_still_found(depth):
    page = _page("<div>" * depth + body_of(report_with({CELL: 7})) + "</div>" * depth)
    report, _ = _run(page, "deep.html")
    assert report is not None and report.cells[CELL].state is CellState.NUMBER and report.cells[CELL].value == 7


def test_tables_nested_in_tables_too_deep_are_refused_with_the_reason():
    page = _page("<table><tr><td>" * 200 + body_of(report_with()) + "</td></tr></table>" * 200)
    with pytest.raises(ParseError, match="嵌套"):
        parse_bytes(page, "deep-tables.html")


@pytest.mark.parametrize("charset", ["undefined", "utf-16", "unicode_escape", "rot13", "x-nonsense"])
def test_an_odd_declared_charset_does_not_crash(charset):
    page = f"<html><head><meta charset={charset}></head><body>" + body_of(report_with({CELL: 7})) + "</body></html>"
    report, _ = _run(page.encode("utf-8"), "charset.html")
    assert report is not None and report.cells[CELL].value == 7


def test_a_large_page_of_nested_divs_is_read_in_one_pass():
    # the content finder used to join the text of every ancestor of the tables (depth × size)
    filler = "<p>" + "政务公开" * 5_000 + "</p>"
    page = _page("<div>" * 250 + filler * 20 + body_of(report_with({CELL: 7})) + "</div>" * 250)
    report, _ = _run(page, "wide.html")
    assert report is not None and report.cells[CELL].value == 7


# 3. sizes ----------------------------------------------------------------------------------


def test_millions_of_blank_lines_are_refused_before_reading_rows():
    data = text_with().encode() + b"\n" * (LIMITS.lines + 10)
    with pytest.raises(ParseError, match="行数过多"):
        parse_bytes(data, "blank.txt")


def test_a_text_beyond_the_character_limit_is_refused():
    from zfxxgk.parse.text import parse_text

    with pytest.raises(ParseError, match="文字过多"):
        parse_text("公" * (LIMITS.text_chars + 1), "big.txt")


# 4. uncaught exceptions -------------------------------------------------------------------------


@pytest.mark.parametrize("digits", [4_301, 20_000])
def test_a_huge_integer_in_a_cell_and_in_prose(digits):
    data = _with_prose(f"本年度共收到政府信息公开申请{'9' * digits}件。").replace(b"\t0\t", b"\t" + b"9" * digits + b"\t", 1)
    report, result = _run(data, "huge.txt")
    assert report is not None
    assert all(c.value is None or abs(c.value) < 10**12 for c in report.cells.values())
    assert not new_received_claims(build_prose(report))


def test_odd_length_utf16_is_read():
    data = b"\xff\xfe" + text_with({CELL: 7}).encode("utf-16-le") + b"\x00"
    report, _ = _run(data, "odd.txt")
    assert report is not None and report.cells[CELL].value == 7


@pytest.mark.parametrize("data", [
    b'{"unit": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"unit": ' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}",
    b"unit: " + b"[" * 100_000 + b"]" * 100_000,
    b"unit:\n" + b"".join(b" " * k + b"- \n" for k in range(1, 800)),
])
def test_deeply_nested_data_is_refused_with_the_reason(data):
    name = "deep.json" if data.startswith(b"{") else "deep.yaml"
    with pytest.raises(ParseError, match="嵌套|数据格式|无法读取"):
        parse_bytes(data, name)


@pytest.mark.parametrize("value", ["1E999999999", "1.0e+999999999", "9" * 5000, "1.00000000000000000000000000001", "0.12345"])
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_data_numbers_are_exact_or_text(value, fmt):
    data = f'{{"cells": {{"{CELL}": {value}}}}}' if fmt == "json" else f"cells:\n  {CELL}: {value}\n"
    report, _ = _run(data.encode(), f"n.{fmt}")
    if report is not None:
        cell = report.cells[CELL]
        assert cell.state is CellState.TEXT and cell.value is None  # never rounded to 1, 0.1235 or inf


def test_data_decimals_are_not_rounded_through_floats():
    report, _ = _run(b'{"cells": {"t2.p1.amount": 0.1}}', "f.json")
    # 0.1 from the text, not the float 0.1000000000000000055511151231257827
    assert report is None or str(report.cells["t2.p1.amount"].value) in ("0.1", "None")


# 5. number reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "12 345 678", "1<br>2", "12\u00a0345", "1 ,234",  # digits apart: never joined
    "①", "⑴", "²", "١٢", "१२",  # circled, superscript, Arabic-Indic, Devanagari
    "1E+30", "1e3", "1.5E2",  # scientific notation
])
def test_cells_that_are_no_clear_number_are_text(raw):
    assert read_value(raw)[0] is CellState.TEXT


@pytest.mark.parametrize(("raw", "value"), [("１２３", 123), ("12,345", 12345), (" 7 ", 7), ("&nbsp;5", 5), ("0", 0)])
def test_plain_and_full_width_digits_are_numbers(raw, value):
    assert read_value(raw) == (CellState.NUMBER, value)


def test_a_long_decimal_is_exact_then_text_beyond_the_limits():
    state, value = read_value("1.0000000000000000000000000000001")
    assert state is not CellState.NUMBER or str(value) == "1.0000000000000000000000000000001"
    report, _ = _run(text_with().replace("\t0\t", "\t1.0000000000000000000000000000001\t", 1).encode(), "dec.txt")
    assert report is not None and all(c.value is None or c.value != 1 or c.raw == "1" or c.raw == "0" for c in report.cells.values())


@pytest.mark.parametrize(("sentence", "claimed"), [
    ("本年度共收到政府信息公开申请12 345 678件。", None),
    ("本年度共收到政府信息公开申请١٢件。", None),
    ("本年度共收到政府信息公开申请 12 件。", 12),
    ("本年度共收到政府信息公开申请１２件。", 12),
])
def test_prose_numbers_are_not_joined_across_spaces_or_read_from_other_scripts(sentence, claimed):
    report, _ = _run(_with_prose(sentence), "prose.txt")
    claims = [c.number.value for c in new_received_claims(build_prose(report))]
    assert claims == ([] if claimed is None else [claimed])


def test_a_fee_written_with_spaced_digits_is_no_claim():
    report, _ = _run(_with_prose("收取信息处理费1 000元。"), "fee.txt")
    assert not fee_statements(build_prose(report))
