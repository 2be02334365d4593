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


def test_a_portal_pages_meta_tags_are_read():
    """TRS writes the article's own facts into <meta>: they beat the <title> (site name, column) and the
    signature date (the publication date is the portal's)."""
    import datetime as dt

    from tests.parse.builders import report_with
    from tests.parse.portals import body_of

    report = report_with(unit="东风县红旗镇人民政府", year=2024)
    body = body_of(report)
    import re

    body = re.sub(r"<h1>.*?</h1>", "", body, count=1)  # the title only in the chrome
    page = f"""<html><head><meta charset="utf-8"><title>政务公开_东风县人民政府门户网站</title>
    <meta name="ArticleTitle" content="东风县红旗镇人民政府2024年政府信息公开工作年度报告">
    <meta name="PubDate" content="2025-01-18 10:02"><meta name="ContentSource" content="东风县红旗镇人民政府">
    <meta name="ColumnName" content="政府信息公开年报"></head><body><div class="crumb">首页 &gt; 政务公开</div>
    <div class="content">{body}</div></body></html>""".encode()
    parsed = parse_bytes(page, "p.html")
    assert parsed.title == "东风县红旗镇人民政府2024年政府信息公开工作年度报告"
    assert (parsed.unit, parsed.year, parsed.published_on) == ("东风县红旗镇人民政府", 2024, dt.date(2025, 1, 18))
    assert parsed.signed_on == dt.date(2025, 1, 15)  # the signature stays the signed date


def test_a_title_cut_inside_its_last_word_ends_there():
    from zfxxgk.parse.header import find_title

    lines = ["平和县人力资源和社会保障局2024年政府信息公开工作年度", "报告", "根据《中华人民共和国政府信息公开条例》和《中华人民共和国"]
    assert find_title(lines, 3)[0] == "平和县人力资源和社会保障局2024年政府信息公开工作年度报告"
