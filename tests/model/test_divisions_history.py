"""Retired divisions (division_history.csv): their successors, credit-code lookup and names in locate."""

import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zfxxgk.model import divisions as dv


def located_path(text: str, year: int | None = None) -> str | None:
    found = dv.locate(text, year).division
    return dv.path(found.code) if found else None


def history_rows() -> list[dict[str, str]]:
    text = resources.files("zfxxgk.data").joinpath("division_history.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@pytest.mark.parametrize(
    ("code", "successor"),
    [
        ("371200", "370100"),  # 莱芜市 (地级) merged into 济南市, 2019
        ("371202", "370116"),  # 莱城区 → 莱芜区
        ("371203", "370117"),  # 钢城区 stays, with a new code
        ("130223", "130284"),  # 滦县 → 滦州市
        ("131181", "131103"),  # 冀州市 → 冀州区
        ("130823", "130881"),  # 平泉县 → 平泉市
        ("341422", "340281"),  # 巢湖市无为县 → 芜湖市无为县 340225 → 无为市: a chain
        ("632121", "630203"),  # 海东地区平安县 → 海东市平安县 630221 → 平安区
        ("542421", "540602"),  # 那曲县 → 色尼区
        ("130602", "130602"),  # 新市区 renamed 竞秀区: the code lives on
        ("130323", "130306"),  # 抚宁县, split, but 抚宁区 carries it on (same name root)
        ("330621", "330603"),  # 绍兴县 → 柯桥区 (set up from it alone) and 越城区
    ],
)
def test_a_retired_code_leads_to_its_successor(code, successor):
    assert dv.division(successor) is not None
    assert dv.successor(code) == dv.division(successor)
    assert dv.current_code(code) == successor
    assert dv.division_of_code(code) == dv.division(successor)
    assert dv.retired(code) is not None and dv.retired(code).code == code


def test_the_examples_read_as_they_should():
    laiwu = dv.retired("371200")
    assert (laiwu.name, laiwu.level, laiwu.parent, laiwu.until) == ("莱芜市", "city", "370000", 2018)
    assert dv.retired("371202").parent == "371200"  # 莱城区 lay in the retired 莱芜市
    luan = dv.retired("130223")
    assert (luan.name, luan.since, luan.until, luan.parent) == ("滦县", 1983, 2018, "130200")
    assert luan.in_use(2017) and luan.in_use(2018) and not luan.in_use(2019)
    assert [r.code for r in dv.find_retired("滦县")] == ["130223"]
    assert [r.code for r in dv.find_retired("无为县")] == ["340225", "341422"]


def test_a_split_has_no_single_successor():
    chaohu = dv.retired("341400")  # 地级巢湖市, 2011: 合肥、芜湖、马鞍山
    assert chaohu.level == "city" and chaohu.successor is None
    assert chaohu.successors == ("340100", "340200", "340500")
    assert dv.successor("341400") is None and dv.division_of_code("341400") is None
    assert dv.current_code("341400") is None
    assert [d.name for d in dv.successors("341400")] == ["合肥市", "芜湖市", "马鞍山市"]
    assert [d.name for d in dv.successors("130223")] == ["滦州市"]
    # the name: no guess, the places it went to
    found = dv.locate("江干区人民政府")  # 杭州市江干区, 2021: 上城区 and 钱塘区
    assert found.division is None and found.matched == "江干区"
    assert [d.name for d in found.candidates] == ["上城区", "钱塘区"]
    assert [r.code for r in found.retired] == ["330104"]


def test_current_codes_and_unknown_codes():
    assert dv.division_of_code("370725") == dv.division("370725")  # current: itself
    assert dv.current_code("370725") == "370725"
    assert dv.retired("370725") is None and dv.successor("370725") is None and dv.successors("370725") == []
    assert dv.division_of_code("999999") is None and dv.current_code("123456") is None
    # a credit code keeps the code of its registration year: read later, it still leads on
    assert dv.retired("130223", 2010).name == dv.retired("130223", 2024).name == "滦县"
    assert dv.division_of_code("130223", 2024).name == "滦州市"


def test_locate_reads_a_retired_name_as_its_successor():
    found = dv.locate("滦县人民政府2017年政府信息公开工作年度报告")
    assert dv.path(found.division.code) == "河北省/唐山市/滦州市"
    assert found.matched == "滦县" and found.historical and [r.code for r in found.retired] == ["130223"]
    assert located_path("莱芜市人民政府") == "山东省/济南市"
    assert located_path("莱芜市钢城区财政局") == "山东省/济南市/钢城区"
    assert located_path("山东省莱芜市莱城区人民政府") == "山东省/济南市/莱芜区"
    assert [r.name for r in dv.locate("山东省莱芜市莱城区人民政府").retired] == ["莱芜市", "莱城区"]
    assert located_path("冀州市人民政府") == "河北省/衡水市/冀州区"
    assert located_path("襄樊市襄阳区人民政府") == "湖北省/襄阳市/襄州区"
    assert located_path("重庆市江北区财政局") == "重庆市/两江新区"
    assert located_path("梅县人民政府") == "广东省/梅州市/梅县区"  # 梅县区 is current, 梅县 is not
    # a retired name longer than the current short name it starts with, when it leads to one place
    assert located_path("大同县人民政府") == "山西省/大同市/云州区"
    assert located_path("铜仁地区财政局") == "贵州省/铜仁市" and dv.locate("铜仁地区财政局").historical
    # ... and the current reading when it does not (邯郸县 went to 邯山区 and 丛台区)
    found = dv.locate("邯郸县财政局")
    assert dv.path(found.division.code) == "河北省/邯郸市" and found.matched == "邯郸" and not found.historical


