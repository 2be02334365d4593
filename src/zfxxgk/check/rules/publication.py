"""Publication rule (issue 18): PUB-MODIFIED, a report whose published file changed, or whose copies in
two places disagree.

A collector fetches a report where it is published and may fetch it again later, or find it twice (the
article page and its PDF attachment): those other files are passed in the check context
(``ctx.earlier``). The comparison is of what a reader relies on — the 200 cells and the section texts —
not of the bytes (a re-saved file with the same content is no change).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Finding, Report, Severity
from ...model.evidence import Evidence
from ...model.ids import CELL_IDS, cell_phrase
from ...model.numbers import json_number
from ..context import CheckContext, EarlierCopy
from ..registry import Emit, rule
from ._common import section_cn

SHOWN = 3  # cells named in the message (the evidence lists all)


def _differences(report: Report, other: Report) -> tuple[list[dict], list[int]]:
    cells = [{"id": cid, "before": json_number(other.value(cid)), "after": json_number(report.value(cid))}
             for cid in CELL_IDS
             if (report.cells[cid].state, report.value(cid)) != (other.cells[cid].state, other.value(cid))]
    squash = "".join
    sections = [n for n in sorted(set(report.sections) | set(other.sections))
                if squash((report.sections[n].text if n in report.sections else "").split())
                != squash((other.sections[n].text if n in other.sections else "").split())]
    return cells, sections


def _what(cells: list[dict], sections: list[int]) -> str:
    parts = []
    if cells:
        shown = "；".join(f"{cell_phrase(c['id'])}由{c['before'] if c['before'] is not None else '空白'}"
                         f"改为{c['after'] if c['after'] is not None else '空白'}" for c in cells[:SHOWN])
        parts.append(f"{len(cells)}个单元格取值不同（{shown}{'等' if len(cells) > SHOWN else ''}）")
    if sections:
        parts.append("第" + "、".join(section_cn(n) for n in sections) + "部分文字不同")
    return "，".join(parts)


@rule("PUB-MODIFIED", Severity.WARNING, "报告发布后被修改：%(url)s 先后取得的内容不同，%(what)s。")
def rule_pub_modified(report: Report, emit: Emit, ctx: CheckContext | None = None) -> Iterator[Finding]:
    """PUB-MODIFIED：报告发布后被修改，或不同位置发布的同一报告内容不一致

    规则
        采集时，同一网址先后取得的两份报告文件，或同一单位同一年度在不同网址取得的两份报告文件（如网页正文
        与 PDF 附件），比较二者的 200 个单元格（取值和空白）和六个部分的正文（忽略空白）：有不同即提示，
        列出取值不同的单元格（原值、现值）和文字不同的部分。只是重新保存、内容相同的文件不算修改。

    原因
        年报发布后应保持原貌；确需更正的，应发布更正说明。悄悄修改已发布的年报，或网页与附件两个版本的数字
        不一致，公众和监督部门无从知道哪一份是准确的。评估中对“发布后被修改”单独记录。

    不合格示例
        1 月 20 日取得的年报“本年新收申请”总计 1 件，2 月 10 日同一网址的文件改为 9 件，没有更正说明。

    合格示例
        同一网址两次取得的文件内容相同；网页正文与 PDF 附件的数字和文字一致。

    无法判断
        报告不是采集得来的，或只取得过一份文件。

    依据
        《政府信息公开条例》第四十九条（按时发布年度报告）；国办公开办函〔2021〕30号（年报内容真实准确）。
    """
    earlier = ctx.earlier if ctx is not None else None
    if not earlier:
        yield emit.not_assessable(missing=["earlier_copy"], reason="报告不是采集得来的，或只取得过一份文件")
        return
    for copy in earlier:
        cells, sections = _differences(report, copy.report)
        if not cells and not sections:
            continue
        ev: Evidence = {
            "report": {"source": report.source, "unit": report.unit, "year": report.year},
            "copies": [_copy(copy)], "changed_cells": cells, "changed_sections": sections,
        }
        what = _what(cells, sections)
        if copy.same_address:
            yield emit.fail(excerpt=copy.url, evidence=ev, url=copy.url, what=what)
        else:
            yield emit.fail(excerpt=copy.url, evidence=ev, url=copy.url, what=what,
                            template="同一报告在另一处发布的文件（%(url)s）与本报告内容不一致，%(what)s。")


def _copy(copy: EarlierCopy) -> dict:
    return {"url": copy.url, "same_address": copy.same_address, "fetched_at": copy.fetched_at,
            "report_id": copy.report_id, "source": copy.report.source}
