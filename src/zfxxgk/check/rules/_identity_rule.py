"""Turning an identity ``sum(lhs) = sum(rhs)`` into findings: shared by the table-3 and table-4 rules.

:func:`judge_identity` yields one PASS / NOT_ASSESSABLE / FAIL finding for an identity rule
instance; :func:`implied_findings` yields the info findings of an ``*-IMPLIED`` rule (one per
cell that exactly one identity can solve). Both follow spec §4.0 through
:func:`zfxxgk.check.identity.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ...model import Finding, Outcome, Report
from ...model.evidence import Evidence
from ...model.numbers import json_number
from ..identity import IdentityResult, evaluate
from ..registry import Emit, run_memo, show

Identity = tuple[str, tuple[str, ...], tuple[str, ...]]  # (rule instance, lhs cells, rhs cells)


def evaluated(report: Report, lhs: tuple[str, ...], rhs: tuple[str, ...]) -> IdentityResult:
    """:func:`evaluate`, once per run: an identity rule and the ``*-IMPLIED`` rule share the result."""
    memo = run_memo(report)
    key = ("identity", lhs, rhs)
    res = memo.get(key)
    if res is None:
        res = memo[key] = evaluate(report, lhs, rhs)
    return res


def family_results(report: Report, family: str, identities: Iterable[Identity]) -> dict[str, IdentityResult]:
    """Every identity of a family (``"T3"``, ``"T4"``) evaluated at once per run, by rule instance.

    Most instances pass: one compiled pass over all of them, and each instance's rule function
    reading its result, costs less than each instance evaluating its own. The results are the
    ones :func:`evaluated` gives (the same memo entries), so the ``*-IMPLIED`` rules share them.
    """
    memo = run_memo(report)
    key = ("family", family)
    found = memo.get(key)
    if found is None:
        found = memo[key] = {instance: evaluated(report, lhs, rhs) for instance, lhs, rhs in identities}
    return found


def cell_value(report: Report, cell_id: str) -> str:
    """A cell's value for a message (“空白” when null)."""
    return show(report.cells[cell_id].value)


def side_sum(total: object, known: object) -> str:
    """A side's sum for a message: exact, or “≥known” when a term is blank."""
    return show(total) if total is not None else f"≥{known}"


def identity_evidence(report: Report, lhs: tuple[str, ...], rhs: tuple[str, ...], res: IdentityResult) -> Evidence:
    """Formula (ids and values), expected/actual/diff, bound flag and every operand cell."""
    def values(ids: tuple[str, ...]) -> str:
        return " + ".join(cell_value(report, i) for i in ids)

    return {
        "formula": " + ".join(lhs) + " = " + " + ".join(rhs),
        "instantiated": values(lhs) + " = " + values(rhs),
        # a fractional count (VAL-NONINTEGER) is a Decimal: evidence must stay JSON
        "expected": json_number(res.lhs) if res.lhs is not None else f">={res.lhs_known}",
        "actual": json_number(res.rhs) if res.rhs is not None else f">={res.rhs_known}",
        "diff": json_number(res.diff),
        "bound": res.bound,
        "cells": [report.cells[i].to_dict() for i in (*lhs, *rhs)],
    }


def judge_identity(
    report: Report,
    emit: Emit,
    lhs: tuple[str, ...],
    rhs: tuple[str, ...],
    res: IdentityResult | None = None,
    **fields: Any,
) -> Iterator[Finding]:
    """PASS, NOT_ASSESSABLE (missing = the null operands) or FAIL with the message filled.

    Besides the rule's own ``fields`` the message may use ``lhs``/``rhs`` (the two sums, “≥n”
    when a term is null) and ``d`` (the absolute difference, “至少n” for a bound violation).
    """
    if res is None:
        res = evaluated(report, lhs, rhs)
    if res.outcome is Outcome.PASS:
        yield emit.passed()
    elif res.outcome is Outcome.NOT_ASSESSABLE:
        yield emit.not_assessable(missing=res.nulls, cells=lhs + rhs)
    else:
        d = res.diff if res.diff is not None else "至少" + str(abs(res.lhs_known - res.rhs_known))
        yield emit.fail(
            cells=lhs + rhs,
            evidence=identity_evidence(report, lhs, rhs, res),
            lhs=side_sum(res.lhs, res.lhs_known),
            rhs=side_sum(res.rhs, res.rhs_known),
            d=d if isinstance(d, str) else abs(d),
            **fields,
        )


def judge_total(
    report: Report, emit: Emit, lhs: tuple[str, ...], rhs: tuple[str, ...], **fields: Any
) -> Iterable[Finding]:
    """:func:`judge_identity` for ``total = Σ parts`` (lhs = the total cell).

    The message may also use ``s`` (the parts' sum, “≥n” when a part is null) and ``t`` (the total).
    A pass is returned as no findings at all (the runner yields the plain pass), without a generator.
    """
    res = evaluated(report, lhs, rhs)
    done = settled(emit, lhs, rhs, res)
    if done is not None:
        return done
    return judge_identity(
        report, emit, lhs, rhs, res, s=side_sum(res.rhs, res.rhs_known), t=cell_value(report, lhs[0]), **fields
    )


def settled(emit: Emit, lhs: tuple[str, ...], rhs: tuple[str, ...], res: IdentityResult) -> tuple[Finding, ...] | None:
    """What :func:`judge_identity` yields for a pass (nothing: the runner's plain pass) or a
    not-assessable identity, without its generator and message fields; None for a failure.
    """
    if res.outcome is Outcome.PASS:
        return ()
    if res.outcome is Outcome.NOT_ASSESSABLE:
        return (emit.not_assessable(missing=res.nulls, cells=lhs + rhs),)
    return None


def implied_findings(
    report: Report, emit: Emit, family: str, identities: Iterable[Identity], label: Callable[[str], str]
) -> Iterator[Finding]:
    """One info finding per cell solved by an identity with exactly one null operand.

    Implied values come from reported values only (no chaining) and are never written back.
    ``label`` names the cell in the message.
    """
    implied: dict[str, list[tuple[str, object]]] = {}
    for instance, res in family_results(report, family, identities).items():
        if res.implied is not None:
            cell_id, v = res.implied
            implied.setdefault(cell_id, []).append((instance, v))
    for cell_id, found in implied.items():
        values = sorted({str(v) for _, v in found})
        rules = "、".join(i for i, _ in found)
        yield emit.fail(
            cells=[cell_id],
            excerpt=cell_id,
            evidence={
                "implied": {i: v for i, v in found},
                "agree": len(values) == 1,
                "cells": [report.cells[cell_id].to_dict()],
            },
            cell=label(cell_id),
            rule=rules,
            v="或".join(values),
        )
