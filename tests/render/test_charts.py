"""SVG charts: well-formed, accessible, escaped; bars proportional; a blank is a labelled gap, never 0."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zfxxgk.render.charts import (
    BLANK,
    FONT_FAMILY,
    MAX_LABEL,
    ROTATED_LABEL,
    Series,
    format_percent,
    nice_ticks,
    render_bar_chart,
    render_line_chart,
    text_width,
)

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(NS + tag) if cls in (e.get("class") or "").split()]


def text_of(e: ET.Element) -> str:
    """The visible text of a <text> (its <title> tooltip left out)."""
    return (e.text or "") + "".join((c.tail or "") for c in e)


def bars(root: ET.Element) -> list[ET.Element]:
    return by_class(root, "rect", "bar")


REGIONS = ["昌乐县", "武陟县", "台儿庄区"]
SERIES = {"予以公开": [3, None, 5], "部分公开": [1, 2, 0]}


def test_grouped_horizontal_bars_values_and_blank_gap():
    root = parse(render_bar_chart(REGIONS, SERIES, title="办理结果", category_label="地区", value_label="件数"))
    drawn = {(b.get("data-category"), b.get("data-series")): b for b in bars(root)}
    # five known values are five bars (the 0 is a bar of zero length); the blank is no bar at all
    assert set(drawn) == {("昌乐县", "予以公开"), ("台儿庄区", "予以公开"), ("昌乐县", "部分公开"),
                          ("武陟县", "部分公开"), ("台儿庄区", "部分公开")}
    assert drawn[("台儿庄区", "部分公开")].get("data-value") == "0"
    assert float(drawn[("台儿庄区", "部分公开")].get("width")) == 0
    blanks = by_class(root, "text", "blank")
    assert [(b.get("data-category"), b.get("data-series"), b.text) for b in blanks] == [("武陟县", "予以公开", BLANK)]
    # lengths are proportional to the values
    w = {k: float(b.get("width")) for k, b in drawn.items()}
    assert w[("台儿庄区", "予以公开")] == pytest.approx(5 * w[("昌乐县", "部分公开")], rel=0.01)
    assert w[("昌乐县", "予以公开")] == pytest.approx(3 * w[("昌乐县", "部分公开")], rel=0.01)
    values = sorted(e.text for e in by_class(root, "text", "value"))
    assert values == sorted(["3", "5", "1", "2", "0"])
    legend = [text_of(t) for g in by_class(root, "g", "legend-item") for t in g.iter(NS + "text")]
    assert legend == ["予以公开", "部分公开"]
    assert [text_of(t) for t in by_class(root, "text", "category")] == REGIONS
    assert {text_of(t) for t in by_class(root, "text", "axis-label")} == {"地区", "件数"}


def test_accessible_name_description_and_font():
    svg = render_bar_chart(REGIONS, SERIES, title="办理结果")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "办理结果"
    assert root.find(NS + "title").text == "办理结果"
    desc = root.find(NS + "desc")
    assert root.get("aria-describedby") == desc.get("id")
    assert "武陟县：予以公开 空白，部分公开 2" in desc.text  # the data, blank named as such
    assert root.get("font-family") == FONT_FAMILY == '"Noto Sans CJK SC", sans-serif'
    assert by_class(root, "text", "chart-title")[0].text == "办理结果"


def test_hostile_names_are_escaped_not_markup():
    names = ["<script>alert(1)</script>", "A&B \"引号\" 'x'", "控制\x00字符\x1b"]
    title = "标题 <b>&amp; & </svg>"
    svg = render_bar_chart(names, {"<i>系列</i>&": [1, 2, None]}, title=title, category_label="<地区>",
                           value_label="&件数")
    root = parse(svg)  # well-formed XML despite the input
    tags = {e.tag for e in root.iter()}
    assert NS + "script" not in tags and "script" not in tags and NS + "b" not in tags and NS + "i" not in tags
    assert "<script>" not in svg and "</svg>" not in svg[:-6]
    assert root.get("aria-label") == title and root.find(NS + "title").text == title
    shown = [text_of(t) for t in by_class(root, "text", "category")]
    assert shown == ["<script>alert(1)</script>", "A&B \"引号\" 'x'", "控制字符"]  # characters XML cannot hold dropped
    assert {b.get("data-series") for b in bars(root)} == {"<i>系列</i>&"}
    assert {text_of(t) for t in by_class(root, "text", "axis-label")} == {"<地区>", "&件数"}


def test_long_chinese_names_are_shortened_with_the_full_name_as_tooltip():
    long = "山东省潍坊市昌乐县乔官镇人民政府办公室政务公开科" * 2
    root = parse(render_bar_chart([long, "大封镇"], [3, 4], title="申请量"))
    first, second = by_class(root, "text", "category")
    assert text_of(first).endswith("…") and long.startswith(text_of(first)[:-1])
    assert text_width(text_of(first)) <= MAX_LABEL
    assert first.find(NS + "title").text == long
    assert text_of(second) == "大封镇" and second.find(NS + "title") is None
    # the label column is as wide as the shortened label, and bars start right of it
    assert min(float(b.get("x")) for b in bars(root)) >= text_width(text_of(first))


def test_vertical_columns_slant_long_labels_and_keep_them_inside():
    names = [f"山东省潍坊市昌乐县第{i}乡镇人民政府" for i in range(12)]
    root = parse(render_bar_chart(names, list(range(12)), title="各乡镇申请量", horizontal=False))
    labels = by_class(root, "text", "category")
    assert all("rotate(-45" in (t.get("transform") or "") for t in labels)
    for t in labels:  # a label anchored at its end reaches left by its width × cos 45°
        assert float(t.get("x")) - text_width(text_of(t)) * 0.71 >= 0
        assert text_width(text_of(t)) <= ROTATED_LABEL
    heights = [float(b.get("height")) for b in bars(root)]
    assert heights[0] == 0 and heights[6] == pytest.approx(heights[11] * 6 / 11, rel=0.01)
    # upright: taller for larger values, all on one baseline
    assert len({round(float(b.get("y")) + float(b.get("height")), 1) for b in bars(root)}) == 1


def test_vertical_blank_is_not_a_zero_column():
    root = parse(render_bar_chart(["甲", "乙", "丙"], [0, None, 2], title="t", horizontal=False))
    assert [b.get("data-category") for b in bars(root)] == ["甲", "丙"]
    assert [b.get("data-category") for b in by_class(root, "text", "blank")] == ["乙"]
    assert sorted(e.text for e in by_class(root, "text", "value")) == ["0", "2"]


@pytest.mark.parametrize("horizontal", [True, False])
def test_stacked_bars_sum_known_segments_and_say_blank(horizontal):
    root = parse(render_bar_chart(REGIONS, SERIES, title="堆叠", stacked=True, horizontal=horizontal))
    per_cat: dict[str, list[ET.Element]] = {}
    for b in bars(root):
        per_cat.setdefault(b.get("data-category"), []).append(b)
    assert {k: len(v) for k, v in per_cat.items()} == {"昌乐县": 2, "武陟县": 1, "台儿庄区": 2}
    totals = sorted(e.text for e in by_class(root, "text", "value"))
    assert totals == sorted(["4", "2＋" + BLANK, "5"])
    size = "width" if horizontal else "height"
    seg = {(b.get("data-category"), b.get("data-series")): float(b.get(size)) for b in bars(root)}
    assert seg[("昌乐县", "予以公开")] == pytest.approx(3 * seg[("昌乐县", "部分公开")], rel=0.01)


def test_stack_with_every_segment_blank_is_labelled_blank():
    root = parse(render_bar_chart(["甲", "乙"], {"a": [None, 1], "b": [None, 2]}, title="t", stacked=True))
    assert [b.get("data-category") for b in by_class(root, "text", "blank")] == ["甲"]
    assert {b.get("data-category") for b in bars(root)} == {"乙"}


def test_line_chart_breaks_at_blank_years():
    years = [2021, 2022, 2023, 2024, 2025]
    svg = render_line_chart(years, [Series("申请量", (3, None, 5, 7, 0))], title="申请量趋势", y_label="件数")
    root = parse(svg)
    lines = by_class(root, "polyline", "line")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 3  # 2023–2025; 2021 stands alone
    points = by_class(root, "circle", "point")
    assert [p.get("data-x") for p in points] == ["2021", "2023", "2024", "2025"]
    assert [(b.get("data-x"), b.text) for b in by_class(root, "text", "blank")] == [("2022", BLANK)]
    baseline = {round(float(p.get("cy")), 1) for p in points if p.get("data-value") == "0"}
    y3, y7 = (float(p.get("cy")) for p in points if p.get("data-value") in ("3", "7"))
    (y0,) = baseline
    assert (y0 - y7) == pytest.approx((y0 - y3) * 7 / 3, rel=0.01)
    assert [text_of(t) for t in by_class(root, "text", "category")] == [str(y) for y in years]
    assert {text_of(t) for t in by_class(root, "text", "axis-label")} == {"年度", "件数"}
    assert root.get("aria-label") == "申请量趋势"


def test_line_chart_several_series_and_percent_labels():
    root = parse(render_line_chart([2023, 2024], {"公开率": [Decimal("0.6364"), None], "全部公开率": [0.5, 0.25]},
                                   title="公开率", value_format=format_percent))
    values = sorted(e.text for e in by_class(root, "text", "value"))
    assert values == sorted(["63.6%", "50.0%", "25.0%"])
    assert [(b.get("data-series"), b.get("data-x")) for b in by_class(root, "text", "blank")] == [("公开率", "2024")]
    assert len(by_class(root, "g", "legend-item")) == 2


def test_series_must_match_categories():
    with pytest.raises(ValueError):
        render_bar_chart(["甲", "乙"], [1], title="t")


def test_nice_ticks_cover_the_range():
    assert nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0, 1, integer=False) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    t = nice_ticks(-3, 12)
    assert t[0] <= -3 and t[-1] >= 12


names = st.text(min_size=0, max_size=30)
values = st.one_of(st.none(), st.integers(min_value=-10**6, max_value=10**6),
                   st.decimals(min_value=0, max_value=10**4, places=2, allow_nan=False, allow_infinity=False))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), horizontal=st.booleans(), stacked=st.booleans())
def test_any_names_and_values_give_well_formed_charts(data, horizontal, stacked):
    cats = data.draw(st.lists(names, min_size=1, max_size=8))
    series = data.draw(st.dictionaries(names, st.lists(values, min_size=len(cats), max_size=len(cats)),
                                       min_size=1, max_size=3))
    root = parse(render_bar_chart(cats, series, title=data.draw(names), horizontal=horizontal, stacked=stacked))
    known = sum(1 for vs in series.values() for v in vs if v is not None)
    assert len(bars(root)) == known
    blanks = by_class(root, "text", "blank")
    if stacked:
        all_blank = sum(1 for i in range(len(cats)) if all(vs[i] is None for vs in series.values()))
        assert len(blanks) == all_blank
    else:
        assert len(blanks) == sum(1 for vs in series.values() for v in vs if v is None)
    line = parse(render_line_chart(list(range(2000, 2000 + len(cats))), series, title="t"))
    assert len(by_class(line, "circle", "point")) == known


def test_a_missing_value_can_say_why_instead_of_blank():
    from zfxxgk.render.charts import Series, render_bar_chart

    svg = render_bar_chart(["甲县", "乙县"], [Series("", (None, 0.5), ("样本过少", None))], title="公开率")
    root = ET.fromstring(svg)
    gaps = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "blank"]
    assert gaps == ["样本过少"]
    assert "甲县：样本过少" in svg  # the accessible description says it too
