"""The unit registry kept by hand: list and search, edit (validated, every problem at once, nothing written on
a refusal), move (a typo refused with the nearest regions), merge (reports, former names, accounts and
child units move; one current version per year; the merged name finds the kept unit), each in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import SEEDS_DIR
from tests.parse.builders import text_with
from tests.store.test_registry import FIVE, credit, write_csv
from zfxxgk import api
from zfxxgk.app import units as app_units
from zfxxgk.app import versions
from zfxxgk.model.ids import t3
from zfxxgk.store import StoreError
from zfxxgk.store import users as users_mod
from zfxxgk.store.placing import pending_units
from zfxxgk.store.regions import find_region, region_paths
from zfxxgk.store.registry import import_registry, registry_units
from zfxxgk.store.units_edit import (
    UNASSIGNED,
    UnitFilters,
    edit_unit,
    list_units,
    merge_units,
    move_unit,
    similar_units,
    unit_detail,
    unit_history,
)
from zfxxgk.store.users import Account

A = "临朐县甲镇人民政府"
B = "临朐县甲镇政府"  # the same organ under a shorter name: a duplicate
C = "临朐县甲镇财政所"
CARRY2 = {t3(r, c): 2 for r in ("new_received", "carried_forward") for c in ("natural_person", "total")}


def account(role="admin", region_id=None) -> Account:
    return Account(0, "t", role, region_id, None, None, None, True, dt.datetime(2025, 1, 1), None, "")


def put(store, unit, year, values=None, tag=""):
    o = api.import_bytes(text_with(values, unit=unit, year=year).encode(), f"{unit}{year}{tag}.txt", store)
    assert o.error is None, o.error
    return o.report_id


def current(store, unit, year):
    return [r.id for r in unit_detail(store, unit).reports if r.year == year and r.current]


@pytest.fixture
def seeded(store, tmp_path):
    """The five seeds, the registry FIVE (three of them registered from their reports) and one 待确认 unit."""
    assert all(o.error is None for o in api.import_paths([SEEDS_DIR], store))
    import_registry(store, write_csv(tmp_path / "r.csv", FIVE))
    api.import_bytes(text_with(unit="朝阳区财政局", year=2024).encode(), "c.txt", store)
    return store


# --- listing -------------------------------------------------------------------------------------


def test_list_searches_filters_by_region_and_state_and_pages(seeded):
    admin = account()
    every = list_units(seeded, admin, UnitFilters(per_page=100))
    assert every.total == 8 and every.counts == {"registered": 5, "unregistered": 2, "pending": 1}
    names = [u.name for u in every.items]
    assert names == sorted(names)
    states = {u.name: u.state for u in every.items}
    assert states["朝阳区财政局"] == "pending" and states["安丘市官庄镇人民政府"] == "unregistered"
    pending = list_units(seeded, admin, UnitFilters(state="pending"))
    assert [u.name for u in pending.items] == ["朝阳区财政局"] and "北京市/朝阳区" in pending.items[0].candidates
    assert [u.name for u in list_units(seeded, admin, UnitFilters(state="unregistered")).items] == [
        "安丘市官庄镇人民政府", "昌乐县鄌郚镇人民政府"]
    assert list_units(seeded, admin, UnitFilters(state="registered")).total == 5
    # region: a path, a unique name, units without a region; a typo names the nearest
    assert list_units(seeded, admin, UnitFilters(region="山东省/潍坊市/昌乐县")).total == 4
    assert list_units(seeded, admin, UnitFilters(region="昌乐县", state="registered")).total == 3
    assert [u.name for u in list_units(seeded, admin, UnitFilters(region=UNASSIGNED)).items] == ["朝阳区财政局"]
    with pytest.raises(StoreError, match="昌乐县"):
        list_units(seeded, admin, UnitFilters(region="山东省/潍坊市/昌东县"))
    # search: part of the name, a credit code, an id
    assert [u.name for u in list_units(seeded, admin, UnitFilters(q="乔官")).items] == ["昌乐县乔官镇人民政府"]
    code = credit("11370725004199045")
    assert [u.name for u in list_units(seeded, admin, UnitFilters(q=code.lower())).items] == ["昌乐县人民政府"]
    # pages of 2, with the years of their reports
    pages = [list_units(seeded, admin, UnitFilters(page=n, per_page=3)) for n in (1, 2, 3, 9)]
    assert [len(p.items) for p in pages] == [3, 3, 2, 2] and pages[-1].page == 3 and pages[0].pages == 3
    assert sum((p.items for p in pages[:3]), []) == every.items
    assert next(u for u in every.items if u.name == "昌乐县乔官镇人民政府").years == (2024,)


def test_a_reviewer_lists_only_the_units_of_their_region(seeded):
    with seeded.session() as s:
        changle = find_region(region_paths(s), "昌乐县")
    rev = account("reviewer", changle)
    got = list_units(seeded, rev, UnitFilters(per_page=100))
    assert sorted(u.name for u in got.items) == sorted(["昌乐县乔官镇人民政府", "昌乐县五图街道办事处", "昌乐县人民政府",
                                                       "昌乐县鄌郚镇人民政府"])
    assert list_units(seeded, rev, UnitFilters(region="山东省/枣庄市")).total == 0  # outside their region
    assert list_units(seeded, rev, UnitFilters(region=UNASSIGNED)).total == 0


def test_a_search_finds_a_unit_by_a_former_name(store):
    put(store, A, 2024)
    edit_unit(store, A, "管理员", aliases="临朐县旧甲乡人民政府(2019-2021)")
    found = list_units(store, account(), UnitFilters(q="旧甲乡"))
    assert [u.name for u in found.items] == [A]


# --- edit ----------------------------------------------------------------------------------------


def test_edit_every_field_and_the_audit_trail(store):
    put(store, A, 2024)
    put(store, C, 2024)
    code = credit("11370724004199045")
    changes = edit_unit(store, A, "管理员", credit_code=code.lower(), unit_type="县级人民政府", parent=C,
                        portal_urls="http://a.gov.cn/nb/；https://b.gov.cn/x\nhttp://a.gov.cn/nb/", since="2019", until="",
                        registered=True, aliases="临朐县旧甲乡人民政府(2019-2021)；临朐县甲乡")
    u = unit_detail(store, A)
    assert u.credit_code == code and u.unit_type == "government" and u.parent == C and u.registered
    assert u.portal_urls == ("http://a.gov.cn/nb/", "https://b.gov.cn/x") and (u.since, u.until) == (2019, None)
    assert [a.text for a in u.aliases] == ["临朐县旧甲乡人民政府(2019-2021)", "临朐县甲乡"]
    assert len(changes) == 7 and any(c.startswith("统一社会信用代码") for c in changes)
    (entry,) = unit_history(store, A)
    assert entry.action == "unit_edit" and entry.action_cn == "修改单位" and entry.actor == "管理员"
    assert "上级单位：（空） → 临朐县甲镇财政所" in entry.reason
    assert edit_unit(store, A, "管理员", since=2019, registered=True) == []  # nothing changed: nothing recorded
    assert len(unit_history(store, A)) == 1
    # a blank type is the name's again; the aliases replaced
    edit_unit(store, A, "管理员", unit_type="", aliases="")
    u = unit_detail(store, A)
    assert u.unit_type == "township" and u.aliases == ()
    with pytest.raises(StoreError, match="操作人"):
        edit_unit(store, A, " ", since=2020)


def test_a_rename_keeps_the_old_name_as_a_former_name(store):
    rid = put(store, A, 2023)
    edit_unit(store, A, "管理员", name="临朐县新甲镇人民政府")
    u = unit_detail(store, "临朐县新甲镇人民政府")
    assert u.id == unit_detail(store, rid and "临朐县新甲镇人民政府").id and [a.name for a in u.aliases] == [A]
    assert store.find_report(A, 2023) == rid  # the old name still finds the unit's years
    later = put(store, A, 2024)  # a report signed with the old name attaches to the renamed unit
    assert [r.id for r in unit_detail(store, "临朐县新甲镇人民政府").reports] == [later, rid]
    edit_unit(store, "临朐县新甲镇人民政府", "管理员", name=A)  # back: the former name becomes the name again
    u = unit_detail(store, A)
    assert [a.name for a in u.aliases] == ["临朐县新甲镇人民政府"]


def test_every_problem_is_refused_at_once_and_nothing_is_written(store):
    put(store, A, 2024)
    put(store, C, 2024)
    code = credit("11370724004199045")
    edit_unit(store, C, "管理员", credit_code=code, parent=A)
    before = unit_detail(store, A)
    with pytest.raises(StoreError) as e:
        edit_unit(store, A, "管理员", name=C, credit_code=code, unit_type="部门?", parent=C, portal_urls="ftp://x",
                  since="2025", until="2020", aliases="甲(2022-2019)")
    text = str(e.value)
    for part in (f"已有名为“{C}”的单位", f"统一社会信用代码 {code} 已属于单位“{C}”", "“部门?”不是可用的单位类型",
                 "上级单位不能是本单位或本单位的下级单位", "“ftp://x”不是 http(s) 网址", "终止年度早于起始年度",
                 "曾用名“甲”的终止年度早于起始年度"):
        assert part in text, part
    assert unit_detail(store, A) == before and unit_history(store, A) == []
    with pytest.raises(StoreError, match="校验位"):
        edit_unit(store, A, "管理员", credit_code=code[:-1] + ("0" if code[-1] != "0" else "1"))
    with pytest.raises(StoreError, match="18 位"):
        edit_unit(store, A, "管理员", credit_code="9137")
    with pytest.raises(StoreError, match="相近的单位"):
        edit_unit(store, A, "管理员", parent="临朐县甲镇财政")
    with pytest.raises(StoreError, match="不是年度"):
        edit_unit(store, A, "管理员", since="19")
    with pytest.raises(StoreError, match=f"曾用名“{C}”是另一个单位"):
        edit_unit(store, A, "管理员", aliases=C)
    edit_unit(store, A, "管理员", aliases="甲镇旧名")
    with pytest.raises(StoreError, match="已是单位“临朐县甲镇人民政府”"):
        edit_unit(store, C, "管理员", aliases="甲镇旧名")
    with pytest.raises(StoreError, match="曾用名"):
        edit_unit(store, C, "管理员", name="甲镇旧名")


# --- move ----------------------------------------------------------------------------------------


def test_move_refuses_a_typo_with_the_nearest_regions_and_moves_the_reports(seeded):
    name = "昌乐县乔官镇人民政府"
    with pytest.raises(StoreError, match="您是否要找.*临朐县"):
        move_unit(seeded, name, "山东省/潍坊市/临朐具", "管理员")
    with pytest.raises(StoreError, match="对应多个地区"):
        move_unit(seeded, name, "朝阳区", "管理员")
    with pytest.raises(StoreError, match="已在“山东省/潍坊市/昌乐县”"):
        move_unit(seeded, name, "昌乐县", "管理员")
    assert move_unit(seeded, name, "临朐县", "管理员", "行政区划调整") == "山东省/潍坊市/临朐县"
    assert unit_detail(seeded, name).region == "山东省/潍坊市/临朐县"
    admin = account()
    assert [u.name for u in list_units(seeded, admin, UnitFilters(region="临朐县")).items] == [name]
    (entry,) = unit_history(seeded, name)
    assert entry.action == "unit_move" and entry.reason == "所属地区：山东省/潍坊市/昌乐县 → 山东省/潍坊市/临朐县（行政区划调整）"
    # a 待确认 unit is placed by a move too
    (pending,) = pending_units(seeded)
    assert move_unit(seeded, pending.id, "北京市/朝阳区", "管理员") == "北京市/朝阳区"
    assert pending_units(seeded) == [] and not unit_detail(seeded, pending.id).pending


# --- merge ---------------------------------------------------------------------------------------


def test_merge_two_units_with_a_2024_report_each_leaves_one_current(store, tmp_path):
    a24, a23 = put(store, A, 2024), put(store, A, 2023)
    b24 = put(store, B, 2024)  # imported later, no publication dates: current under the rule
    b22 = put(store, B, 2022)
    put(store, C, 2024)
    edit_unit(store, C, "管理员", parent=B)
    edit_unit(store, B, "管理员", aliases="临朐县甲乡(2019-2020)", portal_urls="http://b.gov.cn/nb/")
    users_mod.add_user(store, "jia", "filer-pass-1", "filer", unit=B)
    done = merge_units(store, A, B, "管理员", "同一单位")
    assert (done.reports, done.years, done.changed) == (2, (2022, 2024), (2024,))
    assert (done.aliases, done.users, done.children) == (1, 1, 1) and done.filled == ("年报栏目网址",)
    assert current(store, A, 2024) == [b24] and current(store, A, 2023) == [a23] and current(store, A, 2022) == [b22]
    assert {v.report_id: v.current for v in store.versions(a24)} == {a24: False, b24: True}
    u = unit_detail(store, A)
    assert sorted(a.text for a in u.aliases) == sorted([B, "临朐县甲乡(2019-2020)"])
    assert u.users == ("jia",) and users_mod.get_user(store, "jia").unit == A
    assert unit_detail(store, C).parent == A and u.portal_urls == ("http://b.gov.cn/nb/",)
    with pytest.raises(StoreError, match="库中没有单位"):
        unit_detail(store, B)
    # the merged name finds the kept unit: its years, and a new report signed with it
    assert store.find_report(B, 2024) == b24
    b23 = put(store, B, 2023, tag="again")
    assert b23 in [r.id for r in unit_detail(store, A).reports]
    assert [u.name for u in list_units(store, account(), UnitFilters(q="甲镇政府")).items] == [A]  # by the former name
    # the audit trail: the unit's and each moved report's
    assert [e.action for e in unit_history(store, A)] == ["unit_merge", "unit_edit"]  # B's edit: under a former name
    assert "同一单位" in unit_history(store, A)[0].reason
    assert [e.action for e in store.audit_trail(b24)] == ["unit_merge"]


def test_merge_keeps_the_kept_units_choice_and_refuses_two_credit_codes(store):
    a24, b24 = put(store, A, 2024), put(store, B, 2024)
    versions.choose(store, a24, "管理员")
    versions.choose(store, b24, "管理员")
    edit_unit(store, A, "管理员", credit_code=credit("11370724004199045"))
    edit_unit(store, B, "管理员", credit_code=credit("11370724004199046"[:17]))
    with pytest.raises(StoreError, match="统一社会信用代码不同"):
        merge_units(store, A, B, "管理员")
    with pytest.raises(StoreError, match="并入它自己"):
        merge_units(store, A, A, "管理员")
    with pytest.raises(StoreError, match="操作人"):
        merge_units(store, A, B, "")
    edit_unit(store, B, "管理员", credit_code="")
    merge_units(store, A, B, "管理员")
    assert current(store, A, 2024) == [a24]


def test_merge_fills_the_kept_units_blanks_from_the_registry_record(store, tmp_path):
    put(store, B, 2024)  # a unit from a report only
    code = credit("11370724004199045")
    write_csv(tmp_path / "r.csv", [[A, code, "乡镇人民政府", "临朐县", "", "http://a.gov.cn/", "", "2020", ""]],
              ["单位名称", "统一社会信用代码", "单位类型", "所属地区", "上级单位", "年报栏目网址", "曾用名", "起始年度", "终止年度"])
    import_registry(store, tmp_path / "r.csv")
    done = merge_units(store, B, A, "管理员")  # the report's unit kept, the registry record merged into it
    assert set(done.filled) == {"统一社会信用代码", "单位名册登记", "年报栏目网址"}
    (unit,) = registry_units(store)
    assert (unit.name, unit.credit_code, unit.since, unit.aliases) == (B, code, 2020, (A,))


def test_the_app_merge_checks_the_following_year_again(store):
    put(store, A, 2023, CARRY2)  # carries 2 forward
    a24 = put(store, A, 2024)  # 0 carried over: inconsistent with A's 2023
    carry = {"XY-CARRY-total", "XY-CARRY-natural_person"}
    assert carry <= {f.rule for f, _ in store.findings(a24)}
    b23 = put(store, B, 2023)  # imported later: A's current 2023 once merged
    done = app_units.merge(store, A, B, "管理员")
    assert done.merged.changed == (2023,) and done.rechecked == (b23, a24) and "已重新校验报告" in done.summary()
    assert not carry & {f.rule for f, _ in store.findings(a24)}  # no longer checked against the old 2023


def test_similar_units_are_offered_as_duplicates(store):
    for name in (A, B, C, "临朐县乙镇人民政府", "武陟县大封镇人民政府"):
        put(store, name, 2024)
    near = [n for _, n in similar_units(store, A)]
    assert B in near[:2] and A not in near and "武陟县大封镇人民政府" not in near


def test_cli_moves_and_merges(tmp_path):
    from typer.testing import CliRunner

    from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
    from zfxxgk.store import Store

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    store = Store(db)
    put(store, A, 2024)
    put(store, B, 2023)
    store.close()
    typo = runner.invoke(app, ["units", "move", A, "山东省/潍坊市/临朐具", "--by", "张三", "--db", db])
    assert typo.exit_code == EXIT_INPUT and "未能迁移" in typo.stderr and "临朐县" in typo.stderr
    assert runner.invoke(app, ["units", "move", A, "昌乐县", "--db", db]).exit_code == EXIT_INPUT  # no --by
    moved = runner.invoke(app, ["units", "move", A, "昌乐县", "--by", "张三", "--why", "调整", "--db", db])
    assert moved.exit_code == EXIT_OK and "山东省/潍坊市/昌乐县" in moved.stdout
    merged = runner.invoke(app, ["units", "merge", A, B, "--by", "张三", "--db", db])
    assert merged.exit_code == EXIT_OK and f"已将“{B}”并入“{A}”" in merged.stdout
    again = runner.invoke(app, ["units", "merge", A, B, "--by", "张三", "--db", db])
    assert again.exit_code == EXIT_INPUT and "未能合并" in again.stderr
    store = Store(db)
    assert [r.year for r in unit_detail(store, A).reports] == [2024, 2023]
    assert [e.action for e in store.audit_trail()][:2] == ["unit_merge", "unit_merge"]
    store.close()


def test_merge_moves_what_other_tables_attach_to_the_merged_unit(store):
    from sqlalchemy import text

    put(store, A, 2024)
    put(store, B, 2023)
    b = unit_detail(store, B).id
    with store.session() as s:  # a table of some other feature, unknown to this module's metadata
        s.execute(text("CREATE TABLE extra_refs (id INTEGER PRIMARY KEY, unit_id INTEGER REFERENCES units(id))"))
        s.execute(text("INSERT INTO extra_refs (id, unit_id) VALUES (1, :b)"), {"b": b})
    try:
        merge_units(store, A, B, "管理员")
        with store.session() as s:
            assert s.execute(text("SELECT unit_id FROM extra_refs")).scalar() == unit_detail(store, A).id
    finally:
        with store.session() as s:
            s.execute(text("DROP TABLE extra_refs"))
