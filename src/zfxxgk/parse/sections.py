"""Section headings 一 … 六 (spec §1.1, §1.3): matched by title, not by ordinal alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model.ids import SECTION_ORDINALS as ORDINALS
from ..model.ids import SECTION_TITLES, section_heading
from .normalize import norm_label, similarity, strip_heading

SECTION_VARIANTS = {
    2: ("行政机关主动公开政府信息情况",),
    3: ("行政机关收到和处理政府信息公开申请情况",),
    4: (
        "政府信息公开行政复议和行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议及行政诉讼情况",
        "因政府信息公开申请被申请行政复议、提起行政诉讼情况",
        "被申请行政复议、提起行政诉讼情况",
    ),
    5: ("存在的主要问题及改进措施", "政府信息公开工作存在的主要问题及改进情况", "存在的主要问题和改进情况"),
    6: ("其他需要报告的事项",),
}
_FOOTER = re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]\s*(?=\S)")
_CANDIDATE = re.compile(r"^([一二三四五六])\s*[、.．]\s*(.+)$")
_TRAILING = re.compile(r"[。:：\s]+$")


@dataclass(slots=True, frozen=True)
class HeadingMatch:
    """A line accepted as a section heading."""

    number: int  # the section its title is (1..6)
    ordinal: int  # the ordinal printed before it
    heading: str  # verbatim, Markdown markers stripped
    standard: str  # e.g. 四、政府信息公开行政复议、行政诉讼情况
    variant: bool


def standard_heading(n: int) -> str:
    """The standard heading of section n (``一、总体情况``)."""
    return section_heading(n)


_KEYS: dict[str, tuple[int, bool]] = {}
for _n, _t in SECTION_TITLES.items():
    _KEYS[norm_label(_t)] = (_n, False)
for _n, _vs in SECTION_VARIANTS.items():
    for _v in _vs:
        _KEYS.setdefault(norm_label(_v), (_n, True))


@lru_cache(maxsize=4096)
def _title_key(rest: str) -> tuple[int, bool] | None:
    """(section, variant) of a normalised heading title; fuzzy (≥ 0.8) when not a known wording.

    Memoised: numbered sub-items of the prose (``一、加强组织领导``) recur across reports and
    each would otherwise be compared with every known title.
    """
    hit = _KEYS.get(rest)
    if hit is not None:
        return hit
    best, best_n = 0.0, 0
    for key, (n, _variant) in _KEYS.items():
        if 2 * min(len(rest), len(key)) < 0.8 * (len(rest) + len(key)):
            continue  # the ratio cannot reach 0.8 (it is at most 2·min/(a+b))
        r = similarity(rest, key)
        if r > best:
            best, best_n = r, n
    return (best_n, True) if best >= 0.8 else None


def match_heading(line: str) -> HeadingMatch | None:
    """Return the heading a line is, or None (table rows and numbered sub-items are rejected)."""
    head = line.lstrip("# \t*\u3000")[:1]
    if head not in ORDINALS:
        if head not in "-—–" or not _FOOTER.match(line.strip()):
            return None  # fast path: most lines are prose
        line = _FOOTER.sub("", line.strip())  # PDF text glues the page footer to the next line
    s = strip_heading(line)
    if len(s) > 60:
        return None
    m = _CANDIDATE.match(s)
    if not m:
        return None
    ordinal = ORDINALS.index(m.group(1)) + 1
    hit = _title_key(norm_label(_TRAILING.sub("", m.group(2))))
    if hit is None:
        return None
    number, variant = hit
    return HeadingMatch(number, ordinal, s, standard_heading(number), variant)
