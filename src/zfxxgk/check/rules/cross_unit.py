"""Cross-unit rule (spec §4.10): XU-TEXT-COPY, a section copied from another unit's report of the same year.

Which other reports cover a section of this one is found over a whole year's reports at once
(``zfxxgk.app.copies``: MinHash signatures, LSH candidates, every candidate measured exactly) and
passed in the check context (``ctx.peers``); the masking and the measure are ``check.copying``'s.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Finding, Report, Severity
from ...model.evidence import Evidence
from ...model.units import normalise_unit
from ..context import CheckContext, PeerCopy
from ..copying import COPY_MIN_CHARS, COPY_SECTIONS, COPY_THRESHOLD, SHINGLE, masked_sections
from ..registry import Emit, rule
from ._common import section_cn

SEVERAL = "%(year)s年度报告第%(n)s部分与%(other)s等%(count)s个单位的同年度报告文字重复率超过50%%，最高为%(rate)s。"


def _peer_evidence(p: PeerCopy) -> dict:
    return {"unit": p.unit, "report_id": p.report_id, "source": p.source, "year": p.year, "rate": round(p.share, 4)}


@rule(
    "XU-TEXT-COPY",
    Severity.WARNING,
    "%(year)s年度报告第%(n)s部分与%(other)s同年度报告文字重复率为%(rate)s，超过50%%。",
    uses_peers=True,
)
def rule_xu_text_copy(report: Report, emit: Emit, ctx: CheckContext | None = None) -> Iterator[Finding]:
    """XU-TEXT-COPY：总体情况、问题及改进与其他单位同年度报告文字大量重复

    规则
        对第一部分“总体情况”和第五部分“存在的主要问题及改进情况”的正文（不含表格）：
        与同一年度其他单位报告的同一部分相比，先把两个单位的名称及其所在地区名称、全部数字（含年份、
        中文数字）替换为占位符，并去除空白和标点；本单位文字中被长度不少于 8 个字符的共同片段覆盖的字符
        所占比例超过 50% 时提示，列出重复的单位及各自的重复率。某部分去除后不足 50 个字符时不比较。

    原因
        第三方评估对照搬其他单位年报的情况扣分；国办公开办函〔2021〕30号要求年报内容真实、
        反映本单位实际工作，不得简单套用。只替换单位名称、年份和数字的“换名抄袭”同样属于照搬。

    不合格示例
        2024年甲镇年报第一部分与乙镇同年度年报第一部分只差镇名和数字。

    合格示例
        甲镇第一部分按本镇实际工作撰写，与同年度其他单位报告的共同片段不足一半。

    无法判断
        报告未与同一年度其他单位的报告比对（单独校验一份文件时），或第一部分、第五部分缺失或过短。

    依据
        国办公开办函〔2021〕30号 一（四）明确责任；评估实践（spec §4.10）。
    """
    peers = ctx.peers if ctx is not None else None
    if peers is None:
        yield emit.not_assessable(missing=["peers"], reason="未与同年度其他单位的报告比对")
        return
    compared = masked_sections({n: s.text for n, s in report.sections.items()}, report.unit)
    if not compared:
        yield emit.not_assessable(missing=[f"section.{n}" for n in COPY_SECTIONS],
                                  reason=f"第一部分、第五部分缺失或正文不足{COPY_MIN_CHARS}字")
        return
    own = normalise_unit(report.unit)
    for n in COPY_SECTIONS:
        if n not in compared:
            continue
        best: dict[str, PeerCopy] = {}  # one entry per other unit: its highest share
        for p in peers:
            key = normalise_unit(p.unit)
            if p.section == n and p.share > COPY_THRESHOLD and key != own and (key not in best or p.share > best[key].share):
                best[key] = p
        if not best:
            continue
        found = sorted(best.values(), key=lambda p: (-p.share, p.unit))
        top = found[0]
        ev: Evidence = {
            "report": {"source": report.source, "unit": report.unit, "year": report.year},
            "section": n, "rate": round(top.share, 4), "threshold": COPY_THRESHOLD, "min_run": SHINGLE,
            "peers": [_peer_evidence(p) for p in found], "peer_count": len(found),
        }
        yield emit.fail(
            excerpt=f"{report.year}-{n}", evidence=ev, template=SEVERAL if len(found) > 1 else None,
            year=report.year, n=section_cn(n), other=top.unit, count=len(found), rate=f"{top.share:.0%}",
        )
