"""Prose against tables (spec §4.7, §4.10): TXT-* rules.

Each rule reads the claims :mod:`zfxxgk.check.prose_text` extracts from the intro and the six
sections (tables blanked) and compares them with the tables. No matching statement gives
NOT_STATED (not a pass); a statement whose table cells are null or absent gives NOT_ASSESSABLE;
only ``eq`` numbers are compared exactly, ``gt``/``ge`` numbers are bounds (a warning at most) and
approximate numbers are never compared. A statement in a clause that starts with another year
(“2023年…” in a 2024 report) is TXT-YEAR-MENTION's and is not compared with this year's tables.
Every finding carries its clause (``evidence["text"]``) and uses the clause as the fingerprint
excerpt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from typing import Any

from ...model import Finding, Report, Severity
from ...model.evidence import Evidence
from ...model.ids import t2, t3, t4
from ...model.numbers import json_number
from ..context import CheckContext
from ..prose_text import (
    CARRIED,
    DONE,
    FEES,
    FORWARD,
    LAWSUITS,
    NEW,
    REVIEWS,
    Claim,
    Hit,
    NumberKind,
    carried_forward_claims,
    carried_over_claims,
    current,
    disagree,
    dup_word_hits,
    fee_notice_statements,
    fee_statements,
    growth_claims,
    litigation_claims,
    new_received_claims,
    placeholder_hits,
    processed_claims,
    prose_of,
    review_claims,
    zero_application_claims,
    zero_corrected_claims,
    zero_dispute_claims,
)
from ..registry import Emit, rule, show
from ._common import cells_evidence

NEW_TOTAL = t3("new_received", "total")
CARRIED_TOTAL = t3("carried_over", "total")
FORWARD_TOTAL = t3("carried_forward", "total")
PROCESSED_TOTAL = t3("total_processed", "total")
NO_FEE_TOTAL = t3("other_no_fee", "total")
FEE_AMOUNT = t2("fee", "amount")
REVIEW_TOTAL = (t4("review", "total"),)
LITIGATION_TOTALS = (t4("litigation_direct", "total"), t4("litigation_after_review", "total"))
BLOCK_TOTALS = {REVIEWS: REVIEW_TOTAL, LAWSUITS: LITIGATION_TOTALS}
BLOCK_CORRECTED = {
    REVIEWS: (t4("review", "corrected"),),
    LAWSUITS: (t4("litigation_direct", "corrected"), t4("litigation_after_review", "corrected")),
}
BLOCK_NAME = {REVIEWS: "“行政复议”", LAWSUITS: "“行政诉讼”"}

APPROX_ONLY = "仅有约数表述（约、近、左右等），不作比较"
OTHER_YEAR_ONLY = "相关表述均属其他年度（见 TXT-YEAR-MENTION）"
NEW_RECEIVED_CARRIED = (
    "正文称收到政府信息公开申请%(q)s，表三“本年新收”总计为%(t)s件，加“上年结转”%(c)s件为%(s)s件，可能含上年结转。"
)
GROWTH_PREVIOUS = (
    "正文称%(act)s申请%(n)s件、%(cmp)s%(verb)s%(p)s%%，但上年年报“本年新收”总计为%(prior)s件，%(actual)s。"
)
SNIPPET = 4  # characters of context on each side of a placeholder or repeated word in messages


# --- shared judging ---------------------------------------------------------------------------------


def _bound_template(message: str) -> str:
    return message.rstrip("。") + "，不在所述范围内。"


class _Excerpts:
    """Fingerprint excerpts: the clause, made unique within one rule call by the statement."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, hit: Hit, said: str) -> str:
        excerpt = hit.clause
        if excerpt in self.seen:
            excerpt = f"{excerpt}｜{said}"
        self.seen.add(excerpt)
        return excerpt


Mismatch = Callable[[Claim, int | Decimal], tuple[Severity, str, dict[str, Any]] | None]


