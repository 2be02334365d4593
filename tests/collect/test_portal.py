"""Reading portal pages: report links by their (possibly cut) titles, the pager in its several forms,
relative links, an article's metadata and attachments."""

from __future__ import annotations

import datetime as dt

import pytest

from zfxxgk.collect.portal import is_report_title, read_article, read_list_page, read_meta

BASE = "http://127.0.0.1:8000/zfxxgk/gknb/index.htm"


@pytest.mark.parametrize(("title", "expected"), [
    ("某镇2024年政府信息公开工作年度报告", True),
    ("某镇2024年政府信息公开工作年...", True),  # cut by the list page
    ("某局政府信息公开工作年度报…", True),
    ("2024年度政府信息公开年报", True),
    ("2024年政务公开工作要点", False),
    ("政府信息公开指南", False),
    ("关于开展政府信息公开工作检查的通知", False),
])
def test_report_titles(title, expected):
    assert is_report_title(title) is expected


@pytest.mark.parametrize("script", [
    'createPageHTML(3, 0, "index", "htm");',
    "createPageHTML('page_div', 3, 0, 'index', 'htm', 45);",  # newer TRS: the pager's element first
    'var countPage = 3; var currentPage = 0; createPageHTML(countPage, currentPage, "index", "htm");',
])
def test_trs_pager_scripts(script):
    page = read_list_page(f"<html><body><script>{script}</script></body></html>".encode(), BASE)
    assert page.pages == ["http://127.0.0.1:8000/zfxxgk/gknb/index_1.htm", "http://127.0.0.1:8000/zfxxgk/gknb/index_2.htm"]


def test_next_and_numbered_links_and_entries():
    html = """<html><body><ul>
    <li><a href="../../art/2025/1/15/art_1_2.html">某镇2024年政府信息公开工作年度报告</a> <span>2025-01-15</span></li>
    <li><a href="t20250110_3.html">关于做好春节期间值班工作的通知</a> <span>2025-01-10</span></li>
    <li><a href="/attach/a.pdf">某街道2024年度政府信息公开工作年度报告</a></li></ul>
    <a href="index.htm">首页</a><a href="list_2.htm">2</a><a href="list_2.htm">下一页</a><a href="javascript:void(0)">上一页</a>
    </body></html>""".encode()
    page = read_list_page(html, BASE)
    assert [(x.url, x.date) for x in page.reports] == [
        ("http://127.0.0.1:8000/art/2025/1/15/art_1_2.html", dt.date(2025, 1, 15)),
        ("http://127.0.0.1:8000/attach/a.pdf", None)]
    assert [x.title for x in page.others] == ["关于做好春节期间值班工作的通知"]
    assert page.pages == ["http://127.0.0.1:8000/zfxxgk/gknb/list_2.htm"]


def test_article_metadata_and_attachments():
    html = """<html><head><meta name="ArticleTitle" content="某镇2024年政府信息公开工作年度报告">
    <meta name="PubDate" content="2025-01-15 09:30"><meta name="ContentSource" content="某镇人民政府">
    <meta name="ColumnName" content="政府信息公开年报"><base href="http://127.0.0.1:8000/c/"></head><body>
    <table><tr><td>索引号：11370725004385523J/2025-00012</td><td>发布机构：某镇人民政府</td></tr></table>
    <p>附件：<a href="../attach/r.pdf">年报.pdf</a> <a href="download.jsp?id=3">年报全文.docx</a> <a href="/x.html">相关链接</a></p>
    </body></html>""".encode()
    art = read_article(html, "http://127.0.0.1:8000/c/t1.html")
    assert art.meta.to_dict() == {"title": "某镇2024年政府信息公开工作年度报告", "published": "2025-01-15",
                                  "source": "某镇人民政府", "column": "政府信息公开年报",
                                  "index_no": "11370725004385523J/2025-00012"}
    assert [a.url for a in art.attachments] == ["http://127.0.0.1:8000/attach/r.pdf", "http://127.0.0.1:8000/c/download.jsp?id=3"]


def test_visible_metadata_when_the_page_has_no_meta_tags():
    html = "<html><head><title>年报</title></head><body><p>发布时间：2025年01月20日</p><p>来源：某县人民政府</p></body></html>"
    meta = read_meta(html.encode("gb18030"), "http://127.0.0.1/a.html")
    assert (meta.published, meta.source) == (dt.date(2025, 1, 20), "某县人民政府")
