"""The other collected files of a report — what its address gave before it changed, and the same report
found at another address — for the publication rule (PUB-MODIFIED). The collector records them
(store/collecting.py); a report that was not collected has none.
"""

from __future__ import annotations

from ..check import EarlierCopy
from ..store import Store
from ..store.collecting import copies_of


def earlier_of(store: Store, report_id: int) -> tuple[EarlierCopy, ...] | None:
    """The report's other collected files as the check context wants them (None: none known)."""
    copies = copies_of(store, report_id)
    if not copies:
        return None
    return tuple(EarlierCopy(store.load(c.report_id), c.url, c.same_address,
                             c.fetched_at.isoformat(timespec="seconds") if c.fetched_at else None, c.report_id)
                 for c in copies)


__all__ = ["earlier_of"]
