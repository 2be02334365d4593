"""The review's documents: a unit's 审核意见书 / 工作建议书 and a region's 通报 (DOCX, PDF or HTML).

The content comes from the store only (findings, review decisions, 整改 items, verdicts) and the date
is given, so the same state of the store gives the same document, byte for byte (render/official.py).
Every rate is printed with its formula and its operands, so a reader can check it by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..model import CELL, SEVERITY_CN
from ..model.evidence import EVIDENCE_CN, value_cn
from ..model.ids import cell_label
from ..render.official import MEDIA_TYPES as OFFICIAL_MEDIA
from ..render.official import Block, Card, OfficialDocument, render_official
from ..store import Store, StoreError
from ..store import rectify as records
from ..store.queries import report_views
from ..store.rectify import Item, ReportTally
from ..store.reviewing import awaits_decision

KINDS = ("审核意见书", "工作建议书")
FORMATS = ("docx", "pdf", "html")
MEDIA_TYPES = {**OFFICIAL_MEDIA, "html": "text/html; charset=utf-8"}
DEFAULT_ISSUER = "政府信息公开工作年度报告审核组"

# advice by the rule's family (its id's first part), in this order (工作建议书)
ADVICE = (
    ("T2", "认真核对表二“主动公开政府信息情况”的各项数据，确保与本年度实际制发、公开情况一致。"),
    ("T3", "严格按照表三的勾稽关系（本年新收＋上年结转＝办理结果总计＋结转下年度，各类申请人之和等于总计）核对数据后再报送。"),
    ("T4", "核对表四行政复议、行政诉讼数据，结果纠正、维持、其他结果、尚未审结之和应等于总计。"),
    ("XY", "注意与上一年度报告的衔接：本年“上年结转”应与上年“结转下年度”一致。"),
    ("SEC", "按照年度报告格式要求完整撰写各部分内容，如实说明存在的主要问题、改进情况和上年度问题的整改情况。"),
    ("HDR", "完善报告标题、落款、发布日期、联系方式等基本要素。"),
    ("DATE", "按规定时限（每年1月31日前）发布年度报告，落款日期与发布日期应当一致、合理。"),
    ("PUB", "按规定时限（每年1月31日前）发布年度报告，落款日期与发布日期应当一致、合理。"),
    ("STRUCT", "使用国务院办公厅规定的统一格式和表格样式，不得删减、合并表格的行列。"),
    ("PARSE", "报送可复制文字的电子文件，表格数字应当清晰可辨，避免扫描件或图片。"),
    ("XU", "结合本单位实际撰写报告，避免照搬其他单位的文字。"),
    ("VAL", "表格中的数值应为非负整数，收费金额以“万元”为单位并保留合理精度。"),
)


def chinese_date(day: dt.date) -> str:
    """``2025年3月1日`` (official documents write the date without leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- numbers with their formulas --------------------------------------------------------------


def _pct(num: int, den: int) -> Decimal | None:
    if den <= 0:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _avg(num: int, den: int) -> Decimal | None:
    if den <= 0:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _signed(d: Decimal | int) -> str:
    return f"+{d}" if d > 0 else str(d)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One figure of a year: a count, a rate (%) or an average, with its operands."""

    key: str
    label: str
    kind: str  # count | rate | average
    num: int
    den: int = 0
    num_label: str = ""
    den_label: str = ""

    @property
    def value(self) -> Decimal | int | None:
        """The figure (None: nothing to divide by)."""
        if self.kind == "count":
            return self.num
        return _pct(self.num, self.den) if self.kind == "rate" else _avg(self.num, self.den)

    def text(self) -> str:
        """The figure as printed."""
        v = self.value
        if v is None:
            return "—"
        return f"{v}%" if self.kind == "rate" else str(v)

    def formula(self) -> str:
        """How it is computed, with this year's operands."""
        if self.kind == "count":
            return self.num_label
        tail = " × 100%" if self.kind == "rate" else ""
        return f"{self.num_label} {self.num} ÷ {self.den_label} {self.den}{tail}"


def _change(now: Indicator, before: Indicator | None) -> str:
    """The year-over-year change: counts in units, rates in percentage points."""
    if before is None or before.value is None:
        return "同比：上年无可比数据"
    if now.value is None:
        return f"同比：本年无可计算数据（上年 {before.text()}）"
    diff = Decimal(now.value) - Decimal(before.value)
    if diff == 0:
        return f"同比：持平（上年 {before.text()}）"
    unit = " 个百分点" if now.kind == "rate" else ""
    return f"同比：{_signed(diff)}{unit}（上年 {before.text()}）"


def indicators(tallies: Sequence[ReportTally], items: Sequence[Item], passed: int, decided: int,
               today: dt.date) -> list[Indicator]:
    """The 通报's figures for one year's reports, items and verdicts."""
    reports = len(tallies)
    findings = sum(t.findings for t in tallies)
    errors = sum(t.errors for t in tallies)
    with_errors = sum(1 for t in tallies if t.errors)
    confirmed = sum(t.confirmed for t in tallies)
    reviewed = confirmed + sum(t.rejected for t in tallies)
    done = sum(1 for i in items if i.status == "done")
    overdue = sum(1 for i in items if i.overdue(today))
    return [
        Indicator("reports", "报告数", "count", reports, num_label="各单位当前版本报告的份数"),
        Indicator("findings", "问题总数", "count", findings, num_label="错误、警告、提示三级问题之和"),
        Indicator("errors", "错误级问题数", "count", errors, num_label="“错误”级问题的个数"),
        Indicator("error_rate", "有错误报告占比", "rate", with_errors, reports, "有错误级问题的报告数", "报告数"),
        Indicator("average", "平均每份报告问题数", "average", findings, reports, "问题总数", "报告数"),
        Indicator("confirm_rate", "问题确认率", "rate", confirmed, reviewed, "已确认问题数", "已审核问题数"),
        Indicator("items", "整改事项数", "count", len(items), num_label="由已确认问题列入整改的事项数"),
        Indicator("done_rate", "整改完成率", "rate", done, len(items), "已整改事项数", "整改事项数"),
        Indicator("pass_rate", "审核通过率", "rate", passed, decided, "审核结论为“通过”的报告数", "已作出审核结论的报告数"),
        Indicator("overdue", "逾期未整改事项数", "count", overdue, num_label=f"截至{chinese_date(today)}超过整改期限仍未整改的事项数"),
    ]


# --- evidence in words --------------------------------------------------------------------------


def _value(v: Any) -> str:
    if v is None:
        return "（空）"
    if isinstance(v, str):
        return v
    if isinstance(v, list) and all(isinstance(x, str | int | float) for x in v):
        return "、".join(map(str, v))  # keywords, expected phrases: a list as a reader writes it
    return json.dumps(v, ensure_ascii=False, default=str)


def _cells(cells: Any) -> str:
    out = []
    for c in cells if isinstance(cells, list) else []:
        if isinstance(c, dict) and c.get("id") in CELL:
            out.append(f"{cell_label(c['id'])} = {_value(c.get('value'))}")
    return "；".join(out)


# bookkeeping, the message's own values and the rule's inner terms (cell ids, flags): not for a reader
HIDDEN = frozenset({"rule_id", "severity", "span", "fields", "note", "formula", "lhs", "rhs", "agree", "bound"})


def evidence_text(evidence: dict[str, Any], limit: int = 400) -> str:
    """A finding's evidence in one line for a reader: Chinese names, cells by their labels, the source lines."""
    parts: list[str] = []
    lines = sorted({s["line"] for s in _spans(evidence) if s.get("line")})
    for key, v in evidence.items():
        if key in HIDDEN or v in (None, "", [], {}):
            continue
        if key in ("cells", "previous_cells"):
            text = _cells(v)
        else:
            text = _value(_strip(value_cn(key, v)))
        if text:
            parts.append(f"{EVIDENCE_CN.get(key, key)}：{text}")
    if lines:
        shown = "、".join(map(str, lines[:8])) + ("等" if len(lines) > 8 else "")
        parts.append(f"原文位置：第 {shown} 行")
    text = "；".join(parts)
    return text if len(text) <= limit else text[:limit] + "…"


def _spans(v: Any) -> list[dict]:
    from ..model.evidence import spans

    return [dict(s) for s in spans(v)]


def _strip(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip(x) for k, x in v.items() if k != "span"}
    if isinstance(v, list):
        return [_strip(x) for x in v]
    return v


# --- 审核意见书 / 工作建议书 ------------------------------------------------------------------------


def opinion(store: Store, report_id: int, *, kind: str = "审核意见书", issuer: str = DEFAULT_ISSUER,
            day: dt.date) -> OfficialDocument:
    """A unit's 审核意见书 (or 工作建议书) on a report version: verdict, findings with evidence, 整改 items."""
    if kind not in KINDS:
        raise StoreError(f"文书类型应为：{'、'.join(KINDS)}")
    view = report_views(store, [report_id])
    if not view:
        raise StoreError(f"没有编号为 {report_id} 的报告")
    v = view[0]
    unit = v.name
    year = f"{v.year}年" if v.year else ""
    found = store.findings(report_id)
    verdict = records.verdict(store, report_id)
    items = records.items(store, report_id=report_id)
    blocks: list[Block] = [Block("paragraph", text=f"经审核你单位报送的{year}政府信息公开工作年度报告（报告编号 {report_id}，"
                                                   f"来源文件《{v.source_name}》，第 {v.version} 版数据），现将{kind[:-1]}反馈如下。")]
    blocks.append(Block("heading", text="一、审核结论"))
    if verdict is None:
        blocks.append(Block("paragraph", text="尚未作出审核结论。"))
    else:
        blocks.append(Block("paragraph", text=f"审核结论：{verdict.verdict_cn}（审核人：{verdict.reviewer}）。"))
        if verdict.reasons:
            blocks.append(Block("paragraph", text="退回修改的原因：" if verdict.verdict == "return" else "说明："))
            blocks.append(Block("items", lines=tuple(verdict.reasons)))
    blocks.append(Block("heading", text="二、发现的问题"))
    counts = {s: sum(1 for f, _ in found if f.severity == s) for s in ("error", "warning", "info")}
    decided = [d.decision for _, d in found if d is not None]
    waiting = sum(1 for f, d in found if awaits_decision(f.severity, d.decision if d is not None else None))
    blocks.append(Block("paragraph", text=(
        f"系统校验发现问题 {len(found)} 个（错误 {counts['error']} 个、警告 {counts['warning']} 个、提示 {counts['info']} 个），"
        f"经人工审核确认 {decided.count('confirmed')} 个、驳回 {decided.count('rejected')} 个，"
        f"待审核的错误、警告 {waiting} 个（提示无需审核）。以下列出除已驳回以外的错误、警告级问题及已确认的提示级问题。")))
    order = {"error": 0, "warning": 1, "info": 2}
    shown = [(f, d) for f, d in found
             if not (d is not None and d.decision == "rejected")
             and (f.severity != "info" or (d is not None and d.decision == "confirmed"))]
    shown.sort(key=lambda fd: (order.get(fd[0].severity, 3), fd[0].id))
    if not shown:
        blocks.append(Block("paragraph", text="未发现需要说明的问题。"))
    rows = []
    for n, (f, d) in enumerate(shown, 1):
        state = "已确认" if d is not None and d.decision == "confirmed" else "待审核"
        rows.append((str(n), SEVERITY_CN.get(f.severity, f.severity), f"{f.message}（规则 {f.rule}）",
                     evidence_text(dict(f.evidence or {})) or "—", state))
    if rows:
        blocks.append(Block("table", header=("序号", "级别", "问题", "证据", "审核"), rows=tuple(rows),
                            widths=(7, 8, 37, 38, 10)))
    number = "三"
    if items:
        blocks.append(Block("heading", text=f"{number}、整改要求"))
        blocks.append(Block("paragraph", text="下列问题已列入整改，请责任单位在整改期限前完成整改并重新报送年度报告。"
                                              "新版本报送后系统将自动复查：问题不再出现的事项自动标记为“已整改”。"))
        blocks.append(Block("table", header=("序号", "问题", "责任单位", "整改期限", "状态"),
                            rows=tuple((str(i), it.message, it.responsible, it.due_on.isoformat() if it.due_on else "未定",
                                        it.status_cn + ("（已逾期）" if it.overdue(day) else ""))
                                       for i, it in enumerate(items, 1)),
                            widths=(7, 45, 20, 13, 15)))
        number = "四"
    if kind == "工作建议书" or not items:
        families = {f.rule.split("-", 1)[0] for f, _ in shown}
        advice = list(dict.fromkeys(text for prefix, text in ADVICE if prefix in families))
        advice.append("对照《中华人民共和国政府信息公开条例》和年度报告格式要求，建立报告编制、审核、发布的内部复核机制。")
        blocks.append(Block("heading", text=f"{number}、工作建议"))
        blocks.append(Block("items", lines=tuple(advice)))
    blocks.append(Block("note", text="本文书由系统根据校验结果、审核结论和整改记录生成；问题的完整证据可在系统报告页面查看。"))
    title = f"关于{unit}{year}政府信息公开工作年度报告的{kind}"
    return OfficialDocument(title, subtitle="", addressee=f"{unit}：", blocks=blocks,
                            signature=(issuer, chinese_date(day)))


# --- 通报 ---------------------------------------------------------------------------------------


def _ranks(tallies: Sequence[ReportTally]) -> list[tuple[int, ReportTally]]:
    """By errors, then all findings, most first; ties share a rank (1, 2, 2, 4)."""
    ordered = sorted(tallies, key=lambda t: (-t.errors, -t.findings, t.unit, t.report_id))
    out: list[tuple[int, ReportTally]] = []
    for i, t in enumerate(ordered):
        rank = out[-1][0] if out and (out[-1][1].errors, out[-1][1].findings) == (t.errors, t.findings) else i + 1
        out.append((rank, t))
    return out


def notice(store: Store, year: int, *, region: str | int | None = None, within: int | None = None,
           issuer: str = DEFAULT_ISSUER, day: dt.date, number: str = "") -> OfficialDocument:
    """A region's 通报 on a year's reports: indicator cards with formulas and year-over-year changes, the
    ranking by errors, and the open 整改 items.
    """
    area = records.area(store, region, within)
    place = area.path.rsplit("/", 1)[-1] if area.path else ""
    now = records.tallies(store, year, area.unit_ids)
    before = records.tallies(store, year - 1, area.unit_ids)
    items_now = records.items(store, year=year, unit_ids=area.unit_ids)
    items_before = records.items(store, year=year - 1, unit_ids=area.unit_ids)

    def verdict_counts(ts: Sequence[ReportTally]) -> tuple[int, int, dict[int, str]]:
        latest = {rid: vs[-1] for rid, vs in records.verdicts(store, [t.report_id for t in ts]).items()}
        return (sum(1 for v in latest.values() if v.verdict == "pass"), len(latest),
                {rid: v.verdict_cn for rid, v in latest.items()})

    passed, decided, verdict_of = verdict_counts(now)
    passed0, decided0, _ = verdict_counts(before)
    figures = indicators(now, items_now, passed, decided, day)
    previous = {i.key: i for i in indicators(before, items_before, passed0, decided0, day)} if before else {}
    blocks: list[Block] = []
    scope = f"{place}" if place else ""
    blocks.append(Block("paragraph", text=(
        f"根据《中华人民共和国政府信息公开条例》和年度报告格式要求，现对{scope}各单位{year}年政府信息公开工作年度报告的"
        f"审核情况通报如下。本通报以各单位当前版本报告为准，共 {len(now)} 份。")))
    blocks.append(Block("heading", text="一、总体情况"))
    blocks.append(Block("cards", cards=tuple(Card(f.label, f.text(), f.formula(), _change(f, previous.get(f.key)))
                                             for f in figures)))
    blocks.append(Block("note", text="同比：与上一年度同一范围内各单位当前版本报告相比；比率的变化以百分点计。"
                                     "“—”表示分母为 0、无法计算。"))
    blocks.append(Block("heading", text="二、各单位问题排名"))
    blocks.append(Block("paragraph", text="按“错误”级问题数从多到少排列；错误数相同的按问题总数排列，两者都相同的名次并列。"))
    ranked = _ranks(now)
    if ranked:
        blocks.append(Block("table", header=("名次", "单位", "错误", "警告", "提示", "合计", "已确认", "审核结论"),
                            rows=tuple((str(r), t.unit, str(t.errors), str(t.warnings), str(t.infos), str(t.findings),
                                        str(t.confirmed), verdict_of.get(t.report_id, "未审核"))
                                       for r, t in ranked),
                            widths=(7, 33, 8, 8, 8, 8, 10, 18)))
    else:
        blocks.append(Block("paragraph", text="本年度没有报告。"))
    blocks.append(Block("heading", text="三、尚未完成的整改事项"))
    open_items = [i for i in items_now if i.open]
    if open_items:
        blocks.append(Block("table", header=("序号", "单位", "问题", "责任单位", "整改期限", "状态"),
                            rows=tuple((str(n), i.unit, i.message, i.responsible,
                                        i.due_on.isoformat() if i.due_on else "未定",
                                        i.status_cn + ("（已逾期）" if i.overdue(day) else ""))
                                       for n, i in enumerate(open_items, 1)),
                            widths=(6, 20, 36, 16, 11, 11)))
    else:
        blocks.append(Block("paragraph", text="无。"))
    blocks.append(Block("heading", text="四、工作要求"))
    blocks.append(Block("items", lines=(
        "各单位要对照问题清单逐项整改，在整改期限前重新报送年度报告；系统将自动复查并更新整改状态。",
        "问题较多的单位要认真分析原因，建立报告编制、审核、发布的内部复核机制，避免同类问题再次发生。",
        "对逾期未整改的事项，将在下一期通报中继续通报。",
    )))
    title = f"关于{place}{year}年度政府信息公开工作年度报告审核情况的通报"
    return OfficialDocument(title, subtitle=number, addressee="各有关单位：", blocks=blocks,
                            signature=(issuer, chinese_date(day)))


def write(doc: OfficialDocument, fmt: str) -> bytes:
    """The document as ``docx``, ``pdf`` or ``html``."""
    if fmt not in FORMATS:
        raise StoreError(f"不支持的格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    return render_official(doc, fmt)


def file_name(doc: OfficialDocument, fmt: str) -> str:
    """The document's title as its file name."""
    return f"{doc.title}.{fmt}"
