"""Synthetic corpus: realistic annual reports written by the writers, each with its gold and findings.

``zfxxgk synth OUT_DIR -n N`` writes N reports and, for each, the gold record a perfect parser
would give and the rule ids a correct checker must report:

* ``OUT_DIR/reports/NNNNN_{unit}_{year}.{ext}``: the report (txt, html, docx or pdf);
* ``OUT_DIR/gold/NNNNN_{unit}_{year}.json``: its gold. The first eight keys (``source``,
  ``format``, ``unit``, ``year``, ``published``, ``period``, ``sections``, ``cells``) are exactly the
  record ``zfxxgk parse FILE --json`` prints, ``source`` being the file name (as in
  ``tests/data/seeds-gold``: ``scripts/score-gold OUT_DIR/gold out.jsonl`` scores a parse of
  ``OUT_DIR/reports``). Then ``layout`` (txt: tsv|cells|grid; html: plain|gov_portal|cms),
  ``unit_type``, ``defect`` (a key of :data:`DEFECTS` or null), ``label_variants`` and
  ``expected_findings``: ``[{"rule", "severity"}]``, every error and warning rule instance
  ``zfxxgk check`` must report for the file, and no other.

Reports and gold files are kept in two folders so that ``zfxxgk check OUT_DIR/reports`` does not
read the gold JSON as reports. Generation is deterministic: report i depends only on the seed and
i (``random.Random(f"{seed}:{i}")``), and files are written one at a time.

Reports are consistent by construction (all table-3 and table-4 identities hold, the prose states
the table's numbers, the statistics period is the report year, the signature date is before the
deadline); a share of them then get one planted defect (:data:`DEFECTS`), and some get table
labels replaced by known variants (:data:`LABEL_VARIANTS`, one STRUCT-LABEL-VARIANT warning).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from .model import CELL_IDS, Cell, CellState, PeriodStatement, Report, Section, Severity, Span, Table
from .model.ids import (
    OUTCOME_ROWS,
    SECTION_TITLES,
    T2_COL,
    T3_APPLICANT_COLUMNS,
    T3_COLUMNS,
    T3_ROWS,
    T4_BLOCKS,
    T4_PARTS,
    row_cells,
    section_heading,
    t2,
    t3,
    t4,
)
from .model.numbers import json_number
from .model.units import UnitType
from .parse import IGNORE_MARKER
from .render import render

FORMATS = ("txt", "html", "docx", "pdf")
TEXT_LAYOUTS = ("tsv", "cells", "grid")
HTML_TEMPLATES = ("plain", "gov_portal", "cms")
YEARS = (2021, 2022, 2023, 2024, 2025)
VARIANT_RATE = 0.15  # share of reports whose table labels use a known variant
REPORTS_DIR = "reports"
GOLD_DIR = "gold"
PARSED_FORMAT = {"html": "html", "docx": "docx", "pdf": "pdf"}  # txt: "text/" + layout


# --- planted defects ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Defect:
    """A planted defect: what it changes and the rule instances it must trigger (``{r}``/``{b}`` filled)."""

    name: str
    description: str
    rules: tuple[str, ...]


DEFECTS: dict[str, Defect] = {
    d.name: d
    for d in (
        Defect("t3_unbalanced", "表三不平衡：结转下年度的自然人栏与总计栏同加 d（行内仍相加）",
               ("T3-BALANCE-natural_person", "T3-BALANCE-total")),
        Defect("t3_rowsum", "表三某一办理结果行的总计栏加 d", ("T3-ROWSUM-{r}", "T3-OUTCOMES-total")),
        Defect("blank_cell", "表三一个非总计的 0 单元格留空（金标准为 null）", ("STRUCT-CELL-BLANK-t3",)),
        Defect("prose_contradiction", "正文所述收到申请件数与表三“本年新收”总计不符", ("TXT-NEW-RECEIVED",)),
        Defect("period_year", "统计期间写成上一年度", ("DATE-PERIOD-MISMATCH", "DATE-YEAR-CONSISTENCY")),
        Defect("missing_section5", "缺少第五部分“存在的主要问题及改进情况”", ("STRUCT-SECTION-MISSING-5",)),
        Defect("t4_sum", "表四某一栏组的总计加 d", ("T4-SUM-{b}",)),
    )
}
DEFECT_SEVERITY = {
    "STRUCT-CELL-BLANK-t3": Severity.WARNING,
    "STRUCT-LABEL-VARIANT": Severity.WARNING,
}  # every other planted rule is an error

# (standard label as printed by the writers, known variant the parser reports as STRUCT-LABEL-VARIANT,
# whether the PDF reader reports it too: in PDF the narrow 社会公益组织 header and the long 其他处理 labels
# wrap, and the reader places them by position and by their wrapped parts, without a variant note)
LABEL_VARIANTS: tuple[tuple[str, str, bool], ...] = (
    (T3_COLUMNS[3].label, "社会组织", False),
    (T3_ROWS[1].label, T3_ROWS[1].label.replace("结转", "转结"), True),
    (T3_ROWS[-1].label, T3_ROWS[-1].label.replace("结转", "转结"), True),
    (T3_ROWS[3].label, T3_ROWS[3].label.split("（区分")[0], True),
    (T3_ROWS[8].label, T3_ROWS[8].label.replace("事务", "事业"), True),
    (T3_ROWS[20].label, T3_ROWS[20].label.replace("处理其政府", "处理政府"), False),
    (T3_ROWS[21].label, T3_ROWS[21].label.replace("处理其政府", "处理政府"), False),
    (T2_COL["issued"].label, "本年新制发件数", True),
    (T2_COL["repealed"].label, "本年度废止件数", True),
    (T2_COL["amount"].label, "本年度收费金额（单位：万元）", True),
)


# --- names ----------------------------------------------------------------------------------------

PLACES: dict[str, dict[str, tuple[str, ...]]] = {
    "山东省": {"济南市": ("历城区", "章丘区", "平阴县", "商河县"), "潍坊市": ("昌乐县", "寿光市", "青州市", "临朐县"),
              "枣庄市": ("台儿庄区", "滕州市", "山亭区")},
    "江苏省": {"南京市": ("江宁区", "浦口区", "六合区"), "徐州市": ("丰县", "沛县", "睢宁县"),
              "盐城市": ("射阳县", "建湖县", "东台市")},
    "浙江省": {"杭州市": ("余杭区", "桐庐县", "淳安县"), "温州市": ("瑞安市", "永嘉县", "苍南县"),
              "金华市": ("义乌市", "东阳市", "浦江县")},
    "河南省": {"郑州市": ("中牟县", "巩义市", "新郑市"), "洛阳市": ("孟津区", "宜阳县", "栾川县"),
              "南阳市": ("邓州市", "西峡县", "镇平县")},
    "河北省": {"石家庄市": ("正定县", "栾城区", "赞皇县"), "保定市": ("涞源县", "安国市", "顺平县"),
              "邯郸市": ("武安市", "涉县", "魏县")},
    "四川省": {"成都市": ("郫都区", "大邑县", "蒲江县"), "绵阳市": ("江油市", "三台县", "梓潼县"),
              "南充市": ("阆中市", "营山县", "仪陇县")},
    "湖北省": {"武汉市": ("黄陂区", "新洲区", "江夏区"), "宜昌市": ("当阳市", "远安县", "秭归县"),
              "襄阳市": ("枣阳市", "宜城市", "南漳县")},
    "湖南省": {"长沙市": ("浏阳市", "宁乡市", "望城区"), "岳阳市": ("平江县", "湘阴县", "汨罗市"),
              "常德市": ("桃源县", "澧县", "汉寿县")},
    "广东省": {"广州市": ("从化区", "增城区", "花都区"), "韶关市": ("乐昌市", "南雄市", "仁化县"),
              "梅州市": ("兴宁市", "五华县", "大埔县")},
    "安徽省": {"合肥市": ("肥西县", "长丰县", "庐江县"), "安庆市": ("桐城市", "怀宁县", "潜山市"),
              "阜阳市": ("临泉县", "太和县", "颍上县")},
    "福建省": {"福州市": ("闽侯县", "连江县", "永泰县"), "泉州市": ("晋江市", "南安市", "安溪县"),
              "漳州市": ("龙海区", "漳浦县", "平和县")},
    "江西省": {"南昌市": ("南昌县", "进贤县", "安义县"), "赣州市": ("瑞金市", "于都县", "兴国县"),
              "上饶市": ("婺源县", "鄱阳县", "玉山县")},
}
AREA_CODES = {"山东省": "0536", "江苏省": "025", "浙江省": "0571", "河南省": "0371", "河北省": "0311", "四川省": "028",
              "湖北省": "027", "湖南省": "0731", "广东省": "020", "安徽省": "0551", "福建省": "0591", "江西省": "0791"}
TOWN_FIRST = "东西南北大小新高龙凤马石柳桃杨白黄青金双"
TOWN_SECOND = "山河岗集庄桥湖店坪口营堡塘坝沟岭田林湾寨"
DEPARTMENTS = (
    "发展和改革局", "教育和体育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康局",
    "退役军人事务局", "应急管理局", "市场监督管理局", "医疗保障局", "统计局", "生态环境分局", "行政审批服务局",
)
CITY_DEPARTMENTS = ("发展和改革委员会", "卫生健康委员会", "交通运输局", "教育局", "民政局", "自然资源和规划局")
UNIT_TYPE_WEIGHTS = ((UnitType.TOWNSHIP, 0.55), (UnitType.DEPARTMENT, 0.3), (UnitType.GOVERNMENT, 0.15))


@dataclass(frozen=True, slots=True)
class Unit:
    """A reporting organ: full name, the name used in the signature, how prose calls it, its type."""

    name: str
    signed: str
    we: str  # 我镇 / 我局 / 我县 …
    superior: str  # 县委、县政府 …
    office: str  # who answers questions
    area_code: str
    unit_type: UnitType
    city_level: bool = False


def make_unit(rng: random.Random) -> Unit:
    """A realistic organ name of a random type."""
    province = rng.choice(sorted(PLACES))
    city = rng.choice(sorted(PLACES[province]))
    county = rng.choice(PLACES[province][city])
    utype = rng.choices([t for t, _ in UNIT_TYPE_WEIGHTS], [w for _, w in UNIT_TYPE_WEIGHTS])[0]
    code = AREA_CODES[province]
    county_kind = county[-1]  # 县 / 区 / 市
    if utype is UnitType.TOWNSHIP:
        kind = rng.choices(("镇", "乡", "街道"), (0.65, 0.15, 0.2))[0]
        town = rng.choice(TOWN_FIRST) + rng.choice(TOWN_SECOND) + kind
        organ = town + ("办事处" if kind == "街道" else "人民政府")
        name = county + organ
        signed = organ if rng.random() < 0.3 else name
        return Unit(name, signed, "我" + kind, f"{county_kind}委、{county_kind}政府",
                    name + ("党工委办公室" if kind == "街道" else "党政办公室"), code, utype)
    if utype is UnitType.DEPARTMENT:
        city_level = rng.random() < 0.25
        dept = rng.choice(CITY_DEPARTMENTS if city_level else DEPARTMENTS)
        place = city if city_level else county
        name = place + dept
        we = "我委" if dept.endswith("委员会") else "我局"
        return Unit(name, name, we, f"{place[-1]}委、{place[-1]}政府", name + "办公室", code, utype, city_level)
    city_level = rng.random() < 0.2
    place = city if city_level else county
    name = place + "人民政府"
    superior = "省委、省政府" if city_level else "市委、市政府"
    return Unit(name, name, "我" + place[-1], superior, name + "办公室", code, utype, city_level)


# --- table values ---------------------------------------------------------------------------------

APPLICANT_WEIGHTS = dict(zip(T3_APPLICANT_COLUMNS, (0.85, 0.08, 0.01, 0.01, 0.03, 0.02)))
OUTCOME_WEIGHTS = dict(zip(OUTCOME_ROWS, (
    0.40, 0.10,  # granted, partially granted
    0.005, 0.01, 0.005, 0.02, 0.02, 0.02, 0.01, 0.01,  # withheld 1–8
    0.20, 0.04, 0.02,  # unavailable 1–3
    0.03, 0.02, 0.01, 0.005, 0.01,  # declined 1–5
    0.02, 0.005, 0.02,  # other 1–3
)))
assert len(OUTCOME_WEIGHTS) == len(OUTCOME_ROWS) == 21
# new applications: (weight, low, high) per unit type — most townships receive 0–5
NEW_RECEIVED_DIST = {
    UnitType.TOWNSHIP: ((45, 0, 0), (20, 1, 1), (12, 2, 2), (8, 3, 3), (8, 4, 5), (5, 6, 10), (2, 11, 20)),
    UnitType.DEPARTMENT: ((30, 0, 0), (30, 1, 3), (25, 4, 10), (15, 11, 40)),
    UnitType.GOVERNMENT: ((5, 0, 0), (30, 1, 10), (45, 11, 50), (20, 51, 200)),
}
T4_ZERO_SHARE = {UnitType.TOWNSHIP: 0.95, UnitType.DEPARTMENT: 0.85, UnitType.GOVERNMENT: 0.6}


def _pick(rng: random.Random, dist: Sequence[tuple[int, int, int]]) -> int:
    _, lo, hi = rng.choices(dist, [d[0] for d in dist])[0]
    return rng.randint(lo, hi)


def _spread(rng: random.Random, n: int, weights: dict[str, float]) -> Counter[str]:
    """N items distributed over the keys by weight."""
    keys = list(weights)
    return Counter(rng.choices(keys, [weights[k] for k in keys], k=n)) if n else Counter()


def make_values(rng: random.Random, unit: Unit) -> dict[str, int | Decimal]:
    """All 200 values, every table-3 and table-4 identity holding."""
    v: dict[str, int | Decimal] = {cid: 0 for cid in CELL_IDS}
    utype = unit.unit_type
    # table 3: applications per applicant column, then carried over, forwarded, outcomes
    new = _spread(rng, _pick(rng, NEW_RECEIVED_DIST[utype]), APPLICANT_WEIGHTS)
    over_n = 0 if rng.random() < 0.8 else rng.randint(1, max(1, sum(new.values()) // 5))
    over = _spread(rng, over_n, APPLICANT_WEIGHTS)
    forward_rate = rng.choice((0.0, 0.0, 0.05, 0.1))
    for c in T3_APPLICANT_COLUMNS:
        pending = new[c] + over[c]
        forward = sum(rng.random() < forward_rate for _ in range(pending))
        outcomes = _spread(rng, pending - forward, OUTCOME_WEIGHTS)
        v[t3("new_received", c)] = new[c]
        v[t3("carried_over", c)] = over[c]
        v[t3("carried_forward", c)] = forward
        v[t3("total_processed", c)] = pending - forward
        for r, k in outcomes.items():
            v[t3(r, c)] = k
    for row in T3_ROWS:
        v[t3(row.key, "total")] = sum(int(v[t3(row.key, c)]) for c in T3_APPLICANT_COLUMNS)
    # table 4: mostly nothing
    if rng.random() >= T4_ZERO_SHARE[utype]:
        for block, most in zip((b.key for b in T4_BLOCKS), (3, 2, 1)):
            n = rng.randint(0, most)
            parts = _spread(rng, n, dict(zip(T4_PARTS, (0.6, 0.1, 0.15, 0.15))))
            for p in T4_PARTS:
                v[t4(block, p)] = parts[p]
            v[t4(block, "total")] = n
    # table 2
    big = utype is not UnitType.TOWNSHIP
    if utype is UnitType.GOVERNMENT and unit.city_level:
        v[t2("regulation", "issued")] = rng.randint(0, 3)
        v[t2("regulation", "repealed")] = rng.randint(0, 1)
        v[t2("regulation", "in_force")] = rng.randint(10, 80)
    if big or rng.random() < 0.3:
        scale = {UnitType.TOWNSHIP: 3, UnitType.DEPARTMENT: 8, UnitType.GOVERNMENT: 20}[utype]
        v[t2("normative_document", "issued")] = rng.randint(0, scale)
        v[t2("normative_document", "repealed")] = rng.randint(0, scale // 3)
        v[t2("normative_document", "in_force")] = rng.randint(scale // 2, scale * 8)
    licensing = {UnitType.TOWNSHIP: 50, UnitType.DEPARTMENT: 3000, UnitType.GOVERNMENT: 800}[utype]
    v[t2("licensing", "decisions")] = 0 if rng.random() < 0.4 else rng.randint(1, licensing)
    v[t2("penalty", "decisions")] = 0 if rng.random() < 0.5 else rng.randint(1, licensing // 4 + 5)
    v[t2("coercion", "decisions")] = 0 if rng.random() < 0.8 else rng.randint(1, 20)
    if big and rng.random() < 0.4:
        v[t2("fee", "amount")] = Decimal(rng.randint(1, 500_00)) / 100
    return v


# --- prose ----------------------------------------------------------------------------------------

PLATFORMS = ("政府门户网站", "政府信息公开专栏", "政务新媒体", "“两微一端”", "政务服务大厅公开栏")
ACTIVE_TOPICS = ("机构职能、领导信息", "财政预决算", "重大建设项目", "乡村振兴", "安全生产", "环境保护",
                 "社会救助", "惠民惠农补贴", "招商引资", "政策解读")
MANAGEMENT = (
    "健全政府信息公开审查机制，严格落实“先审查、后公开”和“一事一审”制度，确保公开信息不涉密、涉密信息不公开。",
    "动态更新政府信息公开目录，规范信息发布、审核、归档流程，政府信息管理水平进一步提升。",
    "严把信息发布质量关，公开信息经经办人员校对、分管领导审核后发布，政府信息管理更加规范。",
)
PLATFORM_TEXT = (
    "持续优化政府网站信息公开平台，及时更新栏目内容，做到信息发布及时、准确。",
    "加强政务新媒体平台管理，拓展公开渠道，方便群众及时获取政府信息。",
    "在便民服务中心设置政务公开专区，配备查阅终端，打通信息公开平台“最后一公里”。",
)
PROBLEMS = (
    ("公开内容不够全面", "部分栏目更新不及时"),
    ("政策解读形式较为单一", "工作人员业务能力有待提高"),
    ("依申请公开答复规范性不足", "基层公开标准化建设相对薄弱"),
    ("信息发布的时效性不强", "公众参与渠道有待拓展"),
)
MEASURES = (
    ("加强业务培训", "完善信息发布审核制度"),
    ("丰富政策解读形式", "提升公开质量和实效"),
    ("规范依申请公开办理流程", "强化监督考核"),
    ("落实专人负责栏目维护", "拓宽公众参与渠道"),
)
INNOVATIONS = ("政务公开进社区活动", "“政府开放日”活动", "政策“明白纸”进村入户", "重点领域信息公开标准化建设")


@dataclass(slots=True)
class Prose:
    """Intro and the six section bodies (paragraphs separated by new lines)."""

    intro: str
    sections: dict[int, str]


def _period(y: int, rng: random.Random) -> str:
    return rng.choice((
        f"本报告所列数据的统计期间为{y}年1月1日至{y}年12月31日。",
        f"本报告中所列数据统计期限自{y}年1月1日起至{y}年12月31日止。",
        f"本年度报告所列数据统计时段为{y}年1月1日至12月31日。",
    ))


def make_prose(rng: random.Random, unit: Unit, year: int, v: dict[str, int | Decimal], *,
               stated_new: int | None = None, period_year: int | None = None) -> Prose:
    """Section texts from templates; every number stated agrees with ``v`` except ``stated_new`` if given."""
    py = period_year or year
    phone = f"{unit.area_code}-{rng.randint(2000000, 8999999)}"
    intro = (
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
        f"要求，编制本报告。{_period(py, rng)}如对本报告有疑问，请与{unit.office}联系（联系电话：{phone}）。"
    )
    new = int(v[t3("new_received", "total")])
    over = int(v[t3("carried_over", "total")])
    forward = int(v[t3("carried_forward", "total")])
    done = int(v[t3("total_processed", "total")])
    review = int(v[t4("review", "total")])
    lawsuits = int(v[t4("litigation_direct", "total")]) + int(v[t4("litigation_after_review", "total")])
    said = new if stated_new is None else stated_new
    if said == 0 and stated_new is None and rng.random() < 0.5:
        request = f"{year}年，{unit.we}未收到政府信息公开申请。"
    else:
        request = f"{year}年共收到政府信息公开申请{said}件"
        extra = []
        if over and rng.random() < 0.5:
            extra.append(f"上年结转{over}件")
        if done and rng.random() < 0.5:
            extra.append(f"全年办结{done}件")
        if forward and rng.random() < 0.5:
            extra.append(f"结转下年度继续办理{forward}件")
        request += ("，" + "，".join(extra) if extra else "") + "，均在法定期限内答复。"
    if review == 0 and lawsuits == 0:
        disputes = "本年度未发生因政府信息公开引起的行政复议、行政诉讼。"
    else:
        disputes = f"本年度因政府信息公开引起行政复议{review}件、行政诉讼{lawsuits}件。"
    topics = "、".join(rng.sample(ACTIVE_TOPICS, 3))
    s1 = "\n".join((
        f"{year}年，{unit.we}在{unit.superior}的正确领导下，认真贯彻落实《条例》，坚持以公开为常态、不公开为例外，"
        "扎实推进政府信息公开工作。",
        f"（一）主动公开。通过{rng.choice(PLATFORMS)}主动公开政府信息{rng.randint(12, 900)}条，"
        f"重点公开{topics}等信息。",
        f"（二）依申请公开。{request}",
        f"（三）政府信息管理。{rng.choice(MANAGEMENT)}",
        f"（四）政府信息公开平台建设。{rng.choice(PLATFORM_TEXT)}",
        "（五）监督保障。将政务公开工作纳入年度绩效考核，邀请群众代表开展社会评议，本年度未发生责任追究情况。"
        + disputes,
    ))
    problems, measures = rng.choice(PROBLEMS), rng.choice(MEASURES)
    s5 = "\n".join((
        f"（一）{year - 1}年问题整改情况。针对上一年度{rng.choice(PROBLEMS)[1]}的问题，{unit.we}明确专人负责，已完成整改。",
        f"（二）存在的主要问题。一是{problems[0]}；二是{problems[1]}。",
        f"（三）改进措施。下一步，{unit.we}将{measures[0]}，{measures[1]}，不断提升政府信息公开工作水平。",
    ))
    proposals = (
        f"本年度承办人大代表建议{rng.randint(1, 30)}件、政协提案{rng.randint(1, 30)}件，办理结果已按要求公开。"
        if unit.unit_type is not UnitType.TOWNSHIP else "本年度无人大代表建议和政协提案办理事项。"
    )
    s6_parts = [
        "（一）信息处理费收取情况。" + rng.choice(("本年度未收取信息处理费。", "本年度收取信息处理费0元。")),
        "（二）落实上级年度政务公开工作要点情况。对照年度政务公开工作要点，逐项明确责任、抓好落实。",
        f"（三）人大代表建议和政协提案办理结果公开情况。{proposals}",
        f"（四）年度政务公开工作创新情况。创新开展{rng.choice(INNOVATIONS)}。",
    ]
    if rng.random() < 0.5:
        s6_parts.append("（五）数据统计说明。" + _period(py, rng))
    sections = {1: s1, 2: "", 3: "", 4: "", 5: s5, 6: "\n".join(s6_parts)}
    return Prose(intro, sections)


# --- one report -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Planned:
    """A report to write, with how it was made and what a parser and checker must say."""

    index: int
    report: Report
    unit: Unit
    fmt: str
    layout: str | None  # txt layout or html template
    defect: str | None = None
    expected: set[str] = field(default_factory=set)
    variants: list[tuple[str, str]] = field(default_factory=list)
    drop_section: int | None = None
    published_on: dt.date | None = None  # portal 发布日期 (gov_portal pages)

    @property
    def name(self) -> str:
        """File name without extension."""
        return f"{self.index:05d}_{self.report.unit}_{self.report.year}"


def plan(index: int, seed: int, fmt: str, layout: str | None, defect_rate: float, defect: str | None = None) -> Planned:
    """Report ``index`` of the corpus (depends only on seed, index, format/layout and the rate).

    ``defect`` plants that defect whatever the rate (tests of each defect).
    """
    rng = random.Random(f"{seed}:{index}")
    unit = make_unit(rng)
    year = rng.choice(YEARS)
    values = make_values(rng, unit)
    drawn = rng.choice(sorted(DEFECTS)) if rng.random() < defect_rate else None
    if defect is not None and defect not in DEFECTS:
        raise ValueError(f"unknown defect {defect!r}")
    defect = defect or drawn
    blank: str | None = None
    expected: set[str] = set()
    stated_new: int | None = None
    period_year: int | None = None
    drop: int | None = None
    if defect is not None:
        rules = DEFECTS[defect].rules
        d = rng.randint(1, 3)
        if defect == "t3_unbalanced":
            for c in (T3_APPLICANT_COLUMNS[0], "total"):
                values[t3("carried_forward", c)] += d
        elif defect == "t3_rowsum":
            r = rng.choice(OUTCOME_ROWS)
            values[t3(r, "total")] += d
            rules = tuple(x.format(r=r) for x in rules)
        elif defect == "blank_cell":
            # not the total column; in TAB rows not the first value either (“label⇥⇥0” is ambiguous)
            first = 1 if layout == "tsv" else 0
            cells = [i for row in T3_ROWS for i in row_cells(Table.T3, row.key)[first:-1]]
            blank = rng.choice([i for i in cells if values[i] == 0] or cells)  # a 0 left blank, as in practice
        elif defect == "prose_contradiction":
            new = int(values[t3("new_received", "total")])
            over = int(values[t3("carried_over", "total")])
            choices = [n for n in range(max(0, new - 3), new + 4) if n not in (new, new + over)]
            stated_new = rng.choice(choices)
        elif defect == "period_year":
            period_year = year - 1
        elif defect == "missing_section5":
            drop = 5
        elif defect == "t4_sum":
            b = rng.choice(T4_BLOCKS).key
            values[t4(b, "total")] += d
            rules = tuple(x.format(b=b) for x in rules)
        expected.update(rules)
    prose = make_prose(rng, unit, year, values, stated_new=stated_new, period_year=period_year)
    signed_on = dt.date(year + 1, 1, rng.randint(5, 25))
    report = Report(source="", unit=unit.name, year=year, signed_unit=unit.signed, signed_on=signed_on, intro=prose.intro)
    py = period_year or year
    report.periods = [PeriodStatement(dt.date(py, 1, 1), dt.date(py, 12, 31), "", Span(1, 0, 1, 0))]
    for n in SECTION_TITLES:
        if n != drop:
            report.sections[n] = Section(n, n, section_heading(n), section_heading(n), False, prose.sections[n],
                                         Span(1, 0, 1, 0))
    for cid, value in values.items():
        report.cells[cid] = Cell(cid, CellState.NUMBER, value, str(json_number(value)))
    if blank is not None:
        report.cells[blank] = Cell(blank, CellState.BLANK, None, "")
    p = Planned(index, report, unit, fmt, layout, defect, expected, drop_section=drop)
    if rng.random() < VARIANT_RATE:
        standard, variant, _ = rng.choice([x for x in LABEL_VARIANTS if fmt != "pdf" or x[2]])
        p.variants = [(standard, variant)]
        p.expected.add("STRUCT-LABEL-VARIANT")
    if fmt == "html" and layout == "gov_portal":
        p.published_on = signed_on + dt.timedelta(days=rng.randint(0, 5))
    return p


# --- writing --------------------------------------------------------------------------------------


def _drop_text_section(text: str, n: int) -> str:
    """Remove section n < 6 (heading and body, up to the next heading) from a rendered text."""
    start = text.index(section_heading(n))
    return text[:start] + text[text.index(section_heading(n + 1), start):]


def _drop_html_section(html: str, n: int) -> str:
    """Remove section n < 6 from a rendered page."""
    start = html.index(f"<h2>{escape(section_heading(n))}</h2>")
    return html[:start] + html[html.index("<h2>", start + 4):]


def _replace_labels(text: str, variants: list[tuple[str, str]], html: bool = False) -> str:
    for standard, variant in variants:
        old, new = (escape(standard), escape(variant)) if html else (standard, variant)
        if old not in text:
            raise ValueError(f"label {standard!r} not in the rendered report")
        text = text.replace(old, new)
    return text


def page_body(html: str) -> str:
    """The inside of <body> of a rendered report page."""
    return html[html.index("<body>") + 6 : html.index("</body>")]


def gov_portal_page(report: Report, body: str, published: dt.date) -> bytes:
    """GBK portal page: navigation, breadcrumbs, layout tables, footer; the title only in <title>."""
    body = re.sub(r"<h1>.*?</h1>", "", body, count=1)
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
<table class="meta"><tr><td>索引号：11370725004380512K/{published.year}-00012</td><td>发布机构：{report.unit}</td></tr>
<tr><td>发布日期：{published.isoformat()}</td><td>分类：政府信息公开年报</td></tr></table>
<div class="article">{body}</div>
</td></tr></table>
<div class="footer">版权所有：{report.unit} 主办 网站标识码3707250001 ICP备05045264号<script>go();</script></div>
</body></html>"""
    return page.encode("gb18030")


