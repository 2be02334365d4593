"""Dates as Chinese reports write them (``2025年1月15日``, ``二〇二五年一月十五日``): one reading for every
layer (the readers find them, the writer recognises its own signature line, the filing form checks them).
"""

from __future__ import annotations

import datetime as dt
import re

from .text import nfkc, squash

# [0-9], not \d: the texts are NFKC (full-width digits are ASCII); other scripts' digits are no dates
YEAR = r"([0-9]{4}|[〇○零一二三四五六七八九]{4})"
MONTH_DAY = r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})"
DATE = re.compile(YEAR + r"年" + MONTH_DAY + r"月" + MONTH_DAY + r"日")
# A statistics period as reports state it (统计期间为2024年1月1日至12月31日)
PERIOD = re.compile(
    r"(?:统计期间|统计期限|统计时段|统计时限|统计周期|统计区间|统计时间|所列数据|数据期间)(?:的?统计期限|的?统计期间)?(?:为|是|均为)?(?:自|从)?"
    + YEAR + r"年" + MONTH_DAY + r"月" + MONTH_DAY + r"日(?:起)?(?:至|到|—|-|~|－|─)+(?:" + YEAR + r"年)?" + MONTH_DAY + r"月" + MONTH_DAY + r"日"
)
_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


def cn_int(s: str) -> int:
    """Integer from Arabic or Chinese numerals (``二〇二四`` → 2024, ``十二`` → 12)."""
    s = nfkc(s)  # full-width digits (a portal's 发布日期) are ASCII after it
    if s.isdigit():
        if not s.isascii():
            raise ValueError(f"not a numeral of a Chinese report: {s!r}")  # ١٢, १२: no date
        return int(s)
    if len(s) == 4 and all(ch in "〇○零一二三四五六七八九" for ch in s):
        return int(s.translate(_DIGITS))
    import cn2an

    return int(cn2an.cn2an(s, "smart"))


def to_date(y: str, m: str, d: str) -> dt.date | None:
    """A date from its parts, or None when it is not a real date."""
    try:
        return dt.date(cn_int(y), cn_int(m), cn_int(d))
    except (ValueError, TypeError):
        return None


def states_period(texts: list[str]) -> bool:
    """Whether any of these texts states a statistics period (whitespace and line breaks ignored)."""
    return any(PERIOD.search(squash(t)) for t in texts if t)


__all__ = ["DATE", "MONTH_DAY", "PERIOD", "YEAR", "cn_int", "states_period", "to_date"]
