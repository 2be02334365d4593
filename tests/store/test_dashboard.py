"""Dashboard queries on a store filled with the seeds and with synthesized reports of several units, years and regions.

Every expected number is computed here from the reports' own cells (the gold), not from the store.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.conftest import GOLD_DIR, SEEDS_DIR
from zfxxgk import api, synth
from zfxxgk.check import check
from zfxxgk.model import Cell, CellState, Report
from zfxxgk.model.ids import OUTCOME_ROWS, T3_ROW_GROUP, t3, t4
from zfxxgk.parse.data import mark_tables
from zfxxgk.store import Store, StoreError
from zfxxgk.store import dashboard as dash
from zfxxgk.store import queries as q

YEAR = 2024
NEW, GRANTED, PARTIAL, PROCESSED = (t3("new_received", "total"), t3("granted", "total"),
                                    t3("partially_granted", "total"), t3("total_processed", "total"))
REVIEW, REVIEW_CORRECTED = t4("review", "total"), t4("review", "corrected")

# (region path, unit): 东县 and 西县 under 一市, 南县 under 二市, all in 甲省; 北县 in 乙省; a 一市 department
UNITS = (
    ("甲省/一市/东县", "东县甲镇人民政府"),
    ("甲省/一市/东县", "东县乙镇人民政府"),
    ("甲省/一市/西县", "西县丙镇人民政府"),
    ("甲省/二市/南县", "南县丁镇人民政府"),
    ("乙省/三市/北县", "北县戊镇人民政府"),
    ("甲省/一市", "一市教育局"),
)
YEARS = (2022, 2023, 2024)
SKIP = {("西县丙镇人民政府", 2023)}  # a year without a report
BLANKS = {("东县乙镇人民政府", 2024): (GRANTED,), ("北县戊镇人民政府", 2024): (NEW, PROCESSED)}
REVIEWED = {"东县甲镇人民政府", "南县丁镇人民政府", "一市教育局"}
DEFECT = {("南县丁镇人民政府", 2024): "t3_unbalanced", ("东县甲镇人民政府", 2023): "t4_sum"}


def make_report(k: int, unit: str, year: int) -> Report:
    """A consistent synthesized report (``zfxxgk.synth``: values, prose, dates) of the given year, renamed to ``unit``."""
    i = 1000 * k
    while True:  # the first plan of that year with some applications (and 行政复议 cases for some units)
        r = synth.plan(i, 11, "txt", "tsv", 0.0, DEFECT.get((unit, year))).report
        if r.year == year and r.cells[NEW].value >= 2 and (unit not in REVIEWED or r.cells[REVIEW].value >= 1):
            break
        i += 1
    r.unit = r.signed_unit = unit
    mark_tables(r, "data")  # as a parser would record them
    for cid in BLANKS.get((unit, year), ()):
        r.cells[cid] = Cell(cid, CellState.BLANK, None, "")
    return r


class Built:
    """The store and what was put in it: per report id its Report, region path and check findings."""

    def __init__(self, store):
        self.store = store
        self.reports: dict[int, Report] = {}
        self.region: dict[int, str | None] = {}
        self.findings: dict[int, list] = {}

    def add(self, name: str, report: Report, region: str | None) -> int:
        found = check(report).findings
        data = (name + json.dumps(report.to_dict(), ensure_ascii=False)).encode("utf-8")
        rid = self.store.import_report(name, data, report, found, region).report_id
        self.reports[rid], self.region[rid], self.findings[rid] = report, region, found
        return rid

    def scope(self, year: int, prefix: str | None) -> list[Report]:
        """The newest report per unit of the year within a region path prefix (None: all, orphans too)."""
        newest: dict[str | None, int] = {}
        orphans = []
        for rid, r in self.reports.items():
            if r.year != year:
                continue
            path = self.region[rid]
            if prefix is not None and (path is None or not (path == prefix or path.startswith(prefix + "/"))):
                continue
            if r.unit is None:
                orphans.append(rid)
            else:
                newest[r.unit] = max(newest.get(r.unit, 0), rid)
        return [self.reports[i] for i in sorted(newest.values())] + ([self.reports[i] for i in orphans] if prefix is None else [])

    def ids(self, year: int, prefix: str | None) -> list[int]:
        wanted = {id(r) for r in self.scope(year, prefix)}
        return [rid for rid, r in self.reports.items() if id(r) in wanted]


def fill(store) -> Built:
    b = Built(store)
    k = 0
    for year in YEARS:
        for path, unit in UNITS:
            if (unit, year) in SKIP:
                continue
            k += 1
            b.add(f"{k:03d}.json", make_report(k, unit, year), path)
    # a second, newer report of the same unit and year replaces the first in every figure
    b.replaced = next(rid for rid, r in b.reports.items() if r.unit == "东县甲镇人民政府" and r.year == YEAR)
    b.newer = b.add("099.json", make_report(99, "东县甲镇人民政府", YEAR), "甲省/一市/东县")
    # a report whose unit is unknown counts only when no region is chosen
    orphan = make_report(100, "x", YEAR)
    orphan.unit = orphan.signed_unit = None
    b.add("100.json", orphan, None)
    return b


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Read-only, filled once for the module's tests. SQLite only: a shared PostgreSQL database is emptied
    by every function-scoped ``store``; PostgreSQL is covered by the tests on ``fresh`` and ``store``."""
    store = Store(str(tmp_path_factory.mktemp("dashboard") / "zfxxgk.db"))
    yield fill(store)
    store.close()


