"""Report scope (报告范围): does a 本级人民政府 report cover its own organ (本级) or its whole area (全区域)?

A county, city or province people's government publishes either the report of the government organ
itself (本级: “本报告所列数据为县政府本级数据”, “本机关共收到政府信息公开申请15件”) or the area's
overall report, compiled from its townships' and departments' reports (全区域: “综合本县各乡镇人民政府、
县政府各部门政府信息公开工作年度报告编制而成”, “全县共收到政府信息公开申请236件”). Only an area report
can be compared with the sum of the area's units (``zfxxgk.app.scope``).

The decision reads the title, the intro and the six sections' prose (NFKC, whitespace and line breaks
deleted inside a text, so a sentence wrapped over two PDF lines still reads whole; sentences end at
``。；！？``) and looks for two tiers of phrases:

- **说明范围** (statements about what the report or its data cover): 综合/汇总 the units' reports,
  报告/数据 涵盖/包括 各乡镇、各部门, 汇总数据, 根据各部门报送的年报 (area); 报告/数据 为 县政府本级,
  仅为本机关, 不含各部门、各乡镇, a title saying 本级 (own);
- **统计口径** (how the statistics are phrased): 全县/全市/全省…共主动公开/收到/受理…, 县政府及各部门、
  各乡镇共收到… (area); 本机关/我府共收到… (own) — an own phrase after “其中” or in a sentence that has
  an area phrase is a part of the area's total, not a scope.

Statements decide over statistics. Phrases of both kinds in the deciding tier leave the scope
``unknown`` (both are shown): a county report that counts 全县 主动公开 but 本机关 applications has
tables of unclear coverage, and a wrong guess would compare the organ's numbers with the whole area.
No phrase at all is ``unknown`` as well. Words that are left out on purpose because both kinds of
report use them: 我县/县政府共收到 (the area or the organ), 全县 alone (the government office guides the
whole county in either report), “各部门年报另行公布” (area reports say it too), 本级政府 (the law's
“向社会公布本级政府…年度报告” is quoted in intros).

Only reports of 人民政府 (``UnitType.GOVERNMENT``: 省/市/县/区/旗/州/盟人民政府) have a scope: a township
has no reporting units below it, a department reports for itself (``not_applicable``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..model import Report
from ..model.ids import SECTION_ORDINALS, SECTION_TITLES
from ..model.units import UnitType, infer_unit_type
from .prose_text import HEADER_SECTION, Part, build_prose, raw_column


class ScopeKind(StrEnum):
    """本级 / 全区域 / 无法判断 / 不适用."""

    OWN = "own"
    AREA = "area"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return _KIND_CN[self.value]


_KIND_CN = {"own": "本级", "area": "全区域", "unknown": "无法判断", "not_applicable": "不适用"}

STATEMENT = "statement"  # the report says what it covers
STATISTIC = "statistic"  # the statistics are phrased over the area or over the organ
STRENGTH_CN = {STATEMENT: "说明范围", STATISTIC: "统计口径"}


@dataclass(frozen=True, slots=True)
class ScopeHit:
    """A phrase that marks a scope, with where it was found."""

    kind: ScopeKind  # OWN or AREA
    strength: str  # STATEMENT | STATISTIC
    marker: str  # what the phrase says, in Chinese (“汇总各单位年报”)
    phrase: str  # the matched words (normalised: NFKC, no whitespace)
    section: int | None  # None: the title; 0: the intro; 1–6: the section
    line: int | None  # source line of the phrase (None for formats without lines)
    excerpt: str  # the sentence as printed (whitespace deleted), shortened around the phrase

    @property
    def where(self) -> str:
        """标题 / 前言 / 第一部分“总体情况”, with the line."""
        if self.section is None:
            place = "标题"
        elif self.section == HEADER_SECTION:
            place = "前言"
        elif 1 <= self.section <= len(SECTION_ORDINALS):
            place = f"第{SECTION_ORDINALS[self.section - 1]}部分“{SECTION_TITLES[self.section]}”"
        else:
            place = f"第{self.section}部分"
        return f"{place}第 {self.line} 行" if self.line else place

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind.value, "strength": self.strength, "marker": self.marker, "phrase": self.phrase,
                "section": self.section, "line": self.line, "where": self.where, "excerpt": self.excerpt}


@dataclass(frozen=True, slots=True)
class Scope:
    """The scope of a report, why, and every phrase found (the deciding one first)."""

    kind: ScopeKind
    reason: str
    unit_type: UnitType | None
    hits: tuple[ScopeHit, ...] = ()

    @property
    def evidence(self) -> ScopeHit | None:
        """The phrase the decision rests on (None when there is none)."""
        return self.hits[0] if self.kind in (ScopeKind.OWN, ScopeKind.AREA) and self.hits else None

    @property
    def applies(self) -> bool:
        """Whether the report is known to be a 人民政府's, the reports a scope is decided for."""
        return self.unit_type is UnitType.GOVERNMENT

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        ev = self.evidence
        return {"kind": self.kind.value, "label": self.kind.label, "reason": self.reason,
                "unit_type": self.unit_type.value if self.unit_type else None,
                "evidence": ev.to_dict() if ev else None, "hits": [h.to_dict() for h in self.hits]}


