"""Scoring profiles (评分方案): an evaluator's indicator sheet as data, validated by a pydantic schema.

A profile is a YAML file: the full marks, the indicators (each with the points it is worth, a deduction per
occurrence, a cap, how a NOT_ASSESSABLE result counts and one condition that finds the occurrences), local
publication deadlines per unit type and the grade bands. Four are shipped under ``zfxxgk/data/profiles``;
any other YAML file may be given by its path. ``app/score.py`` applies a profile to the store.

Errors are for the people who write profiles: every problem is reported in Chinese with its place in the
file (``indicators[2].deduct``), never as a pydantic traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..check import DEFAULT_SETTINGS, Deadline, unknown_selectors
from ..model.ids import T4_BLOCKS
from ..model.units import TYPE_LABELS, UnitType

PROFILE_PACKAGE = "zfxxgk.data.profiles"
DUPLICATE_FLOOR = Decimal("0.5")  # the text-duplicate rules record only rates above 50 % (check/copying.py)
UNIT_TYPE_KEYS: dict[str, UnitType] = {**{t.cn: t for t in UnitType}, **TYPE_LABELS, **{t.value: t for t in UnitType}}
BLOCK_CN = {b.key: b.label for b in T4_BLOCKS}
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\s*$")


class ProfileError(Exception):
    """A profile that cannot be used: not found, not YAML, or not valid (the message is in Chinese)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleCondition(_Strict):
    """每一条未通过的校验结果（finding）算一次：`rules` 为规则编号或其前缀，与 `zfxxgk check --select` 相同。"""

    type: Literal["rule"]
    rules: list[str] = Field(min_length=1, description="规则编号或前缀，如 STRUCT-SECTION-MISSING、T3")
    severities: list[Literal["error", "warning", "info"]] | None = Field(
        None, description="只计这些级别的结果（error、warning、info）；不写则全部计入")

    @field_validator("rules")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        problems = unknown_selectors(v)
        if problems:
            raise ValueError("；".join(problems))
        return v


class DeadlineCondition(_Strict):
    """报告的发布日期（无发布日期时取落款日期）晚于方案规定的该类单位时限，算一次。"""

    type: Literal["deadline"]


class DuplicateCondition(_Strict):
    """第一、第五部分文字与上年报告（XY-TEXT-DUPLICATE）或其他单位同年度报告（XU-TEXT-COPY）的重复率超过阈值，每部分算一次。"""

    type: Literal["duplicate_rate"]
    against: Literal["previous_year", "other_units", "any"] = Field(
        "any", description="previous_year：与本单位上年报告比；other_units：与其他单位同年度报告比；any：两者都比")
    threshold: Decimal = Field(DUPLICATE_FLOOR, description="重复率超过这个比例才扣分（不低于 0.5，不高于 1）")

    @field_validator("threshold")
    @classmethod
    def _range(cls, v: Decimal) -> Decimal:
        if not DUPLICATE_FLOOR <= v <= 1:
            raise ValueError("重复率阈值应在 0.5 到 1 之间（校验规则只记录重复率超过 50% 的情况）")
        return v


Block = Literal["review", "litigation_direct", "litigation_after_review"]


def _all_blocks() -> list[Block]:
    return ["review", "litigation_direct", "litigation_after_review"]


class LostCasesCondition(_Strict):
    """表四“结果纠正”的件数（行政复议、行政诉讼中被纠错即败诉的案件），每件算一次。"""

    type: Literal["lost_cases"]
    blocks: list[Block] = Field(
        default_factory=_all_blocks,
        description="review：行政复议；litigation_direct：未经复议直接起诉；litigation_after_review：复议后起诉；不写则三项都计")


class MissingReportCondition(_Strict):
    """单位名册中该年度应报送的单位没有报告（未发布，或栏目中链接的不是年报），算一次。"""

    type: Literal["missing_report"]


Condition = Annotated[
    RuleCondition | DeadlineCondition | DuplicateCondition | LostCasesCondition | MissingReportCondition,
    Field(discriminator="type"),
]
CONDITION_TYPES: dict[str, type[BaseModel]] = {
    "rule": RuleCondition, "deadline": DeadlineCondition, "duplicate_rate": DuplicateCondition,
    "lost_cases": LostCasesCondition, "missing_report": MissingReportCondition,
}