def judge_claims(
    report: Report,
    emit: Emit,
    claims: tuple[Claim, ...] | list[Claim],
    cells_of: Callable[[Claim], tuple[str, ...]],
    fields_of: Callable[[Claim, list[Any]], dict[str, Any]] | None = None,
    mismatch: Mismatch | None = None,
) -> list[Finding]:
    """Compare each claim about the report year with the sum of its cells (spec §4.7).

    NOT_STATED without a claim (or with approximate ones only); FAIL per disagreeing claim (an
    ``eq`` claim with the rule's severity, or what ``mismatch`` says; a violated bound a warning at
    most); otherwise NOT_ASSESSABLE if a claim's cells are null, else PASS.
    """
    if not claims:
        return [emit.not_stated()]
    this_year = current(claims, report.year)
    if not this_year:
        return [emit.not_stated(reason=OTHER_YEAR_ONLY)]
    testable = [c for c in this_year if c.number.kind is not NumberKind.APPROX]
    if not testable:
        return [emit.not_stated(reason=APPROX_ONLY)]
    table = report.cells
    failed: list[Finding] = []
    missing: dict[str, None] = {}
    used: dict[str, None] = {}
    for claim in testable:
        cells = cells_of(claim)
        used.update(dict.fromkeys(cells))
        values = [table[i].value for i in cells]
        known = [v for v in values if v is not None]  # the same list when nothing is missing, but typed
        if len(known) != len(values):
            missing.update((i, None) for i, v in zip(cells, values) if v is None)
            continue
        total = sum(known)
        if not claim.number.admits(total):
            failed.append(_claim_failure(report, emit, claim, cells, values, total, fields_of, mismatch, failed))
    if failed:
        return failed
    if missing:
        return [emit.not_assessable(missing=list(missing), cells=list(used))]
    return [emit.passed(cells=list(used))]


def _claim_failure(
    report: Report,
    emit: Emit,
    claim: Claim,
    cells: tuple[str, ...],
    values: list[Any],
    total: int | Decimal,
    fields_of: Callable[[Claim, list[Any]], dict[str, Any]] | None,
    mismatch: Mismatch | None,
    earlier: list[Finding],
) -> Finding:
    number = claim.number
    fields: dict[str, Any] = {"q": number.text, "said": claim.said, "t": show(total)}
    if fields_of is not None:
        fields.update(fields_of(claim, values))
    severity, template = emit.severity, None
    if number.kind is NumberKind.EQ:
        special = mismatch(claim, total) if mismatch is not None else None
        if special is not None:
            severity, template, extra = special
            fields.update(extra)
    else:
        template = _bound_template(emit.rule.message)
        if severity is Severity.ERROR:
            severity = Severity.WARNING
    evidence: Evidence = {
        "text": [claim.evidence()],
        "cells": cells_evidence(report, cells),
        "formula": " + ".join(cells) + f" {number.kind.value} {number.text}",
        "expected": json_number(total),
        "actual": json_number(number.value),
        "diff": json_number(number.value - total) if number.kind is NumberKind.EQ else None,
        "bound": number.kind is not NumberKind.EQ,
    }
    excerpt = claim.hit.clause
    if any(f.excerpt == excerpt for f in earlier):
        excerpt = f"{excerpt}｜{claim.said}"
    return emit.fail(cells=cells, excerpt=excerpt, evidence=evidence, severity=severity, template=template, **fields)


def _fixed(*cells: str) -> Callable[[Claim], tuple[str, ...]]:
    return lambda claim: cells


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"


# --- TXT rules (spec §4.7) --------------------------------------------------------------------------


