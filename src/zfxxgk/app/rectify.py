"""The rectification loop: confirmed finding → 整改 item → the unit's new version → re-checked → closed or reopened;
and the report-level verdict (通过 / 退回修改 with reasons).

Every door that stores a report (upload, 提交报送, collection, import) goes through ``app.ingest``, which
calls :func:`settle_quietly` once its reports are written and checked; a change of a unit's current
version (``app.versions``) does too. So an item closes itself when the unit's corrected report no longer
has the finding, and opens again when a later version brings it back — no reviewer has to look.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..store import Store, StoreError
from ..store import rectify as records
from ..store.rectify import OPEN, STATUS_CN, VERDICT_CN, Change, Item, Verdict

log = logging.getLogger(__name__)

# what a user may type for a status or a verdict (Chinese or the stored value)
STATUS_WORDS = {**{v: k for k, v in STATUS_CN.items()}, **{k: k for k in STATUS_CN}}
VERDICT_WORDS = {**{v: k for k, v in VERDICT_CN.items()}, **{k: k for k in VERDICT_CN}, "退回": "return"}


def status_value(word: str) -> str:
    """The stored status a user's word names (待整改/整改中/已整改/未整改, or pending…); ValueError otherwise."""
    found = STATUS_WORDS.get(word.strip())
    if found is None:
        raise ValueError(f"整改状态应为：{'、'.join(STATUS_CN.values())}")
    return found


def verdict_value(word: str) -> str:
    """The stored verdict a user's word names (通过 / 退回修改, or pass / return); ValueError otherwise."""
    found = VERDICT_WORDS.get(word.strip())
    if found is None:
        raise ValueError("报告审核结论应为：通过、退回修改")
    return found


def parse_date(text: str | None) -> dt.date | None:
    """A due date typed as YYYY-MM-DD (empty: none); ValueError in Chinese otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期应写成 年-月-日（如 2025-06-30）：{text}") from None


def create(store: Store, report_id: int, fingerprint: str, actor: str, responsible: str = "",
           due_on: dt.date | None = None, note: str = "") -> Item:
    """列入整改: a confirmed finding of the report becomes an item of its unit and year."""
    return records.create_item(store, report_id, fingerprint, actor, responsible, due_on, note)


def set_status(store: Store, item_id: int, status: str, actor: str, note: str = "",
               responsible: str | None = None, due_on: dt.date | None = None) -> Item:
    """Set an item's status by hand (a status the next re-check contradicts is settled again then)."""
    return records.set_status(store, item_id, status, actor, note, responsible, due_on)


def settle(store: Store, years: Iterable[int] | None = None) -> list[Change]:
    """Re-check the items of the years (all: None) against their units' current report versions."""
    return records.settle(store, years)


def settle_quietly(store: Store, years: Iterable[int] | None) -> list[Change]:
    """:func:`settle` after an import: the reports are stored already, so a failure is logged, not raised
    (the next import or ``zfxxgk rectify check`` settles the items).
    """
    try:
        return settle(store, years)
    except Exception:  # noqa: BLE001 - the import itself is complete
        log.warning("整改事项未能复查（下次导入或运行 zfxxgk rectify check 时复查）", exc_info=True)
        return []


def item(store: Store, item_id: int) -> Item:
    """One item with its history."""
    return records.item(store, item_id)


def items(store: Store, **kw) -> list[Item]:
    """Items (see ``store.rectify.items``)."""
    return records.items(store, **kw)


def default_reasons(store: Store, report_id: int) -> list[str]:
    """The reasons of a 退回修改 nobody wrote: the open items of the report's unit and year, else its
    confirmed findings.
    """
    found = [f"{i.message}（整改期限：{i.due_on.isoformat() if i.due_on else '未定'}）"
             for i in records.items(store, report_id=report_id, open_only=True)]
    if not found:
        found = [f.message for f, d in store.findings(report_id) if d is not None and d.decision == "confirmed"]
    return found


def decide(store: Store, report_id: int, verdict: str, reasons: Sequence[str], reviewer: str) -> Verdict:
    """Record 通过 or 退回修改 on a report version; a 退回修改 without reasons takes :func:`default_reasons`."""
    verdict = verdict_value(verdict) if verdict not in VERDICT_CN else verdict
    kept = [r.strip() for r in reasons if r.strip()]
    if verdict == "pass" and (waiting := records.items(store, report_id=report_id, open_only=True)):
        # 通过 while the unit still owes corrections would tell the unit it is done
        raise StoreError(f"该单位本年度尚有{len(waiting)}项整改未完成（如“{waiting[0].message[:30]}”），"
                         "请先复查或关闭整改事项，或选择退回修改")
    if verdict == "return" and not kept:
        kept = default_reasons(store, report_id)
        if not kept:
            raise StoreError("退回修改必须写明原因（该报告没有待整改事项或已确认的问题可作为原因）")
    return records.set_verdict(store, report_id, verdict, kept, reviewer)


@dataclass(frozen=True, slots=True)
class Panel:
    """What the report page shows of the loop: the verdict, the unit-year's items, the findings that may
    become items.
    """

    verdict: Verdict | None  # of this report version
    history: list[Verdict]  # of this version, oldest first
    earlier: Verdict | None  # the latest verdict of another version of the unit-year (when this has none)
    items: list[Item]
    eligible: set[str] = field(default_factory=set)  # fingerprints: confirmed, present, not an item yet

    @property
    def open_items(self) -> list[Item]:
        """The items still waiting."""
        return [i for i in self.items if i.status in OPEN]


def panel(store: Store, report_id: int) -> Panel:
    """The report page's 整改与审核结论 panel."""
    versions = [v.report_id for v in store.versions(report_id)]
    all_verdicts = records.verdicts(store, versions)
    mine = all_verdicts.get(report_id, [])
    others = sorted((v for rid, vs in all_verdicts.items() if rid != report_id for v in vs), key=lambda v: v.decided_at)
    found = records.items(store, report_id=report_id)
    tracked = {i.fingerprint for i in found}
    eligible = {f.fingerprint for f, d in store.findings(report_id)
                if d is not None and d.decision == "confirmed" and f.fingerprint not in tracked}
    return Panel(mine[-1] if mine else None, mine, others[-1] if others and not mine else None, found, eligible)
