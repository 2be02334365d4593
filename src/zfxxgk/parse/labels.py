"""Label matching: table labels (rows, columns, groups) → keys, with the variants of spec §2.4.

All layouts share this one matcher. An exact match (after normalisation, §2.7) is silent; a
known variant or a similarity ≥ 0.8 is a match that the parser reports as STRUCT-LABEL-VARIANT.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.ids import T2_COLUMNS, T2_ROWS, T3_COLUMNS, T3_GROUP_LABELS, T3_ROWS, T4_COLUMNS
from .normalize import core_label, norm_label, similarity

MIN_RATIO = 0.8


@dataclass(frozen=True, slots=True)
class Match:
    """A label resolved to a key; ``variant`` when it is not the standard wording."""

    key: str
    standard: str
    variant: bool


class LabelSet:
    """Standard labels of one kind with their known variants."""

    def __init__(self, entries: list[tuple[str, str]], variants: dict[str, str] | None = None) -> None:
        self.standard = {k: label for k, label in entries}
        self._exact: dict[str, str] = {}
        for key, label in entries:
            self._exact.setdefault(norm_label(label), key)
            self._exact.setdefault(core_label(label), key)
        self._variants: dict[str, str] = {}
        for text, key in (variants or {}).items():
            self._variants[norm_label(text)] = key
            self._variants[core_label(text)] = key
        self._norms = [(norm_label(label), key) for key, label in entries]
        self._cache: dict[tuple[str, bool], Match | None] = {}

    def texts(self, key: str) -> list[str]:
        """The standard label of ``key`` and its known variants, normalised."""
        return [norm_label(self.standard[key])] + [t for t, k in self._variants.items() if k == key]

    def match(self, text: str, fuzzy: bool = True) -> Match | None:
        """Resolve ``text`` or return None (memoised: the same labels recur in every report)."""
        key = (text, fuzzy)
        try:
            return self._cache[key]
        except KeyError:
            pass
        if len(self._cache) > 20000:
            self._cache.clear()
        found = self._cache[key] = self._match(text, fuzzy)
        return found

    def _match(self, text: str, fuzzy: bool) -> Match | None:
        n = norm_label(text)
        if not n:
            return None
        c = core_label(text)
        key = self._exact.get(n) or self._exact.get(c)
        if key is not None:
            return Match(key, self.standard[key], False)
        key = self._variants.get(n) or self._variants.get(c)
        if key is not None:
            return Match(key, self.standard[key], True)
        if not fuzzy or len(n) < 3:
            return None
        best, best_key = 0.0, None
        for std, k in self._norms:
            if 2 * min(len(std), len(n)) < MIN_RATIO * (len(std) + len(n)):
                continue  # the ratio is at most 2·min/(a+b): it cannot reach MIN_RATIO
            r = similarity(n, std)
            if r > best:
                best, best_key = r, k
        if best_key is not None and best >= MIN_RATIO:
            return Match(best_key, self.standard[best_key], True)
        return None


T2_ROW_LABELS = LabelSet([(r.key, r.label) for r in T2_ROWS], {"规范性文件": "normative_document"})
T2_COLUMN_LABELS = LabelSet(
    [(c.key, c.label) for c in T2_COLUMNS],
    {
        "本年新制发件数": "issued",
        "本年度制发件数": "issued",
        "本年度止件数": "repealed",
        "本年度废止件数": "repealed",
        "本年度处理决定数量": "decisions",
        "本年度收费金额（单元：万元）": "amount",
        "本年度收费金额（单位：万元）": "amount",
        "本年收费金额（单元：万元）": "amount",
        "本年收费金额": "amount",
    },
)
T2_BLOCK_LABELS = LabelSet(
    [("p1", "第二十条第（一）项"), ("p5", "第二十条第（五）项"), ("p6", "第二十条第（六）项"), ("p8", "第二十条第（八）项")]
)
T2_HEADER_MARK = "信息内容"

T3_COLUMN_LABELS = LabelSet(
    [(c.key, c.label) for c in T3_COLUMNS] + [("_applicant", "申请人情况"), ("_org", "法人或其他组织")],
    {"社会组织": "social_welfare"},
)
T3_ROW_LABELS = LabelSet(
    [(r.key, r.label) for r in T3_ROWS],
    {
        "二、上年转结政府信息公开申请数量": "carried_over",
        "四、转结下年度继续办理": "carried_forward",
        "（二）部分公开": "partially_granted",
        "5.属于三类内部事业信息": "withheld_internal_affairs",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理政府信息公开申请": "other_no_fee",
        "1.申请人无正当理由逾期不补正、行政机关不再处理政府信息公开申请": "other_no_correction",
    },
)
T3_GROUPS = LabelSet([(f"g{i}", g) for i, g in enumerate(T3_GROUP_LABELS)])
T3_ANCHORS = ("勾稽关系", "申请人情况")

T4_HEADER_LABELS = LabelSet(
    [(c.key, c.label) for c in T4_COLUMNS]
    + [("_review", "行政复议"), ("_litigation", "行政诉讼"), ("_direct", "未经复议直接起诉"), ("_after", "复议后起诉")]
)

# Markers of the 2019 试行 format (spec §1.4).
FORMAT_2019_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "其他对外管理服务事项",
    "第二十条第(九)项",
    "政府集中采购",
    "采购项目数量",
    "采购总金额",
)
