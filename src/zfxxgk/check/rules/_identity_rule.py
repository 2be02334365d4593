"""Turning an identity ``sum(lhs) = sum(rhs)`` into findings: shared by the table-3 and table-4 rules.

:class:`IdentityFamily` holds the identities of one table and judges each rule instance
(:func:`judge_identity` fills a failure's message); :func:`implied_findings` yields the info
findings of an ``*-IMPLIED`` rule (one per cell that exactly one identity can solve). Both follow
spec §4.0 through :func:`zfxxgk.check.identity.evaluate`.
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


class IdentityFamily:
    """The identities of one table (``"T3"``, ``"T4"``), one per rule instance, judged together.

    The family is evaluated once per run, in one compiled loop, the first time one of its rule
    instances asks; each instance then reads its own result. Most identities hold: a passing
    instance costs a dict lookup and yields nothing (the runner's shared plain pass), and the
    message fields are built only for a failure. The rules say what their message needs
    (:meth:`judge`), not how the shortcut works.
    """

    __slots__ = ("name", "identities", "_sides", "_key")

    def __init__(self, name: str, identities: Iterable[Identity]) -> None:
        self.name = name
        self.identities: tuple[Identity, ...] = tuple(identities)
        self._sides: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {i: (lhs, rhs) for i, lhs, rhs in self.identities}
        self._key = ("family", name)

    def sides(self, instance: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(lhs, rhs) cell ids of a rule instance's identity."""
        return self._sides[instance]

    def results(self, report: Report) -> dict[str, IdentityResult]:
        """Every identity's result by rule instance, computed once per run."""
        memo = run_memo(report)
        found: dict[str, IdentityResult] | None = memo.get(self._key)
        if found is None:
            found = {instance: evaluate(report, lhs, rhs) for instance, lhs, rhs in self.identities}
            memo[self._key] = found
        return found

    def judge(
        self,
        report: Report,
        emit: Emit,
        *,
        total: bool = False,
        named: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
        **labels: str,
    ) -> Iterable[Finding]:
        """The findings of ``emit``'s instance: none for a pass, NOT_ASSESSABLE (the null operands
        missing) or FAIL with the message filled.

        Message fields: ``lhs``/``rhs`` (the two sums, “≥n” when a term is null), ``d`` (the
        absolute difference, “至少n” for a bound violation); with ``total`` (identities
        ``total = Σ parts``, the total cell alone on the left) ``s`` (the parts' sum) and ``t``
        (the total); then ``labels`` as given; then ``named``: a field name per operand, left and
        right, for that cell's value (“空白” when null).
        """
        res = self.results(report)[emit.instance]
        if res.outcome is Outcome.PASS:
            return ()
        lhs, rhs = self._sides[emit.instance]
        if res.outcome is Outcome.NOT_ASSESSABLE:
            return (emit.not_assessable(missing=res.nulls, cells=lhs + rhs),)
        fields: dict[str, Any] = {}
        if total:
            fields["s"] = side_sum(res.rhs, res.rhs_known)
            fields["t"] = cell_value(report, lhs[0])
        fields.update(labels)
        for names, ids in zip(named, (lhs, rhs)):
            for name, cell_id in zip(names, ids):
                fields[name] = cell_value(report, cell_id)
        return tuple(judge_identity(report, emit, lhs, rhs, res, **fields))

    def implied(self, report: Report, emit: Emit, label: Callable[[str], str]) -> Iterator[Finding]:
        """The ``*-IMPLIED`` rule's findings over this family (:func:`implied_findings`)."""
        return implied_findings(report, emit, self.results(report), label)


def implied_findings(
    report: Report, emit: Emit, results: dict[str, IdentityResult], label: Callable[[str], str]
) -> Iterator[Finding]:
    """One info finding per cell solved by an identity with exactly one null operand.

    Implied values come from reported values only (no chaining) and are never written back.
    ``label`` names the cell in the message.
    """
    implied: dict[str, list[tuple[str, object]]] = {}
    for instance, res in results.items():
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