@pytest.fixture
def fresh(store):
    """Filled anew for a test that writes (review decisions)."""
    return fill(store)


def known_sum(reports, cid):
    vals = [r.cells[cid].value for r in reports]
    known = [v for v in vals if v is not None]
    return (sum(known) if known else None), len(vals) - len(known)


SCOPES = [None, "甲省", "甲省/一市", "一市", "甲省/一市/东县", "乙省"]


# --- scope and outcome counts ------------------------------------------------------------------


@pytest.mark.parametrize("region", SCOPES)
def test_outcome_counts_equal_the_reports_sums(built, region):
    prefix = None if region is None else {"一市": "甲省/一市"}.get(region, region)
    reports = built.scope(YEAR, prefix)
    oc = dash.outcome_counts(built.store, YEAR, region)
    assert oc.scope.reports == len(reports) and oc.scope.year == YEAR
    assert oc.scope.region == (prefix or dash.ALL_REGIONS)
    assert oc.scope.units == len({r.unit for r in reports if r.unit})
    assert [r.key for r in oc.rows] == list(OUTCOME_ROWS)
    for row in oc.rows:
        assert (row.total.total, row.total.blanks) == known_sum(reports, t3(row.key, "total"))
        assert (row.columns["natural_person"].total, row.columns["natural_person"].blanks) == \
            known_sum(reports, t3(row.key, "natural_person"))
    assert (oc.processed.total, oc.processed.blanks) == known_sum(reports, PROCESSED)
    # groups: （一）（二） are rows of their own, （三）…（六） the registry's row groups
    assert [g.label for g in oc.groups] == ["（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供",
                                           "（五）不予处理", "（六）其他处理"]
    for g in oc.groups:
        ids = [t3(k, "total") for k in g.rows]
        vals = [r.cells[i].value for r in reports for i in ids]
        assert g.total == sum(v for v in vals if v is not None)
        assert g.blanks == sum(1 for r in reports if any(r.cells[i].value is None for i in ids))
    withheld = next(g for g in oc.groups if g.label == "（三）不予公开")
    assert withheld.rows == tuple(k for k in OUTCOME_ROWS if T3_ROW_GROUP[k] == "（三）不予公开")
    json.dumps(oc.to_dict(), ensure_ascii=False)


def test_a_blank_is_counted_as_blank_not_as_zero(built):
    oc = dash.outcome_counts(built.store, YEAR, "甲省/一市/东县")
    granted = next(r for r in oc.rows if r.key == "granted")
    reports = built.scope(YEAR, "甲省/一市/东县")
    assert len(reports) == 2 and granted.total.blanks == 1
    assert granted.total.total == next(r.cells[GRANTED].value for r in reports if r.cells[GRANTED].value is not None)
    # only one report in 北县, and its 总计 is blank: the sum is None (空白), not 0
    north = dash.outcome_counts(built.store, YEAR, "北县")
    assert north.processed.total is None and north.processed.blanks == 1


