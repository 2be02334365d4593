"""Text copied between units: the masking and the measure shared by XU-TEXT-COPY and its corpus finder.

Two units' sections are compared after *masking* what legitimately differs between a text and its
copy: the units' names (the whole name, the name without its region, the place without 人民政府…),
their regions' names (official and short: 潍坊市, 潍坊), and every number (Arabic or Chinese
numerals, so years such as 2024年 and 二〇二四年 too). Whitespace and punctuation are then dropped,
so a copy that only re-punctuates is still a copy. The measure is :func:`copied_share`, the one
XY-TEXT-DUPLICATE uses for the same unit's previous year: the share of a text's characters covered
by runs of at least 8 characters that the other text also has.

The rule itself only reports what the finder (``zfxxgk.app.copies``, a whole year's reports at
once) measured; both use :func:`section_shares`, so a rule case and the store say the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from ..model import divisions
from .overlap import DUPLICATE_MIN_RUN, copied_share, copied_shares

COPY_SECTIONS = (1, 5)  # 总体情况, 存在的主要问题及改进情况: the sections written anew every year
COPY_THRESHOLD = 0.5  # a section more than half covered by another unit's text is reported
# Masked characters a section needs to be compared at all: below this a section is a stock sentence
# or two (“本年度无此类情况。”), and two units saying the same stock sentence have not copied.
COPY_MIN_CHARS = 50
SHINGLE = DUPLICATE_MIN_RUN  # the n-gram length of the measure, and of the finder's shingles

NAME_MARK = "\ue000"  # a masked unit or region name
NUMBER_MARK = "\ue001"  # a masked number (years included)

# Organ words after a place's name: 柳湾镇人民政府 → 柳湾镇 (the place alone is masked too).
_ORGAN_SUFFIXES = ("人民政府办公室", "人民政府", "街道办事处", "办事处", "管理委员会", "管委会")
# Arabic numbers (any script's digits) and runs of Chinese numerals (十二, 二〇二四, 两).
_NUMBER = re.compile(r"\d+|[〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟]+")
# Everything that is not a letter, a digit or a mark: whitespace, punctuation, symbols, underscore.
_NOISE = re.compile(rf"[^\w{NAME_MARK}{NUMBER_MARK}]|_")
_RUNS = re.compile(rf"({NAME_MARK}|{NUMBER_MARK})\1+")


@lru_cache(maxsize=4096)
def name_variants(unit: str | None) -> tuple[str, ...]:
    """The names that stand for a unit in its own text, longest first.

    ``临泉县柳湾镇人民政府`` → the whole name, ``柳湾镇人民政府``, ``柳湾镇``, ``临泉县``, ``阜阳市``,
    ``阜阳``, ``安徽省``, ``安徽``. Names of one character are left alone (they are ordinary words).
    """
    name = "".join((unit or "").split())
    if not name:
        return ()
    located = divisions.locate(name)
    found = {name, located.matched}
    rest = name[len(located.matched):]
    for whole in (name, rest):
        found.add(whole)
        for suffix in _ORGAN_SUFFIXES:
            if whole.endswith(suffix):
                found.add(whole[: -len(suffix)])
                break
    chain: list[divisions.Division] = list(located.candidates)
    at = located.division
    while at is not None:
        chain.append(at)
        at = divisions.division(at.parent) if at.parent else None
    for d in chain:
        found.add(d.name)
        short = divisions.short_name(d)
        if short:
            found.add(short)
    return tuple(sorted((n for n in found if len(n) >= 2), key=lambda n: (-len(n), n)))


def mask(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with the names (longest first) and numbers masked, whitespace and punctuation removed."""
    for n in sorted(set(names), key=len, reverse=True):
        if n in text:
            text = text.replace(n, NAME_MARK)
    text = _NUMBER.sub(NUMBER_MARK, text)
    text = _NOISE.sub("", text)
    return _RUNS.sub(r"\1", text)


@lru_cache(maxsize=8192)
def _masked_own(text: str, unit: str | None) -> str:
    return mask(text, name_variants(unit))


def _masked_for(text: str, unit: str | None, other: str | None) -> str:
    """``text`` masked with its unit's and ``other``'s names; the other's names rarely occur in it, and
    then the text masked with its own (the same for every pair it is in) is the same string.
    """
    theirs = name_variants(other)
    if any(n in text for n in theirs):
        return mask(text, name_variants(unit) + theirs)
    return _masked_own(text, unit)


def masked_sections(sections: Mapping[int, str], unit: str | None, other: str | None = None) -> dict[int, str]:
    """The compared sections of a report, masked with its unit's names (and ``other``'s, for a pair);
    a section shorter than :data:`COPY_MIN_CHARS` masked characters is left out.
    """
    names = name_variants(unit) + name_variants(other)
    out = {}
    for n in COPY_SECTIONS:
        text = sections.get(n)
        if text:
            m = mask(text, names)
            if len(m) >= COPY_MIN_CHARS:
                out[n] = m
    return out


def section_shares(
    sections: Mapping[int, str], unit: str | None, other_sections: Mapping[int, str], other_unit: str | None
) -> dict[int, tuple[float, float]]:
    """For each section both reports have (long enough): the share of this report's masked text covered
    by the other's, and the share of the other's covered by this one's.

    Both texts are masked with both units' names, so a copy that kept the other unit's name (or wrote
    its own where the other wrote its own) reads the same.
    """
    out = {}
    for n in COPY_SECTIONS:
        shares = pair_shares(sections.get(n) or "", unit, other_sections.get(n) or "", other_unit)
        if shares is not None:
            out[n] = shares
    return out


def pair_shares(text: str, unit: str | None, other_text: str, other_unit: str | None) -> tuple[float, float] | None:
    """One section of two reports: (share of ``text`` covered by ``other_text``, the converse), both masked
    with both units' names; None when either is shorter than :data:`COPY_MIN_CHARS` masked characters.
    """
    mine, theirs = _masked_for(text, unit, other_unit), _masked_for(other_text, other_unit, unit)
    if len(mine) < COPY_MIN_CHARS or len(theirs) < COPY_MIN_CHARS:
        return None
    return copied_shares(mine, theirs)


__all__ = ["COPY_MIN_CHARS", "COPY_SECTIONS", "COPY_THRESHOLD", "NAME_MARK", "NUMBER_MARK", "SHINGLE", "copied_share",
           "mask", "masked_sections", "name_variants", "pair_shares", "section_shares"]
