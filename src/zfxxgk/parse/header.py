"""Header facts: title, unit, year, statistics period, signature (spec §1.2, §4.8)."""

from __future__ import annotations

import datetime as dt
import re

from ..model import PeriodStatement, Span
from ..model.dates import DATE, MONTH_DAY, PERIOD, YEAR, cn_int, to_date
from .normalize import nfkc, squash, strip_heading

_Y, _MD = YEAR, MONTH_DAY
_PERIOD = PERIOD
_TITLE_YEAR = re.compile(r"^(.*?)" + _Y + r"年度?")
_PAGE_NO = re.compile(r"^(?:-?\s*\d{1,3}\s*-?|第\d+页(?:共\d+页)?|\d+/\d+)$")
# 索引号：11370725004385523D/2025-00012 — on a portal page's metadata table or a copy of it; the value
# runs to the first character no 索引号 has (a label such as 分类 glued after it stops it).
_INDEX_NO = re.compile(r"索\s*引\s*号\s*[:：]?\s*([0-9A-Za-z][0-9A-Za-z/_.\-－—]{3,60})")


# A portal page's metadata copied with the report (索引号：…, 发布机构：…) or its labels (正文, 标题：):
# page chrome, never part of the title.
_META_LINE = re.compile(
    r"^(?:索\s*引\s*号|发布机构|发文机关|发文单位|发布日期|发布时间|生成日期|成文日期|发文日期|文\s*号|发文字号|"
    r"主题分类|体裁分类|组配分类|服务对象分类|分\s*类|公开方式|公开范围|公开时限|公开形式|有\s*效\s*性|信息来源|"
    r"来\s*源|浏览次数|访问量|点击数|字号|责任编辑)\s*[:：]"
)
_CHROME_LINE = re.compile(
    r"^(?:(?:正文|内容|全文|【?字体|打印本页|关闭窗口)[:：】]?\s*$|(?:当前位置|您的位置|您现在的位置|所在位置)\s*[:：]|首页\s*[>＞»/›])"
)
_TITLE_LABEL = re.compile(r"^(?:标\s*题|名\s*称|文章标题)\s*[:：]\s*")


def find_title(lines: list[str], stop: int) -> tuple[str | None, Span | None]:
    """The title: first non-empty lines (up to 3, before line ``stop``) through ``年度报告``; portal
    metadata lines before it are skipped and a ``标题：`` label dropped.
    """
    parts: list[str] = []
    first = last = 0
    for i, line in enumerate(lines[:stop]):
        s = strip_heading(line)
        if not s:
            continue
        if _META_LINE.match(s) or _CHROME_LINE.match(s):
            if parts:
                break  # the title ended before the metadata
            continue
        s = _TITLE_LABEL.sub("", s)
        if "。" in s or len(squash(s)) > 80:
            break  # prose, not a title
        if not parts:
            first = i
        parts.append(s)
        last = i
        so_far = "".join(parts)  # “…工作年度 / 报告”: the words may be cut by the line break
        if "年度报告" in so_far or "年报" in so_far or len(parts) == 3:
            break
    if not parts:
        return None, None
    joined = "".join(parts)
    if "报告" not in joined:
        return None, None
    return joined, Span(first + 1, 0, last + 1, len(lines[last]))


def unit_and_year(title: str | None) -> tuple[str | None, int | None]:
    """Unit name and report year from the title."""
    if not title:
        return None, None
    m = _TITLE_YEAR.match(squash(title))
    if not m:
        return None, None
    unit = m.group(1).strip("：:，,《》“”\"") or None
    if unit and unit.startswith("关于"):
        unit = unit[2:] or None
    try:
        year = cn_int(m.group(2))
    except (ValueError, TypeError):
        year = None
    return unit, year


def find_periods(lines: list[str]) -> list[PeriodStatement]:
    """Every stated statistics period (a missing end year is the start year)."""
    out: list[PeriodStatement] = []
    for i, line in enumerate(lines):
        if "统计" not in line and "所列数据" not in line:
            continue
        text = squash(line)
        if not _PERIOD.search(text) and i + 1 < len(lines):
            text += squash(lines[i + 1])  # a statement wrapped onto the next line (PDF text)
        for m in _PERIOD.finditer(text):
            y1, m1, d1, y2, m2, d2 = m.groups()
            start = to_date(y1, m1, d1)
            end = to_date(y2 or y1, m2, d2)
            if start and end:
                out.append(PeriodStatement(start, end, m.group(0), Span(i + 1, 0, i + 1, len(line))))
    return out


def find_signature(lines: list[str], start: int) -> tuple[str | None, dt.date | None, Span | None]:
    """Closing unit and date from the last lines (after line ``start``); page numbers ignored."""
    tail: list[tuple[int, str]] = []
    for i in range(len(lines) - 1, max(start, len(lines) - 12) - 1, -1):
        s = squash(strip_heading(lines[i]))
        if not s or _PAGE_NO.match(s):
            continue
        tail.append((i, s))
        if len(tail) == 3:
            break
    for k, (i, s) in enumerate(tail):
        m = DATE.fullmatch(s)
        if not m and k == 0 and (g := DATE.search(s)) is not None and g.end() == len(s) and 2 <= g.start() <= 40 \
                and not re.search(r"[。；;：:，,]", s[:g.start()]):
            # “甲镇人民政府2025年1月18日”: unit and date on one line (page text that lost its breaks)
            return s[:g.start()], to_date(*g.groups()), Span(i + 1, 0, i + 1, len(lines[i]))
        if not m:
            continue
        date = to_date(*m.groups())
        unit = None
        span = Span(i + 1, 0, i + 1, len(lines[i]))
        if k + 1 < len(tail):
            j, u = tail[k + 1]
            if len(u) <= 40 and not re.search(r"[。；;：:，,]", u):
                unit = u
                span = Span(j + 1, 0, i + 1, len(lines[i]))
        return unit, date, span
    return None, None, None


def find_index_number(text: str, head: int = 20_000) -> str | None:
    """The 索引号 printed in ``text`` (its first ``head`` characters: the metadata precede the body or
    sit right after it on a portal page), as printed after NFKC; None when there is none.
    """
    m = _INDEX_NO.search(nfkc(text[:head]))
    return m.group(1).rstrip("-－—_./") if m else None