def cms_page(body: str) -> bytes:
    """UTF-8 CMS page: table 2 split into one table per 第二十条 item, blanks as &nbsp;, <p> in cells."""
    body = body.replace('<td class="value"', '<td class="value" style="text-align:center"')
    body = re.sub(r'(<td class="value"[^>]*>)(</td>)', r"\1&nbsp;\2", body)
    body = re.sub(r"(<td class=\"label\"[^>]*>)([^<]+)(</td>)", r"\1<p><span>\2</span></p>\3", body)
    t2_start = body.index('<table class="t2">')
    t2_end = body.index("</table>", t2_start) + len("</table>")
    rows = re.findall(r"<tr>.*?</tr>", body[t2_start:t2_end], re.S)
    blocks: list[list[str]] = []
    current: list[str] = []
    for row in rows:
        if "第二十条" in row and current:
            blocks.append(current)
            current = []
        current.append(row)
    blocks.append(current)
    split = "\n<p>&nbsp;</p>\n".join(f'<table border="1">{"".join(b)}</table>' for b in blocks)
    body = body[:t2_start] + split + body[t2_end:]
    return f"""<html><head><meta charset="utf-8"><title>信息公开</title></head><body>
<div id="header">政府信息公开专栏</div><div id="content">{body}</div>
<div id="footer">联系我们 | 网站地图</div></body></html>""".encode()


