"""The row readers and the row mapping on small inputs of every layout, with exact outcomes."""

from __future__ import annotations

import pytest

from tests.parse.builders import report_with, text_with
from zfxxgk.model import CELL_IDS, CellState, NoteKind, Table
from zfxxgk.model.ids import row_cells, t2, t3, t4
from zfxxgk.parse import ParseError, parse_bytes, parse_text
from zfxxgk.parse.rows import read_rows, split_lines
from zfxxgk.render import LAYOUTS


def kinds(report):
    return [n.kind for n in report.notes]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_written_report_reads_back_in_every_layout(layout):
    values = {t3("new_received", "natural_person"): 4, t3("new_received", "total"): 4, t4("review", "pending"): 2,
              t2("fee", "amount"): 3}
    r = parse_text(text_with(values, layout))
    assert r.to_dict()["cells"] == report_with(values).to_dict()["cells"]
    assert (r.unit, r.year, str(r.signed_on)) == ("东风县红旗镇人民政府", 2024, "2025-01-15")
    assert sorted(r.sections) == [1, 2, 3, 4, 5, 6]
    assert r.notes == []
    assert r.format == f"text/{layout}"


@pytest.mark.parametrize("layout", ["cells", "grid"])
def test_blank_cells_stay_blank_where_the_layout_shows_them(layout):
    blank = t3("granted", "natural_person")
    r = parse_text(text_with({blank: None}, layout))
    assert r.cells[blank].state is CellState.BLANK and r.cells[blank].value is None
    assert all(r.cells[i].state is CellState.NUMBER for i in CELL_IDS if i != blank)


def test_tsv_leading_blank_is_ambiguous_never_shifted():
    """Layout A cannot tell a leading blank from a spacer: the row is unreadable, not guessed."""
    r = parse_text(text_with({t3("granted", "natural_person"): None}, "tsv"))
    ids = row_cells(Table.T3, "granted")
    assert {r.cells[i].state for i in ids} == {CellState.UNREADABLE}
    assert all(r.cells[i].value is None for i in ids)
    assert kinds(r) == [NoteKind.ROW_AMBIGUOUS]


def test_tsv_interior_blank_is_blank():
    r = parse_text(text_with({t3("granted", "commercial"): None}, "tsv"))
    assert r.cells[t3("granted", "commercial")].state is CellState.BLANK
    assert r.cells[t3("granted", "natural_person")].value == 0
    assert r.notes == []


