"""A fixture portal served on 127.0.0.1 by the tests themselves: pages built like real county portal
pages (TRS list pages with a pager script, articles with navigation and a metadata table, attachments by
relative links), and the awkward answers real portals give (404, soft 404, robots.txt, 429, slowness).
Every request is logged with its time and headers."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.parse.builders import report_with
from tests.parse.portals import body_of
from zfxxgk.model.ids import t3
from zfxxgk.render import render
from zfxxgk.synth import gov_portal_page


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=gbk"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer 429 with Retry-After this many times first


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]


class Portal:
    """The served pages (path → Page), mutable between runs, and the log of requests."""

    def __init__(self, pages: dict[str, Page]) -> None:
        self.pages = pages
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                with portal._lock:
                    portal.log.append(Hit(self.path, time.monotonic(), {k.lower(): v for k, v in self.headers.items()}))
                page = portal.pages.get(self.path)
                if page is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(b"<html><body>404</body></html>")
                    return
                if page.delay:
                    time.sleep(page.delay)
                if page.fail_first > 0:
                    page.fail_first -= 1
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
                if page.status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                if page.status == 200:
                    self.send_header("ETag", etag)
                for k, v in page.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(page.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Portal:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [h.path for h in self.log]


def gbk(html: str) -> bytes:
    return html.encode("gb18030")


def list_page(entries: list[tuple[str, str, str]], pager: str) -> bytes:
    """A TRS column page: header navigation, the list (href, title, date), the pager script, a footer."""
    items = "\n".join(f'<li><a href="{href}" target="_blank" title="{title}">{title[:18]}…</a><span>{date}</span></li>'
                      for href, title, date in entries)
    return gbk(f"""<!DOCTYPE html><html><head><meta charset="gbk"><title>政府信息公开年报_某县人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a> <a href="/private/admin.htm">后台</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政府信息公开年报</div>
<ul class="list">{items}</ul>
<div class="page"><script>{pager}</script></div>
<div class="footer">主办：某县人民政府办公室</div></body></html>""")


def article_page(title: str, published: dt.date, body: str, index_no: str) -> bytes:
    """An article page: <meta> tags as TRS writes them, navigation, a metadata table, the body."""
    return gbk(f"""<!DOCTYPE html><html><head><meta charset="gbk">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{published.isoformat()} 09:30">
<meta name="ContentSource" content="某县某镇人民政府"><meta name="ColumnName" content="政府信息公开年报">
<title>{title}_某县人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>
<table class="meta"><tr><td>索引号：{index_no}</td><td>发布机构：某县某镇人民政府</td></tr>
<tr><td>发布日期：{published.isoformat()}</td></tr></table>
<div class="content">{body}</div></body></html>""")


UNITS = ("东风县红旗镇人民政府", "东风县向阳镇人民政府", "东风县前进街道办事处", "东风县胜利乡人民政府")


def reports() -> list:
    return [report_with({t3("new_received", "total"): i + 1, t3("new_received", "natural_person"): i + 1,
                         t3("granted", "total"): i + 1, t3("granted", "natural_person"): i + 1,
                         t3("total_processed", "total"): i + 1, t3("total_processed", "natural_person"): i + 1},
                        unit=u, year=2024) for i, u in enumerate(UNITS)]


def build() -> tuple[dict[str, Page], dict[str, dt.date]]:
    """The fixture portal's pages, and the publication date of each report it links (by unit)."""
    r = reports()
    dates = {UNITS[0]: dt.date(2025, 1, 15), UNITS[1]: dt.date(2025, 1, 20), UNITS[2]: dt.date(2025, 2, 3),
             UNITS[3]: dt.date(2025, 1, 28)}
    title = "{}2024年政府信息公开工作年度报告"
    pages = {
        "/robots.txt": Page(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/xxgk/gknb/index.htm": Page(list_page([
            ("./202501/t20250115_101.html", title.format(UNITS[0]), "2025-01-15"),  # the report as HTML
            ("./202501/t20250120_102.html", title.format(UNITS[1]), "2025-01-20"),  # a PDF attachment
            ("./202501/t20250110_103.html", "关于做好2025年春节期间值班工作的通知", "2025-01-10"),  # not a report
            ("/private/t20250101_1.html", title.format("东风县某某局"), "2025-01-01"),  # robots.txt forbids
            ("./202501/t20250105_404.html", title.format("东风县已撤销镇"), "2025-01-05"),  # 404
            ("./202501/t20250106_gone.html", title.format("东风县旧镇"), "2025-01-06"),  # soft 404
        ], 'var countPage = 2;var currentPage = 0;createPageHTML(countPage, currentPage, "index", "htm");')),
        "/xxgk/gknb/index_1.htm": Page(list_page([
            ("./202502/t20250203_104.html", title.format(UNITS[2]), "2025-02-03"),  # a DOCX attachment
            ("../../attach/2025/t20250128_105.docx", title.format(UNITS[3]), "2025-01-28"),  # linked directly
        ], 'createPageHTML(2, 1, "index", "htm");')),
        "/xxgk/gknb/202501/t20250115_101.html": Page(gov_portal_page(r[0], body_of(r[0]), dates[UNITS[0]])),
        "/xxgk/gknb/202501/t20250120_102.html": Page(article_page(
            title.format(UNITS[1]), dates[UNITS[1]],
            '<p>详见附件。</p><p>附件：<a href="../../../attach/2025/report102.pdf">2024年年报.pdf</a></p>',
            "11370725004380512K/2025-00020")),
        "/attach/2025/report102.pdf": Page(render(r[1], "pdf"), content_type="application/pdf"),
        "/xxgk/gknb/202501/t20250110_103.html": Page(article_page("关于做好2025年春节期间值班工作的通知", dt.date(2025, 1, 10),
                                                                  "<p>各镇街：春节将至……</p>", "x/2025-1")),
        "/private/t20250101_1.html": Page(b"secret"),
        "/xxgk/gknb/202501/t20250106_gone.html": Page(gbk("<html><body><p>对不起，您访问的页面不存在或已被删除！</p></body></html>")),
        "/xxgk/gknb/202502/t20250203_104.html": Page(article_page(
            title.format(UNITS[2]), dates[UNITS[2]],
            '<p>附件：<a href="/attach/2025/report104.docx" title="年报全文">年报全文.docx</a></p>',
            "11370725004380512K/2025-00031"), delay=0.05),
        "/attach/2025/report104.docx": Page(render(r[2], "docx"), fail_first=1,
                                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "/attach/2025/t20250128_105.docx": Page(render(r[3], "docx"),
                                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    }
    return pages, dates
