"""Evaluating ``sum(lhs) = sum(rhs)`` with blanks, under the conventions of spec §4.0.

All operands known → exact comparison. Otherwise, when every known operand is ≥ 0 and one side
is fully known, the identity FAILs if the known part of the other side already exceeds it (a
"bound violation": nulls are ≥ 0). Exactly one null operand gives an implied value, which is
reported and never written back. Reported totals are never recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import Outcome, Report


@dataclass(slots=True, init=False)  # explicit __init__: compiled by mypyc (see model/report.py)
class IdentityResult:
    """Outcome of one identity on one report."""

    outcome: Outcome
    lhs: int | Decimal | None  # full sum, None when a term is null
    rhs: int | Decimal | None
    lhs_known: int | Decimal
    rhs_known: int | Decimal
    nulls: list[str]
    bound: bool  # FAIL decided on known parts only
    implied: tuple[str, int | Decimal] | None  # (cell id, solved value)

    def __init__(
        self,
        outcome: Outcome,
        lhs: int | Decimal | None,
        rhs: int | Decimal | None,
        lhs_known: int | Decimal,
        rhs_known: int | Decimal,
        nulls: list[str],
        bound: bool = False,
        implied: tuple[str, int | Decimal] | None = None,
    ) -> None:
        self.outcome = outcome
        self.lhs = lhs
        self.rhs = rhs
        self.lhs_known = lhs_known
        self.rhs_known = rhs_known
        self.nulls = nulls
        self.bound = bound
        self.implied = implied

    @property
    def diff(self) -> int | Decimal | None:
        """Return lhs − rhs when both are known."""
        if self.lhs is None or self.rhs is None:
            return None
        return self.lhs - self.rhs


def evaluate(report: Report, lhs: tuple[str, ...], rhs: tuple[str, ...]) -> IdentityResult:
    """Evaluate one identity on the report's cells."""
    cells = report.cells
    # Fast path, the usual case: every operand a known int. A null operand makes sum() raise
    # TypeError and a Decimal gives a Decimal sum: both take the loop below. Ints compare without
    # raising, so skipping its sign test changes nothing; the sums are the ones it computes.
    lk: Any
    rk: Any  # Any: the generic sum(), whose TypeError on None is the test (also when compiled)
    try:
        lk, rk = sum([cells[i].value for i in lhs]), sum([cells[i].value for i in rhs])
    except TypeError:
        pass
    else:
        if type(lk) is int and type(rk) is int:
            return IdentityResult(Outcome.PASS if lk == rk else Outcome.FAIL, lk, rk, lk, rk, [])
    lk = rk = 0
    lnull: list[str] = []
    rnull: list[str] = []
    negative = False
    for ids, nulls, side in ((lhs, lnull, 0), (rhs, rnull, 1)):
        total: int | Decimal = 0
        for i in ids:
            v = cells[i].value
            if v is None:
                nulls.append(i)
            else:
                total += v
                if v < 0:
                    negative = True
        if side == 0:
            lk = total
        else:
            rk = total
    nulls = lnull + rnull
    if not nulls:
        return IdentityResult(Outcome.PASS if lk == rk else Outcome.FAIL, lk, rk, lk, rk, [])
    res = IdentityResult(Outcome.NOT_ASSESSABLE, None if lnull else lk, None if rnull else rk, lk, rk, nulls)
    if negative:
        return res
    if (not lnull and rk > lk) or (not rnull and lk > rk):
        res.outcome = Outcome.FAIL
        res.bound = True
        return res
    if len(nulls) == 1:
        solved = (rk - lk) if lnull else (lk - rk)
        res.implied = (nulls[0], solved)
    return res