def _html(p: Planned) -> str:
    html = render(p.report, "html").decode("utf-8")
    if p.drop_section:
        html = _drop_html_section(html, p.drop_section)
    return _replace_labels(html, p.variants, html=True)


def _docx(p: Planned) -> bytes:
    data = render(p.report, "docx")
    if p.drop_section or p.variants:
        from docx import Document

        doc = Document(io.BytesIO(data))
        if p.drop_section:  # section n < 6: its heading paragraph up to the next heading
            body = doc.element.body
            children = list(body)
            start = next(i for i, el in enumerate(children) if _el_text(el) == section_heading(p.drop_section))
            for el in children[start:]:
                if _el_text(el) == section_heading(p.drop_section + 1):
                    break
                body.remove(el)
        replaced = {s: False for s, _ in p.variants}
        for table in doc.tables:
            for row in table.rows:
                for cell in row.cells:
                    for para in cell.paragraphs:
                        for run in para.runs:
                            for standard, variant in p.variants:
                                if standard in run.text:
                                    run.text = run.text.replace(standard, variant)
                                    replaced[standard] = True
        if not all(replaced.values()):
            raise ValueError(f"labels not found in the DOCX: {replaced}")
        buf = io.BytesIO()
        doc.save(buf)
        data = buf.getvalue()
    return _fixed_zip(data)


