"""Cross-year rules (spec §4.3, §4.6, §4.10): T2-ROLLFORWARD-*, XY-CARRY-*, XY-TEXT-DUPLICATE.

They compare a report with the same unit's report for the year before, passed in the check
context (``ctx.previous``) by whoever knows both: the CLI when both files are given, later the store.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Finding, Report, Severity
from ...model.evidence import Evidence
from ...model.ids import T2_ROWS, T3_COLUMNS, t2, t3
from ...model.numbers import json_number
from ...model.units import normalise_unit
from ..context import CheckContext
from ..overlap import DUPLICATE_MIN_RUN, copied_share
from ..registry import Emit, rule
from ._common import cells_evidence, section_cn

COLUMN_KEYS = tuple(c.key for c in T3_COLUMNS)
COLUMN_LABEL = {c.key: c.label for c in T3_COLUMNS}
ROLLFORWARD_ROWS = ("regulation", "normative_document")
ROW_LABEL = {r.key: r.label for r in T2_ROWS}
DUPLICATE_SECTIONS = (1, 5)
DUPLICATE_THRESHOLD = 0.5
CARRY_CELLS = frozenset(t3(row, c) for row in ("carried_over", "carried_forward") for c in COLUMN_KEYS)
ROLLFORWARD_CELLS = frozenset(t2(k, f) for k in ROLLFORWARD_ROWS for f in ("in_force", "issued", "repealed"))


def previous_of(report: Report, ctx: CheckContext | None) -> Report | None:
    """The previous-year report of the same unit, or None when there is none to compare with."""
    prev = ctx.previous if ctx is not None else None
    if prev is None or report.year is None or prev.year != report.year - 1:
        return None
    if normalise_unit(prev.unit) != normalise_unit(report.unit):
        return None
    return prev


def _pair_evidence(report: Report, prev: Report) -> Evidence:
    return {
        "report": {"source": report.source, "unit": report.unit, "year": report.year},
        "previous": {"source": prev.source, "unit": prev.unit, "year": prev.year},
    }


def _no_previous(emit: Emit, report: Report) -> Finding:
    return emit.not_assessable(missing=["previous_report"], reason=f"没有{report.unit or '该单位'}上一年度的报告")


@rule(
    "XY-CARRY-{c}",
    Severity.WARNING,
    "%(year)s年“%(col)s”上年结转%(b)s件，与%(prev)s年年报结转下年度%(f)s件不一致。",
    params=COLUMN_KEYS,
    uses_previous=True,
    reads=CARRY_CELLS,
)
def rule_xy_carry(report: Report, emit: Emit, c: str, ctx: CheckContext | None = None) -> Iterator[Finding]:
    """XY-CARRY：上年结转数与上一年度年报的结转下年度数一致

    规则
        同一单位相邻两年：上一年度表三“四、结转下年度继续办理”(c) = 本年度表三“二、上年结转政府信息公开申请数量”(c)，
        对自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计七列逐列比较。

    原因
        上一年度结转下年继续办理的申请，正是本年度的上年结转申请。两者不一致说明其中一份报告填错，
        或结转申请在统计中遗漏。

    不合格示例
        2023年报“结转下年度继续办理”总计 2 件，2024年报“上年结转”总计 0 件。

    合格示例
        2023年报结转下年度 2 件，2024年报上年结转 2 件。

    无法判断
        没有同一单位上一年度的报告，或两个单元格之一为空白、缺失。

    依据
        国办公开办函〔2021〕30号 年度报告格式 表三（“二、上年结转”“四、结转下年度继续办理”）。
    """
    prev = previous_of(report, ctx)
    if prev is None:
        yield _no_previous(emit, report)
        return
    now_id, prev_id = t3("carried_over", c), t3("carried_forward", c)
    b, f = report.cells[now_id].value, prev.cells[prev_id].value
    if b is None or f is None:
        yield emit.not_assessable(missing=[i for i, v in ((now_id, b), (f"previous:{prev_id}", f)) if v is None])
        return
    if b == f:
        yield emit.passed(cells=[now_id])
        return
    ev = _pair_evidence(report, prev)
    ev.update({
        "formula": f"previous.{prev_id} = {now_id}", "expected": json_number(f), "actual": json_number(b), "diff": json_number(b - f),
        "cells": cells_evidence(report, [now_id]), "previous_cells": cells_evidence(prev, [prev_id]),
    })
    yield emit.fail(
        cells=[now_id], excerpt=f"{prev.year}-{report.year}", evidence=ev,
        year=report.year, col=COLUMN_LABEL[c], b=b, prev=prev.year, f=f,
    )


@rule(
    "T2-ROLLFORWARD-{k}",
    Severity.WARNING,
    "%(label)s现行有效件数%(v)s与上年现行有效%(p)s+本年制发%(i)s−本年废止%(r)s=%(e)s不一致（相差%(d)s）。",
    params=ROLLFORWARD_ROWS,
    uses_previous=True,
    reads=ROLLFORWARD_CELLS,
)
def rule_t2_rollforward(report: Report, emit: Emit, k: str, ctx: CheckContext | None = None) -> Iterator[Finding]:
    """T2-ROLLFORWARD：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止

    规则
        同一单位相邻两年，对规章、行政规范性文件：
        本年“现行有效件数” = 上年“现行有效件数” + 本年“本年制发件数” − 本年“本年废止件数”。

    原因
        现行有效的规章和规范性文件逐年滚动：新制发的加入，废止的减去。不一致常见于漏报制发或废止，
        但文件到期自动失效而未“废止”时也会合理地出现差异，因此只作警告。

    不合格示例
        2023年行政规范性文件现行有效 10 件；2024年制发 3 件、废止 1 件，现行有效填 15 件（应为 12 件）。

    合格示例
        2023年现行有效 10 件；2024年制发 3 件、废止 1 件，现行有效 12 件。

    无法判断
        没有同一单位上一年度的报告，或任一单元格为空白、缺失。

    依据
        国办公开办函〔2021〕30号 年度报告格式 表二“第二十条第（一）项”。
    """
    prev = previous_of(report, ctx)
    if prev is None:
        yield _no_previous(emit, report)
        return
    ids = [t2(k, "in_force"), t2(k, "issued"), t2(k, "repealed")]
    v, i, r = (report.cells[x].value for x in ids)
    p = prev.cells[ids[0]].value
    missing = [x for x, val in zip(ids, (v, i, r)) if val is None] + ([f"previous:{ids[0]}"] if p is None else [])
    if missing:
        yield emit.not_assessable(missing=missing, cells=ids)
        return
    assert v is not None and i is not None and r is not None and p is not None  # none is missing
    expected = p + i - r
    if v == expected:
        yield emit.passed(cells=ids)
        return
    ev = _pair_evidence(report, prev)
    ev.update({
        "formula": f"{ids[0]} = previous.{ids[0]} + {ids[1]} − {ids[2]}", "expected": json_number(expected), "actual": json_number(v),
        "diff": json_number(v - expected), "cells": cells_evidence(report, ids), "previous_cells": cells_evidence(prev, ids[:1]),
    })
    yield emit.fail(
        cells=ids, excerpt=f"{prev.year}-{report.year}", evidence=ev,
        label=ROW_LABEL[k], v=v, p=p, i=i, r=r, e=expected, d=abs(v - expected),
    )


@rule(
    "XY-TEXT-DUPLICATE",
    Severity.WARNING,
    "%(year)s年度报告第%(n)s部分与%(prev)s年度报告文字重复率为%(rate)s，超过50%%。",
    uses_previous=True,
    reads=(),
)
def rule_xy_text_duplicate(report: Report, emit: Emit, ctx: CheckContext | None = None) -> Iterator[Finding]:
    """XY-TEXT-DUPLICATE：总体情况、问题及改进与上年报告文字大量重复

    规则
        对第一部分“总体情况”和第五部分“存在的主要问题及改进情况”的正文（不含表格）：
        与同一单位上一年度报告同一部分相比，本年文字中被长度不少于 8 个字符的共同片段覆盖的字符所占比例
        （去除空白后计算）超过 50% 时提示。

    原因
        第三方评估和主管部门对照抄上年报告的情况扣分；国办公开办函〔2021〕30号要求年报内容真实、
        不得简单照搬。

    不合格示例
        2024年报第五部分与2023年报第五部分几乎逐字相同，仅年份不同。

    合格示例
        2024年报第五部分针对本年问题重新撰写，与上年共同片段不足一半。

    无法判断
        没有同一单位上一年度的报告，或两年中任一年缺少该部分。

    依据
        国办公开办函〔2021〕30号 一（四）明确责任；评估实践（spec §4.10）。
    """
    prev = previous_of(report, ctx)
    if prev is None:
        yield _no_previous(emit, report)
        return
    assessed = False
    for n in DUPLICATE_SECTIONS:
        now, before = report.sections.get(n), prev.sections.get(n)
        if now is None or before is None or not now.text.strip():
            continue
        assessed = True
        rate = copied_share(now.text, before.text)
        if rate > DUPLICATE_THRESHOLD:
            ev = _pair_evidence(report, prev)
            ev.update({"section": n, "rate": round(rate, 4), "threshold": DUPLICATE_THRESHOLD, "min_run": DUPLICATE_MIN_RUN})
            yield emit.fail(
                excerpt=f"{prev.year}-{report.year}-{n}", evidence=ev,
                year=report.year, n=section_cn(n), prev=prev.year, rate=f"{rate:.0%}",
            )
    if not assessed:
        yield emit.not_assessable(missing=[f"section.{n}" for n in DUPLICATE_SECTIONS])

