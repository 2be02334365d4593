"""What a user may store: the write-side scope of uploads, online filings and (later) collection.

An administrator stores anything. A reviewer stores reports of the units of their region subtree: a
unit the registry places elsewhere is refused (its statistics are another office's), a unit not yet
in the registry goes into the reviewer's region, and a report whose unit could not be read is
refused (nobody but an administrator could then see it). A filer stores reports of their own unit only.
The refusal names the unit the file is about (the uploader has it in hand), never anything stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from ..model import divisions
from ..model.units import normalise_unit
from .db import Store
from .regions import region_paths, region_subtree
from .schema import Unit
from .users import Account


@dataclass(frozen=True, slots=True)
class Admission:
    """``admit(unit name)`` → None (may store) or the refusal; ``region``: where new units go."""

    admit: Callable[[str | None], str | None] | None
    region: str | None


def admission(store: Store, account: Account, region: str | None = None) -> Admission:
    """The account's write scope; ``region`` (an administrator's choice) places new units."""
    if account.is_admin:
        return Admission(None, region)
    if account.role == "filer":
        own = normalise_unit(account.unit) if account.unit else None

        def admit_own(unit: str | None) -> str | None:
            if own is not None and unit and normalise_unit(unit) == own:
                return None
            return f"报告单位“{unit or '未识别'}”不是您的单位（{account.unit or '未设置单位'}），未导入"

        return Admission(admit_own, None)
    if account.role != "reviewer" or account.region_id is None:
        return Admission(lambda unit: "您的账号没有设置管辖地区，不能导入报告", None)
    with store.session() as s:
        home = region_paths(s).get(account.region_id)
    region_id = account.region_id
    area = divisions.by_path(home) if home else None

    def admit_in_region(unit: str | None) -> str | None:
        if not unit:
            return "未能识别报告的单位，无法确认是否属于您的管辖范围，未导入（请联系管理员）"
        with store.session() as s:
            placed = s.execute(select(Unit.id, Unit.region_id).where(Unit.key == normalise_unit(unit))).first()
            if placed is None:  # a new unit: it goes into the reviewer's region, unless its name says elsewhere
                located = divisions.locate(unit).division
                if area is None or located is None or divisions.within(located, area):
                    return None
            elif placed.region_id is not None and placed.region_id in region_subtree(s, region_id):
                return None
        return f"报告单位“{unit}”不在您的管辖范围（{account.region or ''}）内，未导入"

    return Admission(admit_in_region, home)
