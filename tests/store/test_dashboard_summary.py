"""The statistics page from stored summaries equals the one computed from every report, after every
kind of write: a new report, a newer version, a correction, a re-check, a review decision, a withdrawn
version, a unit moved to another region, a report without a unit, and the registry's moves, renames and
merges of units."""

from __future__ import annotations

import pytest

from tests.store.test_dashboard import SCOPES, YEAR, fill, make_report
from zfxxgk.check import check
from zfxxgk.model.ids import t3
from zfxxgk.store import dashboard as dash
from zfxxgk.store.schema import SummaryRow


def same(store, regions=SCOPES, limit=20):
    for region in regions:
        for n in (limit, None):  # the page and an export (every unit ranked)
            got = dash._summarised(store, YEAR, region, n).to_dict()
            want = dash._computed(store, YEAR, region, n, None).to_dict()
            assert got == want, (region, n)


def stored(store):
    with store.session() as s:
        return {(r.year, r.region_key): r.fingerprint for r in s.query(SummaryRow)}


@pytest.fixture
def b(store):
    return fill(store)


def test_summaries_equal_the_computed_dashboard_after_every_kind_of_write(b):
    store = b.store
    same(store)
    same(store, [None, "甲省"], limit=2)  # rankings cut below the stored length: ties, ranks, unranked
    kept = stored(store)
    assert kept and all(year == YEAR for year, _ in kept)
    same(store)
    assert stored(store) == kept  # nothing changed: nothing rebuilt

    rid = next(iter(b.reports))
    target = next(r for r, rep in b.reports.items() if rep.unit == "南县丁镇人民政府" and rep.year == YEAR)
    # a review decision on an error
    fps = [f for f, _d in store.findings(target) if f.severity in ("error", "warning")]
    store.review(target, fps[0].fingerprint, "confirmed", "张三")
    same(store)
    # a correction (a new version of the cells, checked again)
    version = store.correct(target, {t3("new_received", "total"): 9999}, "张三", "更正")
    same(store)
    store.save_findings(target, version, check(store.load(target)).findings)
    same(store)
    # a re-check with no findings at all
    store.save_current_findings(target, [])
    same(store)
    # a version withdrawn, then restored
    store.set_status(b.newer, "withdrawn", "张三", "撤回")
    same(store)
    store.set_status(b.newer, "active", "张三", "恢复")
    same(store)
    # the unit moved: its new report names another region
    moved = make_report(300, "西县丙镇人民政府", YEAR)
    b.add("300.json", moved, "乙省/三市/北县")
    same(store)
    # a report of a unit without a region, and one without a unit
    b.add("301.json", make_report(301, "无地区镇人民政府", YEAR), None)
    orphan = make_report(302, "x", YEAR)
    orphan.unit = orphan.signed_unit = None
    b.add("302.json", orphan, None)
    same(store)
    # a township below a county: summed into the county's group
    b.add("303.json", make_report(303, "东县丙镇人民政府", YEAR), "甲省/一市/东县/丙镇")
    same(store, [*SCOPES, "甲省/一市/东县/丙镇"])
    from zfxxgk.store.regions import find_region, region_paths
    from zfxxgk.store.schema import Unit

    with store.session() as s:
        paths = region_paths(s)
        unit = s.query(Unit).filter(Unit.name == "东县丙镇人民政府").one()
        assert (unit.region_id, unit.group_key) == (find_region(paths, "甲省/一市/东县/丙镇"),
                                                    find_region(paths, "甲省/一市/东县"))
    assert (YEAR, -1) in stored(store)
    assert rid in b.reports