class Indicator(_Strict):
    """评分表中的一项指标。"""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="指标编号（小写字母、数字、-、_）")
    name: str = Field(min_length=1, description="指标名称")
    points: Decimal | None = Field(None, gt=0, description="该指标的分值；不写 cap 时扣分以此为上限")
    deduct: Decimal = Field(gt=0, description="每出现一次扣的分数")
    cap: Decimal | None = Field(None, gt=0, description="该指标最多扣的分数（不超过 points）")
    not_assessable: Literal["strict", "lenient"] | None = Field(
        None, description="无法判断时：strict 按出现一次扣分，lenient 不扣分；不写则用方案的默认值")
    condition: Condition = Field(description="找出扣分情形的条件（见下文各条件类型）")
    note: str = Field("", description="说明（评分表原文、与原表的差异）")

    @model_validator(mode="after")
    def _cap_within_points(self) -> Indicator:
        if self.cap is not None and self.points is not None and self.cap > self.points:
            raise ValueError(f"扣分上限 cap（{self.cap}）不能大于分值 points（{self.points}）")
        return self

    @property
    def limit(self) -> Decimal | None:
        """The most this indicator deducts (its cap, else its points; None: no limit)."""
        return self.cap if self.cap is not None else self.points


class Grade(_Strict):
    """一个等级：得分不低于 ``min`` 的最高等级。"""

    name: str = Field(min_length=1, description="等级名称，如 优秀")
    min: Decimal = Field(ge=0, description="该等级的最低得分")


class Source(_Strict):
    """评分表的出处。"""

    title: str = Field(min_length=1, description="评分表或文件名称")
    issuer: str = Field("", description="制定机关或评估单位")
    year: int | None = Field(None, description="评估年度")
    citation: str = Field("", description="引用依据（出处如何得知）")
    url: str | None = Field(None, description="可核实的网址（不确定时不写）")


class Profile(_Strict):
    """一个评分方案。"""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="方案编号（即 --profile 使用的名称）")
    name: str = Field(min_length=1, description="方案名称")
    description: str = Field("", description="适用范围、说明")
    sources: list[Source] = Field(default_factory=list, description="评分表出处")
    total: Decimal = Field(Decimal(100), gt=0, description="满分（得分 = 满分 − 各指标扣分之和，最低 0 分）")
    not_assessable: Literal["strict", "lenient"] = Field(
        "lenient", description="指标未写 not_assessable 时的默认值")
    deadlines: dict[str, str] = Field(
        default_factory=dict,
        description="各类单位的发布时限（报告年度次年的 月-日，如 \"02-20\"）；未列出的类型按《条例》第四十九条")
    indicators: list[Indicator] = Field(min_length=1, description="指标")
    grades: list[Grade] = Field(default_factory=list, description="等级（按 min 从高到低判定）")
    notes: list[str] = Field(default_factory=list, description="评分表中本系统无法自动评分的内容等说明")

    @field_validator("deadlines")
    @classmethod
    def _deadlines(cls, v: dict[str, str]) -> dict[str, str]:
        problems = []
        for key, text in v.items():
            if key not in UNIT_TYPE_KEYS:
                problems.append(f"不认识的单位类型“{key}”（可用：{'、'.join(t.cn for t in UnitType)}）")
            elif _month_day(str(text)) is None:
                problems.append(f"“{key}”的时限“{text}”应写作 月-日，如 \"02-20\"")
        if problems:
            raise ValueError("；".join(problems))
        return v

    @model_validator(mode="after")
    def _unique(self) -> Profile:
        ids = [i.id for i in self.indicators]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"指标编号重复：{'、'.join(twice)}")
        mins = [g.min for g in self.grades]
        if len(set(mins)) != len(mins):
            raise ValueError("等级的最低得分 min 不能重复")
        if any(g.min > self.total for g in self.grades):
            raise ValueError("等级的最低得分 min 不能高于满分 total")
        return self

    def deadline_settings(self) -> dict[UnitType, Deadline]:
        """The deadline of each unit type: the profile's, else the national default (第四十九条)."""
        out = dict(DEFAULT_SETTINGS.deadlines)
        for key, text in self.deadlines.items():
            md = _month_day(str(text))
            assert md is not None  # validated
            out[UNIT_TYPE_KEYS[key]] = Deadline(month=md[0], day=md[1], source=f"评分方案“{self.name}”")
        return out

    def mode_of(self, indicator: Indicator) -> str:
        """How NOT_ASSESSABLE counts for one indicator: strict or lenient."""
        return indicator.not_assessable or self.not_assessable

    def grade_of(self, score: Decimal) -> str | None:
        """The highest grade whose minimum the score reaches (None: no grade reached, or no grades)."""
        for g in sorted(self.grades, key=lambda g: g.min, reverse=True):
            if score >= g.min:
                return g.name
        return None


