"""Parsing (spec §4.1 PARSE-*, §4.10): what the parser could not read as printed, from its notes.

Each rule turns one kind of :class:`~zfxxgk.model.ParseNote` into findings, one per note, with
the note's span as evidence. A report without such notes passes.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Finding, NoteKind, Report, Severity
from ...model.ids import cell_phrase
from ..registry import Emit, rule
from ._common import (
    label_note_findings,
    no_table_found,
    note_evidence,
    note_row_cells,
    notes_of,
    table_name,
)


@rule(
    "PARSE-NOT-ANNUAL-REPORT",
    Severity.ERROR,
    "该文件不是政府信息公开工作年度报告（%(reason)s），未提取表格数据。",
)
def rule_parse_not_annual_report(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-NOT-ANNUAL-REPORT：文件不是政府信息公开工作年度报告

    规则
        文件中既没有含“政府信息公开工作年度报告”的标题，也没有两个及以上标准章节标题，
        也没有表三的标签时，判定该文件不是年度报告（如部门决算、门户网站页面）。

    原因
        对非年度报告做表格校验只会产生大量无意义的结果；该文件的其他规则均不运行，
        批量处理时继续处理其他文件。

    不合格示例
        “某局2024年部门决算公开说明”：无年报标题、无“一、总体情况”等章节、无表三。

    合格示例
        标题为“某镇人民政府2024年政府信息公开工作年度报告”的文件。

    无法判断
        不存在无法判断的情形。

    依据
        zfxxgk 规范 §4.10（评估实践）；条例第五十条规定的年度报告内容。
    """
    for note in notes_of(report, NoteKind.NOT_ANNUAL_REPORT):
        reason = str(note.data.get("reason", ""))
        yield emit.fail(excerpt=reason, evidence=note_evidence(report, note), reason=reason)


