"""China's administrative divisions and a reporting unit's division read from its name."""

import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zfxxgk.model import divisions as dv


def located_path(text: str) -> str | None:
    found = dv.locate(text).division
    return dv.path(found.code) if found else None


@pytest.mark.parametrize(
    ("unit", "path", "level"),
    [
        ("昌乐县乔官镇人民政府", "山东省/潍坊市/昌乐县", "county"),
        ("武陟县大封镇人民政府", "河南省/焦作市/武陟县", "county"),
        ("安丘市官庄镇人民政府", "山东省/潍坊市/安丘市", "county"),  # a county-level city
        ("昌乐县鄌郚镇人民政府", "山东省/潍坊市/昌乐县", "county"),
        ("枣庄市台儿庄区涧头集镇人民政府", "山东省/枣庄市/台儿庄区", "county"),
        ("婺源县市场监督管理局", "江西省/上饶市/婺源县", "county"),
        ("东台市人民政府办公室", "江苏省/盐城市/东台市", "county"),
        ("北京市朝阳区财政局", "北京市/朝阳区", "county"),
        ("上海市浦东新区人民政府", "上海市/浦东新区", "county"),
        ("重庆市城口县人民政府", "重庆市/城口县", "county"),  # a 县 of 重庆 (row 500200) is the city's own
        ("潍坊高新技术产业开发区管委会", "山东省/潍坊市", "city"),  # not a division: its parent is
        ("仙桃市人民政府", "湖北省/仙桃市", "county"),  # 省直辖县级行政区划
        ("济源市人民政府", "河南省/济源市", "county"),
        ("五指山市人民政府", "海南省/五指山市", "county"),
        ("东莞市人民政府", "广东省/东莞市", "city"),  # a prefecture-level city without counties
        ("嘉峪关市人民政府", "甘肃省/嘉峪关市", "city"),
        ("山东潍坊昌乐县人民政府", "山东省/潍坊市/昌乐县", "county"),  # short names
        ("山东省昌乐县人民政府", "山东省/潍坊市/昌乐县", "county"),  # a level skipped
        ("黔南州财政局", "贵州省/黔南布依族苗族自治州", "city"),
        (" 山 东 省 潍坊市 ", "山东省/潍坊市", "city"),
    ],
)
def test_locate_reads_the_division_at_the_start(unit, path, level):
    found = dv.locate(unit)
    assert found.division is not None and found.candidates == ()
    assert dv.path(found.division.code) == path
    assert found.division.level == level


def test_locate_reports_what_it_matched():
    assert dv.locate("枣庄市台儿庄区涧头集镇人民政府").matched == "枣庄市台儿庄区"
    assert dv.locate("潍坊高新技术产业开发区管委会").matched == "潍坊"
    assert dv.locate("山东 潍坊 昌乐县").matched == "山东潍坊昌乐县"


def test_an_ambiguous_name_gives_the_candidates_not_a_guess():
    found = dv.locate("朝阳区财政局")
    assert found.division is None and found.matched == "朝阳区"
    paths = [dv.path(d.code) for d in found.candidates]
    assert "北京市/朝阳区" in paths and "吉林省/长春市/朝阳区" in paths
    assert [d.code for d in found.candidates] == sorted(d.code for d in found.candidates)
    # what follows the name may tell the candidates apart
    assert located_path("吉林长春市朝阳区") == "吉林省/长春市/朝阳区"
    assert dv.locate("海南").division is None and len(dv.locate("海南").candidates) == 2
    assert located_path("海南州人民政府") == "青海省/海南藏族自治州"


def test_no_division_at_the_start():
    for text in ("国家税务总局", "中共潍坊市委", "", "   ", "政府信息公开"):
        found = dv.locate(text)
        assert found.division is None and found.candidates == () and found.matched == ""


def test_placeholders_and_municipality_city_rows_are_no_divisions():
    assert dv.division("110100") is None and dv.division("500200") is None
    assert dv.division("990000") is None and dv.division("999900") is None
    assert dv.locate("海域使用管理局").division is None
    assert [d.code for d in dv.find("重庆市")] == ["500000"]
    assert dv.division("110105") == dv.Division("110105", "朝阳区", "county", "110000")


