"""Report scope (报告范围): 本级 / 全区域 / 无法判断 from the words of a 人民政府's report; other units not applicable."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS
from zfxxgk import api
from zfxxgk.check.scope import STATEMENT, STATISTIC, ScopeKind, report_scope
from zfxxgk.model import Report, Section, Span
from zfxxgk.model.units import UnitType

COUNTY = "临朐县人民政府"

# Real-style sentences of county, district, city, banner and province reports.
AREA = [
    "本报告由临朐县人民政府办公室根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，"
    "综合本县各乡镇人民政府、街道办事处和县政府各部门政府信息公开工作年度报告编制而成。",
    "本报告内容涵盖全县各乡镇人民政府、县政府各部门政府信息公开工作情况。",
    "2023年，全县共主动公开政府信息12563条。",
    "本年度全县共收到政府信息公开申请236件，上年结转12件。",
    "本报告汇总了本县各部门、各乡镇的政府信息公开工作年度报告数据。",
    "2023年，全市各级行政机关共受理政府信息公开申请1856件。",
    "本报告所列数据为全区（包括区政府各部门和各街道办事处）的汇总数据。",
    "本报告中的统计数据包括县政府及县政府各部门、各乡镇（街道）。",
    "全省各级行政机关共收到政府信息公开申请2.3万件，同比增长8.6%。",
    "本报告由市政府办公室根据各县（市、区）政府和市政府各部门报送的年度报告汇总编制。",
    "全旗共发生政府信息公开行政复议案件3件、行政诉讼案件1件。",
    "县政府及各部门、各乡镇共收到政府信息公开申请45件。",
    "全县收到政府信息公开申请89件，办结87件。",
    "在汇总全县32个单位年度报告的基础上，形成本报告。",
    "本报告由市政府信息公开工作领导小组办公室汇总全市各县（市、区）、市政府各有关部门政府信息公开工作情况编制而成。",
    "本年度报告综合2023年度各县（市、区）政府和市级各部门的政府信息公开年度工作报告编制而成。",
    "2023年，本市各级行政机关共收到政府信息公开申请3万件。",
    # the organ's part of the area's total is no scope of its own
    "全县共收到政府信息公开申请120件，其中本机关收到20件。",
    # an area report leaving out organs that are not the government's (垂直管理) is still an area report
    "本报告数据涵盖全县各乡镇、各部门（不含垂直管理部门）。",
]

OWN = [
    "本报告为临朐县人民政府本级政府信息公开工作年度报告。",
    "本报告所列数据为县政府本级数据，不含县政府各部门和各乡镇人民政府。",
    "本报告中所列数据仅为本机关数据。",
    "2023年，本机关共收到政府信息公开申请15件。",
    "本报告统计数据不包括县直各部门、各乡镇（街道）。",
    "本机关全年主动公开政府信息326条。",
    "县政府各部门、各乡镇的年度报告另行公布，本报告仅反映县人民政府本级情况。",
    "统计范围限于市政府本级，不含各区县和市直部门。",
    "本年度本机关收到政府信息公开申请3件，均已按时办结。",
    "数据系本机关自身办理情况，不包括下级单位。",
    "我府2023年共收到政府信息公开申请7件。",
    "本报告中的数据只包括县人民政府本身，不包括县政府工作部门和乡镇。",
]

UNCLEAR = [
    # the government office guides the whole county in either kind of report
    "县政府办公室作为全县政务公开工作主管部门，指导全县各单位做好年度报告编制发布工作。",
    "按照省政府办公厅要求，县政府高度重视政务公开工作。",
    # 我县 / 县政府 name the area or the organ alike
    "2023年，我县共收到政府信息公开申请56件。",
    "2023年，县政府共收到政府信息公开申请12件。",
    "全县政务公开工作取得新成效。",
    # the law quoted in an intro: 本级政府 is no statement about this report
    "根据《条例》第四十九条规定，县级以上地方人民政府的政府信息公开工作主管部门应当在每年3月31日前"
    "向社会公布本级政府上一年度政府信息公开工作年度报告。",
    # area reports say this as well
    "县政府各部门、各乡镇政府信息公开工作年度报告已在县政府门户网站“政府信息公开”专栏发布。",
    "本报告不包括垂直管理部门。",
    "其中，县政府本级收到申请5件。",
    "组织全县各级行政机关开展政务公开培训3次，全县共设置政务公开专区20个。",
    "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六个方面的内容。",
    "本报告是本机关根据《条例》编制的。",
    "县政府门户网站共发布政府信息3200条。",
    "综合考虑全县实际情况，制定年度政务公开工作要点。",
    # both kinds: the tables' coverage is unclear, no guess
    "全县共主动公开政府信息1.2万条。本机关共收到政府信息公开申请5件。",
    "本报告数据为县政府本级数据。本报告综合了各乡镇、各部门年度报告。",
]


def report(intro: str = "", unit: str | None = COUNTY, title: str | None = None, sections: dict[int, str] | None = None
           ) -> Report:
    r = Report(source="<built>", unit=unit, title=title, intro=intro, intro_line=3)
    line = 10
    for n, text in (sections or {}).items():
        r.sections[n] = Section(n, n, "", "", False, text, Span(line, 0, line + text.count("\n") + 1, 0))
        line += text.count("\n") + 5
    return r


@pytest.mark.parametrize("sentence", AREA)
def test_area_phrases(sentence):
    scope = report_scope(report(sentence))
    assert scope.kind is ScopeKind.AREA, [h.phrase for h in scope.hits]
    assert scope.evidence is not None and scope.evidence.kind is ScopeKind.AREA
    assert scope.kind.label == "全区域"


@pytest.mark.parametrize("sentence", OWN)
def test_own_phrases(sentence):
    scope = report_scope(report(sentence))
    assert scope.kind is ScopeKind.OWN, [h.phrase for h in scope.hits]
    assert scope.evidence is not None and scope.evidence.kind is ScopeKind.OWN
    assert scope.kind.label == "本级"


@pytest.mark.parametrize("text", UNCLEAR)
def test_unclear_phrases_are_never_guessed(text):
    scope = report_scope(report(text))
    assert scope.kind is ScopeKind.UNKNOWN, [h.phrase for h in scope.hits]
    assert scope.evidence is None
    assert "不作判断" in scope.reason


def test_conflict_lists_both_phrases():
    scope = report_scope(report("全县共主动公开政府信息1.2万条。本机关共收到政府信息公开申请5件。"))
    assert {h.kind for h in scope.hits} == {ScopeKind.AREA, ScopeKind.OWN}
    assert "全县共主动公开" in scope.reason and "本机关共收到" in scope.reason


def test_a_statement_decides_over_statistics():
    """“全县共收到…” counts the area, yet the report says its data are the organ's: the statement decides."""
    scope = report_scope(report("本报告所列数据为县政府本级数据。", sections={
        1: "2023年，全县共主动公开政府信息1.2万条。"}))
    assert scope.kind is ScopeKind.OWN
    assert scope.evidence.strength == STATEMENT
    assert [h.strength for h in scope.hits] == [STATEMENT, STATISTIC]