def _el_text(el) -> str:
    return "".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")).strip()


def _fixed_zip(data: bytes) -> bytes:
    """The same ZIP with fixed timestamps, so that equal input gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _pdf(p: Planned) -> bytes:
    if not (p.drop_section or p.variants):
        return render(p.report, "pdf")
    from .render.pdf import RenderError

    try:
        from weasyprint import HTML
    except OSError as e:  # same message as the writer
        raise RenderError(f"无法加载 PDF 排版组件（WeasyPrint）：{e}；请先运行 scripts/setup") from e
    return HTML(string=_html(p)).write_pdf()


def write_bytes(p: Planned) -> bytes:
    """The file's content."""
    if p.fmt == "txt":
        text = render(p.report, "txt", layout=p.layout or "tsv").decode("utf-8")
        if p.drop_section:
            text = _drop_text_section(text, p.drop_section)
        return _replace_labels(text, p.variants).encode("utf-8")
    if p.fmt == "html":
        html = _html(p)
        if p.layout == "gov_portal":
            assert p.published_on is not None
            return gov_portal_page(p.report, page_body(html), p.published_on)
        if p.layout == "cms":
            return cms_page(page_body(html))
        return html.encode("utf-8")
    if p.fmt == "docx":
        return _docx(p)
    if p.fmt == "pdf":
        return _pdf(p)
    raise ValueError(f"unknown format {p.fmt!r}")