def test_find_by_full_and_short_name():
    assert [d.code for d in dv.find("潍坊")] == ["370700"]
    assert [d.code for d in dv.find("潍坊市")] == ["370700"]
    assert [d.code for d in dv.find("黔南")] == ["522700"]
    assert [d.code for d in dv.find("内蒙古")] == ["150000"]
    assert [d.code for d in dv.find("广西")] == ["450000"]
    assert [d.code for d in dv.find("大兴安岭")] == ["232700"]
    assert [d.code for d in dv.find("锡林郭勒")] == ["152500"]
    assert [d.code for d in dv.find("巴音郭楞")] == ["652800"]
    assert {d.code for d in dv.find("朝阳区")} == {"110105", "220104"}
    assert dv.find("昌乐") == []  # counties have no short name
    assert dv.find("不存在") == []


def test_children_and_paths():
    assert [d.name for d in dv.children()][:3] == ["北京市", "天津市", "河北省"]
    beijing = dv.children("110000")
    assert "朝阳区" in [d.name for d in beijing] and all(d.level == "county" for d in beijing)
    assert "仙桃市" in [d.name for d in dv.children("420000")]
    assert dv.children("110100") == [] and dv.children("370725") == []
    assert dv.path("370725") == "山东省/潍坊市/昌乐县"
    with pytest.raises(KeyError):
        dv.path("110100")


def test_by_path():
    assert dv.by_path("山东省 > 潍坊市 > 昌乐县") == dv.division("370725")
    assert dv.by_path("山东省/潍坊市/昌乐县") == dv.division("370725")
    assert dv.by_path("北京市＞朝阳区") == dv.division("110105")
    assert dv.by_path("湖北省、仙桃市") == dv.division("429004")
    assert dv.by_path("山东省/潍坊市") == dv.division("370700")
    assert dv.by_path("潍坊市/昌乐县") is None  # not a full path
    assert dv.by_path("山东省/昌乐县") is None
    assert dv.by_path("") is None


def test_suggest_finds_the_mistyped_name():
    assert "山东省/潍坊市/昌乐县" in dv.suggest("昌东县")
    assert dv.suggest("山东省 > 潍坊市 > 昌东县")[0] == "山东省/潍坊市/昌乐县"
    assert len(dv.suggest("昌东县", n=2)) == 2
    assert dv.suggest("") == []


def test_every_division_hangs_together():
    everything = dv.all_divisions()
    codes = {d.code for d in everything}
    assert len(everything) > 3000
    for d in everything:
        assert d.level in ("province", "city", "county")
        assert (d.parent is None) == (d.level == "province")
        assert d.parent is None or d.parent in codes
        assert d.parent is None or dv.division(d.parent).level != "county"
        assert all(dv.path(d.code).split("/"))
        assert dv.by_path(dv.path(d.code)) == d
    reached = []
    todo = [None]
    while todo:
        kids = dv.children(todo.pop())
        reached += kids
        todo += [k.code for k in kids]
    assert sorted(d.code for d in reached) == sorted(codes)


def test_the_csv_has_unique_six_digit_codes():
    text = resources.files("zfxxgk.data").joinpath("divisions.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == ["code", "name"]
    codes = [r["code"] for r in rows]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(set(codes)) == len(codes) == 3429 and codes == sorted(codes)
    assert all(r["name"] and r["name"] == r["name"].strip() for r in rows)
    assert resources.files("zfxxgk.data").joinpath("DIVISIONS-LICENSE.txt").read_text(encoding="utf-8")


@given(st.text(max_size=60))
def test_locate_never_raises(text):
    found = dv.locate(text)
    assert found.division is None or not found.candidates
    assert "".join(text.split()).startswith(found.matched)


@given(st.text(alphabet=st.sampled_from(list("山东省潍坊市昌乐县北京朝阳区吉林长春海南州 /、")), max_size=30))
def test_locate_on_division_names_never_raises(text):
    found = dv.locate(text)
    assert found.division is None or not found.candidates
    assert (found.division is None and not found.candidates) == (found.matched == "")
    assert isinstance(dv.suggest(text), list) and (dv.by_path(text) is None or dv.by_path(text).code)
