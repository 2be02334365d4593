"""Span keeps the value semantics it had as a NamedTuple."""

import pickle

from zfxxgk.model import Span


def test_value_equality_hash_and_iteration() -> None:
    a, b = Span(3, 1, 3, 9), Span(3, 1, 3, 9, None)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Span(3, 1, 3, 10) and a != Span(3, 1, 3, 9, "x")
    assert list(Span(1, 2, 3, 4, "loc")) == [1, 2, 3, 4, "loc"]
    assert Span(*list(a)) == a
    assert (a == (3, 1, 3, 9, None)) is False  # a Span is no tuple


def test_replace_str_dict_and_pickle() -> None:
    s = Span(5, 0, 5, 7)
    assert s._replace(col=2, end_col=4) == Span(5, 2, 5, 4)
    assert s._replace(locator="docx:表1行2列3").locator == "docx:表1行2列3" and s.locator is None
    assert str(s) == "5:1" and str(Span(5, 0, 6, 3)) == "5:1-6:3" and str(Span(0, 0, 0, 0, "html:表1")) == "html:表1"
    assert s.to_dict() == {"line": 5, "col": 0, "end_line": 5, "end_col": 7}
    assert pickle.loads(pickle.dumps(Span(1, 2, 3, 4, "p"))) == Span(1, 2, 3, 4, "p")
    assert repr(s) == "Span(line=5, col=0, end_line=5, end_col=7, locator=None)"
