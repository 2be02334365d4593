"""Review: corrections (a new version of the cells, then the checks again) and review decisions.

A correction changes what the neighbouring year's cross-year rules read (this year's 结转下年度 is
next year's 上年结转), so when the corrected report is the current one of its unit and year, the
following year's current report is checked again too.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..check import CheckResult
from ..model import CELL, CELL_IDS, Decision
from ..store import Store, StoreError
from ..store.reviewing import awaits_decision
from .ingest import recheck
from .versions import _resettle

# The words a reviewer may write for a decision (the stored values and their Chinese names).
DECISION_WORDS: dict[str, str] = {
    **{d.value: d.value for d in Decision},
    "确认": Decision.CONFIRMED.value,
    "驳回": Decision.REJECTED.value,
}


def decision_value(word: str) -> str:
    """The stored decision for a word (``confirmed``/``确认``, ``rejected``/``驳回``).

    Raises ValueError with a Chinese message naming the closest words when the word is none of them.
    """
    w = word.strip()
    found = DECISION_WORDS.get(w) or DECISION_WORDS.get(w.lower())
    if found is not None:
        return found
    close = difflib.get_close_matches(w.lower(), list(DECISION_WORDS), n=2, cutoff=0.5)
    hint = f"，是否想写：{'、'.join(close)}？" if close else ""
    raise ValueError(f"未知的审核结论：{w or '（空）'}{hint}（可写 确认/confirmed 或 驳回/rejected）")


def unknown_cells(cell_ids: list[str]) -> list[str]:
    """Why each cell id that names no canonical cell is refused (with the closest ids), in Chinese."""
    problems = []
    for cid in cell_ids:
        if cid in CELL:
            continue
        close = difflib.get_close_matches(cid.strip().lower(), CELL_IDS, n=3, cutoff=0.6)
        hint = f"，是否想写：{'、'.join(close)}？" if close else "；运行 zfxxgk cells 查看全部单元格编号。"
        problems.append(f"没有这样的单元格：{cid or '（空）'}{hint}")
    return problems


BLANK_WORDS = ("", "空", "空白", "null")  # what a reviewer writes for “this cell is blank”


def parse_value(raw: str) -> int | Decimal | None:
    """A corrected value as written by a reviewer: a number (``12``, ``0.5``, ``1,234``), or 空 for blank.

    Raises ValueError with a Chinese message when it is neither.
    """
    text = raw.strip().replace(",", "").replace("，", "")
    if text in BLANK_WORDS:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"无效的数值：{raw.strip()}（应为数字，空白写“空”）") from None
    if not value.is_finite():
        raise ValueError(f"无效的数值：{raw.strip()}（应为数字，空白写“空”）")
    return int(value) if value == value.to_integral_value() else value


@dataclass(frozen=True, slots=True)
class Corrected:
    """A correction's new version, the report's new check result and the other reports checked again."""

    version: int
    result: CheckResult
    rechecked: list[int]


def correct(store: Store, report_id: int, changes: dict[str, int | Decimal | None], author: str,
            reason: str) -> Corrected:
    """Write the corrected cells as a new version (the earlier ones stay), then check again."""
    version = store.correct(report_id, changes, author, reason)
    result = recheck(store, report_id)
    current = any(v.current for v in store.versions(report_id) if v.report_id == report_id)
    others = [r for r in _resettle(store, report_id) if r != report_id] if current else []
    return Corrected(version, result, others)


def decide(store: Store, report_id: int, fingerprint: str, decision: str, reviewer: str, comment: str = "") -> None:
    """Record 确认 or 驳回 on a finding; it follows the finding through its fingerprint across re-checks.

    ``decision`` may be the stored value or its Chinese word (:func:`decision_value`).
    """
    try:
        value = decision_value(decision)
    except ValueError as e:
        raise StoreError(str(e)) from None
    store.review(report_id, fingerprint, value, reviewer, comment)


def decide_pending(store: Store, report_id: int, decision: str, reviewer: str, comment: str = "") -> int:
    """Record the same 确认 or 驳回 on every finding of the report that awaits a decision (待复核:
    ``store.reviewing.awaits_decision`` — an error or warning of the current version without one); each
    through :func:`decide`, so the history is the same as one by one. Returns how many were recorded.
    """
    try:
        decision_value(decision)  # an unknown word is refused before anything is written
    except ValueError as e:
        raise StoreError(str(e)) from None
    # one decision per fingerprint: it follows the finding (dict.fromkeys keeps the order)
    waiting = list(dict.fromkeys(f.fingerprint for f, d in store.findings(report_id)
                                 if awaits_decision(f.severity, d.decision if d is not None else None)))
    for fingerprint in waiting:
        decide(store, report_id, fingerprint, decision, reviewer, comment)
    return len(waiting)