def test_summaries_stay_equal_after_the_registry_moves_renames_and_merges_units(b):
    from zfxxgk.store.units_edit import edit_unit, merge_units, move_unit, unit_detail

    store = b.store
    same(store)
    # a move to another county of another province: both groups change
    move_unit(store, "西县丙镇人民政府", "乙省/三市/北县", "张三")
    same(store)
    # a move within the county's group (to a township of it): the region its ranked reports carry changes
    b.add("310.json", make_report(310, "东县丁镇人民政府", YEAR), "甲省/一市/东县/丁镇")
    same(store, [*SCOPES, "甲省/一市/东县/丁镇"])
    move_unit(store, "东县乙镇人民政府", "甲省/一市/东县/丁镇", "张三")
    same(store, [*SCOPES, "甲省/一市/东县/丁镇"])
    # a rename: the name its ranked reports carry changes, nothing else
    edit_unit(store, "一市教育局", "张三", name="一市教育体育局")
    same(store)
    # two units of one group with a report each year merged: one current report a year
    merged = merge_units(store, "东县甲镇人民政府", "东县乙镇人民政府", "张三")
    assert merged.changed == (2022, 2023, 2024)
    assert sum(r.current for r in unit_detail(store, "东县甲镇人民政府").reports if r.year == YEAR) == 1
    same(store, [*SCOPES, "甲省/一市/东县/丁镇"])
    # a unit of another province merged in: its reports change group
    merge_units(store, "南县丁镇人民政府", "北县戊镇人民政府", "张三")
    same(store)


def test_only_the_changed_region_is_built_again(b, monkeypatch):
    store = b.store
    dash._summarised(store, YEAR, None, 20)
    before = stored(store)
    target = next(r for r, rep in b.reports.items() if rep.unit == "北县戊镇人民政府" and rep.year == YEAR)
    store.save_current_findings(target, check(b.reports[target]).findings)
    built = []
    real = dash._build_groups

    def spy(store_, s, year, groups):
        built.append(list(groups))
        return real(store_, s, year, groups)

    monkeypatch.setattr(dash, "_build_groups", spy)
    dash._summarised(store, YEAR, None, 20)
    after = stored(store)
    changed = [k for k in after if after[k] != before.get(k)]
    assert len(changed) == 1 and built == [[changed[0][1]]]


def test_a_new_document_kind_rebuilds_every_summary(b, monkeypatch):
    store = b.store
    dash._summarised(store, YEAR, None, 20)
    monkeypatch.setattr(dash, "SUMMARY_KIND", "dashboard/test")
    same(store, [None])
    assert all(f.startswith("dashboard/test|") for f in stored(store).values())


def test_the_page_and_an_export_use_the_summaries(b, monkeypatch):
    calls = []
    monkeypatch.setattr(dash, "_summarised", lambda *a: calls.append(a[-1]) or dash._computed(*a, None))
    dash._dashboard(b.store, YEAR, None, 20, None)
    dash._dashboard(b.store, YEAR, None, None, None)  # an export: every ranked unit
    dash._dashboard(b.store, YEAR, None, 50, None)  # more than a summary keeps
    dash._dashboard(b.store, YEAR, None, 20, 1)  # another minimum denominator changes per-unit rates
    assert calls == [20, None]


@pytest.mark.parametrize("door", ["import", "batch"])
def test_an_import_leaves_the_summaries_current(store, door, monkeypatch):
    from tests.conftest import SEEDS_DIR
    from zfxxgk import api
    from zfxxgk.app.ingest import batch_import

    if door == "import":
        assert all(o.error is None for o in api.import_paths([SEEDS_DIR], store))
    else:
        assert batch_import([SEEDS_DIR], store, workers=2).imported == 5
    assert stored(store)
    monkeypatch.setattr(dash, "_build_groups", lambda *a: pytest.fail("a summary was built again"))
    for year in dash.available_years(store):
        dash._summarised(store, year, None, 20)


