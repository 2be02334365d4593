"""The last step of every reader (``parse.finish``): annotated numbers get their note, numbers beyond the
store's limits become text, an over-long unit name is no unit — on reports made directly, so that the
step is tested apart from the readers that seldom produce such cells.
"""

from __future__ import annotations

from decimal import Decimal

from tests.parse.builders import text_with
from zfxxgk.model import Cell, CellState, NoteKind
from zfxxgk.model.ids import t2, t3
from zfxxgk.model.limits import LIMITS, MAX_VALUE
from zfxxgk.parse import parse_text
from zfxxgk.parse.finish import finish, note_annotated

A, B, C, D = t3("new_received", "natural_person"), t3("new_received", "commercial"), t2("fee", "amount"), t3("granted", "total")


def _report():
    report = parse_text(text_with({A: 1}))
    report.cells[A] = Cell(A, CellState.NUMBER, MAX_VALUE, "1" + "0" * 60 + "（其中修订16件）", None)
    report.cells[B] = Cell(B, CellState.NUMBER, MAX_VALUE - 1, "999999999999", None)
    report.cells[C] = Cell(C, CellState.NUMBER, Decimal("0.12345"), "0.12345", None)
    report.cells[D] = Cell(D, CellState.NUMBER, -MAX_VALUE, "-1000000000000", None)
    report.unit = "甲" * (LIMITS.name_chars + 1)
    return report


def test_numbers_beyond_the_limits_become_text_and_the_rest_stay():
    report = finish(_report())
    for cid in (A, C, D):
        cell = report.cells[cid]
        assert (cell.state, cell.value) == (CellState.TEXT, None)
    assert report.cells[A].raw == "1" + "0" * 39 + "…（共 70 个字符）"  # 40 characters kept, the length said
    assert report.cells[C].raw == "0.12345"
    assert (report.cells[B].state, report.cells[B].value) == (CellState.NUMBER, MAX_VALUE - 1)
    assert report.unit is None


def test_the_note_of_an_annotated_number_is_made_before_its_value_is_judged():
    notes = [n for n in finish(_report()).notes if n.kind is NoteKind.VALUE_ANNOTATED]
    assert [n.data["cell"] for n in notes] == [A]


def test_without_the_limits_only_the_notes_are_made():
    report = note_annotated(_report())
    assert report.cells[A].value == MAX_VALUE and report.cells[C].value == Decimal("0.12345")
    assert report.unit is not None
    assert [n.data["cell"] for n in report.notes if n.kind is NoteKind.VALUE_ANNOTATED] == [A]
