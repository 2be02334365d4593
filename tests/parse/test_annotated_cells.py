"""Cells annotated in brackets — “22（其中修订16件）” — read as the number before the bracket, with a note;
anything that could be another number stays text (never a wrong number).
"""

from __future__ import annotations

import pytest

from tests.parse.builders import text_with
from zfxxgk.model import CellState, NoteKind, Table
from zfxxgk.model.ids import t2, t3
from zfxxgk.parse import parse_bytes, parse_text
from zfxxgk.parse.values import annotation, read_value


@pytest.mark.parametrize(
    ("raw", "value", "remark"),
    [
        ("22（其中修订16件）", 22, "其中修订16件"),
        ("3(含转办1件)", 3, "含转办1件"),
        ("３（含转办１件）", 3, "含转办1件"),  # full-width digits and brackets
        ("22 （其中修订16件）", 22, "其中修订16件"),
        ("22<br>（其中修订16件）", 22, "其中修订16件"),
        ("0（无）", 0, "无"),
        ("1,234（其中线上1,000件）", 1234, "其中线上1,000件"),
    ],
)
def test_an_annotated_number_reads_as_the_number_before_the_bracket(raw, value, remark):
    assert read_value(raw) == (CellState.NUMBER, value)
    assert annotation(raw) == remark


@pytest.mark.parametrize(
    "raw",
    [
        "22(16)",  # a remark of digits only: two counts, or one? nobody can tell
        "22（16件）5",  # a number after the bracket too
        "（其中16件）22",  # the number after the remark
        "22 5（其中16件）",  # two numbers before it
        "2 2（其中16件）",  # digits apart
        "22件（其中16件）",  # a unit: not a plain number
        "其中22（修订16件）",  # words before the number
        "22（其中（修订）16件）",  # nested brackets
        "22（其中16件）（另3件）",  # two remarks
        "②（其中1件）",  # a circled list number is no count
        "（其中修订16件）",  # no number outside at all
        "约22（其中16件）",
    ],
)
def test_anything_ambiguous_stays_text_and_never_the_inner_number(raw):
    assert read_value(raw)[0] is CellState.TEXT
    assert annotation(raw) is None


def test_a_report_cell_with_a_remark_reads_with_a_note():
    text = text_with({t3("new_received", "natural_person"): 1})
    text = text.replace("本年新收政府信息公开申请数量\t1\t", "本年新收政府信息公开申请数量\t22（其中修订16件）\t", 1)
    assert "22（其中修订16件）" in text
    report = parse_text(text)
    cell = report.cells[t3("new_received", "natural_person")]
    assert (cell.state, cell.value, cell.raw) == (CellState.NUMBER, 22, "22（其中修订16件）")
    notes = [n for n in report.notes if n.kind is NoteKind.VALUE_ANNOTATED]
    assert [(n.table, n.data) for n in notes] == [
        (Table.T3, {"cell": t3("new_received", "natural_person"), "raw": "22（其中修订16件）", "remark": "其中修订16件"})
    ]
    assert notes[0].span == cell.span
    assert parse_bytes(text.encode(), "r.txt").notes == report.notes


def test_an_ambiguous_remark_in_a_report_is_text_without_a_note():
    text = text_with({t2("regulation", "issued"): 5})
    text = text.replace("规章\t5\t", "规章\t5（16）\t", 1)
    assert "5（16）" in text
    report = parse_text(text)
    cell = report.cells[t2("regulation", "issued")]
    assert cell.state is CellState.TEXT and cell.value is None
    assert not [n for n in report.notes if n.kind is NoteKind.VALUE_ANNOTATED]