def test_newest_report_of_a_unit_counts_once(built):
    oc = dash.outcome_counts(built.store, YEAR, "甲省/一市/东县")
    newer, replaced = built.reports[built.newer], built.reports[built.replaced]
    other = next(r for r in built.reports.values() if r.unit == "东县乙镇人民政府" and r.year == YEAR)
    assert oc.scope.reports == 2 and oc.scope.units == 2
    assert newer.cells[NEW].value != replaced.cells[NEW].value  # the test can tell them apart
    assert oc.rows[0].total.total == newer.cells[GRANTED].value  # 乙镇's is blank
    new_received = dash.year_series(built.store, region="东县").cells[NEW][-1]
    assert new_received == newer.cells[NEW].value + other.cells[NEW].value


def test_region_by_id_path_or_unique_name(built):
    with built.store.session() as s:
        rid = dash.resolve_region(s, "甲省/一市/东县")
        assert dash.resolve_region(s, rid) == rid == dash.resolve_region(s, str(rid)) == dash.resolve_region(s, "东县")
        assert dash.resolve_region(s, "甲省 > 一市 > 东县") == rid
        with pytest.raises(StoreError, match="没有地区"):
            dash.resolve_region(s, "丙省")
        with pytest.raises(StoreError, match="没有编号为 9999 的地区"):
            dash.resolve_region(s, 9999)
    by_id = dash.outcome_counts(built.store, YEAR, rid)
    assert by_id.to_dict() == dash.outcome_counts(built.store, YEAR, "东县").to_dict()
    paths = [r.path for r in dash.list_regions(built.store)]
    assert paths == sorted(paths) and "甲省/一市/东县" in paths and "乙省" in paths
    assert dash.available_years(built.store) == list(YEARS)


def test_an_ambiguous_region_name_is_refused(store):
    b = Built(store)
    b.add("a.json", make_report(1, "甲县甲镇人民政府", YEAR), "甲省/新区")
    b.add("b.json", make_report(2, "乙县乙镇人民政府", YEAR), "乙省/新区")
    with pytest.raises(StoreError, match="对应多个地区"):
        dash.outcome_counts(store, YEAR, "新区")


# --- metrics -----------------------------------------------------------------------------------


def rate(reports, num, den, minimum=5):
    """Independent 公开率-style computation: complete reports only, blanks excluded, not read as 0."""
    complete = [r for r in reports if all(r.cells[c].value is not None for c in (*num, *den))]
    n = sum(r.cells[c].value for r in complete for c in num)
    d = sum(r.cells[c].value for r in complete for c in den)
    value = (Decimal(n) / Decimal(d)).quantize(Decimal("0.0001"), ROUND_HALF_UP) if complete and d >= minimum else None
    return value, n, d, len(complete), len(reports) - len(complete)


@pytest.mark.parametrize("region", [None, "甲省", "甲省/一市"])
def test_key_metrics_overall_and_per_region(built, region):
    summaries = dash.key_metrics(built.store, YEAR, region, min_denominator=1)
    assert [s.metric.id for s in summaries][:2] == ["disclosure_rate", "review_correction_rate"]
    assert {s.metric.id for s in summaries} == {m.id for m in q.METRICS}
    reports = built.scope(YEAR, region)
    for s, num, den in ((summaries[0], (GRANTED, PARTIAL), (PROCESSED,)), (summaries[1], (REVIEW_CORRECTED,), (REVIEW,))):
        value, n, d, used, excluded = rate(reports, num, den, minimum=1)
        assert (s.overall.value, s.overall.reports, s.overall.excluded) == (value, used, excluded)
        if value is not None:
            assert (s.overall.numerator, s.overall.denominator) == (n, d)
            assert s.explanation.startswith(f"{s.metric.name} = {n} ÷ {d} = {s.overall.display}")
        assert ("剔除" in s.explanation) == bool(excluded)
        assert s.metric.formula.startswith(s.metric.name + " =")
        for rm in s.regions:
            path = next(r.path for r in dash.list_regions(built.store) if r.id == rm.region_id) \
                if rm.region_id is not None else None
            sub = [r for r in built.scope(YEAR, path)] if path else [r for r in reports if r.unit is None or
                                                                      built.region[_rid(built, r)] is None]
            if rm.name.endswith("（本级）"):
                sub = [r for r in reports if built.region[_rid(built, r)] == path]
            assert rm.value.value == rate(sub, num, den, minimum=1)[0], rm.name
    disclosure = next(s for s in summaries if s.metric.id == "disclosure_rate")
    if region is None:  # 北县's blank 总计 leaves one report out, said in Chinese
        assert disclosure.overall.excluded >= 1 and f"剔除{disclosure.overall.excluded}份" in disclosure.explanation


