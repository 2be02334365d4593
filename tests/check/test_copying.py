"""The masking and the measure behind XU-TEXT-COPY (check.copying), and the signatures of its finder (app.copies)."""

from __future__ import annotations

import itertools

import numpy as np

from tests.conftest import SEEDS
from zfxxgk.app.copies import NUM_PERM, signature
from zfxxgk.check.copying import (
    COPY_MIN_CHARS,
    NAME_MARK,
    NUMBER_MARK,
    copied_share,
    mask,
    name_variants,
    pair_shares,
    section_shares,
)
from zfxxgk.parse import parse_file

N, U = NUMBER_MARK, NAME_MARK
TEXT = ("{y}年，{unit}在{region}党委、政府的正确领导下，认真贯彻落实《政府信息公开条例》，坚持以公开为常态、不公开为例外，"
        "全年主动公开政府信息{n}条，办理依申请公开{k}件，按期答复率100%，进一步提升了政府信息公开的质量和实效。")


def test_the_names_of_a_unit_and_its_regions():
    names = name_variants("昌乐县乔官镇人民政府")
    assert {"昌乐县乔官镇人民政府", "乔官镇人民政府", "乔官镇", "昌乐县", "潍坊市", "潍坊", "山东省", "山东"} <= set(names)
    assert all(len(n) >= 2 for n in names)
    assert list(names) == sorted(names, key=lambda n: (-len(n), n))  # longest first
    assert "测试镇" in name_variants("测试镇人民政府")  # a place no division table knows still loses its organ word
    assert name_variants(None) == ()


def test_masking_names_years_numbers_and_punctuation():
    text = "2024年，乔官镇（昌乐县）主动公开信息1,234条，占比12.5%；二〇二四年共办理十二件。"
    assert mask(text, name_variants("昌乐县乔官镇人民政府")) == f"{N}年{U}主动公开信息{N}条占比{N}{N}年共办理{N}件".replace(
        f"{N}{N}", N)
    assert mask("  政府 信息\n公开 ") == "政府信息公开"


def test_a_copy_with_names_years_and_numbers_changed_is_a_full_match():
    a = TEXT.format(y="2024", unit="乔官镇", region="昌乐县", n=120, k=3)
    b = TEXT.format(y="二〇二四", unit="大封镇", region="武陟县", n="三百", k=0)
    assert pair_shares(a, "昌乐县乔官镇人民政府", b, "武陟县大封镇人民政府") == (1.0, 1.0)
    # unmasked, every name and number breaks a run: the raw measure sees less than the copy it is
    assert copied_share(a, b) < 0.9


def test_a_copy_that_keeps_the_other_units_name_is_still_a_copy():
    a = TEXT.format(y="2024", unit="乔官镇", region="昌乐县", n=120, k=3)
    b = a.replace("120", "90")  # 大封镇 forgot to change the name
    assert pair_shares(a, "昌乐县乔官镇人民政府", b, "武陟县大封镇人民政府") == (1.0, 1.0)


def test_half_copied_is_measured_from_each_side():
    a = TEXT.format(y="2024", unit="乔官镇", region="昌乐县", n=120, k=3)
    own = "本镇今年重点建设了村级公开栏四十二块，并在赶集日设立流动咨询台，现场解答群众关于低保、医保、宅基地的问题，效果良好。"
    b = a + own
    mine, theirs = pair_shares(b, "武陟县大封镇人民政府", a, "昌乐县乔官镇人民政府")
    assert 0.4 < mine < 0.7 and theirs == 1.0


def test_unrelated_real_reports_share_little():
    """The five seed reports are five units' own texts: far below the threshold, pair by pair."""
    reports = [parse_file(p) for p in SEEDS]
    for x, y in itertools.combinations(reports, 2):
        shares = section_shares({n: s.text for n, s in x.sections.items()}, x.unit,
                                {n: s.text for n, s in y.sections.items()}, y.unit)
        assert shares and all(max(v) < 0.25 for v in shares.values()), (x.unit, y.unit, shares)


def test_a_stock_sentence_is_too_short_to_compare():
    stock = "本年度无此类情况，下一步将继续做好相关工作。"
    assert len(mask(stock)) < COPY_MIN_CHARS
    assert pair_shares(stock, "甲镇人民政府", stock, "乙镇人民政府") is None
    assert section_shares({1: stock, 5: "无。"}, "甲镇人民政府", {1: stock, 5: "无。"}, "乙镇人民政府") == {}


def test_signatures_are_stable_and_estimate_the_overlap():
    from datasketch import LeanMinHash

    a = mask(TEXT.format(y="2024", unit="乔官镇", region="昌乐县", n=120, k=3), name_variants("昌乐县乔官镇人民政府"))
    b = mask(TEXT.format(y="2023", unit="大封镇", region="武陟县", n=7, k=1), name_variants("武陟县大封镇人民政府"))
    other = mask("本镇今年重点建设了村级公开栏四十二块，并在赶集日设立流动咨询台，现场解答群众关于低保、医保、宅基地的问题。")
    sa, sb, so = (LeanMinHash(seed=1, hashvalues=np.frombuffer(signature(t), "<u4"), scheme="affine32") for t in (a, b, other))
    assert signature(a) == signature(a) and len(sa.hashvalues) == NUM_PERM
    assert sa.jaccard(sb) == 1.0 and sa.jaccard(so) < 0.2