# --- the phrases ---------------------------------------------------------------------------------
# All patterns run on one sentence at a time, in NFKC (“（）” are “()”, “，” is “,”) without whitespace.

_LEVEL = r"(?:省|自治区|市|州|盟|县|区|旗)"
_AREA = rf"全{_LEVEL}域?"  # 全县, 全市域 (全镇/全乡 are townships', which have no scope)
# who counts the area's statistics: 全县…, or 本市各级行政机关 (本县 alone is as ambiguous as 我县)
_AREA_SUBJECT = rf"(?:{_AREA}|本{_LEVEL}各级(?:行政机关|政府|人民政府))"
# the area's reporting units, as the reports name them
_UNITS = (
    r"(?:各(?:乡镇|乡|镇|街道|部门|单位|县|区|市|旗|州|盟|地|级行政机关|级政府|级人民政府|直属机构|直属单位)"
    r"|(?:县|市|区|省|旗|州|盟)(?:级|人民政府|政府)?(?:直属|直)?各?(?:有关)?(?:部门|单位|机构)"
    r"|下级(?:政府|单位|部门|行政机关)?|下辖|所辖|所属(?:部门|单位|乡镇)"
    r"|[0-9一二三四五六七八九十百]+(?:个|家)(?:单位|部门|乡镇|街道|行政机关))"
)
_VERB = r"(?:主动公开|公开|发布|收到|受理|新收|办理|办结|答复|发生|制发|制定)"
_WHEN = r"(?:20[0-9]{2}年度?|本年度?|全年|年内)?"
_ALTOGETHER = r"(?:共|累计|合计|共计)计?"
_ORGAN = r"(?:本机关|我机关|本单位|我单位|本府|我府)"
# children an own report may say it leaves out, unless they are not the government's own (垂直管理, 驻地单位)
_NOT_OURS = re.compile(r"垂直|垂管|双管|中央|中省|中直|省直|驻|国家|上级")

_Pattern = tuple[ScopeKind, str, str, re.Pattern[str]]


def _p(kind: ScopeKind, strength: str, marker: str, pattern: str) -> _Pattern:
    return (kind, strength, marker, re.compile(pattern))


_AREA_PHRASES: tuple[_Pattern, ...] = (
    _p(ScopeKind.AREA, STATEMENT, "综合/汇总下级单位的年报",
       rf"(?:综合|汇总|汇编|归集|整合)了?.{{0,40}}?{_UNITS}.{{0,60}}?(?:年度报告|年报|报告|数据|编制|而成)"),
    _p(ScopeKind.AREA, STATEMENT, "报告涵盖本行政区域各单位",
       rf"(?:报告|数据|统计|内容|范围).{{0,30}}?(?<![不未包])(?:涵盖|覆盖|包括|包含|含|囊括)了?.{{0,15}}?"
       rf"(?:{_UNITS}|{_AREA}(?:各|所有|全部|范围))"),
    _p(ScopeKind.AREA, STATEMENT, "汇总数据", r"汇总(?:数据|统计|而成|形成|编制)|数据汇总"),
    _p(ScopeKind.AREA, STATEMENT, "根据下级单位报送的年报编制",
       rf"(?:根据|依据|基于|在).{{0,8}}?{_UNITS}.{{0,40}}?(?:报送|提交|上报|编制|发布)的?.{{0,20}}?(?:年度报告|年报|数据)"),
    _p(ScopeKind.AREA, STATISTIC, "以全区域为口径的统计",
       rf"{_AREA_SUBJECT}[^,]{{0,20}}?{_ALTOGETHER}(?:主动)?{_VERB}"
       rf"|{_AREA_SUBJECT}{_WHEN}(?:主动公开|收到|受理|新收|办结)"),
    _p(ScopeKind.AREA, STATISTIC, "政府及各部门、各乡镇合计的统计",
       rf"(?:县|市|区|省|旗|州|盟)(?:人民政府|政府)?(?:及|和|与|、)[^,]{{0,12}}?各(?:部门|乡镇|街道|单位)"
       rf"[^,]{{0,16}}?{_ALTOGETHER}(?:主动)?{_VERB}"),
)
_OWN_STATEMENTS: tuple[_Pattern, ...] = (
    _p(ScopeKind.OWN, STATEMENT, "报告/数据为本级",
       r"(?:报告|数据|统计|范围|口径)[^,]{0,20}?(?:仅|只|均)?(?:为|是|系|限于|反映|指|仅含|仅包括|只含|只包括)"
       r"[^,]{0,12}?(?:县|市|区|省|旗|州|盟|政府|机关)(?:本级|本身|自身)"),
    _p(ScopeKind.OWN, STATEMENT, "仅为本机关",
       rf"(?:仅|只)(?:为|是|含|包括|包含|统计|反映|涉及|限于|针对|指)?.{{0,12}}?(?:{_ORGAN}|机关本级|本级机关)"
       r"|(?:数据|统计).{0,15}?(?:为|是|系).{0,6}?本机关"),
    _p(ScopeKind.OWN, STATEMENT, "不含下级单位",
       rf"(?:不含|不包括|不包含|未包括|未包含|未含|不涵盖|未涵盖)(?P<what>.{{0,20}}?){_UNITS}"),
)
_OWN_STATISTIC: _Pattern = _p(ScopeKind.OWN, STATISTIC, "以本机关为口径的统计",
                              rf"{_ORGAN}{_WHEN}(?:{_ALTOGETHER})?(?:主动)?{_VERB}")