def _rid(built, report):
    return next(rid for rid, r in built.reports.items() if r is report)


def test_too_few_and_missing_are_explained(built):
    high = dash.key_metrics(built.store, YEAR, "甲省", metrics=["disclosure_rate"], min_denominator=10**6)
    (s,) = high
    assert s.overall.value is None and s.overall.reason == q.TOO_FEW
    assert s.explanation.startswith("样本过少：分母") and "不足1000000" in s.explanation
    north = dash.key_metrics(built.store, YEAR, "北县", metrics=["disclosure_rate"])
    assert north[0].overall.reason == q.MISSING and north[0].explanation == "数据缺失：1份报告所需单元格均有空白"
    with pytest.raises(StoreError, match="未知的指标"):
        dash.key_metrics(built.store, YEAR, metrics=["no_such_rate"])


# --- rankings ----------------------------------------------------------------------------------


def test_rankings(built):
    ranks = {r.id: r for r in dash.rankings(built.store, YEAR, "甲省", min_denominator=1)}
    reports = built.scope(YEAR, "甲省")
    # 申请量: descending, equal values share a rank, blanks unranked
    new = ranks["new_received"]
    expected = sorted((r.cells[NEW].value for r in reports if r.cells[NEW].value is not None), reverse=True)
    assert [row.value for row in new.rows] == expected
    for i, row in enumerate(new.rows):
        assert row.rank == 1 + sum(1 for v in expected if v > row.value), (i, row)
    assert [row.unit for row in new.unranked] == [r.unit for r in reports if r.cells[NEW].value is None]
    # findings: errors first, then warnings, counted from the check results
    counts = {r.unit: (sum(f.severity.value == "error" for f in built.findings[_rid(built, r)]),
                       sum(f.severity.value == "warning" for f in built.findings[_rid(built, r)])) for r in reports}
    got = [(row.unit, (row.detail["errors"], row.detail["warnings"])) for row in ranks["findings"].rows]
    assert dict(got) == counts
    assert [c for _, c in got] == sorted(counts.values(), reverse=True)
    assert got[0][0] == "南县丁镇人民政府"  # the planted unbalanced table 3
    assert ranks["findings"].rows[0].display.startswith("错误")
    # 公开率: per report, the same evaluation as the metric
    for row in ranks["disclosure_rate"].rows + ranks["disclosure_rate"].unranked:
        r = next(x for x in reports if x.unit == row.unit)
        assert row.value == rate([r], (GRANTED, PARTIAL), (PROCESSED,), minimum=1)[0]
    assert all(row.rank is None for row in ranks["disclosure_rate"].unranked)
    top = dash.rankings(built.store, YEAR, "甲省", limit=2)
    assert all(len(r.rows) <= 2 for r in top)
    json.dumps([r.to_dict() for r in top], ensure_ascii=False)


# --- region roll-up ----------------------------------------------------------------------------


