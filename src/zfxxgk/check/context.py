"""What a rule may know beyond the report: settings, the same unit's previous-year report and the
other units' reports of the same year that its text overlaps.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from ..model import Report, Severity
from ..model.units import UnitType


class Deadline(BaseModel):
    """Publication deadline for report year N: month/day of year N+1, with its legal source."""

    model_config = ConfigDict(frozen=True)

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    severity: Severity = Severity.WARNING
    source: str = ""

    def for_year(self, year: int) -> dt.date | None:
        """The deadline for report year ``year`` (None for an impossible year).

        A day past the month's end means the month's last day (a 02-29 setting in a common year).
        """
        y = year + 1
        if not dt.MINYEAR <= y <= dt.MAXYEAR:
            return None
        return dt.date(y, self.month, min(self.day, calendar.monthrange(y, self.month)[1]))


def _default_deadlines() -> dict[UnitType, Deadline]:
    law = "《政府信息公开条例》第四十九条"
    return {
        UnitType.DEPARTMENT: Deadline(month=1, day=31, severity=Severity.WARNING, source=law),
        UnitType.GOVERNMENT: Deadline(month=3, day=31, severity=Severity.WARNING, source=law),
        # 第四十九条 names no deadline for 乡镇/街道; local notices differ (spec §4.8, S6).
        UnitType.TOWNSHIP: Deadline(month=1, day=31, severity=Severity.INFO, source="默认值（条例未规定乡镇、街道时限）"),
        # 管委会 and 垂直管理部门 publish as the government departments do (第四十九条's 部门 deadline)
        UnitType.ZONE: Deadline(month=1, day=31, severity=Severity.WARNING, source=f"{law}（按政府部门）"),
        UnitType.VERTICAL: Deadline(month=1, day=31, severity=Severity.WARNING, source=f"{law}（按政府部门）"),
    }


class CheckSettings(BaseModel):
    """Evaluator settings (validated): deadlines per unit type and an optional unit-type override."""

    model_config = ConfigDict(frozen=True)

    deadlines: dict[UnitType, Deadline] = Field(default_factory=_default_deadlines)
    unit_type: UnitType | None = None  # catalogue metadata, when the collector knows it


DEFAULT_SETTINGS = CheckSettings()


@dataclass(frozen=True, slots=True)
class PeerCopy:
    """Another unit's report of the same year whose text covers one section of this report.

    ``share`` is the measure of ``check.copying``: the share of this report's section (masked) covered
    by the other report's same section.
    """

    section: int
    unit: str
    share: float
    report_id: int | None = None
    source: str = ""
    year: int | None = None


@dataclass(frozen=True, slots=True)
class EarlierCopy:
    """Another file of this report fetched from where it is published: earlier from the same address
    (the report was changed after publication), or from another address (a second copy).
    """

    report: Report
    url: str
    same_address: bool
    fetched_at: str | None = None  # ISO date-time of that earlier fetch
    report_id: int | None = None


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Passed to rules that declare a ``ctx`` parameter."""

    settings: CheckSettings = field(default_factory=lambda: DEFAULT_SETTINGS)
    previous: Report | None = None  # the same unit's report for year N−1, when known
    # Other units' reports of the same year that cover a section of this one (the corpus finder's
    # matches above the threshold); None: not compared with the year's other reports, () : compared, none.
    peers: tuple[PeerCopy, ...] | None = None
    # The other collected copies of this report (a collector's records; None: not collected, or one copy only)
    earlier: tuple[EarlierCopy, ...] | None = None