_TITLE_OWN: _Pattern = _p(ScopeKind.OWN, STATEMENT, "标题写明本级", r"本级")
_TITLE_AREA: _Pattern = _p(ScopeKind.AREA, STATEMENT, "标题写明全区域", rf"{_AREA}(?!人民政府)")

_SENTENCE_END = re.compile(r"[。;!?]")
# a numbered heading at a line's start (NFKC): 一、 (一) 1. 1、 第一部分
_HEADING = re.compile(r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十0-9]+\)|[0-9]+[.、]|第[一二三四五六七八九十]+[部章])")
HEADING_CHARS = 30
EXCERPT_CHARS = 120


# --- reading the prose ---------------------------------------------------------------------------


class _Text:
    """One prose text with line breaks deleted, mapped back to source lines and the printed text."""

    __slots__ = ("part", "section", "flat_lines", "joined", "starts")

    def __init__(self, part: Part, section: int | None) -> None:
        self.part = part
        self.section = section
        self.flat_lines = lines = part.flat.split("\n")
        self.starts: list[int] = []
        pieces: list[str] = []
        pos = 0
        for i, line in enumerate(lines):
            self.starts.append(pos)
            pieces.append(line)
            pos += len(line)
            if _ends_sentence(line, lines[i + 1] if i + 1 < len(lines) else ""):
                pieces.append("。")  # one character that no pattern crosses; never a sentence's own
                pos += 1
        self.joined = "".join(pieces)

    def _locate(self, pos: int) -> tuple[int, int]:
        """(line index, index in the normalised line) of a position of ``joined``."""
        i = max(0, bisect_right(self.starts, pos) - 1)
        while i + 1 < len(self.starts) and self.starts[i + 1] == self.starts[i]:
            i += 1  # an empty line: the character is on the next line with text
        return i, pos - self.starts[i]

    def line(self, pos: int) -> int | None:
        """Source line of a position (None for texts without lines)."""
        if self.part.first_line <= 0:
            return None
        return self.part.first_line + self._locate(pos)[0]

    def printed(self, start: int, end: int) -> str:
        """``joined[start:end]`` as printed in the source (whitespace deleted, punctuation as it was)."""
        if end <= start:
            return ""
        raws = self.part.raw.split("\n")
        (ls, cs), (le, ce) = self._locate(start), self._locate(end - 1)
        if ls >= len(raws) or le >= len(raws):
            return self.joined[start:end]
        c0, c1 = raw_column(raws[ls], cs), raw_column(raws[le], ce) + 1
        if ls == le:
            text = raws[ls][c0:c1]
        else:
            text = "".join([raws[ls][c0:], *raws[ls + 1:le], raws[le][:c1]])
        return "".join(text.split())


def _ends_sentence(line: str, following: str) -> bool:
    """Whether a line break ends a sentence: at a blank line, before a numbered heading, after a short one.
    Other breaks are a wrapped line (PDF, DOCX text) and are read through.
    """
    if not line or not following:
        return True
    return bool(_HEADING.match(following) or (len(line) <= HEADING_CHARS and _HEADING.match(line)))


