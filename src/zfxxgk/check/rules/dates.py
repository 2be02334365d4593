"""Dates, period and header facts (spec §4.8): DATE-* and HDR-* rules.

The publication date is the portal's 发布日期 (``Report.published_on``) when a collector supplied
it; otherwise the signature date stands in for it (a lower bound, spec §1.2) and the evidence says
``basis: signature_date``. Deadlines are calendar dates from the check settings (spec §4.8, §4.10).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, TypeGuard

from ...model import Finding, Report, Severity
from ...model.evidence import Evidence
from ...model.text import squash
from ...model.units import UnitType, normalise_unit
from ..context import DEFAULT_SETTINGS, CheckContext, Deadline
from ..prose_text import HEADER_SECTION, squashed_text
from ..registry import Emit, rule
from ._common import SECTION_MISSING, cn_date, has_any, unit_type_of

BASIS_PUBLISHED = "published_on"
BASIS_SIGNATURE = "signature_date"
# Said in the message after the deadline's source when the signature date stands in (spec §4.0 basis).
SIGNATURE_NOTE = "以落款日期代替发布日期"

_Y = r"(\d{4}|[〇○零一二三四五六七八九]{4})"
_TITLE_YEAR = re.compile(_Y + r"年")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
TITLE_TAIL = re.compile(r"年度?政府信息公开工作年度报告")
# Contact details (spec §1.2): phone, address, post code, e-mail, fax, a phone number or an e-mail address.
CONTACT_WORDS = ("电话", "地址", "邮编", "邮政编码", "邮箱", "电子邮件", "传真")
PHONE = re.compile(r"\d{3,4}-\d{7,8}")  # tried only when the text holds a “-”
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)  # tried only when the text holds an “@”


def _date_of(report: Report) -> tuple[dt.date | None, str]:
    """The publication date and its basis: portal metadata, else the signature date."""
    if report.published_on is not None:
        return report.published_on, BASIS_PUBLISHED
    if report.signed_on is not None:
        return report.signed_on, BASIS_SIGNATURE
    return None, ""


def _real_year(year: int | None) -> TypeGuard[int]:
    """Whether a report year can be a calendar year (an OCR “0000年” cannot)."""
    return year is not None and dt.MINYEAR <= year < dt.MAXYEAR


def _title_year(title: str | None) -> int | None:
    """The first year printed in the title (Arabic or 二〇二四 digits)."""
    if not title:
        return None
    m = _TITLE_YEAR.search(squash(title))
    return int(m.group(1).translate(_CN_DIGITS)) if m else None


def _period_evidence(report: Report) -> list[dict[str, Any]]:
    return [
        {"start": p.start.isoformat(), "end": p.end.isoformat(), "clause": p.text, "span": p.span.to_dict()}
        for p in report.periods
    ]


@rule("DATE-PERIOD-MISSING", Severity.WARNING, "报告未说明数据统计期间。")
def rule_date_period_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """DATE-PERIOD-MISSING：报告未说明数据统计期间

    规则
        导语或正文（通常在导语或第六部分“数据统计说明”）中应有一处统计期间的表述，形如
        “统计期间/统计期限/统计时段/统计时限为（自）Y年M月D日（起）至（Y年）M月D日（止）”；
        终止日期省略年份时按起始年份理解。一处也没有时报告。

    原因
        年度报告的数据以自然年为统计口径；说明统计期间，读者才能确认表格数据的时间范围，
        也才能核对标题年度与数据年度是否一致。

    不合格示例
        全文没有“统计期间”“统计期限”等表述。

    合格示例
        “本报告所列数据统计期限自2024年1月1日起至2024年12月31日止。”

    无法判断
        不存在无法判断的情形。

    依据
        国办公开办函〔2021〕30号 年度报告格式（各地年报均在导语或第六部分说明统计期间）；zfxxgk 规范 §4.8。
    """
    if not report.periods:
        yield emit.fail(excerpt="period", evidence={"expected": "统计期间表述", "actual": None})


@rule(
    "DATE-PERIOD-MISMATCH",
    Severity.ERROR,
    "报告所列统计期间为%(start)s至%(end)s，应为%(N)s年1月1日至%(N)s年12月31日。",
)
def rule_date_period_mismatch(report: Report, emit: Emit) -> Iterator[Finding]:
    """DATE-PERIOD-MISMATCH：统计期间不是报告年度的自然年

    规则
        每一处统计期间表述都应为 N年1月1日至N年12月31日（N 为报告年度）。不相符的表述各报告一次
        （相同的期间只报告一次）；两处表述互不相同时，至少有一处与报告年度不符，因此同样被报告。
        报告年度未知时以第一处表述的起始年份为准，此时只能发现多处表述互相矛盾的情形。

    原因
        年度报告按自然年统计（条例第四十九条“上一年度”）。统计期间错误多为套用上年模板未改年份，
        说明表格数据可能也属于别的年度。

    不合格示例
        2024年度报告写“统计期间为2023年1月1日至2023年12月31日”；
        或导语写“2024年1月1日至12月31日”，第六部分写“2024年1月1日至2024年11月30日”。

    合格示例
        “统计期间为2024年1月1日至12月31日”（终止日期省略年份，按2024年理解）。

    无法判断
        没有统计期间表述时无法判断（由 DATE-PERIOD-MISSING 报告）。

    依据
        《政府信息公开条例》第四十九条；国办公开办函〔2021〕30号；zfxxgk 规范 §4.8。
    """
    if not report.periods:
        yield emit.not_assessable(missing=["period"], reason="未说明统计期间")
        return
    year = report.year if _real_year(report.year) else report.periods[0].start.year
    expected = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    seen: set[tuple[dt.date, dt.date]] = set()
    for p in report.periods:
        key = (p.start, p.end)
        if key == expected or key in seen:
            continue
        seen.add(key)
        yield emit.fail(
            excerpt=f"{p.start.isoformat()}..{p.end.isoformat()}",
            evidence={
                "expected": [expected[0].isoformat(), expected[1].isoformat()],
                "actual": [p.start.isoformat(), p.end.isoformat()],
                "year": year,
                "year_basis": "report" if year == report.year else "period",
                "text": [{"clause": p.text, "span": p.span.to_dict()}],
                "periods": _period_evidence(report),
            },
            start=cn_date(p.start),
            end=cn_date(p.end),
            N=year,
        )


@rule("DATE-YEAR-CONSISTENCY", Severity.ERROR, "标题年度%(ty)s与统计期间年度%(py)s不一致。")
def rule_date_year_consistency(report: Report, emit: Emit) -> Iterator[Finding]:
    """DATE-YEAR-CONSISTENCY：标题年度与统计期间年度不一致

    规则
        标题中的年度（第一个“YYYY年”）应等于统计期间的年度（统计期间起始日期的年份）。
        多处统计期间年度不同的，每个不相符的年度报告一次。

    原因
        标题年度与数据年度不一致，说明标题或正文有一处套用了其他年度的报告，读者无法确定
        报告属于哪一年。

    不合格示例
        标题“某镇人民政府2024年政府信息公开工作年度报告”，正文“统计期间为2023年1月1日至2023年12月31日”。

    合格示例
        标题为2024年，统计期间为2024年1月1日至2024年12月31日。

    无法判断
        标题中没有年度，或没有统计期间表述时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §4.8。
    """
    ty = _title_year(report.title)
    missing = [name for name, v in (("title_year", ty), ("period", report.periods or None)) if v is None]
    if ty is None or not report.periods:
        yield emit.not_assessable(missing=missing, reason="标题年度或统计期间缺失")
        return
    for py in dict.fromkeys(p.start.year for p in report.periods):
        if py != ty:
            yield emit.fail(
                excerpt=f"{ty}/{py}",
                evidence={"expected": ty, "actual": py, "title": report.title, "periods": _period_evidence(report)},
                ty=ty,
                py=py,
            )


@rule("DATE-PUBDATE-MISSING", Severity.INFO, "未能确定报告发布日期，无法判断是否按时公布。")
def rule_date_pubdate_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """DATE-PUBDATE-MISSING：无法确定发布日期（提示）

    规则
        既没有采集时记录的网页“发布日期”，报告末尾也没有落款日期时提示。

    原因
        没有任何日期就无法判断报告是否在法定期限内公布（DATE-DEADLINE 无法判断）。
        落款日期是报告的签发日期，是发布日期的下限。

    不合格示例
        OCR 文本在第六部分之后结束，没有落款单位和日期，采集时也未记录发布日期。

    合格示例
        报告末尾落款“2025年1月14日”；或采集记录中有网页发布日期。

    无法判断
        不存在无法判断的情形。

    依据
        《政府信息公开条例》第四十九条；zfxxgk 规范 §1.2、§4.8。
    """
    if report.published_on is None and report.signed_on is None:
        yield emit.fail(excerpt="pubdate", evidence={"expected": "发布日期或落款日期", "actual": None})


def _deadline_for(ctx: CheckContext | None, unit_type: UnitType) -> tuple[Deadline, str]:
    """The deadline for a unit type and whether it is the statutory default or an evaluator's setting."""
    default = DEFAULT_SETTINGS.deadlines[unit_type]
    settings = ctx.settings if ctx is not None else DEFAULT_SETTINGS
    deadline = settings.deadlines.get(unit_type, default)
    return deadline, ("default" if deadline == default else "settings")


