"""What a portal page says: a column's list page (article links, pagination) and an article page (the
page's metadata, its attachments).

Written for the static pages most county and township portals publish (TRS WCM and its kin): list
pages named ``index.htm``, ``index_1.htm`` … announced by a script call such as
``createPageHTML(countPage, currentPage, "index", "htm")``, or plain "下一页" and numbered links; article
pages with ``<meta name="PubDate">``, ``ArticleTitle``, ``ContentSource``, ``ColumnName`` and a visible
metadata table (索引号, 发布机构, 发布日期). Platforms that publish differently get an adapter
(:mod:`zfxxgk.collect.adapters`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

from ..parse.html import decode_html, read_page_facts

ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".doc", ".wps", ".xls", ".xlsx", ".zip", ".ofd", ".txt")
# 政府信息公开（工作）年度报告 / 年报, also as a list page cuts it (“…信息公开工作年…”, “…信息公开工作年度...”)
_REPORT_TITLE = re.compile(r"信息公开(?:工作)?年(?:度)?(?:报|…|\.\.\.|$)|政务公开(?:工作)?年度报告")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_ARG = re.compile(r"""\s*(?:'([^']*)'|"([^"]*)"|([\w.]+))\s*""")
_PAGER_TEXT = re.compile(r"^(?:下一?页|下页|后一页|尾页|末页|最后一页|\d{1,4}|›|»|>)$")


@dataclass(frozen=True, slots=True)
class Link:
    """A link with what the page shows of it."""

    url: str
    title: str
    date: dt.date | None = None

    @property
    def year(self) -> int | None:
        """The report year its title names (``2024年``), or None."""
        return report_year(self.title)


@dataclass(slots=True)
class ListPage:
    """A column page: its article links (reports and others) and the other pages of the column."""

    reports: list[Link] = field(default_factory=list)
    others: list[Link] = field(default_factory=list)  # articles that are no annual report (recorded, skipped)
    pages: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PageMeta:
    """An article page's own account of itself."""

    title: str | None = None  # ArticleTitle, else the page title
    published: dt.date | None = None  # PubDate, else the visible 发布日期
    source: str | None = None  # ContentSource / 发布机构
    column: str | None = None  # ColumnName
    index_no: str | None = None  # 索引号

    def to_dict(self) -> dict:
        """JSON form (stored with the fetched document)."""
        return {"title": self.title, "published": self.published.isoformat() if self.published else None,
                "source": self.source, "column": self.column, "index_no": self.index_no}


@dataclass(slots=True)
class Article:
    """An article page: its metadata and the attachments it links."""

    meta: PageMeta
    attachments: list[Link] = field(default_factory=list)


def is_report_title(title: str) -> bool:
    """Whether a link's or page's title names a 政府信息公开工作年度报告."""
    return _REPORT_TITLE.search("".join(title.split())) is not None


def report_year(title: str) -> int | None:
    """The year a report title names (the first ``YYYY年``)."""
    m = _YEAR.search("".join(title.split()))
    return int(m.group(1)) if m else None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _root(data: bytes, url: str):
    text = decode_html(data, url)
    try:
        return lxml.html.document_fromstring(text or "<html></html>")
    except (ValueError, lxml.etree.ParserError):
        return lxml.html.document_fromstring("<html></html>")


def _base(root, url: str) -> str:
    base = root.find(".//base[@href]")
    return urljoin(url, base.get("href")) if base is not None else url


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _links(root, base: str):
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        yield a, url


def _row_date(a) -> dt.date | None:
    """The date printed beside a list entry (same <li>/<tr>, or the anchor's own text)."""
    node = a
    for _ in range(3):
        node = node.getparent()
        if node is None:
            break
        if node.tag in ("li", "tr", "dd", "p", "div"):
            return _date(_text(node))
    return None


def _script_pages(root, url: str) -> list[str]:
    """The pages a TRS pager script announces: ``createPageHTML(5, 0, "index", "htm")`` → index.htm,
    index_1.htm … index_4.htm (page 0 carries no number). Arguments may be variables set in the page.
    """
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    out: list[str] = []
    for m in _CREATE_PAGE.finditer(scripts):
        args = [g[0] or g[1] or g[2] for g in _ARG.findall(m.group(1))]
        numbers: list[int] = []
        words: list[str] = []
        for a in args:
            if a.isdigit():
                numbers.append(int(a))
            elif re.fullmatch(r"[A-Za-z_]\w*", a) and (v := re.search(rf"\b{a}\s*=\s*(\d+)", scripts)):
                numbers.append(int(v.group(1)))
            else:
                words.append(a)
        names = [w for w in words if re.fullmatch(r"[\w-]+", w)]
        if len(numbers) < 2 or len(names) < 2:
            continue
        count = min(numbers[0], 500)  # a pager claiming more pages is a broken script, not a column
        prefix, ext = names[-2], names[-1]
        out.extend(urljoin(url, f"{prefix}.{ext}" if n == 0 else f"{prefix}_{n}.{ext}") for n in range(count))
    return out


def read_list_page(data: bytes, url: str) -> ListPage:
    """A column page's article links and the column's other pages."""
    root = _root(data, url)
    base = _base(root, url)
    page = ListPage()
    seen: set[str] = set()
    pages: dict[str, None] = dict.fromkeys(_script_pages(root, base))
    for a, link in _links(root, base):
        text = _text(a)
        title = (a.get("title") or "").strip() or text
        if _PAGER_TEXT.match(text) and not is_report_title(title):
            if urlsplit(link).netloc == urlsplit(url).netloc:
                pages.setdefault(link)
            continue
        if link in seen or link == url or len("".join(title.split())) < 6:
            continue  # navigation (首页, 返回), the page itself
        seen.add(link)
        entry = Link(link, title, _row_date(a))
        if link.lower().endswith(ATTACHMENT_EXTENSIONS) or is_report_title(title):
            (page.reports if is_report_title(title) else page.others).append(entry)
        elif urlsplit(link).netloc == urlsplit(url).netloc and _looks_like_article(link):
            page.others.append(entry)
    page.pages = [p for p in pages if p != url]
    return page


def _looks_like_article(url: str) -> bool:
    """A portal article URL (``…/t20250115_123.html``, ``…/art/2025/1/15/art_1_2.html``, ``?id=``)."""
    path = urlsplit(url).path.lower()
    return bool(re.search(r"(?:/t\d{8}_\d+|/art_\d+_\d+|/content_\d+|/\d{6,}|detail|article|info)", path)) or "id=" in url


def read_meta(data: bytes, url: str) -> PageMeta:
    """An article page's metadata: the CMS's <meta> tags first, then the visible metadata table (the HTML
    reader's own account of a page, so that a page reads the same collected or imported).
    """
    f = read_page_facts(data, url)
    return PageMeta(f.title, f.published, f.source, f.column, f.index_no)


def read_article(data: bytes, url: str) -> Article:
    """An article page: its metadata and the report files it links."""
    root = _root(data, url)
    base = _base(root, url)
    found: dict[str, Link] = {}
    for a, link in _links(root, base):
        text = _text(a)
        path = urlsplit(link).path.lower()
        if path.endswith(ATTACHMENT_EXTENSIONS) or text.lower().endswith(ATTACHMENT_EXTENSIONS):
            found.setdefault(link, Link(link, (a.get("title") or "").strip() or text))
    return Article(read_meta(data, url), list(found.values()))


__all__ = ["ATTACHMENT_EXTENSIONS", "Article", "Link", "ListPage", "PageMeta", "is_report_title", "read_article",
           "read_list_page", "read_meta", "report_year"]