def gold(p: Planned, source: str) -> dict[str, Any]:
    """The gold record: ``zfxxgk parse --json`` of the file, then how it was made and the expected findings."""
    r = p.report
    published = p.published_on or r.signed_on
    period = r.period
    return {
        "source": source,
        "format": PARSED_FORMAT.get(p.fmt, f"text/{p.layout}"),
        "unit": r.unit,
        "year": r.year,
        "published": published.isoformat() if published else None,
        "period": [period[0].isoformat(), period[1].isoformat()] if period else None,
        "sections": {str(n): s.heading for n, s in sorted(r.sections.items())},
        "cells": {i: json_number(r.cells[i].value) for i in CELL_IDS},
        "layout": p.layout,
        "unit_type": p.unit.unit_type.value,
        "defect": p.defect,
        "label_variants": [{"standard": s, "variant": v} for s, v in p.variants],
        "expected_findings": [
            {"rule": rule, "severity": DEFECT_SEVERITY.get(rule, Severity.ERROR).value} for rule in sorted(p.expected)
        ],
    }


# --- the corpus -----------------------------------------------------------------------------------

EXTENSIONS = {"txt": "txt", "html": "html", "docx": "docx", "pdf": "pdf"}


@dataclass(frozen=True, slots=True)
class SynthFile:
    """One written report: its path, its gold file and the gold record."""

    path: Path
    gold_path: Path
    gold: dict[str, Any]


