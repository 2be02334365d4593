"""Scoring profiles: the schema refuses bad profiles in Chinese, each condition type counts failures and
(strictly or leniently) NOT_ASSESSABLE results, caps and grades apply, and the ranking is best first."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.app.profiles import Profile, ProfileError, load_profile, parse_profile, shipped_names
from zfxxgk.app.score import FAIL, NA_IGNORED, NOT_ASSESSABLE, REJECTED, score, score_report, write_ranking
from zfxxgk.model.units import UnitType
from zfxxgk.store import Store
from zfxxgk.store.scoring import ScoringFinding, ScoringReport


def profile(indicators: list[dict], **kw) -> Profile:
    return Profile.model_validate({"id": "t", "name": "测试方案", "indicators": indicators, **kw})


def report(findings: list[ScoringFinding] = (), cells: dict | None = None, published: dt.date | None = dt.date(2025, 1, 10),
           unit_type: str | None = "department", unit: str = "东风县财政局", rid: int = 1) -> ScoringReport:
    base = {"t4.review.corrected": 0, "t4.litigation_direct.corrected": 0, "t4.litigation_after_review.corrected": 0}
    return ScoringReport(rid, rid, unit, unit_type, "某省/某市", published, None, "text/tsv", "a.txt",
                         {**base, **(cells or {})}, list(findings))


def finding(rule: str, fid: int = 1, severity: str = "error", decision: str | None = None, **evidence) -> ScoringFinding:
    return ScoringFinding(fid, rule, severity, f"{rule} 的说明", ["t3.total.total"], evidence, f"fp{fid}", decision)


def deducted(p: Profile, r: ScoringReport) -> Decimal:
    return score_report(None, p, r, 2024).deducted  # type: ignore[arg-type]  (no strict rule: the store is not read)


# --- schema --------------------------------------------------------------------------------------------


def test_shipped_profiles_load_and_cite_their_source():
    assert {"national-minimum", "quanzhou-licheng-2020", "suqian", "yueyang"} <= set(shipped_names())
    for name in shipped_names():
        p = load_profile(name)
        assert p.id == name and p.sources and all(s.citation for s in p.sources)
    yueyang = load_profile("yueyang").deadline_settings()
    assert yueyang[UnitType.GOVERNMENT].for_year(2024) == dt.date(2025, 2, 20)
    assert yueyang[UnitType.DEPARTMENT].for_year(2024) == dt.date(2025, 2, 28)  # "02-29": February's last day
    assert yueyang[UnitType.TOWNSHIP].for_year(2024) == dt.date(2025, 1, 31)  # not listed: the national default


@pytest.mark.parametrize(("text", "expected"), [
    ("id: x\nname: 方案\nindicators: []\n", "indicators：不能为空"),
    ("id: x\nname: 方案\nindicators:\n  - {id: a, name: 甲, deduct: 0, condition: {type: deadline}}\n", "indicators[0].deduct：应大于 0"),
    ("id: x\nname: 方案\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: nonsense}}\n", "条件类型 type 应为"),
    ("id: x\nname: 方案\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: rule, rules: [T9-NOPE]}}\n",
     "没有这样的规则：T9-NOPE"),
    ("id: x\nname: 方案\nindicators:\n  - {id: a, name: 甲, deduct: 1, points: 2, cap: 3, condition: {type: deadline}}\n",
     "扣分上限 cap（3）不能大于分值 points（2）"),
    ("id: x\nname: 方案\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: duplicate_rate, threshold: 0.3}}\n",
     "重复率阈值应在 0.5 到 1 之间"),
    ("id: x\nname: 方案\ndeadlines: {火星部门: \"02-20\"}\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: deadline}}\n",
     "不认识的单位类型“火星部门”"),
    ("id: x\nname: 方案\ndeadlines: {政府部门: \"02-30\"}\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: deadline}}\n",
     "应写作 月-日"),
    ("id: x\nname: 方案\nbonus: 1\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: deadline}}\n",
     "bonus：不认识的字段"),
    ("id: x\nname: 方案\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: deadline}}\n"
     "  - {id: a, name: 乙, deduct: 1, condition: {type: deadline}}\n", "指标编号重复：a"),
    ("id: x\nname: [unclosed\n", "不是有效的 YAML"),
    ("- 1\n- 2\n", "应是一个 YAML 映射"),
])
def test_bad_profiles_are_refused_in_chinese(text, expected):
    with pytest.raises(ProfileError) as e:
        parse_profile(text, "bad.yaml")
    assert expected in str(e.value) and "bad.yaml" in str(e.value)
    assert "Field required" not in str(e.value) and "Traceback" not in str(e.value)


def test_unknown_profile_name_suggests_the_closest(tmp_path):
    with pytest.raises(ProfileError, match="是否想写：suqian"):
        load_profile("suqan")
    with pytest.raises(ProfileError, match="评分方案文件不存在"):
        load_profile(str(tmp_path / "none.yaml"))
    own = tmp_path / "own.yaml"
    own.write_text("id: own\nname: 自定\nindicators:\n  - {id: a, name: 甲, deduct: 1, condition: {type: deadline}}\n",
                   encoding="utf-8")
    assert load_profile(str(own)).name == "自定"


# --- condition types -----------------------------------------------------------------------------------


def test_rule_condition_counts_each_finding_and_skips_rejected_ones():
    p = profile([{"id": "a", "name": "缺少部分", "deduct": 5, "condition": {"type": "rule", "rules": ["STRUCT-SECTION-MISSING"]}}])
    r = report([finding("STRUCT-SECTION-MISSING-4", 7), finding("STRUCT-SECTION-MISSING-5", 8), finding("T4-SUM-review", 9)])
    s = score_report(None, p, r, 2024)  # type: ignore[arg-type]
    assert s.deducted == 10 and s.score == 90
    items = s.indicators[0].items
    assert [(i.kind, i.rule, i.finding_id, i.link) for i in items] == [
        (FAIL, "STRUCT-SECTION-MISSING-4", 7, "/reports/1#f-fp7"), (FAIL, "STRUCT-SECTION-MISSING-5", 8, "/reports/1#f-fp8")]
    rejected = report([finding("STRUCT-SECTION-MISSING-4", 7, decision="rejected"), finding("STRUCT-SECTION-MISSING-5", 8, decision="confirmed")])
    s = score_report(None, p, rejected, 2024)  # type: ignore[arg-type]
    assert s.deducted == 5 and [i.kind for i in s.indicators[0].items] == [REJECTED, FAIL]
    assert deducted(p, report()) == 0  # passing: nothing found


def test_rule_condition_severity_filter():
    p = profile([{"id": "a", "name": "正文", "deduct": 1, "condition": {"type": "rule", "rules": ["TXT"], "severities": ["error"]}}])
    assert deducted(p, report([finding("TXT-REVIEW", 1), finding("TXT-DUP-WORD", 2, severity="info")])) == 1


def test_cap_and_points_limit_an_indicator():
    f = [finding("T4-SUM-review", i) for i in range(1, 6)]
    capped = profile([{"id": "a", "name": "勾稽", "deduct": 2, "cap": 5, "condition": {"type": "rule", "rules": ["T4-SUM"]}}])
    s = score_report(None, capped, report(f), 2024)  # type: ignore[arg-type]
    assert s.deducted == 5 and s.indicators[0].capped and s.indicators[0].occurrences == 5
    by_points = profile([{"id": "a", "name": "勾稽", "points": 4, "deduct": 2, "condition": {"type": "rule", "rules": ["T4-SUM"]}}])
    assert deducted(by_points, report(f)) == 4
    free = profile([{"id": "a", "name": "勾稽", "deduct": 30, "condition": {"type": "rule", "rules": ["T4-SUM"]}}])
    assert score_report(None, free, report(f), 2024).score == 0  # type: ignore[arg-type]  (never below 0)


@pytest.mark.parametrize(("published", "mode", "kind", "points"), [
    (dt.date(2025, 2, 20), "lenient", None, 0),  # on the local deadline
    (dt.date(2025, 2, 21), "lenient", FAIL, Decimal("0.5")),
    (None, "lenient", NA_IGNORED, 0),
    (None, "strict", NOT_ASSESSABLE, Decimal("0.5")),
])
def test_deadline_condition_uses_the_profiles_local_deadline(published, mode, kind, points):
    p = profile([{"id": "late", "name": "逾期", "deduct": 0.5, "not_assessable": mode, "condition": {"type": "deadline"}}],
                deadlines={"政府部门": "02-20"})
    s = score_report(None, p, report(published=published), 2024)  # type: ignore[arg-type]
    assert [i.kind for i in s.indicators[0].items] == ([kind] if kind else []) and s.deducted == points
    if kind == FAIL:
        assert s.indicators[0].items[0].evidence["deadline"] == "2025-02-20"


def test_deadline_national_default_and_the_checkers_finding_linked():
    p = profile([{"id": "late", "name": "逾期", "deduct": 1, "condition": {"type": "deadline"}}])
    r = report([finding("DATE-DEADLINE", 4, severity="warning")], published=dt.date(2025, 2, 3))  # 部门：1 月 31 日
    (item,) = score_report(None, p, r, 2024).indicators[0].items  # type: ignore[arg-type]
    assert item.kind == FAIL and item.finding_id == 4 and item.evidence["days_late"] == 3
    assert deducted(p, report(published=dt.date(2025, 3, 30), unit_type="government", unit="东风县人民政府")) == 0


def test_profile_default_strictness_applies_unless_the_indicator_says():
    ind = {"id": "late", "name": "逾期", "deduct": 1, "condition": {"type": "deadline"}}
    assert deducted(profile([ind], not_assessable="strict"), report(published=None)) == 1
    assert deducted(profile([{**ind, "not_assessable": "lenient"}], not_assessable="strict"), report(published=None)) == 0


def test_duplicate_rate_condition_threshold_and_source():
    any_ = profile([{"id": "dup", "name": "重复", "deduct": 0.5, "condition": {"type": "duplicate_rate", "threshold": 0.6}}])
    f = [finding("XY-TEXT-DUPLICATE", 1, "warning", rate=0.55), finding("XU-TEXT-COPY", 2, "warning", rate=0.9)]
    (item,) = score_report(None, any_, report(f), 2024).indicators[0].items  # type: ignore[arg-type]
    assert item.rule == "XU-TEXT-COPY" and item.evidence["rate"] == 0.9
    prev = profile([{"id": "dup", "name": "重复", "deduct": 0.5, "condition": {"type": "duplicate_rate", "against": "previous_year"}}])
    assert deducted(prev, report(f)) == Decimal("0.5")
    assert deducted(prev, report()) == 0


@pytest.mark.parametrize(("cells", "mode", "expected", "kinds"), [
    ({}, "lenient", 0, []),
    ({"t4.review.corrected": 2, "t4.litigation_direct.corrected": 1}, "lenient", 6, [FAIL, FAIL]),
    ({"t4.review.corrected": None}, "lenient", 0, [NA_IGNORED]),
    ({"t4.review.corrected": None}, "strict", 2, [NOT_ASSESSABLE]),
])
def test_lost_cases_condition(cells, mode, expected, kinds):
    p = profile([{"id": "lost", "name": "败诉", "deduct": 2, "not_assessable": mode, "condition": {"type": "lost_cases"}}])
    s = score_report(None, p, report(cells=cells), 2024)  # type: ignore[arg-type]
    assert s.deducted == expected and [i.kind for i in s.indicators[0].items] == kinds
    if kinds and kinds[0] == FAIL:
        assert s.indicators[0].items[0].cells == ["t4.review.corrected"] and s.indicators[0].items[0].count == 2


def test_lost_cases_blocks_select_review_only():
    p = profile([{"id": "lost", "name": "复议败诉", "deduct": 1, "condition": {"type": "lost_cases", "blocks": ["review"]}}])
    assert deducted(p, report(cells={"t4.review.corrected": 1, "t4.litigation_direct.corrected": 5})) == 1


def test_grade_bands():
    p = profile([{"id": "a", "name": "甲", "deduct": 15, "condition": {"type": "rule", "rules": ["T4-SUM"]}}],
                grades=[{"name": "合格", "min": 60}, {"name": "优秀", "min": 90}, {"name": "良好", "min": 80}])
    grades = [score_report(None, p, report([finding("T4-SUM-review", i) for i in range(n)]), 2024).grade  # type: ignore[arg-type]
              for n in (0, 1, 2, 3)]
    assert grades == ["优秀", "良好", "合格", None]  # 100, 85, 70, 55


# --- against a store -----------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "score.db"))
    yield s
    s.close()


def _import(store: Store, name: str, **kw) -> int:
    o = api.import_bytes(text_with(**kw).encode(), name, store)
    assert o.error is None
    return o.report_id


def test_ranking_order_ties_and_strict_rules_rerun(store):
    _import(store, "a.txt", unit="东风县红旗镇人民政府", values={"t4.review.corrected": 1})
    _import(store, "b.txt", unit="东风县向阳镇人民政府", values={"t4.review.corrected": 3})
    _import(store, "c.txt", unit="东风县前进镇人民政府")
    p = profile([{"id": "lost", "name": "败诉", "deduct": 2, "condition": {"type": "lost_cases"}}])
    r = score(store, p, 2024)
    assert [(u.rank, u.unit, u.score_text) for u in r.rows] == [
        (1, "东风县前进镇人民政府", "100"), (2, "东风县红旗镇人民政府", "98"), (3, "东风县向阳镇人民政府", "94")]
    # no previous year: the cross-year duplicate rule is not assessable, found by running it again
    dup = {"id": "dup", "name": "重复", "deduct": 1, "condition": {"type": "duplicate_rate", "against": "previous_year"}}
    strict = score(store, profile([{**dup, "not_assessable": "strict"}]), 2024)
    assert all(u.score == 99 and u.rank == 1 for u in strict.rows)
    (item,) = strict.rows[0].indicators[0].items
    assert item.kind == NOT_ASSESSABLE and item.rule == "XY-TEXT-DUPLICATE" and item.evidence["missing"] == ["previous_report"]
    assert all(u.score == 100 for u in score(store, profile([dup]), 2024).rows)


def test_missing_report_from_the_registry(store, tmp_path):
    from zfxxgk.store.registry import import_registry

    _import(store, "a.txt", unit="东风县红旗镇人民政府")
    reg = tmp_path / "r.csv"
    reg.write_text("单位名称,单位类型,所属地区\n东风县红旗镇人民政府,乡镇人民政府,\n东风县向阳镇人民政府,乡镇人民政府,\n",
                   encoding="utf-8")
    import_registry(store, reg)
    with_missing = profile([{"id": "m", "name": "未发布", "deduct": 100, "condition": {"type": "missing_report"}}])
    r = score(store, with_missing, 2024)
    assert [(u.unit, u.score_text, u.report_id) for u in r.rows] == [("东风县红旗镇人民政府", "100", 1), ("东风县向阳镇人民政府", "0", None)]
    without = score(store, profile([{"id": "l", "name": "逾期", "deduct": 1, "condition": {"type": "deadline"}}]), 2024)
    assert [u.unit for u in without.rows] == ["东风县红旗镇人民政府"] and without.unscored == ["东风县向阳镇人民政府"]


def test_xlsx_export_has_ranking_and_traceable_deductions(store, tmp_path):
    _import(store, "a.txt", unit="东风县红旗镇人民政府", values={"t4.review.corrected": 1})
    r = score(store, load_profile("suqian"), 2024)
    path = tmp_path / "s.xlsx"
    write_ranking(r, path)
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["排名", "扣分明细", "评分方案"]
    ranking = list(book["排名"].iter_rows(values_only=True))
    assert ranking[0][:7] == ("名次", "单位", "所属地区", "单位类型", "报告编号", "得分", "等级")
    assert ranking[1][1] == "东风县红旗镇人民政府" and ranking[1][5] == 98
    items = list(book["扣分明细"].iter_rows(values_only=True))
    assert items[1][2] == "复议、诉讼败诉" and items[1][5] == 2 and items[1][9] == "t4.review.corrected"
    assert any("评估方转述" in str(c) for row in book["评分方案"].iter_rows(values_only=True) for c in row)
