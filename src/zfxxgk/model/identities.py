"""The tables' arithmetic identities (spec §4.4–4.5), as (left cells, right cells): Σ left = Σ right.

One definition shared by the checker (T3-BALANCE/OUTCOMES/ROWSUM, T4-SUM), the online filing form
(its computed totals) and anything else that must agree with them.
"""

from __future__ import annotations

from functools import cache

from .ids import OUTCOME_ROWS, T3_APPLICANT_COLUMNS, T4_PARTS, t3, t4

Identity = tuple[tuple[str, ...], tuple[str, ...]]


@cache
def balance_identity(c: str) -> Identity:
    """Table 3: new_received + carried_over = total_processed + carried_forward, column c."""
    return (t3("new_received", c), t3("carried_over", c)), (t3("total_processed", c), t3("carried_forward", c))


@cache
def outcomes_identity(c: str) -> Identity:
    """Table 3: total_processed = Σ of the 21 outcome rows, column c."""
    return (t3("total_processed", c),), tuple(t3(r, c) for r in OUTCOME_ROWS)


@cache
def rowsum_identity(r: str) -> Identity:
    """Table 3: row total = Σ of the six applicant columns, row r."""
    return (t3(r, "total"),), tuple(t3(r, c) for c in T3_APPLICANT_COLUMNS)


@cache
def sum_identity(b: str) -> Identity:
    """Table 4: block total = upheld + corrected + other + pending, block b."""
    return (t4(b, "total"),), tuple(t4(b, c) for c in T4_PARTS)
