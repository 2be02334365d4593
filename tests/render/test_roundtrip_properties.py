"""Hypothesis: random *consistent* reports survive render → parse in every readable output format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from zfxxgk.check import check
from zfxxgk.model import CELL_IDS, Cell, CellState, Report
from zfxxgk.model.ids import (
    OUTCOME_ROWS,
    T2_ROW_COLUMNS,
    T3_APPLICANT_COLUMNS,
    T4_BLOCKS,
    T4_PARTS,
    t2,
    t3,
    t4,
)
from zfxxgk.parse import parse_bytes, parse_text
from zfxxgk.render import render, render_template

small = st.integers(min_value=0, max_value=40)


@st.composite
def consistent_reports(draw) -> Report:
    """All 42 table-3 identities and the table-4 sums hold by construction."""
    year = draw(st.integers(2021, 2026))
    report = Report(source="<generated>", unit=draw(st.sampled_from(["红旗镇人民政府", "东风县人民政府", "某市交通运输局"])),
                    year=year, signed_on=dt.date(year + 1, 1, draw(st.integers(5, 28))))
    values: dict[str, int | Decimal] = {}
    for c in T3_APPLICANT_COLUMNS:
        outcomes = {r: draw(st.integers(0, 3)) for r in OUTCOME_ROWS}
        values.update({t3(r, c): v for r, v in outcomes.items()})
        processed = sum(outcomes.values())
        forward = draw(small)
        over = draw(st.integers(0, processed + forward))
        values.update({t3("total_processed", c): processed, t3("carried_forward", c): forward,
                       t3("carried_over", c): over, t3("new_received", c): processed + forward - over})
    for r in {cid.split(".")[1] for cid in values}:
        values[t3(r, "total")] = sum(values[t3(r, c)] for c in T3_APPLICANT_COLUMNS)
    for b in T4_BLOCKS:
        parts = {p: draw(st.integers(0, 5)) for p in T4_PARTS}
        values.update({t4(b.key, p): v for p, v in parts.items()})
        values[t4(b.key, "total")] = sum(parts.values())
    for row, cols in T2_ROW_COLUMNS.items():
        for c in cols:
            values[t2(row, c)] = draw(st.decimals(0, 999, places=2)) if c == "amount" else draw(small)
    for cid, v in values.items():
        report.cells[cid] = Cell(cid, CellState.NUMBER, v, str(v))
    return report


def same_cells(a: Report, b: Report) -> None:
    for cid in CELL_IDS:
        assert Decimal(str(a.cells[cid].value)) == Decimal(str(b.cells[cid].value)), cid


@settings(max_examples=30, deadline=None)
@given(consistent_reports())
def test_generated_reports_are_consistent(report):
    errors = [f.rule for f in check(report, select=["T3", "T4", "VAL"]).findings if f.severity.value == "error"]
    assert errors == []


@settings(max_examples=25, deadline=None)
@given(consistent_reports(), st.sampled_from([("md", "tsv"), ("txt", "tsv"), ("txt", "cells"), ("txt", "grid")]))
def test_text_formats_round_trip(report, fmt_layout):
    fmt, layout = fmt_layout
    back = parse_text(render(report, fmt, layout=layout).decode("utf-8"))
    same_cells(report, back)
    assert (back.unit, back.year, back.signed_on) == (report.unit, report.year, report.signed_on)


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._id = {}, None

    def handle_starttag(self, tag, attrs):
        self._id = dict(attrs).get("data-cell")

    def handle_data(self, data):
        if self._id:
            self.cells[self._id] = self.cells.get(self._id, "") + data

    def handle_endtag(self, tag):
        self._id = None


@settings(max_examples=25, deadline=None)
@given(consistent_reports())
def test_html_and_template_round_trip(report):
    p = _Cells()
    p.feed(render(report, "html").decode("utf-8"))
    assert {k: Decimal(v) for k, v in p.cells.items()} == {i: Decimal(str(report.cells[i].value)) for i in CELL_IDS}
    back = parse_bytes(render_template(report), "t.xlsx")
    same_cells(report, back)  # totals come back from the template's formulas, equal to the reported ones


@settings(max_examples=8, deadline=None)
@given(consistent_reports(), st.sampled_from(["html", "docx", "pdf"]))
def test_html_and_docx_readers_round_trip(report, fmt):
    back = parse_bytes(render(report, fmt), f"generated.{fmt}")
    assert back.format == fmt
    same_cells(report, back)
    assert (back.unit, back.year, back.signed_on) == (report.unit, report.year, report.signed_on)