def parse_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """Validated format list (``"txt,html"`` or a sequence)."""
    items = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = [f for f in items if f not in FORMATS]
    if unknown or not items:
        raise ValueError(f"未知的输出格式：{'、'.join(unknown) or '（空）'}；可选 {'、'.join(FORMATS)}")
    return tuple(dict.fromkeys(items))


def iter_synth(
    out_dir: str | Path, n: int, formats: str | Sequence[str] = ("txt",), defect_rate: float = 0.1, seed: int = 0
) -> Iterator[SynthFile]:
    """Write n reports (formats in turn; txt layouts and html templates in turn), yielding each when written."""
    fmts = parse_formats(formats)
    if not 0 <= defect_rate <= 1:
        raise ValueError("缺陷比例应在 0 到 1 之间")
    root = Path(out_dir)
    reports, golds = root / REPORTS_DIR, root / GOLD_DIR
    reports.mkdir(parents=True, exist_ok=True)
    golds.mkdir(parents=True, exist_ok=True)
    # the gold answers have the shape of `parse --json` records, which zfxxgk reads as report data:
    # mark the folder so that `zfxxgk batch OUT` imports the reports only
    (golds / IGNORE_MARKER).write_text("zfxxgk synth: gold answers, not reports\n", encoding="utf-8")
    per_format: Counter[str] = Counter()
    for i in range(n):
        fmt = fmts[i % len(fmts)]
        k = per_format[fmt]
        per_format[fmt] += 1
        layout = TEXT_LAYOUTS[k % 3] if fmt == "txt" else HTML_TEMPLATES[k % 3] if fmt == "html" else None
        p = plan(i + 1, seed, fmt, layout, defect_rate)
        name = f"{p.name}.{EXTENSIONS[fmt]}"
        path = reports / name
        path.write_bytes(write_bytes(p))
        record = gold(p, name)
        gold_path = golds / f"{p.name}.json"
        gold_path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        yield SynthFile(path, gold_path, record)


@dataclass(slots=True)
class SynthSummary:
    """Counts of a run."""

    files: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    defects: Counter[str] = field(default_factory=Counter)
    variants: int = 0


def synthesize(
    out_dir: str | Path,
    n: int,
    formats: str | Sequence[str] = ("txt",),
    defect_rate: float = 0.1,
    seed: int = 0,
    on_file: Callable[[SynthFile], None] | None = None,
) -> SynthSummary:
    """Write the corpus; ``on_file`` is called after each file (progress)."""
    summary = SynthSummary()
    for f in iter_synth(out_dir, n, formats, defect_rate, seed):
        summary.files += 1
        summary.formats[f.path.suffix.lstrip(".")] += 1
        if f.gold["defect"]:
            summary.defects[f.gold["defect"]] += 1
        summary.variants += bool(f.gold["label_variants"])
        if on_file is not None:
            on_file(f)
    return summary


__all__ = ["DEFECTS", "FORMATS", "LABEL_VARIANTS", "SynthFile", "SynthSummary", "iter_synth", "plan", "synthesize"]
