"""Layout G (spec §2.8): all row labels of table 3 in one block, then all the numbers (PDF text
without layout). Read only when there are exactly 7 numbers per row and one reading order makes
every row add up; otherwise nothing is guessed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zfxxgk.model import NoteKind, Table
from zfxxgk.model.ids import T3_ROWS, row_cells
from zfxxgk.parse import parse_text

HEAD = ("甲镇人民政府2024年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n"
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n申请人情况\n自然人\n法人或其他组织\n"
        "商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n总计\n")
TAIL = "\n\n四、政府信息公开行政复议、行政诉讼情况\n"
LEAVES = [r for r in T3_ROWS if r.key not in ("total_processed", "other_other")][:6]
ROWS = [[5, 1, 0, 0, 0, 0, 6], [1, 0, 0, 0, 0, 0, 1], [3, 1, 0, 0, 0, 0, 4], [2, 0, 0, 0, 0, 0, 2]]


def text_for(rows: list[list[int]], order: str) -> str:
    labels = "\n".join(r.label for r in LEAVES[: len(rows)])
    if order == "row":
        numbers = "\n".join(" ".join(map(str, r)) for r in rows)
    elif order == "column":
        numbers = "\n".join(" ".join(str(r[j]) for r in rows) for j in range(7))
    else:  # one number per line, column by column
        numbers = "\n".join(str(r[j]) for j in range(7) for r in rows)
    return HEAD + labels + "\n" + numbers + TAIL


def values(report, n: int) -> list[list[object]]:
    return [[report.cells[c].value for c in row_cells(Table.T3, r.key)] for r in LEAVES[:n]]


def test_labels_then_numbers_are_read_in_any_of_the_three_orders():
    for order in ("row", "column", "line"):
        report = parse_text(text_for(ROWS, order))
        assert values(report, 4) == ROWS, order
        assert [n.data["label"] for n in report.notes if n.kind is NoteKind.ROW_SPLIT] == ["各行（标签与数值分开排列）"]


def test_one_number_missing_leaves_the_rows_unread():
    text = text_for(ROWS, "row").replace("2 0 0 0 0 0 2", "2 0 0 0 0 2")
    report = parse_text(text)
    assert all(v is None for row in values(report, 4) for v in row)
    assert all(report.cells[c].state.value == "unreadable" for r in LEAVES[:4] for c in row_cells(Table.T3, r.key))
    notes = [n for n in report.notes if n.kind is NoteKind.ROW_AMBIGUOUS]
    assert [(n.data["label"], n.data["k"], n.data["expected"]) for n in notes] == [("各行（标签与数值分开排列）", 27, 28)]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=6, max_size=6), min_size=2, max_size=6),
       st.sampled_from(["row", "column", "line"]))
def test_separated_blocks_are_read_right_or_not_at_all(applicants, order):
    rows = [[*a, sum(a)] for a in applicants]
    got = values(parse_text(text_for(rows, order)), len(rows))
    for want, row in zip(rows, got, strict=True):
        assert row == want or all(v is None for v in row), (want, row)
