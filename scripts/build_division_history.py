"""Build src/zfxxgk/data/division_history.csv: the county- and prefecture-level division codes and
names retired since 2008, each with the current division that took over its area.

usage: python scripts/build_division_history.py RESULT_CSV DIFF_DIR [OUT_CSV]

RESULT_CSV is a copy of ``result.csv`` of the public dataset yescallop/areacodes (compiled from the
Ministry of Civil Affairs' 县级以上行政区划代码 and 县级以上行政区划变更情况), in the layout
``代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更（弃用）时间,新代码`` (状态 启用 / 弃用 /
变更; 新代码 the codes that took the area over, ``;``-separated, ``CODE[YEAR]`` for a part handed
over earlier while the unit lived on). Only its rows retired in 2008 or later are read, so a copy
holding just those rows gives the same output. DIFF_DIR holds the dataset's yearly ``diff/*.diff``
files (``+CODE NAME<SOURCES`` for a unit set up, ``-CODE NAME>TARGETS`` for one abolished); only
their ``+`` lines are read. The current divisions are the project's own divisions.csv. Nothing
is downloaded: the CSV is built once and committed (see DIVISIONS-LICENSE.txt for the dates).

A row's successor is a current division code, found by these rules in order:

1. one code takes over (新代码 without the ``[YEAR]`` parts): that code;
2. a renamed unit (状态 变更, the code lives on): its own code;
3. several codes take over: the one whose name has the same root as the retired name (抚宁县 →
   抚宁区, 宣化县 → 宣化区), else the one set up that year from the retired unit alone (the diff's
   ``+CODE NAME<RETIRED``: 绍兴县 → 柯桥区, 达县 → 达川区), when exactly one fits; otherwise none
   (a split: 邯郸县, 巢湖市), and ``successors`` lists them all;
4. a successor that is itself retired is followed to its own successor (无为县 341422 → 340225
   → 无为市 340281); a chain that ends in a split gives none.

A renamed row whose name is still the unit's current name (襄樊市襄城区 → 襄阳市襄城区: only
the prefecture was renamed) is left out: nothing of it is retired.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zfxxgk.model import divisions  # noqa: E402

FIRST_YEAR = 2008  # the 条例 took effect on 2008-05-01: no report names a division gone before
LEVELS = {"地级": "city", "县级": "county"}
RETIRED = {"弃用", "代码弃用"}
RENAMED = {"变更", "名称弃用"}

# Changes after the result.csv snapshot used (it ends with 2021), from diff/2022-2023.diff and
# diff/2024-2025.diff; 启用时间 from the snapshot's rows for the same codes.
LATER_ROWS = [
    ["540422", "西藏自治区", "林芝市", "米林县", "县级", "弃用", "2015", "2023", "540481"],
    ["540530", "西藏自治区", "山南市", "错那县", "县级", "弃用", "2016", "2023", "540581"],
    ["500105", "重庆市", "直辖", "江北区", "县级", "弃用", "1997", "2025", "500157"],
    ["500112", "重庆市", "直辖", "渝北区", "县级", "弃用", "1997", "2025", "500157;500109"],
]

_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "地区", "县", "市", "区", "旗", "盟")
_NEW = re.compile(r"^\+(\d{6})[ \t]+([^<\s]+)<(.*)$")


def root(name: str) -> str:
    """A division name without its level suffix (抚宁县 → 抚宁)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def year(text: str) -> int:
    """A year of the dataset, which may carry a month (201812 → 2018)."""
    return int(text.strip()[:4])


def read_rows(path: Path) -> list[list[str]]:
    """The dataset's rows retired in FIRST_YEAR or later, plus LATER_ROWS."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header[:6] != ["代码", "一级行政区", "二级行政区", "名称", "级别", "状态"] or len(header) < 9:
            raise SystemExit(f"{path}: not the expected result.csv layout: {header}")
        rows = [r for r in reader if r and r[5] in RETIRED | RENAMED and r[7] and year(r[7]) >= FIRST_YEAR]
    known = {(r[0], r[3]) for r in rows}
    rows += [r for r in LATER_ROWS if (r[0], r[3]) not in known]
    return [r for r in rows if r[4] in LEVELS]


def read_new_units(diff_dir: Path) -> dict[str, list[tuple[int, list[str]]]]:
    """For each code set up in a diff: (the diff's year, the names it was set up from)."""
    out: dict[str, list[tuple[int, list[str]]]] = {}
    for path in sorted(diff_dir.glob("*.diff")):
        y = year(path.stem.split("-")[-1])
        for line in path.read_text(encoding="utf-8").splitlines():
            m = _NEW.match(line.strip())
            if m:
                sources = [s.rstrip("!") for s in m.group(3).split(",") if s.strip()]
                out.setdefault(m.group(1), []).append((y, sources))
    return out


def build(rows: list[list[str]], new_units: dict[str, list[tuple[int, list[str]]]]) -> list[dict[str, str]]:
    """The history table's rows, sorted by code."""
    by_code = {r[0]: r for r in rows if r[5] in RETIRED}
    names = {d.code: d.name for d in divisions.all_divisions()}
    names.update({r[0]: r[3] for r in rows if r[0] not in names})

    def takers(r: list[str]) -> list[str]:
        return [c for c in r[8].split(";") if c and "[" not in c]

    def resolve(code: str, seen: frozenset[str] = frozenset()) -> str | None:
        if divisions.division(code) is not None:
            return code
        r = by_code.get(code)
        if r is None or code in seen:
            return None
        picked = pick(r)
        return resolve(picked, seen | {code}) if picked else None

    def pick(r: list[str]) -> str | None:
        codes = takers(r)
        if len(codes) == 1:
            return codes[0]
        if r[5] in RENAMED and divisions.division(r[0]) is not None:
            return r[0]
        same_root = [c for c in codes if root(names.get(c, "")) == root(r[3])]
        if len(same_root) == 1:
            return same_root[0]
        set_up_from_it = [
            c for c in codes
            if any(abs(y - year(r[7])) <= 1 and sources == [r[3]] for y, sources in new_units.get(c, []))
        ]
        return set_up_from_it[0] if len(set_up_from_it) == 1 else None

    out: list[dict[str, str]] = []
    for r in rows:
        current = divisions.division(r[0])
        if r[5] in RENAMED and current is not None and current.name == r[3]:
            continue  # only a parent was renamed
        picked = pick(r)
        successor = resolve(picked) if picked else None
        codes = takers(r)
        many = list(dict.fromkeys(c for c in (resolve(c) for c in codes) if c)) if len(codes) > 1 else []
        out.append({
            "code": r[0], "name": r[3], "level": LEVELS[r[4]], "since": str(year(r[6])),
            "until": str(year(r[7])), "successor": successor or "", "successors": "|".join(many),
        })
    out.sort(key=lambda x: (x["code"], x["since"]))
    return out


def main(argv: list[str]) -> None:
    """Read the dataset's files, write the history CSV."""
    if len(argv) not in (3, 4):
        raise SystemExit(__doc__)
    rows = read_rows(Path(argv[1]))
    table = build(rows, read_new_units(Path(argv[2])))
    out = Path(argv[3]) if len(argv) == 4 else ROOT / "src/zfxxgk/data/division_history.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["code", "name", "level", "since", "until", "successor", "successors"], lineterminator="\n")
        w.writeheader()
        w.writerows(table)
    print(f"{out}: {len(table)} rows, {sum(1 for t in table if not t['successor'])} without a single successor")


if __name__ == "__main__":
    main(sys.argv)