def test_rollup_children_of_a_region(built):
    ru = dash.region_rollup(built.store, YEAR, "甲省/一市")
    assert ru.categories == ["东县", "西县", "一市（本级）"]
    assert [r.direct for r in ru.rows] == [False, False, True]
    for row, prefix in zip(ru.rows, ["甲省/一市/东县", "甲省/一市/西县"]):
        reports = built.scope(YEAR, prefix)
        assert row.reports == len(reports)
        for cid in (NEW, GRANTED, PROCESSED, REVIEW):
            assert (row.sums[cid], row.nulls[cid]) == known_sum(reports, cid)
    direct = [r for r in built.scope(YEAR, "甲省/一市") if r.unit == "一市教育局"]
    assert (ru.rows[2].sums[NEW], ru.rows[2].units) == (direct[0].cells[NEW].value, 1)
    # the children add up to the scope
    scope = built.scope(YEAR, "甲省/一市")
    assert sum(ru.cell_series(NEW)) == known_sum(scope, NEW)[0]
    assert ru.blank_counts(GRANTED) == [1, 0, 0]
    stacked = ru.outcome_series()
    assert list(stacked)[0] == "（一）予以公开" and len(stacked) == 6
    assert stacked["（一）予以公开"] == ru.cell_series(GRANTED)
    assert ru.outcome_incomplete() == [True, False, False]  # 东县乙镇's blank 予以公开
    assert ru.metric_series("disclosure_rate") == [r.metrics["disclosure_rate"].value for r in ru.rows]


def test_rollup_without_region_lists_the_top_regions_and_the_unassigned(built):
    ru = dash.region_rollup(built.store, YEAR)
    assert ru.categories == ["乙省", "甲省", q.UNASSIGNED]
    assert [r.reports for r in ru.rows] == [len(built.scope(YEAR, "乙省")), len(built.scope(YEAR, "甲省")), 1]
    assert sum(r.reports for r in ru.rows) == dash.outcome_counts(built.store, YEAR).scope.reports
    json.dumps(ru.to_dict(cells=True), ensure_ascii=False)


# --- status ------------------------------------------------------------------------------------


def test_status_counts_and_review_progress(fresh):
    built = fresh
    reports = built.scope(YEAR, "甲省")
    sev = [[f.severity.value for f in built.findings[_rid(built, r)]] for r in reports]
    st = dash.status_counts(built.store, YEAR, "甲省")
    assert st.with_errors == sum(1 for s in sev if "error" in s) >= 1
    assert st.with_warnings == sum(1 for s in sev if "error" not in s and "warning" in s)
    assert st.clean == len(reports) - st.with_errors - st.with_warnings
    assert st.findings == {k: sum(s.count(k) for s in sev) for k in ("error", "warning", "info")}
    assert st.pending == st.needs_review and st.reviewed == 0
    assert st.decisions["undecided"] == st.findings["error"] + st.findings["warning"]
    # decide every error and warning of one report: it becomes reviewed
    target = next(r for r in reports if r.unit == "南县丁镇人民政府")
    rid = _rid(built, target)
    to_decide = [f for f in built.findings[rid] if f.severity.value in ("error", "warning")]
    for i, f in enumerate(to_decide):
        built.store.review(rid, f.fingerprint, "confirmed" if i % 2 == 0 else "rejected", "张三")
    after = dash.status_counts(built.store, YEAR, "甲省")
    assert (after.reviewed, after.pending) == (1, st.pending - 1)
    assert after.decisions["confirmed"] + after.decisions["rejected"] == len(to_decide)
    assert after.decisions["undecided"] == st.decisions["undecided"] - len(to_decide)


# --- year series -------------------------------------------------------------------------------