@rule(
    "DATE-DEADLINE",
    Severity.WARNING,
    "%(unit)s（%(type)s）%(N)s年度报告发布日期为%(date)s，晚于%(deadline)s（%(basis)s）。",
)
def rule_date_deadline(report: Report, emit: Emit, ctx: CheckContext) -> Iterator[Finding]:
    """DATE-DEADLINE：报告晚于公布期限

    规则
        按单位类型取 N 年度报告的公布期限：县级以上人民政府部门为 N+1 年1月31日（警告），
        本级人民政府为 N+1 年3月31日（警告），乡镇人民政府、街道办事处默认 N+1 年1月31日（提示，
        条例未规定其期限）。期限、严重程度和来源可在检查设置中按单位类型另行配置（如某市允许部门
        延至3月31日）；设置中没有的单位类型使用上述默认值；某月没有的日期按该月最后一天计（2月29日）。
        单位类型取检查设置（目录元数据），否则由单位名称推断。
        发布日期晚于期限时不合格。只有落款日期时以落款日期代替（证据中 basis=signature_date）：
        落款日期晚于期限即不合格，否则通过（通过结果同样记录 basis）。
        消息括号中给出期限来源；以落款日期代替发布日期时一并注明。

    原因
        条例第四十九条规定了年度报告的公布期限；逾期公布是第四十七条追责情形之一
        （国办公开办函〔2021〕30号“明确责任”）。

    不合格示例
        某区财政局2024年度报告网页发布日期为2025年2月10日（期限2025年1月31日）。

    合格示例
        某市人民政府2024年度报告发布日期为2025年3月28日；某镇人民政府落款日期2025年1月14日。

    无法判断
        既无发布日期也无落款日期、报告年度未知或单位类型无法确定时无法判断。

    依据
        《政府信息公开条例》第四十七条、第四十九条；zfxxgk 规范 §4.8、§4.10。
    """
    date, basis = _date_of(report)
    unit_type, type_source = unit_type_of(report, ctx)
    missing = [name for name, v in (("published", date), ("year", report.year), ("unit_type", unit_type)) if v is None]
    if date is None or report.year is None or unit_type is None:
        yield emit.not_assessable(missing=missing, reason="发布日期、报告年度或单位类型缺失")
        return
    deadline, source_kind = _deadline_for(ctx, unit_type)
    due = deadline.for_year(report.year)
    if due is None:
        yield emit.not_assessable(missing=["year"], reason=f"报告年度{report.year}超出日期范围")
        return
    evidence: Evidence = {
        "basis": basis,
        "date": date.isoformat(),
        "deadline": due.isoformat(),
        "deadline_source": deadline.source,
        "deadline_setting": source_kind,
        "unit_type": unit_type.value,
        "unit_type_source": type_source,
        "year": report.year,
        "expected": f"<= {due.isoformat()}",
        "actual": date.isoformat(),
    }
    if date > due:
        source = deadline.source or "检查设置"
        yield emit.fail(
            excerpt=f"{report.year}:{unit_type.value}",
            evidence={**evidence, "diff": (date - due).days},
            severity=deadline.severity,
            unit=report.unit or report.signed_unit or "本单位",
            type=unit_type.cn,
            N=report.year,
            date=cn_date(date),
            deadline=cn_date(due),
            basis=f"{source}；{SIGNATURE_NOTE}" if basis == BASIS_SIGNATURE else source,
        )
        return
    yield emit.passed(evidence=evidence, severity=deadline.severity)