@rule("TXT-NEW-RECEIVED", Severity.ERROR, "正文称收到政府信息公开申请%(q)s，表三“本年新收”总计为%(t)s件。")
def rule_txt_new_received(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-NEW-RECEIVED：正文所述收到申请件数与表三“本年新收”一致

    规则
        正文中“收到/接到/受理/新收/接收……政府信息公开申请（依申请公开事项）N件”或“收到N件……
        政府信息公开申请”的表述，N 应等于表三“一、本年新收政府信息公开申请数量”的“总计”。
        表述中含“结转”“上年”“复议”“诉讼”的不算。“N余件”“N件以上”只作范围检查（警告），
        “约N件”不作比较。N 不等于本年新收、但等于本年新收加上年结转时，降为警告“可能含上年结转”。

    原因
        总体情况中的依申请公开件数与表三是同一数据，前后不一致说明其中之一有误。

    不合格示例
        正文“2024年共收到政府信息公开申请5件”，表三本年新收总计 3。

    合格示例
        正文“2024年度共收到依申请公开1件”，表三本年新收总计 1。

    无法判断
        正文没有此类表述时为“未表述”；表三本年新收总计为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7；国办公开办函〔2021〕30号 表三。
    """

    def carried(claim: Claim, total: int | Decimal) -> tuple[Severity, str, dict[str, Any]] | None:
        co = report.cells[CARRIED_TOTAL].value
        if co is not None and co > 0 and claim.number.value == total + co:
            return Severity.WARNING, NEW_RECEIVED_CARRIED, {"c": show(co), "s": show(total + co)}
        return None

    claims = new_received_claims(prose_of(report))
    yield from judge_claims(report, emit, claims, _fixed(NEW_TOTAL), mismatch=carried)


@rule("TXT-ZERO-APPLICATIONS", Severity.ERROR, "正文称“%(said)s”，但表三“本年新收”总计为%(t)s件。")
def rule_txt_zero_applications(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-ZERO-APPLICATIONS：正文称未收到申请时表三“本年新收”应为 0

    规则
        正文中“未/没有/无 + 收到/接到/受理……申请”或“无依申请公开/无政府信息公开申请”的表述，
        表三“本年新收”总计应为 0。其后 8 个字以内出现“引起/引发/导致/复议/诉讼”的不算
        （那是关于复议、诉讼的表述）。

    原因
        正文说没有收到申请而表三有新收申请，二者必有一处错误。

    不合格示例
        正文“我镇未收到政府信息公开申请”，表三本年新收总计 2。

    合格示例
        正文“我镇未接到提出公开政府信息的申请”，表三本年新收总计 0。

    无法判断
        正文没有此类表述时为“未表述”；表三本年新收总计为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7。
    """
    claims = zero_application_claims(prose_of(report))
    yield from judge_claims(report, emit, claims, _fixed(NEW_TOTAL))


@rule("TXT-CARRIED-OVER", Severity.ERROR, "正文称上年结转%(q)s，表三“上年结转”总计为%(t)s件。")
def rule_txt_carried_over(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-CARRIED-OVER：正文所述上年结转件数与表三一致

    规则
        正文中“上年（度）结转……N件”的 N 应等于表三“二、上年结转政府信息公开申请数量”的“总计”。

    原因
        上年结转是表三勾稽关系的一项，正文与表格应一致。

    不合格示例
        正文“上年结转申请2件”，表三上年结转总计 0。

    合格示例
        正文“上年结转申请1件”，表三上年结转总计 1。

    无法判断
        正文没有此类表述时为“未表述”；表三上年结转总计为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7。
    """
    yield from judge_claims(report, emit, carried_over_claims(prose_of(report)), _fixed(CARRIED_TOTAL))


@rule("TXT-CARRIED-FORWARD", Severity.ERROR, "正文称结转下年度%(q)s，表三“结转下年度继续办理”总计为%(t)s件。")
def rule_txt_carried_forward(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-CARRIED-FORWARD：正文所述结转下年度件数与表三一致

    规则
        正文中“结转（至/到）下（一）年度（继续办理）……N件”的 N 应等于表三“四、结转下年度继续办理”的“总计”。

    原因
        结转下年度是表三勾稽关系的一项，也是下一年度“上年结转”的来源，正文与表格应一致。

    不合格示例
        正文“结转下年度继续办理1件”，表三结转下年度总计 0。

    合格示例
        正文“结转下一年度办理1件”，表三结转下年度总计 1。

    无法判断
        正文没有此类表述时为“未表述”；表三结转下年度总计为空白或缺失（如表三被截断）时无法判断。

    依据
        zfxxgk 规范 §4.7。
    """
    yield from judge_claims(report, emit, carried_forward_claims(prose_of(report)), _fixed(FORWARD_TOTAL))


@rule("TXT-PROCESSED", Severity.WARNING, "正文称%(verb)s%(q)s，表三办理结果“（七）总计”为%(t)s件。")
def rule_txt_processed(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-PROCESSED：正文所述办结件数与表三办理结果总计一致

    规则
        正文中“办结/答复/办理完毕……N件”的 N 应等于表三“三、本年度办理结果”中“（七）总计”的“总计”。
        表述中含“建议”“提案”“复议”“诉讼”“信访”的不算（人大建议、政协提案等不是政府信息公开申请）。

    原因
        办结件数应与表三办理结果一致；但“答复”也可能指其他事项，故为警告。

    不合格示例
        正文“全年办结政府信息公开申请5件”，表三（七）总计 4。

    合格示例
        正文“均已按时答复，共答复3件”，表三（七）总计 3。

    无法判断
        正文没有此类表述时为“未表述”；表三（七）总计为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7。
    """

    def verb(claim: Claim, values: list[Any]) -> dict[str, Any]:
        return {"verb": claim.hit.m.group("verb")}

    yield from judge_claims(report, emit, processed_claims(prose_of(report)), _fixed(PROCESSED_TOTAL), verb)


@rule("TXT-REVIEW", Severity.ERROR, "正文称行政复议%(q)s，表四“行政复议”总计为%(t)s件。")
def rule_txt_review(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-REVIEW：正文所述行政复议件数与表四一致

    规则
        正文中“行政复议（案件/事项/申请）……N件”的 N 应等于表四“行政复议”的“总计”。表述中含
        “纠正/纠错/败诉/撤销”的不算（那是结果，不是件数）。“N余件”只作范围检查（警告）。

    原因
        正文与表四是同一数据，前后不一致说明其中之一有误。

    不合格示例
        正文“行政复议事项1件”，表四行政复议总计 0。

    合格示例
        正文“行政复议事项0件，行政诉讼事项0件”，表四全部为 0。

    无法判断
        正文没有此类表述时为“未表述”；表四行政复议总计为空白或缺失（如表四缺失）时无法判断。

    依据
        zfxxgk 规范 §4.7；国办公开办函〔2021〕30号 表四。
    """
    yield from judge_claims(report, emit, review_claims(prose_of(report)), _fixed(*REVIEW_TOTAL))


@rule(
    "TXT-LITIGATION",
    Severity.ERROR,
    "正文称行政诉讼%(q)s，表四行政诉讼总计为%(t)s件（未经复议直接起诉%(a)s件，复议后起诉%(b)s件）。",
)
def rule_txt_litigation(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-LITIGATION：正文所述行政诉讼件数与表四一致

    规则
        正文中“行政诉讼（案件/事项）……N件”的 N 应等于表四“行政诉讼（未经复议直接起诉）”与
        “行政诉讼（复议后起诉）”两个“总计”之和。表述中含“纠正/纠错/败诉/撤销”的不算。

    原因
        正文与表四是同一数据，前后不一致说明其中之一有误。

    不合格示例
        正文“行政诉讼事项0件”，表四未经复议直接起诉总计 1。

    合格示例
        正文“行政诉讼案件2件”，表四直接起诉总计 1、复议后起诉总计 1。

    无法判断
        正文没有此类表述时为“未表述”；两个总计之一为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7；国办公开办函〔2021〕30号 表四。
    """

    def parts(claim: Claim, values: list[Any]) -> dict[str, Any]:
        return {"a": show(values[0]), "b": show(values[1])}

    yield from judge_claims(report, emit, litigation_claims(prose_of(report)), _fixed(*LITIGATION_TOTALS), parts)


@rule("TXT-ZERO-DISPUTES", Severity.ERROR, "正文称“%(said)s”，但表四%(block)s总计为%(t)s件。")
def rule_txt_zero_disputes(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-ZERO-DISPUTES：正文称未发生复议、诉讼时表四应为 0

    规则
        正文中“未/没有/无 + 发生/出现/收到/涉及/产生……行政复议/行政诉讼”的表述：提到复议的，
        表四“行政复议”总计应为 0；提到诉讼的，两个行政诉讼总计应为 0。紧接着并列的“、行政诉讼”
        “和行政诉讼”也算提到。表述中或其后（同一逗号内）含“纠正/纠错/败诉/撤销”的不算，
        由 TXT-ZERO-CORRECTED 处理。

    原因
        正文说没有复议、诉讼而表四有案件，二者必有一处错误。

    不合格示例
        正文“未发生因政府信息公开引起的行政复议、行政诉讼”，表四行政复议总计 1。

    合格示例
        正文“未发生因政府信息公开申请而引起的行政复议、行政诉讼情况”，表四全部为 0。

    无法判断
        正文没有此类表述时为“未表述”；所涉总计为空白或缺失（如表四缺失）时无法判断。

    依据
        zfxxgk 规范 §4.7。
    """

    def block(claim: Claim, values: list[Any]) -> dict[str, Any]:
        return {"block": BLOCK_NAME[claim.quantity]}

    yield from judge_claims(
        report, emit, zero_dispute_claims(prose_of(report)), lambda c: BLOCK_TOTALS[c.quantity], block
    )


@rule("TXT-ZERO-CORRECTED", Severity.WARNING, "正文称“%(said)s”，但表四%(block)s“结果纠正”为%(t)s件。")
def rule_txt_zero_corrected(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-ZERO-CORRECTED：正文称没有被纠错时表四“结果纠正”应为 0

    规则
        含“纠正/纠错/败诉/撤销/确认违法”的零表述（“未发生……被纠错”“无……败诉”“纠错0件”）：
        所在逗号分句（否则整句）提到复议的，表四“行政复议”“结果纠正”应为 0；提到诉讼或败诉的，
        两个行政诉讼栏组的“结果纠正”应为 0；都未提到的，三个栏组都应为 0。

    原因
        被纠错是考核关注的结果，正文称没有而表格有，说明其中之一有误；分句归属靠字面判断，故为警告。

    不合格示例
        正文“未发生行政复议被纠错的情况”，表四行政复议“结果纠正”1。

    合格示例
        正文“行政诉讼败诉0件”，表四两个行政诉讼栏组“结果纠正”均为 0。

    无法判断
        正文没有此类表述时为“未表述”；所涉单元格为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7。
    """

    def block(claim: Claim, values: list[Any]) -> dict[str, Any]:
        return {"block": BLOCK_NAME[claim.quantity]}

    yield from judge_claims(
        report, emit, zero_corrected_claims(prose_of(report)), lambda c: BLOCK_CORRECTED[c.quantity], block
    )


REPEAT_WHAT = {
    NEW: "收到政府信息公开申请件数",
    CARRIED: "上年结转申请件数",
    FORWARD: "结转下年度申请件数",
    DONE: "办结申请件数",
    REVIEWS: "行政复议件数",
    LAWSUITS: "行政诉讼件数",
    FEES: "信息处理费",
}


@rule("TXT-REPEAT", Severity.WARNING, "正文关于%(what)s的表述前后不一致：“%(a)s”与“%(b)s”。")
def rule_txt_repeat(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-REPEAT：正文对同一数据的多处表述应一致

    规则
        同一数据（收到申请件数、上年结转、结转下年度、办结件数、行政复议件数、行政诉讼件数、
        信息处理费）在正文中有两处以上表述时，两两不得矛盾：确数与确数相等，确数落在范围内，
        两个范围有交集；约数不比较。“未收到申请”计为收到 0 件，“未发生行政复议”计为复议 0 件，
        “未收取信息处理费”计为 0 元。所述年度不是报告年度的表述不参与比较。

    原因
        同一报告前后说法不一，读者无从判断哪一个正确，往往是修改时漏改了一处。

    不合格示例
        总体情况“共收到政府信息公开申请3件”，另一处“本年度未收到政府信息公开申请”。

    合格示例
        两处均称“收取信息处理费0元”。“发布信息9条”“400余条”这类没有表格对应项的数字不比较。

    无法判断
        没有任何数据被表述两次时为“未表述”。

    依据
        zfxxgk 规范 §4.7。
    """
    prose = prose_of(report)
    zero_disputes = zero_dispute_claims(prose)
    groups: dict[str, list[Claim]] = {
        NEW: [*new_received_claims(prose), *zero_application_claims(prose)],
        CARRIED: list(carried_over_claims(prose)),
        FORWARD: list(carried_forward_claims(prose)),
        DONE: list(processed_claims(prose)),
        REVIEWS: [*review_claims(prose), *(c for c in zero_disputes if c.quantity == REVIEWS)],
        LAWSUITS: [*litigation_claims(prose), *(c for c in zero_disputes if c.quantity == LAWSUITS)],
        FEES: list(fee_statements(prose)),
    }
    compared = failed = False
    excerpt = _Excerpts()
    for quantity, claims in groups.items():
        if len(claims) < 2:
            continue
        exact = [c for c in current(claims, report.year) if c.number.kind is not NumberKind.APPROX]
        exact.sort(key=lambda c: c.hit.pos())
        if len(exact) < 2:
            continue
        compared = True
        pair = next(((a, b) for i, a in enumerate(exact) for b in exact[i + 1:] if disagree(a.number, b.number)), None)
        if pair is None:
            continue
        a, b = pair
        failed = True
        yield emit.fail(
            excerpt=excerpt(a.hit, a.said) + "‖" + b.hit.clause,
            evidence={"text": [a.evidence(), b.evidence()], "quantity": quantity},
            what=REPEAT_WHAT[quantity], a=a.said, b=b.said,
        )
    if not compared:
        yield emit.not_stated()
    elif not failed:
        yield emit.passed()


@rule("TXT-YEAR-MENTION", Severity.WARNING, "正文“%(said)s”所述为%(y)s年，与报告年度%(year)s年不一致。")
def rule_txt_year_mention(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-YEAR-MENTION：含统计数据的语句所述年度应为报告年度

    规则
        被任一 TXT 规则（收到申请、结转、办结、复议、诉讼、增长、信息处理费等）匹配的语句，
        若以“YYYY年（度）”开头（可带“（一）”“1.”等序号），该年度应等于报告年度。
        这样的语句不再与本年度表格比较。

    原因
        套用上年报告时常漏改年份；所述年度与报告年度不一致时，数据属于哪一年无从判断。

    不合格示例
        2024年度报告中写“2023年共收到政府信息公开申请3件”。

    合格示例
        2024年度报告中写“2024年度共收到依申请公开1件”，或语句不以年份开头。

    无法判断
        没有任何被匹配的语句时为“未表述”；报告年度未知而语句以年份开头时无法判断。

    依据
        zfxxgk 规范 §4.7。
    """
    prose = prose_of(report)
    hits: dict[int, Hit] = {}
    claim_lists: list[Iterable[Claim]] = [
        new_received_claims(prose), zero_application_claims(prose), carried_over_claims(prose),
        carried_forward_claims(prose), processed_claims(prose), review_claims(prose), litigation_claims(prose),
        zero_dispute_claims(prose), zero_corrected_claims(prose), fee_statements(prose),
        fee_notice_statements(prose),
    ]
    for claims in claim_lists:
        for c in claims:
            hits.setdefault(c.hit.origin, c.hit)
    for g in growth_claims(prose):
        hits.setdefault(g.hit.origin, g.hit)
    if not hits:
        yield emit.not_stated()
        return
    dated = [(h, h.year) for _, h in sorted(hits.items()) if h.year is not None]
    if report.year is None:
        if dated:
            yield emit.not_assessable(missing=["year"], reason="报告年度未知")
        return
    excerpt = _Excerpts()
    for h, y in dated:
        if y != report.year:
            yield emit.fail(
                excerpt=excerpt(h, h.text),
                evidence={"text": [h.evidence()], "expected": report.year, "actual": y},
                said=_clip(h.clause), y=y, year=report.year,
            )


def _growth_prior(n: int | Decimal, percent: Decimal, up: bool) -> tuple[bool, str]:
    """Whether some whole prior-year count m ≥ 1 gives n with a change that rounds to ``percent``.

    The stated percentage is read with its precision (``300`` ± 0.5, ``25.4`` ± 0.05). Returns
    (possible, the prior implied by the percentage as stated, for the message).
    """
    half = Fraction(_half_unit(percent))
    p = Fraction(percent)
    lo, hi = p - half, p + half
    f_lo, f_hi = (1 + lo / 100, 1 + hi / 100) if up else (1 - hi / 100, 1 - lo / 100)
    n_f = Fraction(n)
    f = 1 + p / 100 if up else 1 - p / 100
    implied = f"{float(n_f / f):.2f}".rstrip("0").rstrip(".") if f != 0 else "—"
    if n_f == 0:
        return f_lo <= 0 <= f_hi, implied
    if f_hi <= 0:
        return False, implied
    if f_lo <= 0:
        return True, implied  # the prior may be as large as wanted
    m_lo, m_hi = ceil(n_f / f_hi), floor(n_f / f_lo)
    return max(m_lo, 1) <= m_hi, implied


@rule(
    "TXT-GROWTH-NEW",
    Severity.INFO,
    "正文称%(act)s申请%(n)s件、%(cmp)s%(verb)s%(p)s%%，推算上年件数为%(prior)s，不是非负整数，件数或增幅有误。",
    uses_previous=True,
    reads=(NEW_TOTAL,),
)
def rule_txt_growth_new(report: Report, emit: Emit, ctx: CheckContext | None = None) -> Iterator[Finding]:
    """TXT-GROWTH-NEW：收到申请件数的同比增幅应能由整数件数得出（提示）

    规则
        正文中“收到/受理……N件，同比/较上年 增长/增加/上升/下降/减少 p%”的表述：上年件数
        N ÷ (1 ± p%) 在 p 的表述精度内（300% 按 299.5%–300.5%，25.4% 按 ±0.05%）应能是一个
        正整数。有同一单位上一年度报告时，再与其表三“本年新收”总计核对增幅。

    原因
        件数是整数，由整数到整数的变化只能得出特定的百分比；算不出整数说明件数或增幅有误。

    不合格示例
        “2023年共收到依申请公开事项3件，同比增长300%”：上年应为 0.75 件，不可能。

    合格示例
        “共收到申请3件，同比增长50%”：上年 2 件。

    无法判断
        正文没有此类表述时为“未表述”；件数为约数或范围时不检查。

    依据
        zfxxgk 规范 §4.7。
    """
    claims = [g for g in growth_claims(prose_of(report)) if g.number.kind is NumberKind.EQ]
    if not claims:
        yield emit.not_stated(reason=APPROX_ONLY if growth_claims(prose_of(report)) else "")
        return
    previous = ctx.previous if ctx is not None else None
    excerpt = _Excerpts()
    for g in claims:
        n = g.number.value
        fields: dict[str, Any] = {"act": g.act, "n": show(n), "cmp": g.compared, "verb": g.verb, "p": str(g.percent)}
        possible, implied = _growth_prior(n, g.percent, g.up)
        evidence: Evidence = {"text": [g.hit.evidence(g.number, percent=str(g.percent), verb=g.verb)]}
        prior = previous.cells[NEW_TOTAL].value if previous is not None else None
        if prior is not None and g.hit.year in (None, report.year):
            assert previous is not None  # prior was read from it
            actual = _actual_change(n, prior)
            stated = g.percent if g.up else -g.percent
            half = _half_unit(g.percent)
            if actual is None or abs(actual - stated) > half:
                evidence.update({"previous": previous.source, "previous_year": previous.year, "prior": json_number(prior)})
                how = "无法计算增幅" if actual is None else f"按此应为{'增长' if actual >= 0 else '下降'}{abs(actual):.1f}%"
                yield emit.fail(
                    excerpt=excerpt(g.hit, g.hit.text), evidence=evidence, template=GROWTH_PREVIOUS,
                    prior=show(prior), actual=how, **fields,
                )
                continue
        if not possible:
            evidence["implied_prior"] = implied
            yield emit.fail(excerpt=excerpt(g.hit, g.hit.text), evidence=evidence, prior=implied, **fields)


def _half_unit(percent: Decimal) -> Decimal:
    """Half a unit of the last digit written: ``300`` → 0.5, ``25.4`` → 0.05."""
    exp = percent.as_tuple().exponent
    return Decimal(5).scaleb((exp if isinstance(exp, int) else 0) - 1)


def _actual_change(n: int | Decimal, prior: int | Decimal) -> Decimal | None:
    if prior == 0:
        return Decimal(0) if n == 0 else None
    return (Decimal(n) - Decimal(prior)) / Decimal(prior) * 100


@rule(
    "TXT-FEE-T2",
    Severity.INFO,
    "第六部分称收取信息处理费%(q)s，但表二“行政事业性收费”本年收费金额为%(t)s万元，请核实信息处理费是否计入。",
)
def rule_txt_fee_t2(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-FEE-T2：第六部分称收取了信息处理费而表二收费金额为 0（提示）

    规则
        第六部分称收取信息处理费 F 元（F > 0，万元按 1 万元 = 10 000 元折算），而表二
        “行政事业性收费”本年收费金额为 0 时提示。不比较二者是否相等：乡镇还收取其他费用，
        表二金额大于 0 而信息处理费为 0 属正常。

    原因
        信息处理费是行政事业性收费项目，收了费而表二为 0，可能漏填；但 30 号文对此的填报口径
        未经确认，故只作提示。

    不合格示例
        第六部分“收取信息处理费200元”，表二行政事业性收费 0。

    合格示例
        第六部分“收取信息处理费0元”或“未收取信息处理费”；或表二收费金额大于 0。

    无法判断
        第六部分没有信息处理费表述（“无收费情况”不算）时为“未表述”；称收取了费用而表二
        收费金额为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7、§4.9；《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）。
    """
    statements = [c for c in current(fee_statements(prose_of(report)), report.year) if c.hit.section == 6]
    if not statements:
        yield emit.not_stated()
        return
    positive = [c for c in statements if c.number.value > 0 or c.number.kind is NumberKind.GT]
    if not positive:
        yield emit.passed()
        return
    fee = report.cells[FEE_AMOUNT].value
    if fee is None:
        yield emit.not_assessable(missing=[FEE_AMOUNT], cells=[FEE_AMOUNT])
        return
    if fee != 0:
        yield emit.passed(cells=[FEE_AMOUNT])
        return
    excerpt = _Excerpts()
    for c in positive:
        yield emit.fail(
            cells=[FEE_AMOUNT], excerpt=excerpt(c.hit, c.said),
            evidence={"text": [c.evidence(unit="元")], "cells": cells_evidence(report, [FEE_AMOUNT])},
            q=c.number.text, t=show(fee),
        )


@rule(
    "TXT-FEE-NOTICE",
    Severity.INFO,
    "表三“申请人逾期未按收费通知要求缴纳费用”总计为%(n)s件，但第六部分称“%(said)s”，请核实是否发出过收费通知。",
)
def rule_txt_fee_notice(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-FEE-NOTICE：有“逾期未缴费”的申请而第六部分称未收费或未发收费通知（提示）

    规则
        表三“（六）其他处理·2.申请人逾期未按收费通知要求缴纳费用”总计大于 0，而第六部分称
        未收取信息处理费（“未收取……处理费”“收取信息处理费0元”）或未发出收费通知时提示。

    原因
        该行大于 0 意味着本机关发出过收费通知；申请人未缴费时确实没有收到费用，所以二者并不
        必然矛盾，只提示核实。

    不合格示例
        表三该行总计 1，第六部分“本年度未收取信息处理费”。

    合格示例
        表三该行总计 0，第六部分“未收取信息处理费”。

    无法判断
        第六部分没有此类表述时为“未表述”；表三该行总计为空白或缺失时无法判断。

    依据
        zfxxgk 规范 §4.7；《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）。
    """
    prose = prose_of(report)
    statements = [
        c for c in current([*fee_statements(prose), *fee_notice_statements(prose)], report.year)
        if c.hit.section == 6 and c.number.kind is NumberKind.EQ and c.number.value == 0
    ]
    if not statements:
        yield emit.not_stated()
        return
    n = report.cells[NO_FEE_TOTAL].value
    if n is None:
        yield emit.not_assessable(missing=[NO_FEE_TOTAL], cells=[NO_FEE_TOTAL])
        return
    if n <= 0:
        yield emit.passed(cells=[NO_FEE_TOTAL])
        return
    excerpt = _Excerpts()
    for c in statements:
        yield emit.fail(
            cells=[NO_FEE_TOTAL], excerpt=excerpt(c.hit, c.said),
            evidence={"text": [c.evidence()], "cells": cells_evidence(report, [NO_FEE_TOTAL])},
            n=show(n), said=c.said,
        )


# --- evaluators' practice (spec §4.10) -----------------------------------------------------------


def _snippet(hit: Hit) -> str:
    return hit.clause[max(0, hit.start - SNIPPET):hit.end + SNIPPET]


@rule("TXT-PLACEHOLDER", Severity.ERROR, "报告中存在未替换的模板占位内容“%(snippet)s”。")
def rule_txt_placeholder(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-PLACEHOLDER：报告中残留模板占位内容

    规则
        标题和正文（表格除外）中出现“XX”“××”“某某”“＿＿”“（单位名称）”“【……】”等模板标记时，
        每处报告一次。

    原因
        套用模板后未替换占位内容，说明报告未经认真编制、审核，评估中直接扣分。

    不合格示例
        “XX镇人民政府2024年政府信息公开工作年度报告”；“本年度共收到申请＿＿件”。

    合格示例
        标题和正文中没有模板标记。

    无法判断
        不存在无法判断的情形。

    依据
        zfxxgk 规范 §4.10；国办公开办函〔2021〕30号（四）明确责任。
    """
    excerpt = _Excerpts()
    for h in placeholder_hits(prose_of(report)):
        yield emit.fail(
            excerpt=excerpt(h, h.text), evidence={"text": [h.evidence(marker=h.text)]}, snippet=_snippet(h),
        )


@rule("TXT-DUP-WORD", Severity.INFO, "“%(snippet)s”存在重复字词。")
def rule_txt_dup_word(report: Report, emit: Emit) -> Iterator[Finding]:
    """TXT-DUP-WORD：同一词语紧接着重复出现（提示）

    规则
        标题和正文中，两个及以上汉字组成的同一词语紧接着重复出现（删除空白后比较，如“领导领导”
        “公开 公开”），每处提示一次。词长按 2–4 个字计（汉语词语的常见长度；
        更长的整句重复不在此列）。

    原因
        重复字词多为编辑失误，影响报告的规范性。“研究研究”一类叠用在年报中极少见，故只作提示。

    不合格示例
        标题“……2024 年政府信息公开 公开工作年度报告”；正文“在县委、县政府的正确领导领导下”。

    合格示例
        “深入推进政府信息公开工作，深入推进政务公开”（不是紧接着重复）。

    无法判断
        不存在无法判断的情形。

    依据
        zfxxgk 规范 §4.10。
    """
    excerpt = _Excerpts()
    for h in dup_word_hits(prose_of(report)):
        yield emit.fail(
            excerpt=excerpt(h, h.text), evidence={"text": [h.evidence(word=h.m.group(1))]}, snippet=_snippet(h),
        )
