"""Unit types (spec §4.8): who the reporting organ is decides its legal deadline."""

from __future__ import annotations

import re
from enum import StrEnum


class UnitType(StrEnum):
    """县级以上人民政府部门 / 本级人民政府 / 乡镇人民政府、街道办事处."""

    DEPARTMENT = "department"
    GOVERNMENT = "government"
    TOWNSHIP = "township"

    @property
    def cn(self) -> str:
        """Chinese name used in messages."""
        return {"department": "政府部门", "government": "人民政府", "township": "乡镇（街道）"}[self.value]


_TOWNSHIP = re.compile(r"(?:乡|镇|街道办事处|街道)(?:人民政府)?$")
_GOVERNMENT = re.compile(r"(?:省|市|县|区|旗|州|盟|自治区|自治州|自治县)人民政府$")


def infer_unit_type(name: str | None) -> UnitType | None:
    """Unit type from the organ's name (catalogue metadata, when present, takes precedence)."""
    if not name:
        return None
    n = "".join(name.split())
    if _TOWNSHIP.search(n):
        return UnitType.TOWNSHIP
    if _GOVERNMENT.search(n) and not n.endswith("办公室"):
        return UnitType.GOVERNMENT
    return UnitType.DEPARTMENT


def normalise_unit(name: str | None) -> str:
    """A unit name for matching the same unit across years: no whitespace or brackets."""
    return re.sub(r"[\s（）()“”\"]", "", name or "")