def test_truncated_table_cells_are_absent():
    text = text_with(layout="tsv")
    lines = text.split("\n")
    cut = next(i for i, line in enumerate(lines) if "2.重复申请" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    r = parse_text("\n".join(lines[:cut] + lines[end:]))
    assert r.cells[t3("declined_petition", "total")].state is CellState.NUMBER
    for row in ("declined_repeat", "other_other", "total_processed", "carried_forward"):
        assert r.cells[t3(row, "total")].state is CellState.ABSENT
    assert r.tables[Table.T3].rows_found[-1] == "declined_petition"


def test_missing_table_4_is_absent_and_section_missing():
    text = text_with(layout="cells")
    start = text.index("四、政府信息公开行政复议")
    end = text.index("五、存在的主要问题")
    r = parse_text(text[:start] + text[end:])
    assert 4 not in r.sections
    assert all(r.cells[i].state is CellState.ABSENT for i in CELL_IDS if i.startswith("t4."))


def test_table_4_without_its_header_is_read_from_section_four():
    text = text_with({t4("review", "total"): 1, t4("review", "upheld"): 1}, "tsv")
    lines = [line for line in text.split("\n") if not line.startswith(("行政复议\t", "结果维持\t", "\t\t\t\t\t结果维持"))]
    r = parse_text("\n".join(lines))
    assert r.cells[t4("review", "total")].value == 1
    assert r.cells[t4("litigation_after_review", "total")].value == 0


def test_duplicate_row_keeps_the_first_and_notes_it():
    text = text_with({t3("granted", "total"): 0}, "tsv")
    line = next(line for line in text.split("\n") if "（一）予以公开" in line)
    r = parse_text(text.replace(line, line + "\n" + line.replace("\t0\t0\t0\t0\t0\t0\t0", "\t9\t0\t0\t0\t0\t0\t9"), 1))
    assert r.cells[t3("granted", "total")].value == 0
    assert NoteKind.ROW_DUPLICATE in kinds(r)


def test_unreadable_label_inferred_by_position():
    text = text_with({t3("declined_repeat", "total"): 2, t3("declined_repeat", "natural_person"): 2}, "cells")
    r = parse_text(text.replace("\t2.重复申请", "\t#@%"))
    assert r.cells[t3("declined_repeat", "total")].value == 2
    assert NoteKind.LABEL_INFERRED in kinds(r)


def test_unknown_row_with_values_is_noted():
    text = text_with(layout="tsv")
    line = next(line for line in text.split("\n") if "3.其他" in line)
    r = parse_text(text.replace(line, line + "\n\t\t某某特殊情形\t1\t0\t0\t0\t0\t0\t1", 1))
    assert NoteKind.ROW_UNKNOWN in kinds(r)
    assert r.cells[t3("other_other", "total")].value == 0


def test_fee_in_yuan_is_noted():
    text = text_with(layout="tsv").replace("本年收费金额（单位：万元）", "本年收费金额（单位：元）")
    r = parse_text(text)
    assert NoteKind.FEE_UNIT in kinds(r)


def test_2019_format_marker_is_noted():
    text = text_with(layout="tsv").replace("本年制发件数", "本年新制作数量")
    assert NoteKind.FORMAT_2019 in kinds(parse_text(text))


def test_label_variants_are_noted_with_the_standard_label():
    text = text_with(layout="tsv").replace("社会公益组织", "社会组织").replace("4.无正当理由大量反复申请", "4.无正当理由大量重复申请")
    notes = [(n.data["found"], n.data["standard"]) for n in parse_text(text).notes]
    assert notes == [("社会组织", "社会公益组织"), ("4.无正当理由大量重复申请", "4.无正当理由大量反复申请")]


def test_numbered_sub_items_are_not_sections():
    text = text_with(layout="grid").replace("五、存在的主要问题及改进情况\n\n（略）", "五、存在的主要问题及改进情况\n\n## 一、强化人员培训\n\n## 二、加强宣传\n")
    r = parse_text(text)
    assert [s.heading for _, s in sorted(r.sections.items())][0] == "一、总体情况"
    assert r.sections[1].span.line < r.sections[5].span.line


def test_section_heading_variant_is_matched():
    text = text_with(layout="tsv").replace("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议和行政诉讼情况")
    s = parse_text(text).sections[4]
    assert s.variant and s.standard == "四、政府信息公开行政复议、行政诉讼情况"


def test_crlf_and_gb18030_read_the_same():
    text = text_with({t3("new_received", "total"): 2, t3("new_received", "research"): 2}, "tsv")
    a = parse_text(text).to_dict()["cells"]
    b = parse_bytes(text.replace("\n", "\r\n").encode("gb18030"), "x.txt").to_dict()["cells"]
    assert a == b


def test_flattened_pipe_lines_read_like_tsv():
    text = text_with({t3("granted", "total"): 5, t3("granted", "natural_person"): 5}, "tsv")
    flat = "\n".join(" | ".join(line.split("\t")) if line.count("\t") >= 3 else line for line in text.split("\n"))
    assert parse_text(flat).cells[t3("granted", "total")].value == 5


def test_not_an_annual_report():
    r = parse_text("某某局2024年部门决算说明\n\n一、部门基本情况\n本部门……\n收入合计 100 万元。")
    assert kinds(r) == [NoteKind.NOT_ANNUAL_REPORT]
    assert all(c.value is None for c in r.cells.values())


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "文件为空"), (b"%PDF-1.7\n...", "PDF 文件已损坏"), (b"\x00\x01\x02binary", "二进制"), (b"PK\x03\x04word/", "Word")],
)
def test_unreadable_input_gives_a_clear_reason(data, reason):
    with pytest.raises(ParseError) as e:
        parse_bytes(data, "bad.bin")
    assert reason in e.value.reason


