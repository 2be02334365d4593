"""Unit types (spec §4.8): who the reporting organ is decides its legal deadline."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache


class UnitType(StrEnum):
    """县级以上人民政府部门 / 本级人民政府 / 乡镇人民政府、街道办事处 / 开发区、功能区管委会 / 垂直管理部门."""

    DEPARTMENT = "department"
    GOVERNMENT = "government"
    TOWNSHIP = "township"
    ZONE = "zone"
    VERTICAL = "vertical"

    @property
    def cn(self) -> str:
        """Chinese name used in messages."""
        return _CN[self.value]


_CN = {"department": "政府部门", "government": "人民政府", "township": "乡镇（街道）", "zone": "开发区/功能区管委会",
       "vertical": "垂直管理部门"}

# What a registry's 单位类型 column may say (unit registry template, docs/registry.md).
TYPE_LABELS: dict[str, UnitType] = {
    "人民政府": UnitType.GOVERNMENT, "省级人民政府": UnitType.GOVERNMENT, "市级人民政府": UnitType.GOVERNMENT,
    "县级人民政府": UnitType.GOVERNMENT, "乡镇人民政府": UnitType.TOWNSHIP, "街道办事处": UnitType.TOWNSHIP,
    "乡镇（街道）": UnitType.TOWNSHIP, "乡镇人民政府/街道办事处": UnitType.TOWNSHIP, "政府部门": UnitType.DEPARTMENT,
    "开发区/功能区管委会": UnitType.ZONE, "开发区管委会": UnitType.ZONE, "功能区管委会": UnitType.ZONE,
    "管委会": UnitType.ZONE, "垂直管理部门": UnitType.VERTICAL,
}

_TOWNSHIP = re.compile(r"(?:乡|镇|街道办事处|街道)(?:人民政府)?$")
_GOVERNMENT = re.compile(r"(?:省|市|县|区|旗|州|盟|自治区|自治州|自治县)人民政府$")
_ZONE = re.compile(r"(?:开发区|园区|新区|功能区|试验区|示范区|合作区|保税区)?(?:管委会|管理委员会)$")


def infer_unit_type(name: str | None) -> UnitType | None:
    """Unit type from the organ's name (catalogue metadata, when present, takes precedence)."""
    if not name:
        return None
    n = "".join(name.split())
    if _ZONE.search(n):
        return UnitType.ZONE
    if _TOWNSHIP.search(n):
        return UnitType.TOWNSHIP
    if _GOVERNMENT.search(n) and not n.endswith("办公室"):
        return UnitType.GOVERNMENT
    return UnitType.DEPARTMENT


_UNIT_NOISE = re.compile(r"[\s（）()“”\"]")


@lru_cache(maxsize=16384)  # the same few names again and again: every pair, key and peer of a batch
def normalise_unit(name: str | None) -> str:
    """A unit name for matching the same unit across years: no whitespace or brackets."""
    return _UNIT_NOISE.sub("", name or "")


# GB 32100-2015 统一社会信用代码: 18 characters of this alphabet (no I, O, S, V, Z), the last a check
# character; characters 3–8 are the registering authority's division code.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_error(code: str) -> str | None:
    """Why a 统一社会信用代码 is not one (in Chinese), or None when its form and check character hold."""
    if len(code) != 18:
        return f"应为 18 位（收到 {len(code)} 位）"
    bad = [c for c in code if c not in _CREDIT_ALPHABET]
    if bad:
        return f"含有不允许的字符“{bad[0]}”"
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    check = _CREDIT_ALPHABET[(31 - total % 31) % 31]
    if code[17] != check:
        return f"校验位应为“{check}”"
    return None


def credit_division(code: str) -> str:
    """The division code inside a 统一社会信用代码 (its characters 3–8)."""
    return code[2:8]


# A portal's 索引号 is ``<the publishing organ's 统一社会信用代码>/<year>-<serial>`` (e.g.
# ``11370725004385523D/2025-00012``); older catalogues use their own organ codes instead.
_INDEX_CREDIT = re.compile(r"^([0-9A-Z]{18})(?![0-9A-Z])")


def index_credit_code(index_no: str | None) -> str | None:
    """The 统一社会信用代码 a 索引号 begins with, or None when it begins with none whose check
    character holds (an older catalogue's own numbering is no credit code, and no guess is made).
    """
    if not index_no:
        return None
    m = _INDEX_CREDIT.match(index_no.strip().upper())
    if m is None or credit_code_error(m.group(1)) is not None:
        return None
    return m.group(1)
