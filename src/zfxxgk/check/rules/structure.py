"""Document structure (spec §4.1 STRUCT-*): the six sections, the three tables, their rows and labels."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import CellState, Finding, NoteKind, Report, Severity, Table
from ...model.ids import (
    SECTION_TITLES,
    TABLE_ROWS,
    TABLE_SECTION,
    cell_phrase,
    row_cells,
    row_label,
    section_heading,
)
from ..registry import Emit, rule
from ._cells import cell_facts
from ._common import (
    SECTION_MISSING,
    cells_evidence,
    label_note_findings,
    no_table_found,
    note_evidence,
    note_row_cells,
    notes_of,
    section_cn,
    table_name,
)

SECTION_NUMBERS = tuple(str(n) for n in SECTION_TITLES)
TABLE_KEYS = tuple(t.value for t in Table)

# The second case of STRUCT-SECTION-ORDER (spec §1.3 step 5): a table in another section.
TABLE_PLACE_MESSAGE = "%(table)s“%(title)s”位于%(where)s，应在第%(n)s部分“%(section)s”中，顺序不符合格式要求。"


@rule("STRUCT-SECTION-MISSING-{n}", Severity.ERROR, "缺少第%(n)s部分“%(title)s”。", params=SECTION_NUMBERS)
def rule_struct_section_missing(report: Report, emit: Emit, n: str) -> Iterator[Finding]:
    """STRUCT-SECTION-MISSING：缺少六个部分之一

    规则
        对第 n 部分（n = 1…6）：正文中应有一个被接受的章节标题（序号加标准标题或已知变体，
        见规范 §1.3）。表格行（如表三“四、结转下年度继续办理”）和只有序号的小标题不算。

    原因
        条例第五十条规定了年度报告的内容，国办公开办函〔2021〕30号格式据此分为六个部分，
        “不能遗漏”。缺少一个部分通常意味着内容缺失或报告被截断。

    不合格示例
        表三之后直接是“五、存在的主要问题及改进情况”，没有“四、政府信息公开行政复议、行政诉讼情况”。

    合格示例
        “一、总体情况”至“六、其他需要报告的事项”六个标题齐全。

    无法判断
        不存在无法判断的情形。

    依据
        《政府信息公开条例》第五十条；国办公开办函〔2021〕30号。
    """
    number = int(n)
    if number not in report.sections:
        yield emit.fail(
            excerpt=n,
            evidence={"section": number, "expected": section_heading(number)},
            n=section_cn(number),
            title=SECTION_TITLES[number],
        )


def _table_place(report: Report, t: Table) -> tuple[str, int] | None:
    """Where a misplaced table lies and the section it belongs in (None when in place or unknown)."""
    info = report.tables.get(t)
    expected = TABLE_SECTION[t]
    if info is None or expected not in report.sections or info.section == expected:
        return None
    if info.section is None:
        return "报告开头（第一部分之前）", expected
    return f"第{section_cn(info.section)}部分", expected


@rule(
    "STRUCT-SECTION-ORDER",
    Severity.WARNING,
    "第%(n)s部分“%(title)s”出现在第%(prev)s部分之前，顺序不符合格式要求。",
)
def rule_struct_section_order(report: Report, emit: Emit) -> Iterator[Finding]:
    """STRUCT-SECTION-ORDER：章节或表格顺序不符合格式

    规则
        已识别的章节按在正文中出现的先后，应为一、二、…、六的顺序；某一部分出现在编号更小的
        部分之前时报告一次。表二、表三、表四应分别位于第二、三、四部分中；表格位于其他部分
        （且它所属的部分存在）时另报告一次，消息为
        “表N“…”位于第m部分，应在第n部分“…”中，顺序不符合格式要求。”。

    原因
        格式规定了各部分的顺序和表格的位置；顺序错乱常见于复制拼接，也使读者难以查找。

    不合格示例
        正文依次为“一、总体情况”“三、收到和处理……”“二、主动公开……”；
        或表三出现在“二、主动公开政府信息情况”之下。

    合格示例
        六个部分依次出现，每张表位于其所属部分。

    无法判断
        已识别的章节少于两个且没有可定位的表格时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §1.3。
    """
    placed = {t: p for t in Table if (p := _table_place(report, t)) is not None}
    checked_tables = [t for t in Table if t in report.tables and TABLE_SECTION[t] in report.sections]
    if len(report.sections) < 2 and not checked_tables:
        missing = [SECTION_MISSING % n for n in SECTION_TITLES if n not in report.sections]
        yield emit.not_assessable(missing=missing, reason="已识别的章节少于两个")
        return
    highest = None
    for sec in sorted(report.sections.values(), key=lambda s: (s.span.line, s.number)):
        if highest is not None and sec.number < highest.number:
            yield emit.fail(
                excerpt=f"{highest.number}>{sec.number}",
                evidence={
                    "expected": list(range(1, 7)),
                    "actual": [s.number for s in sorted(report.sections.values(), key=lambda s: s.span.line)],
                    "span": highest.span.to_dict(),
                    "heading": highest.heading,
                },
                n=section_cn(highest.number),
                title=SECTION_TITLES[highest.number],
                prev=section_cn(sec.number),
            )
        if highest is None or sec.number > highest.number:
            highest = sec
    for t, (where, expected) in placed.items():
        info = report.tables[t]
        yield emit.fail(
            excerpt=f"{t.value}@{info.section}",
            evidence={"expected": expected, "actual": info.section, "span": info.span.to_dict()},
            template=TABLE_PLACE_MESSAGE,
            table=t.cn,
            title=t.title,
            where=where,
            n=section_cn(expected),
            section=SECTION_TITLES[expected],
        )


@rule("STRUCT-SECTION-NUMBER", Severity.WARNING, "标题“%(heading)s”的序号应为“%(expected)s”。")
def rule_struct_section_number(report: Report, emit: Emit) -> Iterator[Finding]:
    """STRUCT-SECTION-NUMBER：章节标题的序号与其标题不符

    规则
        已识别的章节标题，其前面印出的序号（一…六）应等于其标题在格式中的编号。
        例如“五、政府信息公开行政复议、行政诉讼情况”的序号应为“四”。

    原因
        序号错误多来自删减或调整章节后未重新编号，读者和统计工具会因此对错部分。

    不合格示例
        “三、政府信息公开行政复议、行政诉讼情况”。

    合格示例
        “四、政府信息公开行政复议、行政诉讼情况”。

    无法判断
        没有识别到任何章节标题时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式。
    """
    if not report.sections:
        yield emit.not_assessable(missing=[SECTION_MISSING % n for n in SECTION_TITLES], reason="未识别到章节标题")
        return
    for sec in sorted(report.sections.values(), key=lambda s: s.number):
        if sec.ordinal != sec.number:
            yield emit.fail(
                excerpt=sec.heading,
                evidence={"section": sec.number, "expected": sec.number, "actual": sec.ordinal,
                          "span": sec.span.to_dict()},
                heading=sec.heading,
                expected=section_cn(sec.number),
            )


@rule("STRUCT-SECTION-TITLE", Severity.INFO, "第%(n)s部分标题“%(heading)s”与格式标题“%(standard)s”不一致。")
def rule_struct_section_title(report: Report, emit: Emit) -> Iterator[Finding]:
    """STRUCT-SECTION-TITLE：章节标题措辞与格式不同（提示）

    规则
        章节标题是通过已知变体或相似度（≥ 0.8）识别的，而不是格式的标准标题原文时，
        每个部分提示一次。

    原因
        标题措辞不统一不影响数据，但不利于检索和比对；格式规定了标准标题。

    不合格示例
        “四、政府信息公开行政复议和行政诉讼情况”（标准为“行政复议、行政诉讼情况”）。

    合格示例
        “四、政府信息公开行政复议、行政诉讼情况”。

    无法判断
        没有识别到任何章节标题时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §1.1（已见变体）。
    """
    if not report.sections:
        yield emit.not_assessable(missing=[SECTION_MISSING % n for n in SECTION_TITLES], reason="未识别到章节标题")
        return
    for sec in sorted(report.sections.values(), key=lambda s: s.number):
        if sec.variant:
            yield emit.fail(
                excerpt=sec.heading,
                evidence={"section": sec.number, "expected": sec.standard, "actual": sec.heading,
                          "span": sec.span.to_dict()},
                n=section_cn(sec.number),
                heading=sec.heading,
                standard=sec.standard,
            )


@rule(
    "STRUCT-FORMAT-VERSION",
    Severity.ERROR,
    "表格采用2019年试行格式（%(marker)s），与%(year)s年度应使用的国办公开办函〔2021〕30号格式不符，未按2021格式校验。",
)
def rule_struct_format_version(report: Report, emit: Emit) -> Iterator[Finding]:
    """STRUCT-FORMAT-VERSION：表格采用2019年试行格式

    规则
        表格中出现2019年试行格式（国办公开办函〔2019〕60号）的标记，如表二表头“本年新制作数量”
        “本年新公开数量”“对外公开总数量”、行“其他对外管理服务事项”、“第二十条第（九）项”
        “政府集中采购”等。报告年度为2021年及以后为错误；2019、2020年度报告本应使用试行格式，
        仅作提示（年度不明时也仅作提示）。

    原因
        2021年度起应使用国办公开办函〔2021〕30号格式；两种格式的表二、表三栏目不同，
        按2021格式校验试行格式的表格会得出错误结论。

    不合格示例
        2022年度报告表二表头为“本年新制作数量、本年新公开数量、对外公开总数量”。

    合格示例
        表二表头为“本年制发件数、本年废止件数、现行有效件数”。

    无法判断
        不存在无法判断的情形。

    依据
        国办公开办函〔2021〕30号；国办公开办函〔2019〕60号；zfxxgk 规范 §1.4。
    """
    notes = notes_of(report, NoteKind.FORMAT_2019)
    if not notes:
        return
    markers = list(dict.fromkeys(str(n.data.get("marker", "")) for n in notes))
    year = report.year
    severity = Severity.ERROR if year is not None and year >= 2021 else Severity.INFO
    ev = note_evidence(report, notes[0])
    ev["markers"] = markers
    yield emit.fail(
        excerpt="、".join(markers),
        evidence=ev,
        severity=severity,
        marker="、".join(markers),
        year=year if year is not None else "本",
    )


@rule("STRUCT-TABLE-MISSING-{t}", Severity.ERROR, "未找到%(table)s“%(title)s”。", params=TABLE_KEYS)
def rule_struct_table_missing(report: Report, emit: Emit, t: str) -> Iterator[Finding]:
    """STRUCT-TABLE-MISSING：缺少表二、表三或表四

    规则
        报告中应有表 t（t = 表二、表三、表四）。所属部分存在而其中没有该表，或所属部分也缺失，
        都判为缺少；此时该表全部单元格为“缺失”，不按 0 处理。

    原因
        三张表是年度报告的法定统计内容（条例第五十条第一至三项）。缺表时相关勾稽校验均无法进行。

    不合格示例
        第四部分只有一句“本年度未发生行政复议、行政诉讼”，没有表四。

    合格示例
        表四按格式列出行政复议、行政诉讼的15个数值（均为0也应列出）。

    无法判断
        不存在无法判断的情形。

    依据
        《政府信息公开条例》第五十条；国办公开办函〔2021〕30号 年度报告格式。
    """
    table = Table(t)
    if table not in report.tables:
        yield emit.fail(
            excerpt=t,
            evidence={"table": t, "section": TABLE_SECTION[table],
                      "section_present": TABLE_SECTION[table] in report.sections},
            table=table.cn,
            title=table.title,
        )


@rule("STRUCT-TABLE-TRUNCATED-{t}", Severity.ERROR, "%(table)s缺少%(k)s行：%(labels)s。", params=TABLE_KEYS)
def rule_struct_table_truncated(report: Report, emit: Emit, t: str) -> Iterator[Finding]:
    """STRUCT-TABLE-TRUNCATED：表格缺少标准行

    规则
        表 t 已找到，但其中一个或多个标准行（表二6行、表三25行、表四3个栏组）在原文中不存在
        （该行全部单元格为“缺失”）。证据中 suffix=true 表示缺少的正是最后若干行（表格被截断）。

    原因
        缺行多因报告被截断、复制不全或删去了“不适用”的行。缺失不等于 0，相关勾稽校验无法进行。

    不合格示例
        表三在“1.本机关不掌握相关政府信息”之后结束，缺少其后12行。

    合格示例
        表三25行齐全（数值为0的行也列出）。

    无法判断
        表 t 未找到时无法判断（由 STRUCT-TABLE-MISSING 报告）。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §2.7 第 4 步。
    """
    table = Table(t)
    if table not in report.tables:
        yield emit.not_assessable(missing=[t], reason="未找到该表")
        return
    if not cell_facts(report).absent[table]:
        return  # no cell of the table is absent, so no row is
    order = [r.key for r in TABLE_ROWS[table]]
    absent = [k for k in order if all(report.cells[i].state is CellState.ABSENT for i in row_cells(table, k))]
    if not absent:
        return
    suffix = absent == order[len(order) - len(absent):]
    cells = [i for k in absent for i in row_cells(table, k)]
    info = report.tables[table]
    yield emit.fail(
        cells=cells,
        excerpt=f"{t}:" + ",".join(absent),
        evidence={"rows": absent, "suffix": suffix, "span": info.span.to_dict(),
                  "expected": len(order), "actual": len(order) - len(absent), "cell_count": len(cells)},
        table=table.cn,
        k=len(absent),
        labels="、".join(f"“{row_label(table, k)}”" for k in absent),
    )


@rule(
    "STRUCT-CELL-BLANK-{t}",
    Severity.WARNING,
    "%(table)s有%(k)s个单元格为空（%(cell_list)s），空白不等于0，相关校验无法进行。",
    params=TABLE_KEYS,
)
def rule_struct_cell_blank(report: Report, emit: Emit, t: str) -> Iterator[Finding]:
    """STRUCT-CELL-BLANK：表格中有空白单元格

    规则
        表 t 中有一个或多个单元格为空白（没有任何文字）时，每张表报告一次，列出全部空白单元格。
        “/”“—”“无”等占位内容不算空白（见 VAL-PLACEHOLDER）。

    原因
        空白不等于 0：可能是漏填，也可能是识别丢失。按 0 处理会掩盖错误或制造假错误，
        因此含空白的勾稽关系判为无法判断（仅一个空白时由 T3-IMPLIED/T4-IMPLIED 给出推算值）。

    不合格示例
        表三“一、本年新收政府信息公开申请数量”行“自然人”栏为空，总计为 1。

    合格示例
        表三全部单元格都填有数字（没有申请的填 0）。

    无法判断
        表 t 未找到时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §3.1。
    """
    table = Table(t)
    if table not in report.tables:
        yield emit.not_assessable(missing=[t], reason="未找到该表")
        return
    blank = cell_facts(report).blank[table]
    if blank:
        yield emit.fail(
            cells=blank,
            excerpt=t,
            evidence={"cells": cells_evidence(report, blank)},
            table=table.cn,
            k=len(blank),
            # the message names at most ten cells; the evidence and ``cells`` hold them all
            cell_list="、".join(cell_phrase(i, with_table=False) for i in blank[:10]) + ("等" if len(blank) > 10 else ""),
        )


@rule("STRUCT-LABEL-VARIANT", Severity.WARNING, "“%(found)s”应为标准表述“%(standard)s”。")
def rule_struct_label_variant(report: Report, emit: Emit) -> Iterator[Finding]:
    """STRUCT-LABEL-VARIANT：表格标签与标准表述不一致

    规则
        表格的行名、栏目名是通过已知变体（规范 §2.4）或相似度（≥ 0.8）识别的，
        而不是标准表述时，每处报告一次。只差空格、换行、全角半角或“<br>”的不报告；
        收费金额表头的单位不是万元（如“单位：元”）时由 VAL-FEE-UNIT 报告，此处不重复报告。

    原因
        标签改写会改变统计口径的含义（如“社会组织”不等于“社会公益组织”），
        也可能是错别字（“本年度止件数”）；应按格式的标准表述填写。

    不合格示例
        表三栏目“社会组织”；表三行“二、上年转结政府信息公开申请数量”。

    合格示例
        “社会公益组织”；“二、上年结转政府信息公开申请数量”。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §2.4。
    """
    fee_units = {n.span for n in notes_of(report, NoteKind.FEE_UNIT) if n.span is not None}
    notes = notes_of(report, NoteKind.LABEL_VARIANT)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        if note.span is not None and note.span in fee_units:
            continue  # a wrong fee unit in the header is VAL-FEE-UNIT's finding
        found = str(note.data.get("found", ""))
        standard = str(note.data.get("standard", ""))
        ev = note_evidence(report, note)
        ev.update({"expected": standard, "actual": found})
        yield emit.fail(excerpt=f"{note.table}:{found}", evidence=ev, found=found, standard=standard)


@rule("STRUCT-ROW-UNKNOWN", Severity.WARNING, "%(table)s出现非标准行“%(label)s”，未纳入校验。")
def rule_struct_row_unknown(report: Report, emit: Emit) -> Iterator[Finding]:
    """STRUCT-ROW-UNKNOWN：表格中有非标准行

    规则
        表格中一行带有数值，但其标签不是任何标准行（也不是已知变体，相似度 < 0.8），
        且无法按位置推定时，每行报告一次。该行数值不纳入任何校验。

    原因
        自行增加的行或严重改写的标签使数据无法对应到格式的项目，统计时会被遗漏。

    不合格示例
        表三中出现“（八）转送其他机关办理⇥1⇥0⇥0⇥0⇥0⇥0⇥1”。

    合格示例
        表三只有格式规定的25行。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式；zfxxgk 规范 §2.7 第 1 步。
    """
    yield from label_note_findings(report, emit, NoteKind.ROW_UNKNOWN)


def _row_values(report: Report, cells: list[str]) -> str:
    """The values a row holds now (the first occurrence), as “1/0/…”."""
    return "/".join(report.cells[i].raw or "空白" if report.cells[i].value is None else str(report.cells[i].value)
                    for i in cells)


@rule("STRUCT-ROW-DUPLICATE", Severity.WARNING, "%(table)s“%(label)s”行重复出现，取值%(v1)s与%(v2)s。")
def rule_struct_row_duplicate(report: Report, emit: Emit) -> Iterator[Finding]:
    """STRUCT-ROW-DUPLICATE：同一标准行出现两次

    规则
        表格中两行对应同一个标准行时，每次重复报告一次，列出两处取值。
        校验使用先出现的一行，后一行不纳入校验。

    原因
        重复行多来自复制粘贴或分页时重复表头行之后的内容；两处取值不同时无法确定哪一个是正确的。

    不合格示例
        表三出现两行“（一）予以公开”，取值分别为 1/0/0/0/0/0/1 与 2/0/0/0/0/0/2。

    合格示例
        每个标准行只出现一次。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式。
    """
    notes = notes_of(report, NoteKind.ROW_DUPLICATE)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        cells = note_row_cells(note)
        label = str(note.data.get("label") or note.data.get("row", ""))
        v1 = note.data.get("v1") or (_row_values(report, cells) if cells else "（未记录）")
        v2 = note.data.get("v2") or "（未记录）"
        yield emit.fail(
            cells=cells,
            excerpt=f"{note.table}:{note.data.get('row', label)}",
            evidence=note_evidence(report, note, cells),
            table=table_name(note.table),
            label=label,
            v1=v1,
            v2=v2,
        )