@rule("DATE-PUBDATE-EARLY", Severity.WARNING, "报告落款/发布日期%(date)s早于统计期结束日%(N)s年12月31日。")
def rule_date_pubdate_early(report: Report, emit: Emit) -> Iterator[Finding]:
    """DATE-PUBDATE-EARLY：落款或发布日期早于统计期结束

    规则
        网页发布日期或落款日期不晚于 N年12月31日（N 为报告年度）时报告，两个日期各判断一次
        （相同日期只报告一次）。

    原因
        年度报告要在年度结束后才能统计全年数据；日期在年内，多为落款年份写错（如写成报告年度）
        或套用旧报告。

    不合格示例
        2024年度报告落款“2024年1月15日”。

    合格示例
        2024年度报告落款“2025年1月15日”。

    无法判断
        既无发布日期也无落款日期，或报告年度未知时无法判断。

    依据
        《政府信息公开条例》第四十九条（公布“上一年度”年度报告）；zfxxgk 规范 §4.8。
    """
    dates = {d: name for name, d in (("signed_on", report.signed_on), ("published_on", report.published_on))
             if d is not None}
    year = report.year
    if not dates or year is None or not _real_year(year):
        missing = [name for name, v in (("published", dates or None), ("year", year)) if v is None]
        yield emit.not_assessable(missing=missing, reason="日期或报告年度缺失")
        return
    end = dt.date(year, 12, 31)
    for d, name in dates.items():
        if d <= end:
            yield emit.fail(
                excerpt=d.isoformat(),
                evidence={"expected": f"> {end.isoformat()}", "actual": d.isoformat(), "date_kind": name},
                date=cn_date(d),
                N=report.year,
            )