def _month_day(text: str) -> tuple[int, int] | None:
    m = _MONTH_DAY.match(text)
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    try:
        dt.date(2024, month, day)  # a leap year: 02-29 means the end of February every year (Deadline clamps)
    except ValueError:
        return None
    return month, day


# --- loading ---------------------------------------------------------------------------------------


def shipped_names() -> list[str]:
    """The names of the profiles shipped with zfxxgk."""
    return sorted(p.name.removesuffix(".yaml") for p in resources.files(PROFILE_PACKAGE).iterdir()
                  if p.name.endswith(".yaml"))


def _shipped_text(name: str) -> str:
    return resources.files(PROFILE_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def _looks_like_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def load_profile(ref: str) -> Profile:
    """A shipped profile by name, or a YAML file by path; anything else is a ProfileError with a suggestion."""
    ref = ref.strip()
    if ref in shipped_names():
        return parse_profile(_shipped_text(ref), f"{ref}.yaml")
    if _looks_like_path(ref):
        path = Path(ref)
        if not path.is_file():
            raise ProfileError(f"评分方案文件不存在：{ref}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ProfileError(f"无法读取评分方案文件 {ref}（应为 UTF-8 编码的 YAML）：{e}") from None
        return parse_profile(text, path.name)
    names = shipped_names()
    close = difflib.get_close_matches(ref, names, n=1, cutoff=0.4)
    hint = f"是否想写：{close[0]}？" if close else ""
    raise ProfileError(f"没有名为“{ref}”的评分方案。{hint}可用的方案：{'、'.join(names)}；也可以给出 YAML 文件的路径。")


def parse_profile(text: str, name: str = "评分方案") -> Profile:
    """A profile from YAML text; every problem reported in Chinese with its place in the file."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise ProfileError(f"{name} 不是有效的 YAML{where}：{getattr(e, 'problem', None) or e}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{name}：评分方案应是一个 YAML 映射（id、name、indicators 等字段）")
    try:
        return Profile.model_validate(data)
    except ValidationError as e:
        lines = [f"{_where(err['loc'])}：{_why(err)}" for err in e.errors()]
        raise ProfileError(f"{name} 有 {len(lines)} 处问题：\n" + "\n".join(f"  - {x}" for x in lines)) from None


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in CONDITION_TYPES:  # the discriminated union's branch: not a field of the file
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "（整个文件）"


_WHY = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（请检查拼写）",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
}


def _why(err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if kind in ("greater_than", "greater_than_equal"):
        return f"应{'大于' if kind == 'greater_than' else '不小于'} {ctx.get('gt', ctx.get('ge'))}"
    if kind == "literal_error":
        return f"应为 {ctx.get('expected', '')} 之一".replace("'", "").replace(" or ", "、")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"条件类型 type 应为 {'、'.join(CONDITION_TYPES)} 之一"
    if kind == "string_pattern_mismatch":
        return "只能使用小写字母、数字、“-”和“_”，并以字母或数字开头"
    return _WHY.get(kind, f"取值不符合要求（{err['msg']}）")


# --- reference page --------------------------------------------------------------------------------


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    rows = ["| 字段 | 必填 | 说明 |", "|---|---|---|"]
    for name, f in model.model_fields.items():
        if name in skip:
            continue
        default = "" if f.is_required() else ("否" if f.default in (None, "", [], {}) or f.default_factory else f"否（默认 {f.default}）")
        rows.append(f"| `{name}` | {'是' if f.is_required() else default} | {f.description or ''} |")
    return rows


def reference_markdown() -> str:
    """docs/profiles.md: the schema's fields, the condition types and the shipped profiles (generated)."""
    lines = [
        "# 评分方案（scoring profiles）",
        "",
        "<!-- 本页由 `zfxxgk score --reference docs/profiles.md` 从评分方案的数据结构生成，请勿手工修改。 -->",
        "",
        "评分方案把考核评估单位公布的评分表写成数据（YAML）：各项指标的分值、每出现一次扣的分数、扣分上限、",
        "无法判断时是否扣分、各类单位的发布时限和等级。每一项扣分都对应库中的一条校验结果（规则编号、结果编号和证据）",
        "或报告中的一个单元格，可以逐项核对。",
        "",
        "```bash",
        "zfxxgk score --profile suqian --year 2024 [--region 江苏省/宿迁市] [--json] [--output 评分.xlsx]",
        "zfxxgk score --profile 我的评分表.yaml --year 2024",
        "zfxxgk score --list                      # 列出随程序提供的方案",
        "```",
        "",
        "网页“评分排名”页按所选方案、年度和地区排名，每一项扣分链接到报告页上对应的校验结果，可下载 Excel。",
        "",
        "## 计分方法",
        "",
        "- 得分 = 满分 `total` − 各指标扣分之和，最低 0 分；指标扣分 = 出现次数 × `deduct`，不超过 `cap`（未写 `cap` 时不超过 `points`）。",
        "- 参与排名的是该年度（及所选地区）有当前版本报告的单位，以及单位名册中应报送而没有报告的单位；"
        "没有报告的单位只按 `missing_report` 条件扣分，其他指标无从判断，不扣分。",
        "- 审核人员已“驳回”（认定为误报）的校验结果不扣分；已确认和尚未审核的都扣分。",
        "- 无法判断：`strict` 时每一处无法判断按出现一次扣分，`lenient` 时不扣分，两种情况都在明细中列出。"
        "规则类条件（`rule`、`duplicate_rate`）的“无法判断”“未表述”结果库中不保存，评分时对该报告重新运行这些规则得出。",
        "- 得分相同的单位名次相同（1、1、3）；同分时按单位名称排列。",
        "",
        "## 方案字段",
        "",
        *_fields(Profile),
        "",
        "### 指标 `indicators[]`",
        "",
        *_fields(Indicator),
        "",
        "### 等级 `grades[]`",
        "",
        *_fields(Grade),
        "",
        "### 出处 `sources[]`",
        "",
        *_fields(Source),
        "",
        f"发布时限的单位类型可写：{'、'.join(t.cn for t in UnitType)}（也可写单位名册模板中的类型名称，如 县级人民政府）。",
        "时限写 `月-日`，指报告年度次年的日期；`02-29` 表示每年二月的最后一天。",
        "",
        "## 条件类型 `condition.type`",
        "",
    ]
    na = {
        "rule": "该规则对这份报告“无法判断”或“未表述”",
        "deadline": "报告既无发布日期也无落款日期，或单位类型不明",
        "duplicate_rate": "XY-TEXT-DUPLICATE / XU-TEXT-COPY 无法判断（没有上年报告、未与其他单位比对、该部分缺失或过短）",
        "lost_cases": "所计的“结果纠正”单元格空白或缺失（每个算一处）",
        "missing_report": "不会出现",
    }
    for kind, model in CONDITION_TYPES.items():
        lines += [f"### `{kind}`", "", (model.__doc__ or "").strip(), ""]
        if len(model.model_fields) > 1:
            lines += [*_fields(model, skip=("type",)), ""]
        lines += [f"无法判断：{na[kind]}。", ""]
    lines += ["## 随程序提供的方案", ""]
    for name in shipped_names():
        p = load_profile(name)
        lines += [f"### `{name}`：{p.name}", ""]
        if p.description:
            lines += [p.description.strip(), ""]
        for s in p.sources:
            bits = [s.title] + [x for x in (s.issuer, f"{s.year}年" if s.year else "", s.citation) if x]
            lines.append(f"- 出处：{'；'.join(bits)}" + (f"（{s.url}）" if s.url else ""))
        lines += ["", "| 指标 | 条件 | 每次扣分 | 上限 | 无法判断 |", "|---|---|---|---|---|"]
        for i in p.indicators:
            lim = i.limit
            lines.append(f"| {i.name} | `{i.condition.type}` | {i.deduct} | {lim if lim is not None else '不限'} | {p.mode_of(i)} |")
        if p.deadlines:
            lines += ["", "发布时限：" + "；".join(f"{k} {v}" for k, v in p.deadlines.items())]
        if p.grades:
            lines += ["", "等级：" + "；".join(f"{g.name} ≥ {g.min}" for g in sorted(p.grades, key=lambda g: g.min, reverse=True))]
        for n in p.notes:
            lines += ["", f"> {n}"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["BLOCK_CN", "CONDITION_TYPES", "Grade", "Indicator", "Profile", "ProfileError", "Source", "load_profile",
           "parse_profile", "reference_markdown", "shipped_names"]
