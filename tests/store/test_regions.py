"""One region resolver for every face: paths, endings, ids, typos refused with suggestions, hostile paths refused."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from tests.conftest import SEEDS_DIR
from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.model.regions import canonical_path, region_level, split_path
from zfxxgk.store import StoreError
from zfxxgk.store.regions import region_paths, region_subtree, resolve_region
from zfxxgk.store.schema import Region


def test_pure_path_helpers():
    assert split_path(" 山东省 > 潍坊市／昌乐县 ") == ["山东省", "潍坊市／昌乐县"]  # ／ is not a separator
    assert canonical_path("山东省＞潍坊市、昌乐县") == "山东省/潍坊市/昌乐县"
    assert [region_level(n) for n in ("山东省", "潍坊市", "昌乐县", "乔官镇", "某街道", "开发区管委会")] == [
        "province", "city", "county", "township", "township", "other"]
    with pytest.raises(ValueError, match="最多 8 级"):
        canonical_path("/".join("甲乙丙丁戊己庚辛壬癸"))
    with pytest.raises(ValueError, match="过长"):
        canonical_path("省" * 65)
    with pytest.raises(ValueError, match="请给出"):
        canonical_path(" / > ")


@pytest.fixture
def regions(store):
    list(api.import_paths([SEEDS_DIR], store, region="山东省/潍坊市/昌乐县"))
    [api.import_bytes(text_with(unit="寿光市某镇人民政府").encode(), "x.txt", store, region="山东省/潍坊市/寿光市")]
    return store


def test_resolve_by_path_ending_and_id(regions):
    with regions.session() as s:
        paths = region_paths(s)
        rid = resolve_region(s, "山东省 > 潍坊市 > 昌乐县")
        assert paths[rid] == "山东省/潍坊市/昌乐县"
        assert resolve_region(s, "昌乐县") == rid == resolve_region(s, str(rid)) == resolve_region(s, rid)
        assert region_subtree(s, resolve_region(s, "潍坊市")) >= {rid, resolve_region(s, "寿光市")}


def test_a_typo_is_refused_with_the_nearest_paths(regions):
    with regions.session() as s, pytest.raises(StoreError) as e:
        resolve_region(s, "昌东县")
    assert "没有地区“昌东县”" in str(e.value) and "山东省/潍坊市/昌乐县" in str(e.value)


def test_an_unknown_id_and_an_id_too_long_for_the_database_are_refused(regions):
    with regions.session() as s:
        for text in ("999999", "9" * 40):
            with pytest.raises(StoreError, match="没有编号"):
                resolve_region(s, text)


def test_an_ending_shared_by_two_regions_asks_for_the_whole_path(store):
    [api.import_bytes(text_with(unit="甲").encode(), "a.txt", store, region="北京市/朝阳区")]
    [api.import_bytes(text_with(unit="乙").encode(), "b.txt", store, region="吉林省/长春市/朝阳区")]
    with store.session() as s, pytest.raises(StoreError, match="对应多个地区.*完整路径"):
        resolve_region(s, "朝阳区")


def test_an_import_into_a_path_too_deep_is_refused(store):
    deep = "/".join("甲乙丙丁戊己庚辛壬")
    with pytest.raises(StoreError, match="没有地区"):  # a door takes official divisions and the store's regions
        [api.import_bytes(text_with().encode(), "deep.txt", store, region=deep)]
    from zfxxgk.check import check
    from zfxxgk.parse import parse_bytes

    report = parse_bytes(text_with().encode(), "deep.txt")
    with pytest.raises(StoreError, match="最多 8 级"):  # the store's own API refuses it too
        store.import_report("deep.txt", b"x", report, check(report).findings, deep)
    assert store.count_reports() == 0


def test_a_unit_name_that_suggests_no_possible_path_is_stored_without_a_region(store):
    unit = "某" * 80 + "县某镇人民政府"
    outcome = api.import_bytes(text_with(unit=unit).encode(), "long.txt", store)
    assert outcome.report_id is not None
    with store.session() as s:
        assert region_paths(s) == {}


def test_paths_of_a_very_deep_tree_need_no_recursion(store):
    with store.session() as s:
        parent = None
        for i in range(3000):  # deeper than Python's recursion limit
            parent = s.execute(insert(Region).values(name=f"r{i}", level="other", parent_id=parent)
                               .returning(Region.id)).scalar_one()
        paths = region_paths(s)
    assert paths[parent].count("/") == 2999
