"""The report codec is lossless: parse → document → report gives the same report and the same findings."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.check.casebuild import build_report
from tests.conftest import SEEDS
from tests.parse.test_properties import mangled
from zfxxgk.check import check
from zfxxgk.model import NoteKind, ParseNote, Span
from zfxxgk.model.codec import pack, report_from_doc, report_to_doc, unpack
from zfxxgk.parse import parse_file, parse_text
from zfxxgk.synth import plan, write_bytes

CASES = sorted((Path(__file__).parents[1] / "check" / "cases").glob("*.yaml"))


def assert_same_checks(report):
    """Equal field for field, through JSON text as the store keeps it, and checked the same."""
    doc = json.loads(json.dumps(report_to_doc(report), ensure_ascii=False))
    back = report_from_doc(doc)
    assert back == report
    assert unpack(pack(report)) == report
    assert [f.to_dict() for f in check(back).findings] == [f.to_dict() for f in check(report).findings]


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_seeds_round_trip(path):
    assert_same_checks(parse_file(path))


def test_rule_case_reports_round_trip():
    """Every case report of the rule tests: odd headings, variants, notes, fractional values, missing tables."""
    n = 0
    for path in CASES:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            assert_same_checks(build_report(case))
            n += 1
    assert n > 300


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.sampled_from(["txt", "html", "docx"]), st.sampled_from([0.0, 1.0]))
def test_synthetic_reports_round_trip(index, fmt, defects):
    from zfxxgk.parse import parse_bytes

    p = plan(index, 7, fmt, None, defects)
    assert_same_checks(parse_bytes(write_bytes(p), f"r.{fmt}"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_mangled_reports_round_trip(text):
    assert_same_checks(parse_text(text))


def test_note_data_keeps_its_types():
    report = parse_text("")
    data = {"values": (1, 2), "amount": Decimal("1.50"), "on": dt.date(2024, 1, 2), "span": Span(1, 2, 3, 4, "x"),
            "nested": [{"k": (Decimal("0.1"),)}], "plain": "文字"}
    report.notes.append(ParseNote(NoteKind.DIGITS_SPLIT, None, Span(3, 0, 3, 5), data))
    back = unpack(pack(report))
    assert back.notes[-1].data == data and isinstance(back.notes[-1].data["values"], tuple)


@pytest.mark.parametrize("path", SEEDS[:2], ids=[p.stem[:3] for p in SEEDS[:2]])
def test_only_the_cells_asked_for(path):
    """With ``cells``, those cells are made as the whole unpacking makes them, every other field is
    the same, and any other cell is absent: read, it raises, it is never a blank.
    """
    report = parse_file(path)
    wanted = ["t3.carried_over.total", "t2.regulation.issued", "t2.regulation.in_force"]
    part = unpack(pack(report), wanted)
    assert part.cells == {cid: report.cells[cid] for cid in wanted}
    with pytest.raises(KeyError):
        part.cells["t3.granted.total"]
    part.cells = report.cells
    assert part == report


def test_a_document_with_another_number_of_cells_is_refused():
    doc = report_to_doc(parse_file(SEEDS[0]))
    doc["cells"] = doc["cells"][:-1]
    for cells in (None, ["t3.carried_over.total"]):
        with pytest.raises(ValueError, match="199 cells"):
            report_from_doc(doc, cells)
