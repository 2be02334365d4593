"""Layout H (spec §2.8): cells run together without separators are split only when the row's own
identity admits exactly one split; otherwise the row stays unreadable — never a guessed number."""

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


def test_a_glued_row_with_one_admissible_split_is_read_and_noted():
    report, cells = granted("693000072")
    assert [c.value for c in cells] == [69, 3, 0, 0, 0, 0, 72]
    assert [c.raw for c in cells] == ["69", "3", "0", "0", "0", "0", "72"]
    assert [c.span.col for c in cells] == [18, 20, 21, 22, 23, 24, 25]  # each piece where it is in the line
    notes = [n for n in report.notes if n.kind is NoteKind.DIGITS_SPLIT]
    assert len(notes) == 1 and notes[0].data["values"] == [69, 3, 0, 0, 0, 0, 72]


def test_partly_glued_tokens_are_split_too():
    _, cells = granted("69\t3000072")
    assert [c.value for c in cells] == [69, 3, 0, 0, 0, 0, 72]


def test_several_admissible_splits_leave_the_row_unreadable():
    # 0|1|10|0|0|0|11 and 0|11|0|0|0|0|11 both add up
    report, cells = granted("011000011")
    assert all(c.state is CellState.UNREADABLE and c.value is None for c in cells)
    assert not [n for n in report.notes if n.kind is NoteKind.DIGITS_SPLIT]


def test_no_admissible_split_or_other_text_leaves_the_row_unreadable():
    for text in ("12000012", "6930O0072", "69,3000072"):
        _, cells = granted(text)
        assert all(c.value is None for c in cells), text


def test_table_four_glued_data_row_is_split_by_its_three_blocks():
    text = ("一、总体情况\n\n四、政府信息公开行政复议、行政诉讼情况\n\n"
            "行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
            "101020000010001\n")
    report = parse_text(text)
    values = [report.cells[c].value for c in T4_ORDER]
    assert values == [1, 0, 1, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]


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