def _sentences(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            out.append((start, text[start:m.start()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


def _excerpt(text: _Text, sent_start: int, sentence: str, m: re.Match[str]) -> str:
    s, e = 0, len(sentence)
    if e - s > EXCERPT_CHARS:  # a long sentence: a window around the phrase
        room = max(0, EXCERPT_CHARS - (m.end() - m.start())) // 2
        s, e = max(0, m.start() - room), min(len(sentence), m.end() + room)
    shown = text.printed(sent_start + s, sent_start + e)
    return ("…" if s > 0 else "") + shown + ("…" if e < len(sentence) else "")


def _hit(pattern: _Pattern, text: _Text, sent_start: int, sentence: str, m: re.Match[str]) -> ScopeHit:
    kind, strength, marker, _ = pattern
    return ScopeHit(kind, strength, marker, m.group(), text.section, text.line(sent_start + m.start()),
                    _excerpt(text, sent_start, sentence, m))


def _scan(text: _Text) -> list[ScopeHit]:
    hits: list[ScopeHit] = []
    for start, sentence in _sentences(text.joined):
        area = [_hit(p, text, start, sentence, m) for p in _AREA_PHRASES if (m := p[3].search(sentence))]
        hits += area
        for p in _OWN_STATEMENTS:
            m = p[3].search(sentence)
            if m is None:
                continue
            if "what" in p[3].groupindex and _NOT_OURS.search(m.group()):
                continue  # “不含垂直管理部门”: an area report leaving out organs that are not the government's
            hits.append(_hit(p, text, start, sentence, m))
        m = _OWN_STATISTIC[3].search(sentence)
        # “全县共收到…，其中本机关收到…”: the organ's part of the area's total, not a scope
        if m is not None and not area and "其中" not in sentence[:m.start()]:
            hits.append(_hit(_OWN_STATISTIC, text, start, sentence, m))
    return hits


def _title_hits(title: Part | None) -> list[ScopeHit]:
    if title is None:
        return []
    text = _Text(title, None)
    hits = []
    for p in (_TITLE_OWN, _TITLE_AREA):
        m = p[3].search(text.joined)
        if m is not None:
            hits.append(_hit(p, text, 0, text.joined, m))
    return hits


# --- the decision --------------------------------------------------------------------------------


def scope_unit_type(report: Report, unit_type: UnitType | str | None = None) -> UnitType | None:
    """The unit type a scope is decided for: the given one (the registry's), else from the report's unit name."""
    if isinstance(unit_type, str) and unit_type in UnitType._value2member_map_:
        return UnitType(unit_type)
    if isinstance(unit_type, UnitType):
        return unit_type
    return infer_unit_type(report.unit or report.signed_unit)


def report_scope(report: Report, unit_type: UnitType | str | None = None) -> Scope:
    """Whether a 人民政府's report covers its own organ (本级) or its whole area (全区域), with the phrase
    it rests on; ``unknown`` when the report does not say or says both; ``not_applicable`` for other units.

    ``unit_type``: the unit's type when known (the registry's 单位类型), else it is read from the unit name.
    """
    kind = scope_unit_type(report, unit_type)
    if kind is None:
        return Scope(ScopeKind.UNKNOWN, "未能识别报告单位，无法确定是否为人民政府的年报", None)
    if kind is not UnitType.GOVERNMENT:
        return Scope(ScopeKind.NOT_APPLICABLE,
                     f"只对县级以上人民政府的年报判断报告范围；本报告单位是{kind.cn}", kind)
    prose = build_prose(report)
    hits = _title_hits(prose.title[0] if prose.title else None)
    for part in prose.parts:
        hits += _scan(_Text(part, part.section))
    for tier, how in ((STATEMENT, "报告说明了统计范围"), (STATISTIC, "按统计数字的表述口径判断")):
        found = [h for h in hits if h.strength == tier]
        kinds = {h.kind for h in found}
        if len(kinds) == 1:
            decided = kinds.pop()
            first = found[0]
            rest = [h for h in hits if h is not first]
            return Scope(decided, f"{how}：{first.where}“{first.excerpt}”", kind, (first, *rest))
        if len(kinds) > 1:
            own = next(h for h in found if h.kind is ScopeKind.OWN)
            area = next(h for h in found if h.kind is ScopeKind.AREA)
            return Scope(ScopeKind.UNKNOWN,
                         f"报告中既有本级的表述（{own.where}“{own.phrase}”），又有全区域的表述"
                         f"（{area.where}“{area.phrase}”），范围不明，不作判断", kind, tuple(hits))
    return Scope(ScopeKind.UNKNOWN,
                 "报告没有说明统计范围（未见“本级”“本机关共收到”“全县共收到”“综合各乡镇、各部门年报”等表述），不作判断",
                 kind, tuple(hits))


__all__ = ["STATEMENT", "STATISTIC", "STRENGTH_CN", "Scope", "ScopeHit", "ScopeKind", "report_scope", "scope_unit_type"]