def test_year_series_of_a_unit(built):
    ys = dash.year_series(built.store, unit="西县丙镇")
    assert ys.kind == "unit" and ys.name == "西县丙镇人民政府" and ys.years == list(YEARS)
    assert ys.reports == [1, 0, 1]  # no report for 2023: a gap, not 0
    mine = {r.year: r for r in built.reports.values() if r.unit == "西县丙镇人民政府"}
    assert ys.cells[NEW] == [mine[2022].cells[NEW].value, None, mine[2024].cells[NEW].value]
    assert ys.metrics["disclosure_rate"][1].reason == q.MISSING
    newest = dash.year_series(built.store, unit="东县甲镇人民政府", cells=[NEW, GRANTED])
    latest_2024 = built.reports[max(rid for rid, r in built.reports.items() if r.unit == "东县甲镇人民政府")]
    assert newest.cells[GRANTED][-1] == latest_2024.cells[GRANTED].value
    json.dumps(ys.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("region", [None, "甲省/一市"])
def test_year_series_of_a_region(built, region):
    ys = dash.year_series(built.store, region=region, cells=[NEW, PROCESSED], metrics=["disclosure_rate"],
                          min_denominator=1)
    assert ys.years == list(YEARS) and ys.kind == ("all" if region is None else "region")
    for i, y in enumerate(YEARS):
        reports = built.scope(y, region)
        assert ys.reports[i] == len(reports)
        assert (ys.cells[PROCESSED][i], ys.nulls[PROCESSED][i]) == known_sum(reports, PROCESSED)
        assert ys.metric_values("disclosure_rate")[i] == rate(reports, (GRANTED, PARTIAL), (PROCESSED,), minimum=1)[0]
    with pytest.raises(StoreError, match="未知的单元格或指标"):
        dash.year_series(built.store, cells=["t9.x.y"])


def test_whole_dashboard_is_one_json_document(built):
    d = dash.dashboard(built.store, YEAR, "甲省", limit=3)
    doc = json.loads(json.dumps(d.to_dict(), ensure_ascii=False))
    assert doc["scope"]["region"] == "甲省" and doc["status"]["with_errors"] >= 1
    assert [r["id"] for r in doc["rankings"]] == ["findings", "disclosure_rate", "new_received"]
    assert doc["regions"]["rows"][0]["name"] == "一市"


# --- the seeds -----------------------------------------------------------------------------------


def test_seed_outcomes_equal_the_gold(store):
    assert all(o.error is None for o in api.import_paths([SEEDS_DIR], store))
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("*.json"))]
    for year in sorted({g["year"] for g in golds}):
        cells = [g["cells"] for g in golds if g["year"] == year]
        oc = dash.outcome_counts(store, year)
        assert oc.scope.reports == len(cells)
        for row in oc.rows:
            vals = [c[t3(row.key, "total")] for c in cells]
            known = [v for v in vals if v is not None]
            assert row.total.total == (sum(known) if known else None)
            assert row.total.blanks == len(vals) - len(known)
    # 乔官镇 and 鄌郚镇 lie in 昌乐县 (region from the unit name); their year series come from the gold
    ys = dash.year_series(store, region="昌乐县", cells=[NEW])
    gold = {g["year"]: g["cells"][NEW] for g in golds if g["unit"].startswith("昌乐县")}
    assert dict(zip(ys.years, ys.cells[NEW])) == {y: gold.get(y) for y in ys.years}
    assert ys.reports == [1 if y in gold else 0 for y in ys.years]


def test_same_dashboard_on_every_backend(fresh, tmp_path):
    """The whole dashboard on this backend equals the one on a separate SQLite store with the same reports."""
    reference = fill(Store(str(tmp_path / "reference.db")))
    for region in (None, "甲省", "甲省/一市"):
        got = dash.dashboard(fresh.store, YEAR, region).to_dict()
        assert got == dash.dashboard(reference.store, YEAR, region).to_dict()
        assert got["scope"]["reports"] == len(fresh.scope(YEAR, region))
    assert dash.year_series(fresh.store, region="甲省").to_dict() == \
        dash.year_series(reference.store, region="甲省").to_dict()
    reference.store.close()


def test_fifty_concurrent_dashboards_are_built_once_and_all_answered(fresh, monkeypatch):
    """Fifty reviewers opening the page at once: every request answered, the dashboard computed once;
    a write (a review decision, a new report) makes the next request compute it again."""
    import threading

    built_count = []
    real = dash._dashboard

    def counting(*args, **kwargs):
        built_count.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dash, "_dashboard", counting)
    store = fresh.store
    results, errors = [], []
    start = threading.Barrier(50)

    def ask():
        try:
            start.wait()
            results.append(dash.dashboard(store, YEAR).to_dict())
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=ask) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 50
    assert all(r == results[0] for r in results)
    assert len(built_count) == 1
    rid = fresh.newer
    fp = store.findings(rid)[0][0].fingerprint if store.findings(rid) else None
    if fp is not None:
        store.review(rid, fp, "confirmed", "审核员")
    else:
        fresh.add("101.json", make_report(101, "东县甲镇人民政府", YEAR - 1), "甲省/一市/东县")
    again = dash.dashboard(store, YEAR).to_dict()
    assert len(built_count) == 2
    assert again["scope"] == results[0]["scope"]