@rule("HDR-YEAR-MISSING", Severity.ERROR, "无法确定报告年度。")
def rule_hdr_year_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """HDR-YEAR-MISSING：无法确定报告年度

    规则
        报告年度依次取自标题（“YYYY年”）、统计期间的起始年份、落款日期的上一年；都取不到时报告。

    原因
        年度是报告的基本事实：不知道年度，就无法核对统计期间、公布期限，也无法与上一年度报告比较。

    不合格示例
        标题为“政府信息公开工作年度报告”，正文没有统计期间，也没有落款日期。

    合格示例
        标题“某镇人民政府2024年政府信息公开工作年度报告”。

    无法判断
        不存在无法判断的情形。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §1.2。
    """
    if report.year is None:
        yield emit.fail(excerpt="year", evidence={"title": report.title, "expected": "报告年度", "actual": None})


@rule("HDR-UNIT-MISSING", Severity.WARNING, "未能识别报告单位名称。")
def rule_hdr_unit_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """HDR-UNIT-MISSING：无法识别报告单位

    规则
        标题中年度之前的单位名称和落款单位都没有时报告。

    原因
        报告单位决定公布期限（单位类型）、是否须报告考核评议追责情况，也是跨年度比对的依据；
        标题应写明“单位名称+年度+政府信息公开工作年度报告”。

    不合格示例
        标题“2024年政府信息公开工作年度报告”，且没有落款单位。

    合格示例
        标题“某县某镇人民政府2024年政府信息公开工作年度报告”。

    无法判断
        不存在无法判断的情形。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §1.2。
    """
    if not report.unit and not report.signed_unit:
        yield emit.fail(excerpt="unit", evidence={"title": report.title, "expected": "单位名称", "actual": None})


@rule("HDR-UNIT-MISMATCH", Severity.WARNING, "标题单位“%(a)s”与落款单位“%(b)s”不一致。")
def rule_hdr_unit_mismatch(report: Report, emit: Emit) -> Iterator[Finding]:
    """HDR-UNIT-MISMATCH：标题单位与落款单位不一致

    规则
        去掉空白和括号后，标题中的单位名称与落款单位应相同，或其中一个是另一个的结尾部分
        （落款常省略上级行政区划：“台儿庄区涧头集镇人民政府”与“枣庄市台儿庄区涧头集镇人民政府”一致）。

    原因
        单位不一致多是套用其他单位的报告未改完，报告的归属因此不明。

    不合格示例
        标题“甲镇人民政府……年度报告”，落款“乙镇人民政府”。

    合格示例
        标题“枣庄市台儿庄区涧头集镇人民政府……”，落款“台儿庄区涧头集镇人民政府”。

    无法判断
        标题单位或落款单位缺失时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §1.2、§4.8。
    """
    if not report.unit or not report.signed_unit:
        missing = [name for name, v in (("unit", report.unit), ("signed_unit", report.signed_unit)) if not v]
        yield emit.not_assessable(missing=missing, reason="标题单位或落款单位缺失")
        return
    a, b = normalise_unit(report.unit), normalise_unit(report.signed_unit)
    if not (a.endswith(b) or b.endswith(a)):
        yield emit.fail(
            excerpt=f"{a}/{b}",
            evidence={"expected": a, "actual": b,
                      "span": report.signature_span.to_dict() if report.signature_span else None},
            a=report.unit,
            b=report.signed_unit,
        )


