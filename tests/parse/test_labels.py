from zfxxgk.parse.labels import T3_ROW_LABELS


def test_a_label_whose_ordinal_numeral_was_lost_is_no_variant():
    # OCR or a broken line drops the 二 of 二、: the wording is still the standard one
    m = T3_ROW_LABELS.match("、上年结转政府信息公开申请数量")
    assert m is not None and m.key == "carried_over" and not m.variant


def test_a_different_wording_is_still_a_variant():
    m = T3_ROW_LABELS.match("二、上年度结转政府信息公开申请数量")
    assert m is not None and m.key == "carried_over" and m.variant