def test_migration_0008_places_existing_units_in_their_groups_and_goes_back(tmp_path):
    from sqlalchemy import inspect, text

    from tests.store.conftest import migrated

    def fill(conn):
        # 甲省 > 一市 > 东县 > 甲镇, and a unit of each level plus one without a region
        for rid, name, level, parent in ((1, "甲省", "province", None), (2, "一市", "city", 1), (3, "东县", "county", 2),
                                         (4, "甲镇", "township", 3)):
            conn.execute(text("INSERT INTO regions (id, name, level, parent_id) VALUES (:i, :n, :l, :p)"),
                         {"i": rid, "n": name, "l": level, "p": parent})
        for uid, region in ((1, 4), (2, 3), (3, 2), (4, 1), (5, None)):
            conn.execute(text("INSERT INTO units (id, key, name, region_id) VALUES (:i, :k, :k, :r)"),
                         {"i": uid, "k": f"单位{uid}", "r": region})

    engine, down = migrated(tmp_path, "0007", fill)
    with engine.begin() as conn:
        got = dict(conn.execute(text("SELECT id, group_key FROM units")).all())
        assert got == {1: 3, 2: 3, 3: 2, 4: 1, 5: None}  # township → its county; higher → itself
        assert conn.execute(text("SELECT count(*) FROM summaries")).scalar() == 0
    down()
    assert "summaries" not in inspect(engine).get_table_names()
    assert "group_key" not in {c["name"] for c in inspect(engine).get_columns("units")}
    engine.dispose()


def test_another_process_write_shows_after_the_generation_ttl(b, tmp_path, monkeypatch):
    from zfxxgk.store import Store

    if not b.store.url.startswith("sqlite"):
        pytest.skip("two stores on one SQLite file stand for two processes")
    dash.dashboard(b.store, YEAR)  # builds and stores the summaries (its own writes: read again once)
    first = dash.dashboard(b.store, YEAR).scope.reports
    other = Store(b.store.url)  # another process: its writes are not counted by this store
    target = next(r for r, rep in b.reports.items() if rep.unit == "北县戊镇人民政府" and rep.year == YEAR)
    other.set_status(target, "withdrawn", "张三", "撤回")
    monkeypatch.setattr(dash, "GENERATION_TTL", 3600.0)
    assert dash.dashboard(b.store, YEAR).scope.reports == first  # within the TTL: the page read a moment ago
    monkeypatch.setattr(dash, "GENERATION_TTL", 0.0)
    assert dash.dashboard(b.store, YEAR).scope.reports == first - 1
    b.store.set_status(target, "active", "张三", "恢复")  # this store's own write: seen at once
    monkeypatch.setattr(dash, "GENERATION_TTL", 3600.0)
    assert dash.dashboard(b.store, YEAR).scope.reports == first
    other.close()


def test_the_findings_the_statistics_count_are_those_of_the_findings_query(b):
    """queries.finding_states (what the statistics count: no evidence decoded) against queries.findings."""
    from zfxxgk.store.queries import finding_states, findings

    store = b.store
    target = next(r for r, rep in b.reports.items() if rep.unit == "南县丁镇人民政府" and rep.year == YEAR)
    old = [f for f, _d in store.findings(target) if f.severity in ("error", "warning")]
    store.review(target, old[0].fingerprint, "confirmed", "张三")
    version = store.correct(target, {t3("new_received", "total"): 9999}, "张三", "更正")  # the old version's go
    store.save_findings(target, version, check(store.load(target)).findings)
    fps = [f for f, _d in store.findings(target) if f.severity in ("error", "warning")]
    store.review(target, fps[0].fingerprint, "confirmed", "张三")
    store.review(target, fps[0].fingerprint, "rejected", "李四")  # the latest decision counts

    def want(views):
        return sorted((f.report_id, f.severity, f.decision or "") for f in views)

    def got(states):
        return sorted((f.report_id, f.severity, f.decision or "") for f in states)

    ids = sorted(b.reports)
    assert got(finding_states(store, year=YEAR)) == want(findings(store, year=YEAR))
    assert got(finding_states(store, report_ids=ids)) == want(findings(store, report_ids=ids))
    assert (target, fps[0].severity, "rejected") in got(finding_states(store, report_ids=[target]))
