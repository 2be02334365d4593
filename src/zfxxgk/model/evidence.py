"""A finding's evidence: one declared shape, with the Chinese name of every key.

Evidence is stored and served as JSON, so it stays a dict; :class:`Evidence` declares every key a
rule may put there, with its type, and :data:`EVIDENCE_CN` names each one for readers (the report
page, 意见书). A rule's message values that are not evidence in their own right (``q``, ``t``…,
placeholders of the message template) travel under ``fields``: the message already shows them.
A test runs every rule case and refuses a key that is not declared here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final, NotRequired, TypedDict

from .units import UnitType


class SpanJSON(TypedDict):
    """Where a value or text is in the source (``Span.to_dict``): lines are 1-based, 0 = unknown."""

    line: int
    col: int
    end_line: int
    end_col: int
    locator: NotRequired[str]  # page or sheet locator, when the source has one


class CellJSON(TypedDict):
    """A cell as evidence (``Cell.to_dict``): value is None for a blank, never 0."""

    id: str
    state: str
    value: int | float | None
    raw: str | None
    span: SpanJSON | None


class Evidence(TypedDict, total=False):
    """Every key a finding's evidence may hold (all optional; a rule sets those it has)."""

    rule_id: str
    severity: str
    expected: Any  # what the rule expected: a number, a text or a list
    actual: Any  # what the report has (None: absent)
    diff: int | float | None
    cells: list[CellJSON]
    previous_cells: list[CellJSON]
    span: SpanJSON | None
    text: Any  # a quoted text, or the prose clauses (section, line, clause, offsets, number)
    section: int | str
    section_present: bool
    title: str | None
    heading: str
    periods: list[Any]
    keywords: list[str]
    missing: Any  # what a not-assessable instance lacked (cell ids, sections)
    reason: str
    threshold: float | None
    table: str | None
    block: str
    row: str
    rows: list[str]
    col: str
    cell: str
    cell_count: int
    label: str
    labels: str
    suffix: bool
    searched: list[str]
    quantity: str
    found: str
    standard: str
    raw: str
    values: str
    unit: str
    unit_type: str
    unit_type_source: str
    deadline: str
    deadline_source: str
    deadline_setting: str
    date: str
    date_kind: str
    basis: str
    start: str
    end: str
    year: int | str | None
    year_basis: str
    previous: Any  # the previous year's report (source, or a summary)
    previous_year: int | None
    prev_year: int
    prior: int | float | str | None
    implied: dict[str, Any]
    implied_prior: str
    note: dict[str, Any]  # the parser's note behind a PARSE-/STRUCT- finding
    report: dict[str, Any]
    formula: str
    lhs: str
    rhs: str
    agree: bool
    bound: bool
    item: str
    topic: str
    instantiated: str
    marker: str
    markers: list[str]
    min_run: int
    rate: float
    snippet: str
    said: str
    verb: str
    what: str
    where: str
    type: str
    rule: str
    peers: list[dict[str, Any]]  # other units' reports of the same year (unit, report_id, source, year, rate)
    peer_count: int
    copies: list[dict[str, Any]]  # the other collected files of the report (url, same_address, fetched_at, report_id)
    changed_cells: list[dict[str, Any]]  # cells whose values differ between two copies (id, before, after)
    changed_sections: list[int]  # sections whose text differs between two copies
    fields: dict[str, Any]  # the message's own values (template placeholders)


EVIDENCE_KEYS: Final = frozenset(Evidence.__annotations__)

EVIDENCE_CN: Final[dict[str, str]] = {
    "rule_id": "规则", "severity": "严重程度", "expected": "应为", "actual": "实为", "diff": "差额",
    "cells": "单元格", "previous_cells": "上年单元格", "span": "原文位置", "text": "原文", "section": "部分",
    "section_present": "部分存在", "title": "标题", "heading": "标题行", "periods": "统计期间",
    "keywords": "关键词", "missing": "缺少", "reason": "原因", "threshold": "阈值", "table": "表格",
    "block": "栏组", "row": "行", "rows": "行", "col": "栏", "cell": "单元格", "cell_count": "单元格数",
    "label": "标签", "labels": "标签", "suffix": "表尾缺失", "searched": "查找范围", "quantity": "数量",
    "found": "所见写法", "standard": "标准写法", "raw": "原文", "values": "数值", "unit": "单位",
    "unit_type": "单位类型", "unit_type_source": "单位类型依据", "deadline": "公开期限",
    "deadline_source": "期限依据", "deadline_setting": "期限设置", "date": "日期", "date_kind": "日期类型",
    "basis": "依据", "start": "起始", "end": "截止", "year": "年度", "year_basis": "年度依据",
    "previous": "上年报告", "previous_year": "上年年度", "prev_year": "上年年度", "prior": "上年数值",
    "implied": "推算值", "implied_prior": "上年推算", "note": "解析记录", "report": "报告", "formula": "公式",
    "lhs": "左边", "rhs": "右边", "agree": "一致", "bound": "下限", "item": "事项", "topic": "主题",
    "instantiated": "套用模板", "marker": "标记", "markers": "标记", "min_run": "最短重复长度",
    "rate": "比例", "snippet": "片段", "said": "表述", "verb": "动词", "what": "内容", "where": "位置",
    "type": "类型", "rule": "规则", "peers": "重复的其他单位报告", "peer_count": "单位数",
    "copies": "其他取得的文件", "changed_cells": "取值不同的单元格", "changed_sections": "文字不同的部分", "fields": "消息参数",
}


def spans(value: Any) -> Iterator[SpanJSON]:
    """Every source span anywhere in a finding's evidence (cells, clauses, notes)."""
    if isinstance(value, dict):
        span = value.get("span")
        if isinstance(span, dict) and isinstance(span.get("line"), int):
            yield span  # type: ignore[misc]  # a span dict by its keys
        for k, v in value.items():
            if k != "span":
                yield from spans(v)
    elif isinstance(value, list):
        for v in value:
            yield from spans(v)


# Coded values some evidence keys hold, in words for readers (the codes stay in the stored evidence).
_VALUE_CN: Final[dict[str, dict[str, str]]] = {
    "unit_type": {t.value: t.cn for t in UnitType},
    "unit_type_source": {"settings": "检查设置或单位名录", "name": "按单位名称推断", "": "无法判断"},
    "year_basis": {"report": "报告标题", "period": "统计期间"},
}


def value_cn(key: str, value: Any) -> Any:
    """An evidence value as a reader should see it: coded values (``township``) in words."""
    names = _VALUE_CN.get(key)
    if names is not None and isinstance(value, str):
        return names.get(value, value)
    return value

