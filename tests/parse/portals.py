"""Portal-like page templates around a rendered report (test material for the HTML reader)."""

from __future__ import annotations

import re

from zfxxgk.model import Report
from zfxxgk.render import render


def body_of(report: Report) -> str:
    html = render(report, "html").decode("utf-8")
    return html[html.index("<body>") + 6 : html.index("</body>")]


def gov_portal(report: Report) -> bytes:
    """GBK page: navigation, breadcrumbs, nested layout tables, scripts, footer; title only in <title>."""
    body = re.sub(r"<h1>.*?</h1>", "", body_of(report), count=1)
    title = f"{report.unit}{report.year}年政府信息公开工作年度报告"
    page = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{title}_{report.unit}门户网站</title><script>var _hmt = _hmt || []; function go(){{ return 1; }}</script>
<style>.nav li {{ float: left; }}</style></head><body>
<div class="top"><img src="logo.png" alt="政府门户网站"><span>无障碍浏览</span> <a href="#">长者模式</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/bsfw">办事服务</a></li>
<li><a href="/hdjl">互动交流</a></li></ul>
<table width="1000" class="layout"><tr><td width="200" valign="top">
<table class="side"><tr><td><a href="#">政府信息公开指南</a></td></tr><tr><td><a href="#">政府信息公开年报</a></td></tr></table>
</td><td valign="top"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a>政府信息公开</a> &gt; 年报</div>
<table class="meta"><tr><td>索引号：11370725004380512K/2025-00012</td><td>发布机构：{report.unit}</td></tr>
<tr><td>发布日期：2025-01-15</td><td>分类：政府信息公开年报</td></tr></table>
<div class="article">{body}</div>
</td></tr></table>
<div class="footer">版权所有：{report.unit} 主办 网站标识码3707250001 鲁ICP备05045264号<script>go();</script></div>
</body></html>"""
    return page.encode("gb18030")


def cms_page(report: Report) -> bytes:
    """UTF-8 CMS page: table 2 split into one table per 第二十条 item, blanks as &nbsp;, <p> in cells."""
    body = body_of(report)
    body = body.replace('<td class="value"', '<td class="value" style="text-align:center"')
    body = re.sub(r'(<td class="value"[^>]*>)(</td>)', r"\1&nbsp;\2", body)
    body = re.sub(r"(<td class=\"label\"[^>]*>)([^<]+)(</td>)", r"\1<p><span>\2</span></p>\3", body)
    # one table per 第二十条 block
    t2_start = body.index('<table class="t2">')
    t2_end = body.index("</table>", t2_start) + len("</table>")
    t2 = body[t2_start:t2_end]
    rows = re.findall(r"<tr>.*?</tr>", t2, re.S)
    blocks, current = [], []
    for row in rows:
        if "第二十条" in row and current:
            blocks.append(current)
            current = []
        current.append(row)
    blocks.append(current)
    split = "\n<p>&nbsp;</p>\n".join(f'<table border="1">{"".join(b)}</table>' for b in blocks)
    body = body[:t2_start] + split + body[t2_end:]
    return f"""<html><head><meta charset="utf-8"><title>信息公开</title></head><body>
<div id="header">某某区人民政府 政府信息公开专栏</div><div id="content">{body}</div>
<div id="footer">联系我们 | 网站地图</div></body></html>""".encode()
