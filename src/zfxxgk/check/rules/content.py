"""Section content (spec §4.9): SEC1-*, SEC5-*, SEC6-* rules.

Keyword tests run on a section's prose (tables excluded) after NFKC with all whitespace removed
(spec §3.2), so a keyword broken by a line wrap or a space (“2024 年”) is still found. They are
presence heuristics: severities stay at warning or below, except an empty §五 (SEC5-EMPTY).
A rule whose section is absent is NOT_ASSESSABLE (STRUCT-SECTION-MISSING reports the absence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, cast

from ...model import Finding, Report, Section, Severity
from ...model.evidence import Evidence
from ...model.units import UnitType
from ..context import CheckContext
from ..prose_text import prose_of, squashed_text
from ..registry import Emit, rule
from ._common import SECTION_MISSING, has_any, unit_type_of

# Keyword lists are plain substrings (tested with ``in``, much cheaper than a regex alternation).
# §一 topics (S1 一(一)): key → (name in messages, keywords)
SEC1_TOPICS = {
    "active": ("主动公开", ("主动公开",)),
    "request": ("依申请公开", ("依申请公开",)),
    "management": ("政府信息管理", ("信息管理",)),
    "platform": ("政府信息公开平台建设", ("平台",)),
    "oversight": ("监督保障", ("监督", "保障")),
}
# 第五十条(四): items every 人民政府 (incl. 乡镇) reports, with the words that show each.
ACCOUNTABILITY_ITEMS = (
    ("考核", ("考核",)),
    ("评议", ("评议",)),
    ("责任追究", ("责任追究", "追责", "问责")),
)
ACCOUNTABLE_TYPES = (UnitType.GOVERNMENT, UnitType.TOWNSHIP)

SEC5_MIN_CHARS = 20
PROBLEMS = ("问题", "不足", "短板", "差距", "薄弱", "有待")
IMPROVEMENTS = ("改进", "整改", "措施", "下一步", "下步", "接下来", "今后", "加强", "强化", "完善", "提升")
# “2022年问题整改情况”: a rectification statement naming its year (matched per clause).
RECTIFICATION_YEAR = re.compile(r"(\d{4})年度?[^。]{0,8}?问题整改")
PREVIOUS_YEAR_WORDS = re.compile(r"上一?年度?")

FEE = ("信息处理费", "信息公开处理费")  # 信息(公开)?处理费
# §六 items seen in practice (S8; 30号 wording unconfirmed): key → (name in messages, keywords)
SEC6_ITEMS = {
    "work_points": ("落实上级年度政务公开工作要点情况", ("工作要点", "重点工作任务")),
    "proposals": ("人大代表建议和政协提案办理结果公开情况", ("建议", "提案")),
    "innovation": ("年度政务公开工作创新情况", ("创新",)),
}
_WORD = re.compile(r"[^\W_]")


def _absent(report: Report, emit: Emit, n: int) -> Finding | None:
    """NOT_ASSESSABLE when section n is absent (STRUCT-SECTION-MISSING reports it), else None."""
    if n in report.sections:
        return None
    return emit.not_assessable(missing=[SECTION_MISSING % n], reason="缺少该部分")


def _section_evidence(sec: Section, **extra: Any) -> Evidence:
    return cast(Evidence, {"section": sec.number, "span": sec.span.to_dict(), **extra})


@rule("SEC1-TOPIC-MISSING-{topic}", Severity.INFO, "总体情况未涉及“%(topic)s”。", params=tuple(SEC1_TOPICS))
def rule_sec1_topic_missing(report: Report, emit: Emit, topic: str) -> Iterator[Finding]:
    """SEC1-TOPIC-MISSING：总体情况缺少一个方面（提示）

    规则
        第一部分“总体情况”应涉及五个方面，按关键词判断：主动公开（active，“主动公开”）、
        依申请公开（request，“依申请公开”）、政府信息管理（management，“信息管理”）、
        政府信息公开平台建设（platform，“平台”）、监督保障（oversight，“监督”或“保障”）。
        某一方面的关键词在第一部分正文中没有出现时提示。

    原因
        国办公开办函〔2021〕30号 一(一) 规定总体情况包括上述五个方面；缺少某一方面多是内容遗漏。
        关键词判断只能说明“未提及”，故仅作提示。

    不合格示例
        总体情况只写了主动公开和依申请公开，没有政府信息管理、平台建设和监督保障。

    合格示例
        总体情况分（一）主动公开、（二）依申请公开、（三）政府信息管理、（四）政府信息公开平台建设、
        （五）监督保障五段。

    无法判断
        缺少第一部分时无法判断（由 STRUCT-SECTION-MISSING 报告）。

    依据
        国办公开办函〔2021〕30号 一(一)；zfxxgk 规范 §1.1、§4.9。
    """
    if (na := _absent(report, emit, 1)) is not None:
        yield na
        return
    sec = report.sections[1]
    name, words = SEC1_TOPICS[topic]
    if not has_any(squashed_text(report, sec.number), words):
        yield emit.fail(
            excerpt=topic,
            evidence=_section_evidence(sec, keywords=list(words), expected=name, actual=None),
            topic=name,
        )


@rule(
    "SEC1-GOV-ACCOUNTABILITY",
    Severity.WARNING,
    "人民政府年报应报告工作考核、社会评议和责任追究结果情况，未见：%(missing)s。",
)
def rule_sec1_gov_accountability(report: Report, emit: Emit, ctx: CheckContext) -> Iterator[Finding]:
    """SEC1-GOV-ACCOUNTABILITY：人民政府年报未报告考核、评议、追责情况

    规则
        报告单位是人民政府（本级政府或乡镇人民政府、街道办事处；单位类型取检查设置，否则由单位名称推断）时，
        第一部分应出现“考核”、“评议”和“责任追究/追责/问责”三类字样；缺少的各项在一条消息中列出。
        政府部门的报告不适用本规则（通过）。

    原因
        条例第五十条第（四）项规定“各级人民政府的政府信息公开工作年度报告还应当包括工作考核、
        社会评议和责任追究结果情况”，30号格式将其列入一(一)监督保障。乡镇人民政府也是一级人民政府。

    不合格示例
        某镇人民政府报告的监督保障部分只写了领导小组和业务培训，没有考核、评议和追责情况。

    合格示例
        “四是工作考核方面。把政务公开工作纳入年度考核……五是社会评议方面……六是责任追究结果方面。
        本年度未发生政府信息公开引起的责任追究相关情况。”

    无法判断
        缺少第一部分，或无法确定单位类型时无法判断。

    依据
        《政府信息公开条例》第五十条第（四）项；国办公开办函〔2021〕30号 一(一)；zfxxgk 规范 §4.9。
    """
    unit_type, source = unit_type_of(report, ctx)
    if unit_type is None:
        yield emit.not_assessable(missing=["unit_type"], reason="无法确定单位类型")
        return
    if unit_type not in ACCOUNTABLE_TYPES:
        return
    if (na := _absent(report, emit, 1)) is not None:
        yield na
        return
    sec = report.sections[1]
    text = squashed_text(report, sec.number)
    missing = [name for name, words in ACCOUNTABILITY_ITEMS if not has_any(text, words)]
    if missing:
        yield emit.fail(
            excerpt="、".join(missing),
            evidence=_section_evidence(
                sec,
                unit_type=unit_type.value,
                unit_type_source=source,
                expected=[name for name, _ in ACCOUNTABILITY_ITEMS],
                actual=[name for name, _ in ACCOUNTABILITY_ITEMS if name not in missing],
            ),
            missing="、".join(missing),
        )


@rule("SEC5-EMPTY", Severity.ERROR, "第五部分“存在的主要问题及改进情况”内容缺失。")
def rule_sec5_empty(report: Report, emit: Emit) -> Iterator[Finding]:
    """SEC5-EMPTY：第五部分没有实质内容

    规则
        第五部分“存在的主要问题及改进情况”的正文（不含标题，去掉空白后）为空、只有“无”，
        或不足20个字时报告。

    原因
        条例第五十条第（四）项要求报告“存在的主要问题及改进情况”；空着或一句话带过等于未报告。

    不合格示例
        “五、存在的主要问题及改进情况”之下只有“无。”。

    合格示例
        分别写明存在的主要问题和改进措施。

    无法判断
        缺少第五部分时无法判断（由 STRUCT-SECTION-MISSING 报告）。

    依据
        《政府信息公开条例》第五十条第（四）项；zfxxgk 规范 §4.9。
    """
    if (na := _absent(report, emit, 5)) is not None:
        yield na
        return
    sec = report.sections[5]
    text = squashed_text(report, sec.number)
    if len(text) < SEC5_MIN_CHARS:
        yield emit.fail(
            excerpt="sec5",
            evidence=_section_evidence(sec, expected=f">= {SEC5_MIN_CHARS}", actual=len(text), text=text),
        )


@rule("SEC5-PROBLEMS-MISSING", Severity.WARNING, "第五部分未说明存在的主要问题。")
def rule_sec5_problems_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """SEC5-PROBLEMS-MISSING：第五部分未说明存在的问题

    规则
        第五部分正文中没有“问题、不足、短板、差距、薄弱、有待”中的任何一个词时报告。

    原因
        条例第五十条第（四）项要求报告“存在的主要问题”；只写成绩和打算、不写问题的报告内容不完整。

    不合格示例
        第五部分只写“下一步，我镇将进一步加强培训，完善制度”。

    合格示例
        “一是公开内容不够全面；二是人员力量薄弱。”

    无法判断
        缺少第五部分时无法判断。

    依据
        《政府信息公开条例》第五十条第（四）项；zfxxgk 规范 §4.9。
    """
    if (na := _absent(report, emit, 5)) is not None:
        yield na
        return
    sec = report.sections[5]
    if not has_any(squashed_text(report, sec.number), PROBLEMS):
        yield emit.fail(excerpt="problems", evidence=_section_evidence(sec, keywords=list(PROBLEMS)))


@rule("SEC5-IMPROVEMENTS-MISSING", Severity.WARNING, "第五部分未说明改进情况。")
def rule_sec5_improvements_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """SEC5-IMPROVEMENTS-MISSING：第五部分未说明改进情况

    规则
        第五部分正文中没有“改进、整改、措施、下一步、下步、接下来、今后、加强、强化、完善、提升”
        中的任何一个词时报告。

    原因
        条例第五十条第（四）项要求报告问题的“改进情况”；只列问题不写改进，报告不完整。

    不合格示例
        第五部分只写“一是公开内容不够全面；二是人员力量薄弱。”

    合格示例
        “下一步将加强培训，完善制度，提升公开质量。”

    无法判断
        缺少第五部分时无法判断。

    依据
        《政府信息公开条例》第五十条第（四）项；zfxxgk 规范 §4.9。
    """
    if (na := _absent(report, emit, 5)) is not None:
        yield na
        return
    sec = report.sections[5]
    if not has_any(squashed_text(report, sec.number), IMPROVEMENTS):
        yield emit.fail(excerpt="improvements", evidence=_section_evidence(sec, keywords=list(IMPROVEMENTS)))


def _rectification_years(report: Report, sec: Section) -> list[tuple[int, int, str]]:
    """(year, source line, clause) of every “YYYY年…问题整改” statement in §五."""
    if "问题整改" not in squashed_text(report, sec.number):
        return []
    return [
        (int(m.group(1)), line, clause)
        for line, clause in prose_of(report).clauses(sec.number)
        if "问题整改" in clause
        for m in RECTIFICATION_YEAR.finditer(clause)
    ]


def _no_rectification(report: Report, emit: Emit, sec: Section) -> Finding:
    return emit.fail(
        excerpt="rectification",
        evidence=_section_evidence(sec, expected="上一年度问题整改情况", actual=None, year=report.year),
    )


@rule("SEC5-PREV-YEAR", Severity.WARNING, "上年问题整改情况所称年度%(y)s应为%(prev_year)s。")
def rule_sec5_prev_year(report: Report, emit: Emit) -> Iterator[Finding]:
    """SEC5-PREV-YEAR：上年问题整改情况的年度不对

    规则
        第五部分中形如“YYYY年（度）……问题整改”的表述（同一分句内，年份与“问题整改”相隔不超过8个字），
        其年份应为 N−1（N 为报告年度）。年份不同的各报告一次（同一年份只报告一次）。
        没有这类表述时结果为“未表述”（不是通过），是否缺少整改情况由 SEC5-PREV-RECTIFICATION 判断。

    原因
        年份写错多为套用上年模板未改，读者会误以为报告的是另一年的整改。

    不合格示例
        2024年度报告第五部分写“（一）2022年问题整改情况”。

    合格示例
        2023年度报告第五部分写“（一）2022年问题整改情况”。

    无法判断
        缺少第五部分或报告年度未知时无法判断。

    依据
        zfxxgk 规范 §4.9（各地年报惯例，30号格式的要求尚未确认）。
    """
    if (na := _absent(report, emit, 5)) is not None:
        yield na
        return
    sec = report.sections[5]
    if report.year is None:
        yield emit.not_assessable(missing=["year"], reason="报告年度未知")
        return
    statements = _rectification_years(report, sec)
    if not statements:
        yield emit.not_stated(reason="第五部分没有“某年问题整改”的表述")
        return
    expected = report.year - 1
    reported: set[int] = set()
    for year, line, clause in statements:
        if year == expected or year in reported:
            continue
        reported.add(year)
        yield emit.fail(
            excerpt=f"{year}/{expected}",
            evidence={"expected": expected, "actual": year, "diff": year - expected,
                      "text": [{"section": 5, "line": line, "clause": clause, "number": year}]},
            y=year,
            prev_year=expected,
        )


@rule("SEC5-PREV-RECTIFICATION", Severity.INFO, "第五部分未报告上一年度问题整改情况。")
def rule_sec5_prev_rectification(report: Report, emit: Emit) -> Iterator[Finding]:
    """SEC5-PREV-RECTIFICATION：未报告上一年度问题整改情况（提示）

    规则
        第五部分应有一个分句同时含有“整改”和上一年度的指称（“N−1年”或“上一年度、上年度、上一年、上年”）；
        或有“YYYY年……问题整改”的表述（年份是否正确由 SEC5-PREV-YEAR 判断）。都没有时提示。

    原因
        报告上年问题的整改情况是各地年报的通行做法（002、003 号样本），便于公众了解问题是否解决；
        30号格式是否要求尚未确认，故仅作提示。

    不合格示例
        第五部分只写本年问题和“下步工作中……落实整改”，没有提到上一年度的问题整改。

    合格示例
        “（一）2023年问题整改情况。针对上一年度公开不及时的问题已完成整改。”

    无法判断
        缺少第五部分时无法判断。

    依据
        zfxxgk 规范 §1.1、§4.9、§7 第1点（依据有待30号全文确认）。
    """
    if (na := _absent(report, emit, 5)) is not None:
        yield na
        return
    sec = report.sections[5]
    if _rectification_years(report, sec):
        return
    if "整改" not in squashed_text(report, sec.number):
        yield _no_rectification(report, emit, sec)
        return
    prev = f"{report.year - 1}年" if report.year is not None else None
    for _line, clause in prose_of(report).clauses(sec.number):
        if "整改" in clause and ((prev and prev in clause) or PREVIOUS_YEAR_WORDS.search(clause)):
            return
    yield _no_rectification(report, emit, sec)


@rule("SEC6-EMPTY", Severity.WARNING, "第六部分“其他需要报告的事项”无实质内容。")
def rule_sec6_empty(report: Report, emit: Emit) -> Iterator[Finding]:
    """SEC6-EMPTY：第六部分没有实质内容

    规则
        第六部分“其他需要报告的事项”的正文去掉空白和标点后为空或只有“无”时报告。

    原因
        第六部分至少应报告信息处理费收取情况（SEC6-FEE-MISSING）；只写“无”说明这些事项都未报告。

    不合格示例
        “六、其他需要报告的事项”之下只有“无。”。

    合格示例
        “（一）信息处理费收取情况。本年度未收取信息处理费。……”

    无法判断
        缺少第六部分时无法判断。

    依据
        《政府信息公开条例》第五十条第（五）项；zfxxgk 规范 §4.9。
    """
    if (na := _absent(report, emit, 6)) is not None:
        yield na
        return
    sec = report.sections[6]
    text = squashed_text(report, sec.number)
    first = _WORD.search(text)  # letters, digits and CJK, punctuation skipped
    if first is None or (first.group() == "无" and _WORD.search(text, first.end()) is None):
        yield emit.fail(excerpt="sec6", evidence=_section_evidence(sec, actual=text))


@rule("SEC6-FEE-MISSING", Severity.WARNING, "第六部分未报告信息处理费收取情况。")
def rule_sec6_fee_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """SEC6-FEE-MISSING：第六部分未报告信息处理费

    规则
        第六部分中没有“信息处理费”或“信息公开处理费”字样时报告（收取0元或未收取也应写明）。

    原因
        《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）实施后，年度报告应说明信息处理费
        收取情况，各地年报均在第六部分报告。

    不合格示例
        第六部分只有一段工作表态，没有提到信息处理费。

    合格示例
        “2024年乔官镇收取信息处理费0元。”；“全年没有收取信息公开处理费。”

    无法判断
        缺少第六部分时无法判断。

    依据
        国办函〔2020〕109号；条例第五十条第（五）项；zfxxgk 规范 §4.9（S3、S8）。
    """
    if (na := _absent(report, emit, 6)) is not None:
        yield na
        return
    sec = report.sections[6]
    if not has_any(squashed_text(report, sec.number), FEE):
        yield emit.fail(excerpt="fee", evidence=_section_evidence(sec, keywords=list(FEE)))


@rule("SEC6-ITEM-MISSING-{key}", Severity.INFO, "第六部分未报告“%(item)s”。", params=tuple(SEC6_ITEMS))
def rule_sec6_item_missing(report: Report, emit: Emit, key: str) -> Iterator[Finding]:
    """SEC6-ITEM-MISSING：第六部分缺少一项常见事项（提示）

    规则
        第六部分应报告：落实上级年度政务公开工作要点情况（work_points，“工作要点”或“重点工作任务”）、
        人大代表建议和政协提案办理结果公开情况（proposals，“建议”或“提案”）、
        年度政务公开工作创新情况（innovation，“创新”）。关键词没有出现时提示。

    原因
        这些事项是各地年报第六部分的通行内容（S8 及样本），30号格式的原文要求尚未确认，故仅作提示。

    不合格示例
        第六部分只有一段工作表态。

    合格示例
        “（二）落实上级年度政务公开工作要点情况……（三）人大代表建议和政协提案办理结果公开情况……
        （四）年度政务公开工作创新情况……”

    无法判断
        缺少第六部分时无法判断。

    依据
        zfxxgk 规范 §1.1、§4.9（S8）、§7 第1点。
    """
    if (na := _absent(report, emit, 6)) is not None:
        yield na
        return
    sec = report.sections[6]
    name, words = SEC6_ITEMS[key]
    if not has_any(squashed_text(report, sec.number), words):
        yield emit.fail(
            excerpt=key,
            evidence=_section_evidence(sec, keywords=list(words), expected=name, actual=None),
            item=name,
        )
