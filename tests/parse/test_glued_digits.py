"""Layout H (spec §2.8): cells run together without separators are split only when the cut is the one
reading whatever cells were blank and the row's own identity holds; otherwise the row stays unreadable
— never a guessed number. (The spec only asks for one split admitted by the identities; a blank cell
leaves no trace once the separators are gone and makes the identity unassessable, so a cut the
identity admits can still be wrong: ``69|3|0|0|0|0|72`` is also ``69|30|0|0|0|72`` with a blank.)"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zfxxgk.model import CellState, NoteKind, Table
from zfxxgk.model.ids import row_cells
from zfxxgk.parse import parse_text
from zfxxgk.parse.tables import T4_ORDER

HEAD = """甲镇人民政府2024年政府信息公开工作年度报告

三、收到和处理政府信息公开申请情况

（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t总计
\t\t自然人\t法人或其他组织\t\t\t\t\t
\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t
"""
GRANTED = row_cells(Table.T3, "granted")


def granted(values_text: str):
    report = parse_text(HEAD + "三、本年度办理结果\t（一）予以公开\t" + values_text + "\n")
    return report, [report.cells[c] for c in GRANTED]


def test_a_glued_row_of_zeros_is_read_and_noted():
    report, cells = granted("0000000")
    assert [c.value for c in cells] == [0] * 7
    assert [c.span.col for c in cells] == [18, 19, 20, 21, 22, 23, 24]  # each piece where it is in the line
    notes = [n for n in report.notes if n.kind is NoteKind.DIGITS_SPLIT]
    assert len(notes) == 1 and notes[0].data["values"] == [0] * 7


def test_a_glued_row_whose_cut_a_blank_cell_could_explain_stays_unreadable():
    # 69|3|0|0|0|0|72 adds up, but so could 69|30|0|0|0|72 with a blank cell (whose row sum cannot be checked)
    for text in ("693000072", "69\t3000072", "0000101"):
        report, cells = granted(text)
        assert all(c.state is CellState.UNREADABLE and c.value is None for c in cells), text
        assert not [n for n in report.notes if n.kind is NoteKind.DIGITS_SPLIT]


def test_several_admissible_splits_leave_the_row_unreadable():
    # 0|1|10|0|0|0|11 and 0|11|0|0|0|0|11 both add up
    report, cells = granted("011000011")
    assert all(c.state is CellState.UNREADABLE and c.value is None for c in cells)
    assert not [n for n in report.notes if n.kind is NoteKind.DIGITS_SPLIT]


def test_no_admissible_split_or_other_text_leaves_the_row_unreadable():
    for text in ("12000012", "6930O0072", "69,3000072"):
        _, cells = granted(text)
        assert all(c.value is None for c in cells), text


T4_HEAD = ("一、总体情况\n\n四、政府信息公开行政复议、行政诉讼情况\n\n"
           "行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n")


def test_table_four_glued_data_row_of_zeros_is_read():
    report = parse_text(T4_HEAD + "0" * 15 + "\n")
    assert [report.cells[c].value for c in T4_ORDER] == [0] * 15


def test_table_four_cut_only_its_block_totals_vouch_for_stays_unreadable():
    # 1|0|1|0|2 … adds up by blocks, but a blank cell could hide anywhere (10|1|0|2 … with a blank total);
    # the same with the cells apart and one blank (found by the property test of the lost layouts)
    for row in ("101020000010001", "  ".join(["0"] * 8 + ["11"] + ["0"] * 5)):
        report = parse_text(T4_HEAD + row + "\n")
        cells = [report.cells[c] for c in T4_ORDER]
        assert all(c.value is None for c in cells), row


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 120), min_size=6, max_size=6))
def test_a_glued_row_is_read_right_or_not_at_all(applicants):
    truth = [*applicants, sum(applicants)]
    _, cells = granted("".join(str(v) for v in truth))
    got = [c.value for c in cells]
    assert got == truth or got == [None] * 7


def test_a_cell_with_spaces_or_markup_inside_is_not_split():
    # "0 0" in one cell is no glued "00": whatever it is, pieces could not point at their own text
    for text in ("69 3000072", "69<br>3000072"):
        _, cells = granted(text)
        assert all(c.value is None for c in cells), text