def test_evidence_says_where_and_keeps_the_printed_text():
    sentence = "本年度全县共收到政府信息公开申请236件，上年结转12件。"
    scope = report_scope(report(sections={1: "（一）总体情况\n\n" + sentence}))
    ev = scope.evidence
    assert ev.section == 1 and ev.line == 13  # heading on line 10: body from 11, the sentence two lines down
    assert ev.where == "第一部分“总体情况”第 13 行"
    assert ev.excerpt == "本年度全县共收到政府信息公开申请236件，上年结转12件"  # full-width comma as printed
    assert ev.phrase == "全县共收到"
    assert scope.to_dict()["evidence"]["where"] == ev.where


def test_a_sentence_wrapped_over_lines_reads_whole():
    """A PDF line break inside the sentence does not hide the phrase."""
    scope = report_scope(report("本报告由县政府办公室综合本县各乡镇人民\n政府、县政府各部门政府信息公开工作年度报告编制而成。"))
    assert scope.kind is ScopeKind.AREA
    assert scope.evidence.line == 3 and "人民政府" in scope.evidence.excerpt


def test_title_saying_own_level():
    scope = report_scope(report(title="临朐县人民政府本级2023年政府信息公开工作年度报告"))
    assert scope.kind is ScopeKind.OWN and scope.evidence.where.startswith("标题")


def test_no_phrase_is_unknown():
    scope = report_scope(report("2023年，县政府认真贯彻落实《条例》。"))
    assert scope.kind is ScopeKind.UNKNOWN and scope.hits == ()
    assert scope.applies  # a 人民政府's report: the page says it could not tell


@pytest.mark.parametrize("unit", ["临朐县红旗镇人民政府", "临朐县五图街道办事处", "临朐县财政局", "临朐县人民政府办公室",
                                  "潍坊高新技术产业开发区管理委员会"])
def test_other_units_are_not_applicable(unit):
    scope = report_scope(report(AREA[0], unit=unit))
    assert scope.kind is ScopeKind.NOT_APPLICABLE and not scope.applies and scope.hits == ()


@pytest.mark.parametrize("unit", ["潍坊市人民政府", "山东省人民政府", "北京市朝阳区人民政府", "鄂托克旗人民政府"])
def test_every_level_of_government_applies(unit):
    assert report_scope(report(AREA[2], unit=unit)).kind is ScopeKind.AREA


def test_given_unit_type_wins_over_the_name():
    assert report_scope(report(AREA[2], unit="某某"), UnitType.GOVERNMENT).kind is ScopeKind.AREA
    assert report_scope(report(AREA[2]), "township").kind is ScopeKind.NOT_APPLICABLE


def test_unidentified_unit_is_unknown_and_not_shown():
    scope = report_scope(report(AREA[2], unit=None))
    assert scope.kind is ScopeKind.UNKNOWN and not scope.applies and "未能识别报告单位" in scope.reason


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_sample_township_reports_are_not_applicable(path):
    r = api.parse(path.read_bytes(), path.name)
    assert report_scope(r).kind is ScopeKind.NOT_APPLICABLE
    # read as if a county had written them, they say nothing about a scope either
    assert report_scope(r, UnitType.GOVERNMENT).kind is ScopeKind.UNKNOWN