def test_the_year_limits_retired_names():
    assert located_path("滦县人民政府", 2017) == "河北省/唐山市/滦州市"
    assert located_path("滦县人民政府", 2018) == "河北省/唐山市/滦州市"  # the year it changed
    assert dv.locate("滦县人民政府", 2019) == dv.Located(None, (), "")
    assert dv.locate("莱芜市钢城区", 2020).matched == ""  # 莱芜市 was gone by then
    # current names read whatever the year
    assert located_path("滦州市人民政府", 2010) == "河北省/唐山市/滦州市"


def test_a_retired_name_that_is_a_current_name_elsewhere_does_not_steal():
    # 新市区: 保定's until 2015 (now 竞秀区), and 乌鲁木齐's today
    found = dv.locate("新市区财政局")
    assert not found.historical and {d.code for d in found.candidates} >= {"650104"}
    assert "130602" not in {d.code for d in found.candidates}
    assert located_path("乌鲁木齐市新市区财政局") == "新疆维吾尔自治区/乌鲁木齐市/新市区"
    # only where the names before it rule the current one out
    found = dv.locate("河北省保定市新市区人民政府")
    assert dv.path(found.division.code) == "河北省/保定市/竞秀区" and found.historical
    # 巢湖市 is a county-level city today (and was a prefecture until 2011): the current one wins
    assert located_path("巢湖市人民政府") == "安徽省/合肥市/巢湖市"
    assert not dv.locate("巢湖市人民政府", 2009).historical
    # ... while what follows may lie in the prefecture it was
    assert located_path("巢湖市庐江县人民政府", 2010) == "安徽省/合肥市/庐江县"
    assert located_path("巢湖市居巢区人民政府", 2010) == "安徽省/合肥市/巢湖市"


def test_a_retired_name_of_several_places_needs_the_names_before_it():
    assert {r.code for r in dv.find_retired("桥东区")} == {"130103", "130502"}  # 石家庄, 邢台
    assert located_path("邢台市桥东区人民政府") == "河北省/邢台市/襄都区"
    found = dv.locate("石家庄市桥东区人民政府")  # split between 长安区 and 桥西区
    assert found.division is None and [d.name for d in found.candidates] == ["长安区", "桥西区"]
    assert located_path("山西省长治市城区人民政府") == "山西省/长治市/潞州区"
    assert [d.name for d in dv.locate("山西省大同市城区人民政府").candidates] == ["平城区", "云冈区"]
    # two retired codes of one name that lead to the same place are no ambiguity
    assert located_path("平安县人民政府") == "青海省/海东市/平安区"
    assert located_path("无为县人民政府") == "安徽省/芜湖市/无为市"


def test_current_names_read_as_before():
    for d in dv.all_divisions():
        found = dv.locate(dv.path(d.code).replace("/", "") + "人民政府")
        assert found.division == d and not found.historical, d


def test_the_history_table():
    rows = history_rows()
    assert list(rows[0]) == ["code", "name", "level", "since", "until", "successor", "successors"]
    assert len(rows) == len(dv.all_retired()) == 394
    assert [(r["code"], r["since"]) for r in rows] == sorted((r["code"], r["since"]) for r in rows)
    for r in rows:
        assert len(r["code"]) == 6 and r["code"].isdigit() and r["name"] == r["name"].strip() != ""
        assert r["level"] in ("city", "county") and (r["level"] == "city") == r["code"].endswith("00")
        assert 1980 <= int(r["since"]) <= int(r["until"]) <= 2025 and int(r["until"]) >= 2008
        many = [c for c in r["successors"].split("|") if c]
        assert r["successor"] or len(many) > 1, r  # every row leads somewhere
        assert not many or len(many) > 1
        assert not r["successor"] or not many or r["successor"] in many
        for c in ([r["successor"]] if r["successor"] else []) + many:
            assert dv.division(c) is not None, (r, c)  # every successor is a current division
        current = dv.division(r["code"])
        assert current is None or current.name != r["name"]  # a row retires a code or a name
    assert "division_history.csv" in resources.files("zfxxgk.data").joinpath(
        "DIVISIONS-LICENSE.txt").read_text(encoding="utf-8")


def test_retired_parents_hang_together():
    codes = {d.code for d in dv.all_divisions()} | {r.code for r in dv.all_retired()}
    for r in dv.all_retired():
        assert r.parent in codes and r.parent != r.code and r.parent[:2] == r.code[:2]
        above = dv.division(r.parent) or dv.retired(r.parent)
        assert above.level in ("province", "city") and (r.level != "city" or above.level == "province")


_RETIRED_CHARS = "滦县莱芜市钢城区莱城区河北省保定新巢湖庐江居邯郸大同铜仁地渝重庆江干桥东西 /"


@given(st.text(alphabet=st.sampled_from(list(_RETIRED_CHARS)), max_size=30), st.none() | st.integers(2000, 2030))
def test_locate_with_retired_names_never_raises(text, year):
    found = dv.locate(text, year)
    assert found.division is None or not found.candidates
    assert (found.division is None and not found.candidates) == (found.matched == "")
    assert "".join(text.split()).startswith(found.matched)
    assert year is None or all(r.in_use(year) for r in found.retired)
