"""The fast NFKC shared by parser and checker is exactly unicodedata's."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from zfxxgk.model.text import nfkc

# Full-width punctuation and forms, CJK, ASCII, combining marks (a mapped character followed by
# one is where a shortcut would go wrong), compatibility ideographs and a character beyond the BMP.
ALPHABET = st.sampled_from(
    list("，（）：；！？％\u3000ＡＢ１２ａ。、“”政府信息公开申请年件0123456789 abc\t\n")
    + ["\u0301", "\u0308", "\u3099", "\uf900", "\u2460", "\u00bd", "\ufb01", "\U0002f800", "\u1100", "\u1161"]
)


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_nfkc_equals_unicodedata(s: str) -> None:
    assert nfkc(s) == unicodedata.normalize("NFKC", s)


@given(st.text(max_size=30))
def test_nfkc_equals_unicodedata_on_any_text(s: str) -> None:
    assert nfkc(s) == unicodedata.normalize("NFKC", s)


def test_nfkc_maps_fullwidth_before_a_combining_mark() -> None:
    # “（” + U+0301 must compose the way unicodedata does after the mapping
    for s in ("（\u0301", "，\u0308", "Ａ\u0301", "共计（一）：3件；"):
        assert nfkc(s) == unicodedata.normalize("NFKC", s)


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_squash_is_nfkc_without_any_whitespace(s: str) -> None:
    import re

    from zfxxgk.model.text import squash

    assert squash(s) == re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))
    assert not any(ch.isspace() for ch in squash(s))