@rule("HDR-SIGNATURE-MISSING", Severity.INFO, "报告缺少落款单位和日期。")
def rule_hdr_signature_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """HDR-SIGNATURE-MISSING：缺少落款（提示）

    规则
        报告末尾没有落款（既没有落款单位也没有落款日期；末尾的页码不算）时提示。

    原因
        落款表明报告由哪个机关、在哪一天签发，是判断是否按时公布的依据之一（发布日期未知时）。

    不合格示例
        OCR 文本在第六部分正文之后结束。

    合格示例
        末尾两行“某镇人民政府”“2025年1月14日”。

    无法判断
        不存在无法判断的情形。

    依据
        公文落款惯例；zfxxgk 规范 §1.2。
    """
    if report.signed_unit is None and report.signed_on is None:
        yield emit.fail(excerpt="signature", evidence={"expected": "落款单位和日期", "actual": None})


@rule("HDR-CONTACT-MISSING", Severity.INFO, "报告未提供联系方式。")
def rule_hdr_contact_missing(report: Report, emit: Emit) -> Iterator[Finding]:
    """HDR-CONTACT-MISSING：未提供联系方式（提示）

    规则
        导语或第六部分中应有联系方式：“电话”“地址”“邮编”“邮箱”“传真”等字样，
        或电话号码（如 0536-6761106）、电子邮箱地址。都没有时提示。

    原因
        年度报告通常在导语或数据统计说明中写明疑问咨询的联系方式，便于公众反映问题；
        30号格式是否要求尚未确认，故仅作提示。

    不合格示例
        导语为空，第六部分只有一段工作表态。

    合格示例
        “如对本报告有疑问，请联系乔官镇党政办公室，联系电话：0536-6761106。”

    无法判断
        不存在无法判断的情形（导语和第六部分都没有时同样提示）。

    依据
        各地年报惯例；zfxxgk 规范 §1.2（联系方式“intro or §六”）、§0“Not confirmed”。
    """
    places = [("intro", HEADER_SECTION)]
    if 6 in report.sections:
        places.append((SECTION_MISSING % 6, 6))
    for _name, section in places:
        squashed = squashed_text(report, section)
        if (
            has_any(squashed, CONTACT_WORDS)
            or ("-" in squashed and PHONE.search(squashed))
            or ("@" in squashed and EMAIL.search(squashed))
        ):
            return
    yield emit.fail(excerpt="contact", evidence={"searched": [name for name, _ in places], "expected": "联系方式"})


@rule("HDR-TITLE", Severity.INFO, "报告标题“%(title)s”不规范。")
def rule_hdr_title(report: Report, emit: Emit) -> Iterator[Finding]:
    """HDR-TITLE：标题不规范（提示）

    规则
        去掉空白后，标题应为“{单位}{N}年政府信息公开工作年度报告”或“{单位}{N}年度政府信息公开工作年度报告”
        （单位取标题中的单位，没有时取落款单位；年度也可写作“二〇二四”）。其他写法提示一次。

    原因
        标题是检索和归档年度报告的依据；重复、漏字或自拟标题不利于公众查找，也常是编辑疏漏的信号。

    不合格示例
        “昌乐县乔官镇人民政府 2024 年政府信息公开 公开工作年度报告”（“公开”重复）。

    合格示例
        “昌乐县乔官镇人民政府 2024 年政府信息公开工作年度报告”（空格不计）。

    无法判断
        没有标题，或报告单位、报告年度无法确定时无法判断（由 HDR-UNIT-MISSING、HDR-YEAR-MISSING 报告）。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §1.2、§4.8。
    """
    unit = report.unit or report.signed_unit
    if not report.title or not unit or report.year is None:
        missing = [name for name, v in (("title", report.title), ("unit", unit), ("year", report.year)) if not v]
        yield emit.not_assessable(missing=missing, reason="标题、单位或年度缺失")
        return
    title = squash(report.title)
    name = squash(unit)
    rest = title[len(name):] if title.startswith(name) else None
    year = str(report.year)
    ok = False
    if rest is not None:
        printed = _TITLE_YEAR.match(rest)
        if printed and printed.group(1).translate(_CN_DIGITS) == year:
            ok = TITLE_TAIL.fullmatch(rest[printed.end() - 1:]) is not None
    if not ok:
        yield emit.fail(
            excerpt=title,
            evidence={"expected": f"{name}{year}年政府信息公开工作年度报告", "actual": title,
                      "span": report.title_span.to_dict() if report.title_span else None},
            title=report.title,
        )
