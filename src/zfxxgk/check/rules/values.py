"""Cell values of all three tables (spec §4.2 VAL-*): one finding per offending cell.

A null (blank, placeholder, text) is never 0. When no table was found at all, the value rules
are not assessable rather than passing on 200 absent cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ...model import CellState, Finding, NoteKind, Report, Severity
from ...model.ids import CELL, cell_phrase, t2
from ..registry import Emit, rule
from ._cells import cell_facts
from ._common import no_table_found, note_evidence, notes_of

FEE = t2("fee", "amount")


def _cell_finding(report: Report, emit: Emit, cell_id: str, **fields: Any) -> Finding:
    cell = report.cells[cell_id]
    return emit.fail(
        cells=[cell_id],
        excerpt=cell_id,
        evidence={"cells": [cell.to_dict()], "span": cell.span.to_dict() if cell.span else None,
                  "actual": cell.raw},
        cell=cell_phrase(cell_id),
        raw=cell.raw if cell.raw is not None else "",
        **fields,
    )


@rule("VAL-NEGATIVE", Severity.ERROR, "%(cell)s为负数（%(raw)s），应为非负数。")
def rule_val_negative(report: Report, emit: Emit) -> Iterator[Finding]:
    """VAL-NEGATIVE：表格中出现负数

    规则
        表二、表三、表四任一单元格的数值小于 0 时，每个单元格报告一次。

    原因
        表格中的件数、案件数和收费金额都不可能为负；负数多为录入错误，
        或把“减少”“同比下降”写进了表格。

    不合格示例
        表三“（一）予以公开”行“自然人”栏填“-3”。

    合格示例
        填“0”或正整数。

    无法判断
        报告中一张表格都没有时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §3.1。
    """
    if (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for i in cell_facts(report).suspects:  # every other cell holds a non-negative int or nothing
        v = report.cells[i].value
        if v is not None and v < 0:
            yield _cell_finding(report, emit, i)


@rule("VAL-NOT-INTEGER", Severity.ERROR, "%(cell)s应为整数（件），原文为“%(raw)s”。")
def rule_val_not_integer(report: Report, emit: Emit) -> Iterator[Finding]:
    """VAL-NOT-INTEGER：件数不是整数

    规则
        除表二“行政事业性收费”的收费金额（单位：万元，可有小数）外，每个单元格都是件数，
        数值带有小数部分时每个单元格报告一次（“1.0”视为整数 1）。

    原因
        件数只能是整数；小数多为把金额、百分比填进件数栏，或千分位逗号被误写成小数点。

    不合格示例
        表二“规章”行“本年制发件数”栏填“1.5”。

    合格示例
        件数栏填“2”；“行政事业性收费”收费金额填“0.35”（万元）。

    无法判断
        报告中一张表格都没有时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §3.1。
    """
    if (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for i in cell_facts(report).suspects:  # every other cell holds an int or nothing
        v = report.cells[i].value
        if isinstance(v, Decimal) and v != v.to_integral_value() and not CELL[i].decimal:
            yield _cell_finding(report, emit, i)


def _reported_elsewhere(report: Report) -> set[str]:
    """Cells already reported by PARSE-ROW-AMBIGUOUS or VAL-FEE-UNIT (not reported twice)."""
    skip: set[str] = set()
    for kind in (NoteKind.ROW_AMBIGUOUS, NoteKind.OCR_LOW_CONFIDENCE):
        for note in notes_of(report, kind):
            skip.update(str(c) for c in note.data.get("cells", ()))
    fee = report.cells[FEE]
    for note in notes_of(report, NoteKind.FEE_UNIT):
        same_span = note.span is not None and fee.span is not None and note.span == fee.span
        same_text = fee.raw is not None and "".join(fee.raw.split()) == "".join(str(note.data.get("unit", "")).split())
        if same_span or same_text:
            skip.add(FEE)
    return skip


@rule("VAL-TEXT", Severity.WARNING, "%(cell)s内容“%(raw)s”不是数字，按未填报处理。")
def rule_val_text(report: Report, emit: Emit) -> Iterator[Finding]:
    """VAL-TEXT：数值栏中是文字或无法识别的内容

    规则
        单元格内容不是数字、空白或占位符（如文字、识别错误的字母“O”“l”“?”），
        或因错位无法识别时，每个单元格报告一次，该单元格按未填报处理。
        已由 PARSE-ROW-AMBIGUOUS（整行错位）或 VAL-FEE-UNIT（收费金额带单位）报告的单元格不再重复报告。

    原因
        文字不能参与计算；不会把字母自动改成数字（“O”不一定是 0），应由人工核对原文。

    不合格示例
        表三“（一）予以公开”行“总计”栏识别为“O”。

    合格示例
        填“0”。

    无法判断
        报告中一张表格都没有时无法判断。

    依据
        zfxxgk 规范 §3.1（不自动纠正字母为数字）。
    """
    if (na := no_table_found(report, emit)) is not None:
        yield na
        return
    text_like = cell_facts(report).text_like
    if not text_like:
        return
    skip = _reported_elsewhere(report)
    for i in text_like:
        if i not in skip:
            yield _cell_finding(report, emit, i)


@rule("VAL-PLACEHOLDER", Severity.INFO, "%(cell)s以“%(raw)s”填写，按未填报处理（不视为0）。")
def rule_val_placeholder(report: Report, emit: Emit) -> Iterator[Finding]:
    """VAL-PLACEHOLDER：数值栏以“/”“—”“无”等占位（提示）

    规则
        单元格填写“/”“—”“-”“不适用”“N/A”或“无”等占位内容时，每个单元格提示一次。

    原因
        占位内容通常表示“没有”，但格式要求填写数字（没有的填 0）；
        占位不视为 0，含占位的勾稽关系无法判断。

    不合格示例
        表四“行政复议”“结果纠正”栏填“/”。

    合格示例
        填“0”。

    无法判断
        报告中一张表格都没有时无法判断。

    依据
        zfxxgk 规范 §3.1。
    """
    if (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for i in cell_facts(report).placeholders:
        yield _cell_finding(report, emit, i)


@rule("VAL-FEE-UNIT", Severity.WARNING, "表二收费金额单位应为“万元”，原文为“%(unit)s”。")
def rule_val_fee_unit(report: Report, emit: Emit) -> Iterator[Finding]:
    """VAL-FEE-UNIT：表二收费金额的单位不是万元

    规则
        表二“本年收费金额”的表头单位不是“万元”（如“单位：元”），或收费金额单元格带有
        其他单位（如“5000元”）时，每处报告一次。“单元：万元”这类笔误单位仍是万元，
        由 STRUCT-LABEL-VARIANT 报告。

    原因
        格式规定收费金额以万元为单位；按元填写会使金额放大一万倍，汇总统计严重失真。

    不合格示例
        表头“本年收费金额（单位：元）”；或“行政事业性收费”栏填“5000元”。

    合格示例
        表头“本年收费金额（单位：万元）”，栏内填“0.5”。

    无法判断
        表二或其“行政事业性收费”行未找到（收费金额缺失）时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式 表二第二十条第（八）项。
    """
    notes = notes_of(report, NoteKind.FEE_UNIT)
    if not notes and report.cells[FEE].state is CellState.ABSENT:
        yield emit.not_assessable(missing=[FEE], reason="未找到表二收费金额")
        return
    for note in notes:
        unit = str(note.data.get("unit", ""))
        ev = note_evidence(report, note, [FEE])
        ev.update({"expected": "万元", "actual": unit})
        yield emit.fail(cells=[FEE], excerpt=unit, evidence=ev, unit=unit)