@rule(
    "PARSE-ROW-AMBIGUOUS",
    Severity.WARNING,
    "%(table)s“%(label)s”行数值个数（%(k)s）与栏目数不符，无法确定各栏取值。",
)
def rule_parse_row_ambiguous(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-ROW-AMBIGUOUS：表格行的数值无法对应到栏目

    规则
        一行的数值单元格个数与该表栏目数不符，且无法按规范 §2.7 第 3 步（去掉尾部空单元格、
        区分占位空格）确定每个数值属于哪一栏时，该行各栏记为“无法识别”，每行提示一次。

    原因
        合并单元格和空白会使数值错位。按顺序硬填会把数值填进错误的栏目，
        因此不猜测位移，相关勾稽校验转为无法判断。

    不合格示例
        表三“（一）予以公开”行以制表符分隔，只有 5 个数值且中间有空单元格（应为 7 栏）。

    合格示例
        “（一）予以公开”行有 7 个数值，依次对应自然人至总计。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        zfxxgk 规范 §2.7 第 3 步。
    """
    notes = notes_of(report, NoteKind.ROW_AMBIGUOUS)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        cells = [str(c) for c in note.data.get("cells", ())] or note_row_cells(note)
        label = str(note.data.get("label", ""))
        ev = note_evidence(report, note, cells)
        ev.update({"expected": note.data.get("expected"), "actual": note.data.get("k")})
        yield emit.fail(
            cells=cells, excerpt=label, evidence=ev, table=table_name(note.table), label=label, k=note.data.get("k")
        )


@rule(
    "PARSE-DIGITS-SPLIT",
    Severity.WARNING,
    "%(table)s“%(label)s”行各栏数字连在一起（“%(raw)s”），已按唯一可能的拆法读取为%(values)s，请核对原文。",
)
def rule_parse_digits_split(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-DIGITS-SPLIT：各栏数字连在一起，按唯一可能的拆法读取

    规则
        一行中相邻各栏的数字之间没有分隔（网页抓取的文字常见，如“0000000”），且无论哪些栏原本
        空白，这些数字都只有一种拆法（数字个数恰好等于栏数，且除每段最后一位外都是 0：以 0 开头的
        多位数不是数字），同时满足本行的勾稽关系（表三：六类申请人之和等于总计；表四：每一类的四项
        结果之和等于总计）时，按这种方式读取，每行报告一次。其他情况不拆，该行各栏记为“无法识别”
        （见 PARSE-ROW-AMBIGUOUS）：空白单元格在去掉分隔后不留痕迹，而有空白单元格的行无法核对
        勾稽关系，“693000072”既可以是 69、3、0、0、0、0、72，也可以是 69、30、0、0、0、72 加一个
        空白栏。需要各栏勾稽关系佐证的拆分见 PARSE-STRUCTURE-INFERRED。

    原因
        拆分是推定而不是原文所写，仍应对照原文核实，必要时用更正功能改正。

    不合格示例
        表三“（一）予以公开”行只有一个数字“0000000”，七栏只能各为 0。

    合格示例
        各栏数字分开书写：“69⇥3⇥0⇥0⇥0⇥0⇥72”。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        zfxxgk 规范 §2.8 版式 H（数字粘连）。
    """
    notes = notes_of(report, NoteKind.DIGITS_SPLIT)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        cells = [str(c) for c in note.data.get("cells", ())]
        label = str(note.data.get("label", ""))
        values = "、".join(str(v) for v in note.data.get("values", ()))
        yield emit.fail(cells=cells, excerpt=label, evidence=note_evidence(report, note, cells),
                        table=table_name(note.table), label=label, raw=note.data.get("raw", ""), values=values)


@rule(
    "PARSE-STRUCTURE-INFERRED",
    Severity.WARNING,
    "%(table)s的表格结构在原文中已丢失（%(layout)s），已按标准行序和%(inference)s读取%(k)s个单元格%(split)s%(unreadable)s，请核对原文。",
)
def rule_parse_structure_inferred(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-STRUCTURE-INFERRED：表格结构丢失，按行序和勾稽关系推定读取

    规则
        原文中表格的行列结构已经丢失（网页文字去掉分隔后各栏数字连在一起、PDF 文字每个单元格一行或
        标签与数值分开排列、识别后的 Markdown 表格拆行或表头错乱、标签折成多行等），解析时按标准表格的
        行序把每行标签之后、下一行标签之前的数值归入该行；连在一起的数字只在唯一一种拆法同时满足本行和
        各栏勾稽关系（表三：六类申请人之和等于总计、第一项加第二项等于第三项加第四项、各办理结果之和等于
        总计）时才拆分读取；表四只有本行的“各类结果之和等于总计”，空白单元格不留痕迹，所以只在无论哪些栏
        空白都只有一种拆法时读取。每张这样读取的表格报告一次，列出拆分的行和仍无法识别的行。

    原因
        这种读取是推定而不是原文的表格所写：唯一满足勾稽关系的读法通常就是原值，但仍应对照原文核实；
        有多种读法或勾稽关系不成立的行不作推定，记为“无法识别”。

    不合格示例
        网页抓取的文字中表三一行为“一、本年新收政府信息公开申请数量801000081”，唯一满足勾稽关系的拆法是
        80、1、0、0、0、0、81。

    合格示例
        表格保留行列结构（网页表格、制表符分隔或 Markdown 表格），各栏数字分开书写。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        zfxxgk 规范 §2.8（版式 G、H、J）；国办公开办函〔2021〕30号 年度报告格式的表格行序与勾稽关系。
    """
    notes = notes_of(report, NoteKind.STRUCTURE_INFERRED)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        cells = [str(c) for c in note.data.get("cells", ())]
        split = [str(x) for x in note.data.get("split", ())]
        unreadable = [str(x) for x in note.data.get("unreadable", ())]
        yield emit.fail(
            cells=cells, excerpt=table_name(note.table), evidence=note_evidence(report, note, cells[:20]),
            table=table_name(note.table), layout=note.data.get("layout", ""), inference=note.data.get("inference", ""),
            k=len(cells),
            split=("，其中按勾稽关系拆分了" + "、".join(f"“{x}”" for x in split[:6]) + ("等" if len(split) > 6 else "")
                   + f"{len(split)}行") if split else "",
            unreadable=("；" + "、".join(f"“{x}”" for x in unreadable[:6]) + ("等" if len(unreadable) > 6 else "")
                        + f"{len(unreadable)}行无法唯一确定，记为无法识别") if unreadable else "",
        )


@rule("PARSE-ROW-SPLIT", Severity.INFO, "%(table)s“%(label)s”跨行排版，已合并识别。")
def rule_parse_row_split(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-ROW-SPLIT：表格行或合并标签跨行排版（提示）

    规则
        同一表格行的单元格（或同一个合并标签）分散在几行或几组文本行中、解析时已合并识别的，
        每处提示一次。单元格内部的换行不算。

    原因
        跨行排版多来自合并单元格或转换工具；合并识别可能出错，提示审核人员核对该行取值。

    不合格示例
        “行政事业性收费”独占一行，其数值“0”在空行之后的下一行；
        或“三、本 / 年度办 / 理结果”分在三行。

    合格示例
        “行政事业性收费⇥0”在同一行。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        zfxxgk 规范 §2.5、§2.7 第 3 步。
    """
    yield from label_note_findings(report, emit, NoteKind.ROW_SPLIT)


@rule("PARSE-HEADER-GARBLED", Severity.INFO, "%(table)s表头“%(raw)s”无法识别，已按标准栏目顺序解析。")
def rule_parse_header_garbled(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-HEADER-GARBLED：表头文字无法识别（提示）

    规则
        表头单元格的文字不是任何标准栏目名（如识别错误的乱码），解析时改按最末一行表头
        或标准栏目顺序对应数值的，每张表提示一次，列出无法识别的表头文字。

    原因
        表头乱码多来自图片识别（OCR）；数值仍按标准栏目顺序读取，但应人工核对。

    不合格示例
        表四第二行表头识别为“4+H 4+H H”“++/th >”。

    合格示例
        表头为“结果维持、结果纠正、其他结果、尚未审结、总计”。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        zfxxgk 规范 §2.4（表四表头乱码）、§2.7。
    """
    notes = notes_of(report, NoteKind.HEADER_GARBLED)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        raw = note.data.get("raw", ())
        text = "、".join(str(r) for r in raw) if isinstance(raw, list | tuple) else str(raw)
        yield emit.fail(
            excerpt=f"{note.table}:{text}", evidence=note_evidence(report, note), table=table_name(note.table), raw=text
        )


@rule("PARSE-LABEL-INFERRED", Severity.INFO, "%(table)s第%(i)s行标签无法识别，按位置推定为“%(label)s”。")
def rule_parse_label_inferred(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-LABEL-INFERRED：按位置推定的行标签（提示）

    规则
        一行的标签文字无法识别，但其前后的行都已识别、且恰好只空出一个标准行时，
        按位置把它认定为该标准行，并提示一次。

    原因
        推定只在没有其他可能时进行，但仍是推定，应人工核对该行是否确为推定的项目。

    不合格示例
        表三“1.属于国家秘密”与“3.危及“三安全一稳定””之间一行的标签识别为乱码，
        推定为“2.其他法律行政法规禁止公开”。

    合格示例
        每行标签都可识别。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        zfxxgk 规范 §2.7 第 4 步。
    """
    notes = notes_of(report, NoteKind.LABEL_INFERRED)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        label = str(note.data.get("label", note.data.get("row", "")))
        cells = note_row_cells(note)
        yield emit.fail(
            cells=cells,
            excerpt=f"{note.table}:{note.data.get('row', label)}",
            evidence=note_evidence(report, note, cells),
            table=table_name(note.table),
            i=note.data.get("index"),
            label=label,
        )


@rule(
    "PARSE-OCR-LOW-CONFIDENCE",
    Severity.WARNING,
    "扫描件中有%(k)s个单元格的数字无法可靠识别（%(cell_list)s），已按未识别处理，请对照原件核实。",
)
def rule_parse_ocr_low_confidence(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-OCR-LOW-CONFIDENCE：扫描件中无法可靠识别的单元格

    规则
        对扫描件（图片或没有文字层的 PDF）做 OCR 时，识别置信度低于阈值的数字，以及表格中按位置
        应有数字却没有识别出文字的单元格，都记为“无法识别”（不猜测、不当作 0，也不当作空白），
        列出这些单元格。

    原因
        OCR 可能漏识或误识个别数字；把低置信度的识别结果当作数据，或把漏识当作空白，都会产生
        错误的数字或错误的校验结论。宁可标为无法识别，交由人工对照原件。

    不合格示例
        扫描件表三“（七）总计”行“自然人”栏的数字模糊，识别置信度 0.3。

    合格示例
        扫描件清晰，所有数字的识别置信度都高于阈值。

    无法判断
        不是扫描件时不适用（视为通过）。

    依据
        zfxxgk 规范 §3.1（UNREADABLE 状态）；issue 5（低置信度单元格标为无法识别并给出问题）。
    """
    for note in notes_of(report, NoteKind.OCR_LOW_CONFIDENCE):
        cells = [str(c) for c in note.data.get("cells", ())]
        yield emit.fail(
            cells=cells,
            excerpt=",".join(cells),
            evidence={**note_evidence(report, note, cells), "threshold": note.data.get("threshold")},
            k=len(cells),
            cell_list="、".join(cell_phrase(c) for c in cells[:10]) + ("等" if len(cells) > 10 else ""),
        )


@rule("PARSE-VALUE-ANNOTATED", Severity.INFO, "%(cell)s填写为“%(raw)s”，已按括号前的数字%(value)s读取，括号内的说明未计入。")
def rule_parse_value_annotated(report: Report, emit: Emit) -> Iterator[Finding]:
    """PARSE-VALUE-ANNOTATED：单元格数字后附括号说明（提示）

    规则
        单元格填写为一个数字后接一段括号说明（如“22（其中修订16件）”“3(含转办1件)”）的，按括号前的数字
        读取，每个这样的单元格提示一次，列出原文。括号内的数字不计入；数字前后还有别的数字或文字的，
        按无法识别处理（见 VAL-TEXT），不在此列。

    原因
        标准表格的单元格只应填写数字；附加说明虽然不影响读取，但说明中的数字（如“其中修订16件”）可能
        另有统计口径，应由审核人员核对是否需要在正文中说明。

    不合格示例
        表二“规章”本年制发件数填写为“22（其中修订16件）”。

    合格示例
        单元格只填写“22”，修订情况在正文中说明。

    无法判断
        报告中一张表格都没有（也没有该类解析记录）时无法判断。

    依据
        国办公开办函〔2021〕30号 年度报告格式（表格填写数字）。
    """
    notes = notes_of(report, NoteKind.VALUE_ANNOTATED)
    if not notes and (na := no_table_found(report, emit)) is not None:
        yield na
        return
    for note in notes:
        cid = str(note.data.get("cell", ""))
        if cid not in report.cells:
            continue
        yield emit.fail(cells=[cid], excerpt=cid, evidence=note_evidence(report, note, [cid]),
                        cell=cell_phrase(cid), raw=note.data.get("raw", ""), value=report.cells[cid].value)
