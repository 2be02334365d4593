"""The statistics page from stored summaries equals the one computed from every report, after every
kind of write: a new report, a newer version, a correction, a re-check, a review decision, a withdrawn
version, a unit moved to another region, a report without a unit."""

from __future__ import annotations

import pytest

from tests.store.test_dashboard import SCOPES, YEAR, fill, make_report
from zfxxgk.check import check
from zfxxgk.model.ids import t3
from zfxxgk.store import dashboard as dash
from zfxxgk.store.schema import SummaryRow


def same(store, regions=SCOPES, limit=20):
    for region in regions:
        got = dash._summarised(store, YEAR, region, limit).to_dict()
        want = dash._computed(store, YEAR, region, limit, None).to_dict()
        assert got == want, region


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
    assert (YEAR, -1) in stored(store)
    assert rid in b.reports


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


def test_the_page_uses_the_summaries_and_an_export_every_report(b, monkeypatch):
    calls = []
    monkeypatch.setattr(dash, "_summarised", lambda *a: calls.append("summary") or dash._computed(*a, None))
    dash._dashboard(b.store, YEAR, None, 20, None)
    dash._dashboard(b.store, YEAR, None, None, None)  # an export: every ranked unit
    dash._dashboard(b.store, YEAR, None, 20, 1)  # another minimum denominator changes per-unit rates
    assert calls == ["summary"]
