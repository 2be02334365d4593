"""The contract of the Excel fill-in template, shared by its writer and its reader."""

from __future__ import annotations

from .ids import Table

ID_SHEET = "_ids"  # hidden: id | sheet | cell address | ABSENT_MARK for what the source lacked
# Column D of _ids: the cell (or "section.N") was missing from the report the template was prefilled from;
# left unfilled it reads as missing, so that its findings (a missing table or section: errors) are not
# laundered into blank cells by the round trip through the template.
ABSENT_MARK = "缺失"
COVER_SHEET = "封面"
TEXT_SHEET = "正文"
TEXT_INTRO = "前言"
TABLE_SHEETS = {Table.T2: "表二", Table.T3: "表三", Table.T4: "表四"}
# label in column A of the cover sheet → Report fact
COVER_FIELDS = (
    ("单位名称", "unit"),
    ("报告年度", "year"),
    ("统计期间起始日期", "period_start"),
    ("统计期间截止日期", "period_end"),
    ("落款单位", "signed_unit"),
    ("落款日期", "signed_on"),
)
