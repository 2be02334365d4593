"""The per-cell-text memos give the same answers as a fresh computation and stay bounded."""

from zfxxgk.model import CellState
from zfxxgk.parse import normalize, values
from zfxxgk.parse.normalize import norm_label


def test_memo_answers_are_stable_and_fractional_is_separate() -> None:
    assert values.read_value("1.5", True) == (CellState.NUMBER, values.Decimal("1.5"))
    assert values.read_value("1.5") == (CellState.NUMBER, values.Decimal("1.5"))
    assert values.read_value("2.0") == (CellState.NUMBER, 2)
    assert values.read_value("2.0", True) == (CellState.NUMBER, values.Decimal("2.0"))
    assert values.read_value(" ") == (CellState.BLANK, None)
    assert values.is_label_text("予以公开") and not values.is_label_text("12")
    assert values.is_number_text("1,234") and not values.is_number_text("—")
    assert norm_label("（一）予以 公开") == norm_label("(一)予以公开")


def test_memos_are_bounded() -> None:
    for k in range(normalize.MEMO_MAX + 10):
        values.clean_cell(f"x{k}")
    assert len(values._CLEAN) <= normalize.MEMO_MAX
    assert values.clean_cell(" 3 ") == "3"