def test_row_reader_exact_counts_on_layout_b():
    lines = split_lines("\t行政复议\n\t行政诉讼\n\n\t结果\n维持\n\t结果\n纠正\n\n正文一行。")
    rows = read_rows(lines)
    assert [r.kind for r in rows] == ["cells", "blank", "cells", "blank", "text"]
    assert [c.text for c in rows[2].cells] == ["结果\n维持", "结果\n纠正"]
    assert rows[2].cells[1].span.line == 6 and rows[2].cells[1].span.end_line == 7


def _spaced(text: str) -> str:
    """Layout D: what PDF text extraction with layout gives — cells padded with spaces."""
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        cells = line.split("\t")
        labels = [c for c in cells if c and not c.isdigit()]
        numbers = [c for c in cells if c.isdigit()]
        indent = " " * (4 * (len(cells) - len(cells[0].lstrip()) if not cells[0] else 0))
        out.append(indent + "      ".join(labels) + ("      " if labels and numbers else "") + "  ".join(numbers))
    return "\n".join(out)


def test_space_aligned_layout_d():
    values = {t3("new_received", "research"): 12, t3("new_received", "total"): 12, t4("litigation_direct", "upheld"): 3,
              t2("regulation", "in_force"): 7}
    r = parse_text(_spaced(text_with(values, "tsv")))
    assert r.format == "text/spaced"
    assert r.to_dict()["cells"] == report_with(values).to_dict()["cells"]
    assert r.notes == []


def test_label_broken_across_lines_and_page_numbers_layout_i():
    text = text_with({t3("partially_granted", "total"): 2, t3("partially_granted", "commercial"): 2}, "tsv")
    text = text.replace("（二）部分公开（区分处理的，只计这一情形，", "（二）部分公开（区分处理的，\n只计这一情形，")
    text = text.replace("\t\t3.危及", "- 2 -\n第 2 页 共 5 页\n\t\t3.危及")
    r = parse_text(text)
    assert r.cells[t3("partially_granted", "total")].value == 2
    assert r.cells[t3("withheld_security_stability", "total")].value == 0
    assert all(c.state is CellState.NUMBER for c in r.cells.values())
    assert r.notes == []


def test_one_markdown_table_per_row_layout_f():
    """OCR converters that emit each table row as its own pipe table, with generic headers."""
    values = {t3("granted", "legal_service"): 5, t3("granted", "total"): 5, t4("review", "other"): 1}
    out = []
    for line in text_with(values, "grid").split("\n"):
        if line.startswith("|---"):
            continue
        if line.startswith("| ") and any(ch.isdigit() for ch in line):
            n = line.count("|") - 1
            out += ["| 项目 | " + " | ".join(f"数据{i}" for i in range(1, n)) + " |", "|" + "---|" * n, line, ""]
        else:
            out.append(line)
    r = parse_text("\n".join(out))
    assert r.to_dict()["cells"] == report_with(values).to_dict()["cells"]


def test_format_is_detected_by_content_not_extension(tmp_path):
    from zfxxgk.parse import parse_file
    from zfxxgk.render import render

    report = parse_text(text_with(layout="tsv"))
    disguised = tmp_path / "report.txt"
    disguised.write_bytes(render(report, "docx"))  # a Word file named .txt
    back = parse_file(disguised)
    assert back.format == "docx" and back.to_dict()["cells"] == report.to_dict()["cells"]
