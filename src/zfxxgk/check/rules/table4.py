"""Table 4 (政府信息公开行政复议、行政诉讼情况): block sums, implied values, plausibility (spec §4.5)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...model import Finding, Report, Severity, Table
from ...model.identities import sum_identity
from ...model.ids import T4_BLOCKS, cell_phrase, t3, t4
from ..registry import Emit, rule, show
from ._cells import cell_facts
from ._common import cells_evidence
from ._identity_rule import IdentityFamily

BLOCK_KEYS = tuple(b.key for b in T4_BLOCKS)
BLOCK_LABEL = {b.key: b.label for b in T4_BLOCKS}


# The three identities of table 4 with the rule instance that owns each.
FAMILY = IdentityFamily("T4", ((f"T4-SUM-{b}", *sum_identity(b)) for b in BLOCK_KEYS))


@rule(
    "T4-SUM-{b}",
    Severity.ERROR,
    "表四“%(block)s”：结果维持%(u)s+结果纠正%(c)s+其他结果%(o)s+尚未审结%(p)s=%(s)s，与总计%(t)s不一致。",
    params=BLOCK_KEYS,
)
def rule_t4_sum(report: Report, emit: Emit, b: str) -> Iterable[Finding]:
    """T4-SUM：表四各栏组的结果之和等于“总计”

    规则
        对行政复议、行政诉讼（未经复议直接起诉）、行政诉讼（复议后起诉）三个栏组 b：
        总计(b) = 结果维持(b) + 结果纠正(b) + 其他结果(b) + 尚未审结(b)。

    原因
        每件案件恰有一种结果（已审结的维持、纠正或其他，或尚未审结），“总计”是四项之和。

    不合格示例
        行政复议：结果维持 1、结果纠正 1、其他结果 0、尚未审结 0，总计填 1。

    合格示例
        行政复议：结果维持 1、结果纠正 1、其他结果 0、尚未审结 0，总计 2。

    无法判断
        五个单元格中有空白、占位或缺失（如表四缺失）时无法判断；已知各项之和已超过总计时
        仍判为不成立。仅一个单元格空白时，另由 T4-IMPLIED 给出推算值。

    依据
        国办公开办函〔2021〕30号 年度报告格式 表四。
    """
    return FAMILY.judge(report, emit, total=True, block=BLOCK_LABEL[b], named=((), ("u", "c", "o", "p")))


@rule("T4-IMPLIED", Severity.INFO, "表四%(cell)s未填报；按%(rule)s推算应为%(v)s（推算值未写入数据）。")
def rule_t4_implied(report: Report, emit: Emit) -> Iterator[Finding]:
    """T4-IMPLIED：表四空白单元格的推算值（仅提示）

    规则
        T4-SUM 的某一栏组中恰有一个单元格为空白、占位或缺失时，由其余已填报的数值解出
        该单元格应有的值，每个单元格提示一次。

    原因
        空白不等于 0。推算值帮助审核人员判断空白是漏填还是识别缺失，但不写入数据，
        也不参与其他校验。

    不合格示例
        行政复议“结果纠正”栏空白，结果维持 0、其他结果 0、尚未审结 0、总计 1：
        提示“结果纠正”按 T4-SUM-review 推算应为 1。

    合格示例
        表四没有空白单元格。

    无法判断
        一个栏组中有两个及以上空白时不推算。

    依据
        zfxxgk 规范 §4.0（推算值只报告、不写入）。
    """
    if not cell_facts(report).nulls[Table.T4]:
        return  # a value is implied only for a null operand, and the table has none
    yield from FAMILY.implied(report, emit, lambda cell_id: cell_phrase(cell_id, with_table=False))


@rule(
    "T4-NO-APPLICATIONS",
    Severity.INFO,
    "本年无政府信息公开申请，但表四有%(n)s件复议/诉讼，可能涉及以往年度答复，请核实。",
)
def rule_t4_no_applications(report: Report, emit: Emit) -> Iterator[Finding]:
    """T4-NO-APPLICATIONS：没有申请却有复议、诉讼（提示）

    规则
        表三“一、本年新收”总计与“二、上年结转”总计都为 0，而表四三个栏组的“总计”之和大于 0 时提示。

    原因
        复议、诉讼通常针对本年度的答复；没有申请却有案件，可能是针对以往年度答复的案件，
        也可能是表三或表四填错，需要核实。

    不合格示例
        本年新收 0、上年结转 0，表四行政复议总计 1。

    合格示例
        本年新收 2，表四行政复议总计 1；或本年新收 0、表四全部为 0。

    无法判断
        所需单元格有空白或缺失时无法判断；但已知本年新收或上年结转大于 0，
        或表四三个总计均已知且为 0 时，结论不受空白影响，照常判定。

    依据
        zfxxgk 规范 §4.5。
    """
    applications = (t3("new_received", "total"), t3("carried_over", "total"))
    cases = tuple(t4(b, "total") for b in BLOCK_KEYS)
    app_values = [report.cells[i].value for i in applications]
    case_values = [report.cells[i].value for i in cases]
    if any(v is not None and v > 0 for v in app_values):
        return
    known_cases = sum(v for v in case_values if v is not None)
    if None not in case_values and known_cases <= 0:
        return
    missing = [i for i in (*applications, *cases) if report.cells[i].value is None]
    if any(v is None for v in app_values) or known_cases <= 0:
        yield emit.not_assessable(missing=missing, cells=(*applications, *cases))
        return
    n = show(known_cases) if None not in case_values else f"至少{known_cases}"
    yield emit.fail(
        cells=(*applications, *cases),
        excerpt="",
        evidence={
            "formula": " + ".join(cases) + " > 0 and " + " = ".join(applications) + " = 0",
            "expected": 0,
            "actual": known_cases,
            "cells": cells_evidence(report, (*applications, *cases)),
        },
        n=n,
    )
