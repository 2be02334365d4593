"""Table 3 (收到和处理政府信息公开申请情况): the 42 identities and implied values (spec §4.4)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...model import Finding, Report, Severity, Table
from ...model.identities import balance_identity, outcomes_identity, rowsum_identity
from ...model.ids import T3_COLUMNS, T3_ROWS, cell_phrase
from ..registry import Emit, rule
from ._cells import cell_facts
from ._identity_rule import IdentityFamily

COLUMN_KEYS = tuple(c.key for c in T3_COLUMNS)
COLUMN_LABEL = {c.key: c.label for c in T3_COLUMNS}
ROW_KEYS = tuple(r.key for r in T3_ROWS)
ROW_LABEL = {r.key: r.label for r in T3_ROWS}


# All 39 identities of table 3 with the rule instance that owns each.
FAMILY = IdentityFamily("T3", (
    *((f"T3-BALANCE-{c}", *balance_identity(c)) for c in COLUMN_KEYS),
    *((f"T3-OUTCOMES-{c}", *outcomes_identity(c)) for c in COLUMN_KEYS),
    *((f"T3-ROWSUM-{r}", *rowsum_identity(r)) for r in ROW_KEYS),
))


@rule(
    "T3-BALANCE-{c}",
    Severity.ERROR,
    "表三“%(col)s”列勾稽关系不成立：本年新收%(a)s+上年结转%(b)s=%(lhs)s，办理结果总计%(t)s+结转下年度%(f)s=%(rhs)s，相差%(d)s。",
    params=COLUMN_KEYS,
)
def rule_t3_balance(report: Report, emit: Emit, c: str) -> Iterable[Finding]:
    """T3-BALANCE：表三各列勾稽关系（第一项加第二项之和等于第三项加第四项之和）

    规则
        对每一列 c（自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计）：
        本年新收(c) + 上年结转(c) = 办理结果（七）总计(c) + 结转下年度继续办理(c)。

    原因
        表三表头注明“本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和”。
        本年需办理的申请（新收加上年结转）必须全部办结或结转下年，否则数据自相矛盾。

    不合格示例
        总计列：本年新收 5、上年结转 1，办理结果总计 4、结转下年度 1（6 ≠ 5）。

    合格示例
        总计列：本年新收 5、上年结转 1，办理结果总计 5、结转下年度 1。

    无法判断
        四个单元格中有空白或缺失时无法判断；但若已知部分已超出另一侧（空白按 ≥ 0 计），
        仍判为不成立。仅一个单元格空白时，另由 T3-IMPLIED 给出推算值。

    依据
        国办公开办函〔2021〕30号 年度报告格式 表三表头注。
    """
    return FAMILY.judge(report, emit, col=COLUMN_LABEL[c], named=(("a", "b"), ("t", "f")))


@rule(
    "T3-OUTCOMES-{c}",
    Severity.ERROR,
    "表三“%(col)s”列各项办理结果之和为%(s)s，与“（七）总计”%(t)s不一致（相差%(d)s）。",
    params=COLUMN_KEYS,
)
def rule_t3_outcomes(report: Report, emit: Emit, c: str) -> Iterable[Finding]:
    """T3-OUTCOMES：表三各列办理结果之和等于“（七）总计”

    规则
        对每一列 c：（七）总计(c) = （一）予以公开 + （二）部分公开 + （三）不予公开 1–8
        + （四）无法提供 1–3 + （五）不予处理 1–5 + （六）其他处理 1–3（共 21 项）。

    原因
        “（七）总计”是本年度办理结果的合计，各项办理结果互斥（部分公开只计一种情形）。

    不合格示例
        总计列：予以公开 3、不予处理 1，其余为 0，（七）总计填 3。

    合格示例
        总计列：予以公开 3、不予处理 1，（七）总计 4。

    无法判断
        总计或任一项空白、缺失时无法判断；已知各项之和已超过总计时仍判为不成立。

    依据
        国办公开办函〔2021〕30号 年度报告格式 表三。
    """
    return FAMILY.judge(report, emit, total=True, col=COLUMN_LABEL[c])


@rule(
    "T3-ROWSUM-{r}",
    Severity.ERROR,
    "表三“%(row)s”行六类申请人之和为%(s)s，与“总计”%(t)s不一致（相差%(d)s）。",
    params=ROW_KEYS,
)
def rule_t3_rowsum(report: Report, emit: Emit, r: str) -> Iterable[Finding]:
    """T3-ROWSUM：表三各行六类申请人之和等于“总计”栏

    规则
        对每一行 r：总计(r) = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他。

    原因
        “总计”栏是各类申请人的合计；不一致说明某一栏填错或漏填。

    不合格示例
        “（一）予以公开”行：自然人 2、商业企业 1，其余为 0，总计填 2。

    合格示例
        “（一）予以公开”行：自然人 2、商业企业 1，总计 3。

    无法判断
        该行任一单元格空白或缺失时无法判断；已知各栏之和已超过总计时仍判为不成立。

    依据
        国办公开办函〔2021〕30号 年度报告格式 表三。
    """
    return FAMILY.judge(report, emit, total=True, row=ROW_LABEL[r])


@rule("T3-IMPLIED", Severity.INFO, "表三%(cell)s未填报；按%(rule)s推算应为%(v)s（推算值未写入数据）。")
def rule_t3_implied(report: Report, emit: Emit) -> Iterator[Finding]:
    """T3-IMPLIED：表三空白单元格的推算值（仅提示）

    规则
        某一勾稽关系（T3-BALANCE、T3-OUTCOMES、T3-ROWSUM）中恰有一个单元格为空白或缺失时，
        由其余已填报的数值解出该单元格应有的值，每个单元格提示一次。

    原因
        空白不等于 0。推算值帮助审核人员判断空白是漏填还是识别缺失，但不写入数据，
        也不参与其他校验（不做链式推算）。

    不合格示例
        “一、本年新收”行自然人栏空白，其余各栏为 0，总计为 1：提示自然人栏按 T3-ROWSUM 推算应为 1。

    合格示例
        表三没有空白单元格。

    无法判断
        一个关系中有两个及以上空白时不推算。

    依据
        zfxxgk 规范 §4.0（推算值只报告、不写入）。
    """
    if not cell_facts(report).nulls[Table.T3]:
        return  # a value is implied only for a null operand, and the table has none
    yield from FAMILY.implied(report, emit, lambda cell_id: cell_phrase(cell_id, with_table=False))
