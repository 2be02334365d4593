"""A text copy of a portal page carries the page's chrome before the report: breadcrumbs, the metadata
table (索引号, 发布机构, 发布日期), labels such as 标题： and 正文. None of it is the title or the unit."""

from __future__ import annotations

import pytest

from tests.parse.builders import text_with
from zfxxgk.parse import parse_bytes

CHROME = {
    "metadata": "索引号：11370725004385523J/2025-00012\n发布机构：昌乐县乔官镇人民政府\n发布日期：2025-01-15\n分类：年度报告\n",
    "breadcrumbs": "首页 > 政务公开 > 政府信息公开年报\n",
    "position": "当前位置：首页>信息公开>年度报告\n",
    "labels": "标题：{title}\n正文\n",
}


@pytest.mark.parametrize("kind", list(CHROME))
def test_page_chrome_is_no_part_of_the_title(kind):
    body = text_with(unit="昌乐县乔官镇人民政府", year=2024)
    title = body.splitlines()[0]
    chrome = CHROME[kind].format(title=title)
    text = chrome + (body.split("\n", 1)[1] if kind == "labels" else body)
    report = parse_bytes(text.encode(), "page.txt")
    assert report.title == title
    assert (report.unit, report.year) == ("昌乐县乔官镇人民政府", 2024)
